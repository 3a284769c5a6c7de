"""The one boundary to datamodel-code-generator (pinned in pyproject): schema resolution.

What it does for us, used by ``schemas``:
- parses each raw schema into its typed ``JsonSchemaObject`` (``$ref``, ``type``, ``format``,
  ``items``, ``properties``, ``required``, ``allOf``, ``additionalProperties``, ``enum``,
  ``readOnly``, ``discriminator``, and the ``x-*`` keys in ``extras``), so a schema is read
  through typed attributes, and a keyword of the wrong JSON type is an error naming its file and
  JSON pointer (``parse_schema``);
- resolves a ``$ref`` written in one document to its canonical ``document#pointer`` across
  files (``RefResolver``, over its ``ModelResolver``): ``./``, ``../`` and same-file references
  all name a document the same way, relative to the entry's folder.

What it does not do, and stays ours:
- anything Swagger 2.0 adds to JSON Schema: ``discriminator`` as a property name,
  ``x-ms-discriminator-value``, ``x-nullable``, the other ``x-ms-*`` extensions (``schemas``,
  ``normalize``), and ``paths``, parameters and responses (``operations``);
- reading files: ``load`` reads only local files under the spec folder; a remote ``$ref`` is
  given its canonical URL here but never fetched;
- naming: its helpers would rename ``Foo-Bar`` and ``Standard_A2m_v2`` (we keep the spec's
  names), number a repeated class name from 1 (we number from 2) and snake_case ``VMs`` and
  ``$expand`` otherwise than AutoRest, so ``naming`` names classes and fields;
- generating models: as a whole-file generator it reads JSON Schema rather than Swagger 2.0 and
  loses discriminators, inline objects and definitions only another file reaches.

Nothing else imports datamodel-code-generator, so a version bump touches this file only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datamodel_code_generator import Error

# parser.jsonschema is JsonSchemaObject's documented home; it re-exports it without an __all__.
from datamodel_code_generator.parser.jsonschema import JsonSchemaObject  # type: ignore[attr-defined]
from datamodel_code_generator.reference import ModelResolver

from .load import SpecError

__all__ = ["JsonSchemaObject", "RefResolver", "parse_schema"]


def parse_schema(raw: Any, where: str) -> JsonSchemaObject:
    """The typed schema of ``raw``, the JSON found at ``where`` (``document#pointer``).

    A malformed schema raises ``SpecError("<document>#<pointer>: <what>")``, the pointer
    naming the offending keyword (``.../properties/size/readOnly``).
    """
    try:
        schema: JsonSchemaObject = JsonSchemaObject.model_validate(raw)
    except ValueError as exc:  # pydantic's ValidationError
        raise SpecError(_located_error(exc, raw, where)) from exc
    return schema


def _located_error(exc: ValueError, raw: Any, where: str) -> str:
    errors_of = getattr(exc, "errors", None)
    errors: list[dict[str, Any]] = errors_of() if callable(errors_of) else []
    if not errors:
        return f"{where}: not a valid schema ({exc})"
    # A keyword may take several forms (a schema or a boolean, a string or a list): the error
    # that went deepest into the document says what is wrong, and a value that is no JSON
    # object where a schema belongs says it best.
    error = max(
        errors,
        key=lambda e: (len(_pointer(raw, e.get("loc", ()))), e.get("type") == "model_type"),
    )
    pointer = _pointer(raw, error.get("loc", ()))
    if error.get("type") == "model_type":
        return f"{where}{pointer}: expected a schema"
    keyword = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    message = str(error.get("msg", "invalid value"))
    return f"{where}{pointer}: {keyword} is not valid: {message[:1].lower()}{message[1:]}"


def _pointer(raw: Any, loc: tuple[Any, ...]) -> str:
    """The JSON pointer (below ``raw``) of a pydantic error location; the names of the union
    members pydantic tried (``JsonSchemaObject``, ``bool``) are not keys of the document."""
    pointer, node = "", raw
    for token in loc:
        found = isinstance(node, dict) and token in node
        if isinstance(node, list) and isinstance(token, int):
            found = 0 <= token < len(node)
        if found:
            node = node[token]
            pointer += "/" + str(token).replace("~", "~0").replace("/", "~1")
    return pointer


class RefResolver:
    """Canonical ``(document, pointer)`` of the ``$ref``s of the documents under ``root``."""

    def __init__(self, root: Path) -> None:
        self._resolver = ModelResolver(base_path=root)
        self._directories: dict[str, Path] = {}

    def target(self, ref: str, where: str) -> tuple[str, str]:
        """The document (relative to ``root``) and JSON pointer (as written, percent-encoding
        kept) named by ``ref``, the ``$ref`` of the schema at ``where`` (``document#pointer``)."""
        document = where.partition("#")[0]
        directory = self._directories.get(document)
        if directory is None:
            directory = self._directories[document] = self._resolver.document_directory(document)
        try:
            with self._resolver.document_context(document, [document], directory):
                canonical = self._resolver.resolve_ref(ref)
        except Error as exc:  # a fragment that is no JSON pointer ("#name" of a JSON Schema $id)
            raise SpecError(f"{where}/$ref: cannot resolve {ref!r} ({exc})") from exc
        target, _, pointer = canonical.partition("#")
        return target, pointer
