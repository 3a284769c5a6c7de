"""Decisions for the azure-mgmt-compatible parts of generated models, kept out of templates."""

from __future__ import annotations

from dataclasses import dataclass

from .ir import ApiVersion, Field, Model


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


@dataclass(frozen=True)
class PropertiesView:
    """azure-mgmt's ``properties`` object of a model whose fields x-ms-client-flatten hoisted
    out of its wire ``properties``: rendered as a class of typed properties reading and writing
    the model's own fields (see the models template)."""

    name: str
    # (attribute name on the view, the model's field): a field renamed type_properties_type
    # because type clashed with a top-level field is type again on the view, as azure-mgmt
    # names it.
    fields: tuple[tuple[str, Field], ...]


def properties_views(api: ApiVersion) -> dict[str, PropertiesView | None]:
    """For each model, the view of its fields flattened out of ``properties``; ``None`` when it
    has none, already has a ``properties`` field, or the view's name is taken."""
    taken = {m.name for m in api.models} | {e.name for e in api.enums}
    views: dict[str, PropertiesView | None] = {}
    for model in api.models:
        inner = [f for f in model.fields if f.flattened_from == ("properties",)]
        names = {f.python_name for f in inner}
        fields = tuple((_view_name(f, names), f) for f in inner)
        name = f"{model.name}Properties"
        clash = any(f.python_name == "properties" for f in model.fields) or name in taken
        views[model.name] = PropertiesView(name, fields) if fields and not clash else None
    return views


def _view_name(f: Field, names: set[str]) -> str:
    own = f.own_name
    return own if own and own != f.python_name and own not in names else f.python_name
