"""The one boundary to datamodel-code-generator (pinned in pyproject): definitions -> schema models.

datamodel-code-generator resolves ``definitions`` across files (allOf bases, ``$ref`` into other
documents, list/dict item types, inline enums) and names them. It does not read Swagger 2.0
``paths`` or interpret any ``x-ms-*`` extension; those are ours (``operations``, ``normalize``).
Nothing outside this module imports it, so a version bump touches one file.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .load import SpecError, SpecSet

SchemaKind = Literal["primitive", "model", "enum", "list", "dict", "any"]

_PRIMITIVES = {"str": "str", "int": "int", "float": "float", "bool": "bool", "bytes": "str"}


@dataclass(frozen=True)
class SchemaType:
    kind: SchemaKind
    name: str = ""  # primitive name, or the document#pointer of a model/enum
    item: SchemaType | None = None


@dataclass(frozen=True)
class SchemaField:
    wire_name: str
    required: bool
    read_only: bool
    type: SchemaType


@dataclass(frozen=True)
class SchemaModel:
    ref: str  # document#pointer
    class_name: str
    bases: tuple[str, ...]  # refs of allOf bases
    fields: tuple[SchemaField, ...]
    is_enum: bool
    enum_values: tuple[str, ...] = ()


def resolve_definitions(spec: SpecSet) -> dict[str, SchemaModel]:
    """Every model and enum reachable from the entry document's definitions, keyed by ref."""
    parser = _parser(spec.root / spec.entry)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parser.parse_raw()
    results: dict[str, SchemaModel] = {}
    for data_model in parser.results:
        path = data_model.reference.path
        if "#/" not in path:
            continue  # the synthetic root alias datamodel-code-generator adds for the whole file
        ref = _normalize_ref(path)
        is_enum = type(data_model).__name__ == "Enum"
        fields: list[SchemaField] = []
        values: list[str] = []
        for f in data_model.fields:
            if is_enum:
                values.append(_enum_value(f.default, ref))
                continue
            fields.append(
                SchemaField(
                    wire_name=str(f.original_name or f.name),
                    required=bool(f.required),
                    read_only=bool(getattr(f, "read_only", False)),
                    type=_schema_type(f.data_type, ref),
                )
            )
        results[ref] = SchemaModel(
            ref=ref,
            class_name=data_model.class_name,
            bases=tuple(
                _normalize_ref(base.reference.path)
                for base in data_model.base_classes
                if base.reference is not None
            ),
            fields=tuple(fields),
            is_enum=is_enum,
            enum_values=tuple(values),
        )
    return results


def _parser(source: Path) -> Any:
    from datamodel_code_generator import DataModelType, PythonVersion
    from datamodel_code_generator.model import get_data_model_types
    from datamodel_code_generator.parser.jsonschema import JsonSchemaParser

    types = get_data_model_types(DataModelType.DataclassesDataclass, PythonVersion.PY_310)
    return JsonSchemaParser(
        source.resolve(),
        data_model_type=types.data_model,
        data_model_root_type=types.root_model,
        data_model_field_type=types.field_model,
        data_type_manager_type=types.data_type_manager,
        dump_resolve_reference_action=types.dump_resolve_reference_action,
        field_include_all_keys=True,
    )


def _schema_type(data_type: Any, owner: str) -> SchemaType:
    if data_type.reference is not None:
        target = data_type.reference.path
        kind: SchemaKind = "enum" if "#-datamodel-code-generator-#-enum-" in target else "model"
        return SchemaType(kind, _normalize_ref(target))
    if data_type.is_list:
        return SchemaType("list", item=_only_child(data_type, owner))
    if data_type.is_dict:
        return SchemaType("dict", item=_only_child(data_type, owner))
    if data_type.type in _PRIMITIVES:
        return SchemaType("primitive", _PRIMITIVES[data_type.type])
    if data_type.type in (None, "Any") and len(data_type.data_types) == 1:
        return _schema_type(data_type.data_types[0], owner)
    if data_type.type in ("Any", "object") or (data_type.type is None and not data_type.data_types):
        return SchemaType("any")
    raise SpecError(f"{owner}: unsupported schema construct {data_type.type!r}")


def _only_child(data_type: Any, owner: str) -> SchemaType:
    if not data_type.data_types:
        return SchemaType("any")
    if len(data_type.data_types) != 1:
        raise SpecError(f"{owner}: union item types are not supported")
    return _schema_type(data_type.data_types[0], owner)


def _enum_value(default: Any, owner: str) -> str:
    text = str(default)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    raise SpecError(f"{owner}: only string enums are supported, got {text}")


def _normalize_ref(path: str) -> str:
    """datamodel-code-generator marks inline enums with a suffix; keep the property's pointer."""
    base = path.split("#-datamodel-code-generator-#", 1)[0]
    document, _, pointer = base.partition("#")
    return f"{document}#{pointer}"
