"""Schema models -> IR models and enums: x-ms-enum, x-ms-client-flatten, readOnly, secrets, allOf.

Decisions made here, so templates never make them:
- allOf bases are merged into the model that uses them (base fields first); a base is emitted as
  a class of its own only when something refers to it directly.
- ``x-ms-client-flatten`` hoists the nested object's fields into the parent; the container model
  is not emitted unless referenced elsewhere. Name clashes get the container's name as prefix.
- A field is read-only if it or any container it is hoisted from is ``readOnly``; read-only
  fields are never required in a constructor (the server fills them).
- A field is secret if the spec says ``x-ms-secret: true`` or the config names it.
- Enums are named by ``x-ms-enum.name``; ``modelAsString: true`` makes them extensible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from . import naming
from .config import GeneratorConfig
from .ir import EnumMember, EnumType, Field, Model, TypeRef
from .load import Located, SpecError, SpecSet
from .schemas import SchemaField, SchemaModel, SchemaType


@dataclass
class ModelSet:
    """Models and enums reachable from a set of root types, in definition order."""

    models: list[Model] = field(default_factory=list)
    enums: list[EnumType] = field(default_factory=list)


class Normalizer:
    def __init__(
        self, spec: SpecSet, schemas: dict[str, SchemaModel], config: GeneratorConfig
    ) -> None:
        self._spec = spec
        self._schemas = schemas
        self._config = config
        self._fields_cache: dict[str, tuple[Field, ...]] = {}
        self._enums: dict[str, EnumType] = {}
        self._class_names: dict[str, str] = {}  # class name -> ref, to detect clashes

    @property
    def schemas(self) -> dict[str, SchemaModel]:
        return self._schemas

    def model_name_for(self, ref: str) -> str:
        return self._model_name(ref)

    # -- types ------------------------------------------------------------------------------

    def type_for_schema_node(self, located: Located) -> TypeRef:
        """The type of a parameter or response schema given as raw JSON (usually a ``$ref``)."""
        target = self._spec.deref(located.value, located.document, located.pointer)
        node = target.value
        if not isinstance(node, dict):
            raise SpecError(f"{located.where}: schema must be an object")
        if target.where in self._schemas and not self._schemas[target.where].is_enum:
            return TypeRef("model", self._model_name(target.where))
        if node.get("type") == "array":
            items = Located(target.document, target.pointer + "/items", node.get("items", {}))
            return TypeRef("list", item=self.type_for_schema_node(items))
        if "enum" in node:
            return TypeRef("enum", self._enum_for(target).name)
        return self._primitive(node, target)

    def _primitive(self, node: dict[str, Any], where: Located) -> TypeRef:
        kind = node.get("type", "object")
        fmt = node.get("format", "")
        if kind == "string":
            return TypeRef("datetime") if fmt == "date-time" else TypeRef("str")
        if kind == "integer":
            return TypeRef("int")
        if kind == "number":
            return TypeRef("float")
        if kind == "boolean":
            return TypeRef("bool")
        if kind == "object" and isinstance(node.get("additionalProperties"), dict):
            inner = Located(
                where.document,
                where.pointer + "/additionalProperties",
                node["additionalProperties"],
            )
            return TypeRef("dict", item=self.type_for_schema_node(inner))
        if kind == "object":
            return TypeRef("any")
        raise SpecError(f"{where.where}: unsupported type {kind!r}")

    def _field_type(self, schema_type: SchemaType, prop: Located) -> TypeRef:
        node = self._spec.deref(prop.value, prop.document, prop.pointer)
        if schema_type.kind == "primitive":
            raw = node.value if isinstance(node.value, dict) else {}
            if schema_type.name == "str" and raw.get("format") == "date-time":
                return TypeRef("datetime")
            return TypeRef(schema_type.name)  # type: ignore[arg-type]
        if schema_type.kind == "any":
            return TypeRef("any")
        if schema_type.kind == "enum":
            return TypeRef("enum", self._enum_for(node, fallback=schema_type.name).name)
        if schema_type.kind == "model":
            if (
                self._schemas.get(schema_type.name, None) is not None
                and self._schemas[schema_type.name].is_enum
            ):
                return TypeRef("enum", self._enum_for(node, fallback=schema_type.name).name)
            return TypeRef("model", self._model_name(schema_type.name))
        assert schema_type.item is not None
        child_key = "items" if schema_type.kind == "list" else "additionalProperties"
        raw = node.value if isinstance(node.value, dict) else {}
        child = Located(node.document, f"{node.pointer}/{child_key}", raw.get(child_key, {}))
        return TypeRef(schema_type.kind, item=self._field_type(schema_type.item, child))

    # -- enums --------------------------------------------------------------------------------

    def _enum_for(self, node: Located, fallback: str = "") -> EnumType:
        raw = node.value
        if not isinstance(raw, dict) or not isinstance(raw.get("enum"), list):
            raise SpecError(f"{node.where}: expected an enum")
        x_ms_enum = raw.get("x-ms-enum") or {}
        name = x_ms_enum.get("name") or self._fallback_enum_name(fallback, node)
        name = naming.class_name(name)
        values_meta = {
            str(v.get("value")): v for v in x_ms_enum.get("values", []) if isinstance(v, dict)
        }
        members = []
        for value in raw["enum"]:
            if not isinstance(value, str):
                raise SpecError(f"{node.where}: only string enums are supported")
            meta = values_meta.get(value, {})
            member_name = naming.enum_member_name(str(meta.get("name") or value))
            members.append(EnumMember(member_name, value, str(meta.get("description", ""))))
        enum = EnumType(
            name=name,
            description=_text(raw.get("description")),
            members=tuple(members),
            extensible=bool(x_ms_enum.get("modelAsString", False)),
            source=node.where,
        )
        existing = self._enums.get(name)
        if existing is not None:
            if (existing.members, existing.extensible) != (enum.members, enum.extensible):
                raise SpecError(
                    f"{node.where}: enum {name} is defined differently at {existing.source}"
                )
            return existing
        self._claim_class_name(name, f"enum {node.where}")
        self._enums[name] = enum
        return enum

    def _fallback_enum_name(self, fallback: str, node: Located) -> str:
        schema = self._schemas.get(fallback)
        if schema is not None:
            return schema.class_name
        return node.pointer.rsplit("/", 1)[-1]

    # -- models -------------------------------------------------------------------------------

    def _model_name(self, ref: str) -> str:
        schema = self._schemas.get(ref)
        if schema is None:
            raise SpecError(f"{ref}: definition was not resolved")
        name = naming.class_name(schema.class_name)
        self._claim_class_name(name, ref)
        return name

    def _claim_class_name(self, name: str, source: str) -> None:
        """Two different definitions must never become the same Python class."""
        owner = self._class_names.setdefault(name, source)
        if owner != source:
            raise SpecError(f"{source}: class name {name} is already used by {owner}")

    def fields_of(self, ref: str) -> tuple[Field, ...]:
        cached = self._fields_cache.get(ref)
        if cached is not None:
            return cached
        schema = self._schemas[ref]
        located = self._located(ref)
        fields: dict[str, Field] = {}
        for base in schema.bases:
            for f in self.fields_of(base):
                fields[".".join((*f.flattened_from, f.wire_name))] = f
        for schema_field in schema.fields:
            prop = self._property(located, schema_field.wire_name)
            for f in self._expand(schema_field, prop, located):
                key = ".".join((*f.flattened_from, f.wire_name))
                fields[key] = f
        result = _dedupe_python_names(list(fields.values()))
        self._fields_cache[ref] = result
        return result

    def _expand(self, schema_field: SchemaField, prop: Located, owner: Located) -> list[Field]:
        raw = prop.value if isinstance(prop.value, dict) else {}
        target = self._spec.deref(raw, prop.document, prop.pointer)
        target_raw = target.value if isinstance(target.value, dict) else {}
        read_only = bool(
            schema_field.read_only or raw.get("readOnly") or target_raw.get("readOnly")
        )
        if raw.get("x-ms-client-flatten") and schema_field.type.kind == "model":
            inner = []
            for f in self.fields_of(schema_field.type.name):
                inner.append(
                    replace(
                        f,
                        required=f.required and schema_field.required and not read_only,
                        read_only=f.read_only or read_only,
                        flattened_from=(schema_field.wire_name, *f.flattened_from),
                    )
                )
            return inner
        definition = owner.pointer.rsplit("/", 1)[-1]
        secret = bool(raw.get("x-ms-secret") or target_raw.get("x-ms-secret")) or (
            f"{definition}.{schema_field.wire_name}" in self._config.secrets
        )
        python_name = raw.get("x-ms-client-name") or schema_field.wire_name
        field_type = self._field_type(schema_field.type, prop)
        return [
            Field(
                python_name=naming.python_identifier(str(python_name)),
                wire_name=schema_field.wire_name,
                type=field_type,
                accepts_str=field_type.kind == "enum" and self._enums[field_type.name].extensible,
                required=schema_field.required and not read_only,
                read_only=read_only,
                secret=secret,
                flattened_from=(),
                description=_text(raw.get("description") or target_raw.get("description")),
                source=prop.where,
            )
        ]

    def _located(self, ref: str) -> Located:
        document, _, pointer = ref.partition("#")
        return self._spec.resolve(f"#{pointer}", document)

    def _property(self, model: Located, wire_name: str) -> Located:
        """Find the raw property node, looking through allOf entries that are inline objects."""
        node = model.value
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict) and wire_name in props:
                return Located(
                    model.document,
                    f"{model.pointer}/properties/{_escape(wire_name)}",
                    props[wire_name],
                )
            for index, part in enumerate(node.get("allOf", [])):
                located = self._spec.deref(part, model.document, f"{model.pointer}/allOf/{index}")
                try:
                    return self._property(located, wire_name)
                except SpecError:
                    continue
        raise SpecError(f"{model.where}: property {wire_name!r} not found")

    def model(self, ref: str) -> Model:
        located = self._located(ref)
        raw = located.value if isinstance(located.value, dict) else {}
        return Model(
            name=self._model_name(ref),
            description=_text(raw.get("description")),
            fields=self.fields_of(ref),
            source=located.where,
        )

    # -- reachability -------------------------------------------------------------------------

    def collect(self, roots: Iterable[TypeRef]) -> ModelSet:
        """Models and enums reachable from ``roots``; models ordered so that a class is defined
        before the classes that mention it (back references become forward refs)."""
        refs_by_name = {
            self._model_name(ref): ref
            for ref, s in self._schemas.items()
            if not s.is_enum and _is_definition(ref)
        }
        wanted: dict[str, Model] = {}
        pending = [name for root in roots for name in root.referenced]
        enum_names: set[str] = set()
        while pending:
            name = pending.pop()
            if name in wanted or name in enum_names:
                continue
            if name in self._enums:
                enum_names.add(name)
                continue
            model = self.model(refs_by_name[name])
            wanted[name] = model
            for f in model.fields:
                pending.extend(f.type.referenced)
        ordered = _definition_order(wanted)
        enums = sorted((self._enums[n] for n in enum_names), key=lambda e: e.name)
        return ModelSet(models=ordered, enums=enums)


def _definition_order(models: dict[str, Model]) -> list[Model]:
    order: list[Model] = []
    state: dict[str, int] = {}  # 1 = in progress, 2 = done
    forward: dict[str, set[str]] = {name: set() for name in models}

    def visit(name: str) -> None:
        state[name] = 1
        for f in models[name].fields:
            for dep in sorted(f.type.referenced):
                if dep not in models:
                    continue
                if state.get(dep) == 1:
                    forward[name].add(dep)
                elif dep not in state:
                    visit(dep)
        state[name] = 2
        order.append(models[name])

    for name in sorted(models):
        if name not in state:
            visit(name)
    result = []
    for m in order:
        late = forward[m.name]
        fields = tuple(
            replace(f, forward_ref=bool(late & set(f.type.referenced))) for f in m.fields
        )
        result.append(Model(m.name, m.description, fields, m.source, tuple(sorted(late))))
    return result


def _dedupe_python_names(fields: list[Field]) -> tuple[Field, ...]:
    seen: dict[str, int] = {}
    for f in fields:
        seen[f.python_name] = seen.get(f.python_name, 0) + 1
    result = []
    for f in fields:
        if seen[f.python_name] > 1 and f.flattened_from:
            prefix = "_".join(naming.python_identifier(part) for part in f.flattened_from)
            f = replace(f, python_name=f"{prefix}_{f.python_name}")
        result.append(f)
    names = [f.python_name for f in result]
    if len(set(names)) != len(names):
        raise SpecError(f"{fields[0].source}: field names clash after flattening: {sorted(names)}")
    return tuple(result)


def _is_definition(ref: str) -> bool:
    pointer = ref.partition("#")[2]
    return pointer.startswith("/definitions/") and pointer.count("/") == 2


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""
