"""Decisions for the azure-mgmt-compatible parts of generated models, kept out of templates."""

from __future__ import annotations

from .ir import Model


def nested_model_fields(
    model: Model,
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The fields of ``model`` holding a model, a list of models and a dict of models: where a
    plain dict must be refused at construction (see runtime/model_compat.py)."""
    found: dict[str, list[str]] = {"model": [], "list": [], "dict": []}
    for field in model.fields:
        kind = field.type.kind
        if kind == "model" or (field.type.item is not None and field.type.item.kind == "model"):
            found[kind].append(field.python_name)
    return tuple(found["model"]), tuple(found["list"]), tuple(found["dict"])
