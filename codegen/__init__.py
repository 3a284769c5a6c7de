"""The generator: reads spec/, builds an intermediate model, renders generated/.

Stages, one module each: ``load`` (files and ``$ref``s) -> ``schemas`` (every definition,
inline schema and discriminator, read from the documents; each schema parsed and each ``$ref``
resolved by datamodel-code-generator through ``dcg``) -> ``normalize`` (x-ms-* extensions,
flattening, secrets) -> ``operations`` (paths) -> ``ir`` (the intermediate model) -> ``render``
(Jinja) -> ``format`` (ruff).
"""

__version__ = "0.1.0"
