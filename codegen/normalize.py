"""Schema models -> IR models and enums: x-ms-enum, x-ms-client-flatten, readOnly, secrets, allOf.

Decisions made here, so templates never make them:
- allOf bases are merged into the model that uses them (base fields first); a base is emitted as
  a class of its own only when something refers to it directly.
- ``x-ms-client-flatten`` hoists the nested object's fields into the parent; the container model
  is not emitted unless referenced elsewhere. A hoisted field whose name clashes is named
  after its path, as AutoRest names it (``type_properties_type``).
- A field is read-only if it or any container it is hoisted from is ``readOnly``; read-only
  fields are never required in a constructor (the server fills them).
- A field is secret if the spec says ``x-ms-secret: true`` or the config names it.
- Enums are named by ``x-ms-enum.name``; ``modelAsString: true`` makes them extensible.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from . import naming
from .config import GeneratorConfig
from .ir import EnumMember, EnumType, Field, Model, TypeRef
from .load import Located, SpecError, SpecSet
from .schemas import SchemaField, SchemaModel, SchemaResolver, SchemaType


@dataclass
class ModelSet:
    """Models and enums reachable from a set of root types, in definition order."""

    models: list[Model] = field(default_factory=list)
    enums: list[EnumType] = field(default_factory=list)


class Normalizer:
    def __init__(self, spec: SpecSet, schemas: SchemaResolver, config: GeneratorConfig) -> None:
        self._spec = spec
        self._resolver = schemas
        self._schemas = schemas.models
        self._config = config
        self._fields_cache: dict[str, tuple[Field, ...]] = {}
        self._undeduped_cache: dict[str, tuple[Field, ...]] = {}
        self._expanding: list[str] = []  # refs whose fields are being gathered, outermost first
        self._enums: dict[str, EnumType] = {}
        self._class_names: dict[str, str] = {}  # class name -> ref, to detect clashes
        self._refs_by_name: dict[str, str] = {}
        self._children: dict[str, list[str]] | None = None
        self._model_names: frozenset[str] | None = None

    @property
    def schemas(self) -> dict[str, SchemaModel]:
        return self._schemas

    def model_name_for(self, ref: str) -> str:
        """The class name of the model at ``ref`` (without claiming it)."""
        return naming.model_class_name(self._schemas[ref].class_name)

    # -- types ------------------------------------------------------------------------------

    def type_for_schema_node(self, located: Located, inline_name: str = "") -> TypeRef:
        """The type of a parameter or response schema given as raw JSON (a ``$ref`` or inline)."""
        if not inline_name:
            tokens = [t for t in located.pointer.split("/") if t and t not in ("paths", "schema")]
            inline_name = "".join(naming.class_name(t.replace("~1", "_")) for t in tokens[-3:])
        raw = located.value
        if isinstance(raw, dict) and "$ref" not in raw and "enum" in raw and "type" in raw:
            if raw.get("type") not in _ENUM_VALUE_TYPES:
                return TypeRef(_PRIMITIVE_KINDS[str(raw["type"])])
            return TypeRef("enum", self._enum_for(located).name)
        return self._type_ref(self._resolver.type_of(located, inline_name or "Model"))

    def _type_ref(self, schema_type: SchemaType) -> TypeRef:
        if schema_type.kind == "primitive":
            return TypeRef(schema_type.name)  # type: ignore[arg-type]
        if schema_type.kind == "any":
            return TypeRef("any")
        if schema_type.kind == "enum":
            located = self._located(schema_type.name)
            kind = located.value.get("type", "string") if isinstance(located.value, dict) else ""
            if kind not in _ENUM_VALUE_TYPES:
                # A boolean enum is a bool: Python cannot derive an enum from bool (AutoRest
                # keeps it a boolean too).
                return TypeRef(_PRIMITIVE_KINDS.get(str(kind), "any"))
            return TypeRef("enum", self._enum_for(located).name)
        if schema_type.kind == "model":
            return TypeRef("model", self._model_name(schema_type.name))
        assert schema_type.item is not None
        return TypeRef(schema_type.kind, item=self._type_ref(schema_type.item))

    # -- enums --------------------------------------------------------------------------------

    def _enum_for(self, node: Located) -> EnumType:
        raw = node.value
        if not isinstance(raw, dict) or not isinstance(raw.get("enum"), list):
            raise SpecError(f"{node.where}: expected an enum")
        x_ms_enum = raw.get("x-ms-enum") or {}
        schema = self._schemas.get(node.where)
        name = x_ms_enum.get("name") or (
            schema.class_name if schema is not None else node.pointer.rsplit("/", 1)[-1]
        )
        name = naming.model_class_name(name)
        if name in self._model_class_names():
            # An x-ms-enum named like a model (Cdn's DeliveryRuleAction) takes AutoRest's suffix.
            name = f"{name}Enum"
        values_meta = {
            str(v.get("value")): v for v in x_ms_enum.get("values", []) if isinstance(v, dict)
        }
        value_type = _ENUM_VALUE_TYPES.get(str(raw.get("type", "string")), "str")
        members: list[EnumMember] = []
        taken: set[str] = set()
        for listed in raw["enum"]:
            meta = values_meta.get(str(listed), {})
            value = _enum_value(listed, value_type, node.where)
            if any(m.value == value for m in members):
                continue  # a value listed twice is one member
            try:
                named = meta.get("name")
                candidates = [naming.enum_member_name(str(named))] if named else []
                candidates.append(
                    naming.enum_member_name(value)
                    if isinstance(value, str)
                    else naming.number_member_name(value)
                )
            except ValueError as exc:
                raise SpecError(f"{node.where}: {exc}") from exc
            member_name = _free_member_name(candidates, taken)
            taken.add(member_name)
            members.append(EnumMember(member_name, value, str(meta.get("description", ""))))
        enum = EnumType(
            name=name,
            description=_text(raw.get("description")),
            members=tuple(members),
            extensible=bool(x_ms_enum.get("modelAsString", False)),
            source=node.where,
            value_type=value_type,
        )
        existing = self._enums.get(name)
        if existing is not None and not _same_values(existing, enum):
            # Real files reuse an x-ms-enum name for other values (IotHub's RoutingSource, the
            # Kind of several resources): the later one is named after where it is used.
            other = _located_enum_name(node, raw)
            clash = self._enums.get(other)
            if other == name or (clash is not None and not _same_values(clash, enum)):
                raise SpecError(
                    f"{node.where}: enum {name} (x-ms-enum name) is defined with other values "
                    f"at {existing.source}; give one of them another x-ms-enum name"
                )
            name, enum, existing = other, replace(enum, name=other), clash
        if existing is not None:
            return existing
        self._claim_class_name(name, f"enum {node.where}")
        self._enums[name] = enum
        return enum

    def enum_value_type(self, name: str) -> str:
        """The Python type of the values of enum class ``name``: "str", "int" or "float"."""
        return self._enums[name].value_type

    # -- models -------------------------------------------------------------------------------

    def _model_class_names(self) -> frozenset[str]:
        if self._model_names is None:
            self._model_names = frozenset(
                naming.model_class_name(s.class_name)
                for s in self._schemas.values()
                if not s.is_enum
            )
        return self._model_names

    def _model_name(self, ref: str) -> str:
        schema = self._schemas.get(ref)
        if schema is None or schema.is_enum:
            raise SpecError(f"{ref}: definition was not resolved")
        name = naming.model_class_name(schema.class_name)
        self._claim_class_name(name, ref)
        self._refs_by_name[name] = ref
        return name

    def _claim_class_name(self, name: str, source: str) -> None:
        """Two different definitions must never become the same Python class."""
        owner = self._class_names.setdefault(name, source)
        if owner != source:
            raise SpecError(f"{source}: class name {name} is already used by {owner}")

    def fields_of(self, ref: str) -> tuple[Field, ...]:
        cached = self._fields_cache.get(ref)
        if cached is None:
            cached = _dedupe_python_names(list(self._undeduped_fields(ref)))
            self._fields_cache[ref] = cached
        return cached

    def _undeduped_fields(self, ref: str) -> tuple[Field, ...]:
        """The fields of ``ref`` before clashing flattened names are resolved: a model hoisted
        into another by x-ms-client-flatten gets its names where it ends up, as in AutoRest
        (``properties.settings.type`` is ``type_properties_settings_type``)."""
        cached = self._undeduped_cache.get(ref)
        if cached is not None:
            return cached
        if ref in self._expanding:
            # x-ms-client-flatten of a property whose model contains, flattened, the model
            # itself: its fields would never end.
            loop = [*self._expanding[self._expanding.index(ref) :], ref]
            names = " -> ".join(self._schemas[r].class_name for r in loop)
            raise SpecError(f"{ref}: x-ms-client-flatten cycle: {names}")
        self._expanding.append(ref)
        try:
            result = self._gather_fields(ref)
        finally:
            self._expanding.pop()
        self._undeduped_cache[ref] = result
        return result

    def _gather_fields(self, ref: str) -> tuple[Field, ...]:
        schema = self._schemas[ref]
        located = self._located(ref)
        fields: dict[str, Field] = {}
        for base in schema.bases:
            for f in self.fields_of(base):
                fields[_key(f)] = f
        for name in schema.inherited_required:
            if name in fields and not fields[name].read_only:
                fields[name] = replace(fields[name], required=True)
        for schema_field in schema.fields:
            # A property of the model's own replaces the base's of that wire name, also when
            # one of them is flattened (MobileNetwork's Slice flattens the systemData its
            # TrackedResource base has as a plain field): the wire key is one or the other.
            own = schema_field.wire_name
            for key in [k for k, f in fields.items() if (*f.flattened_from, f.wire_name)[0] == own]:
                del fields[key]
            for f in self._expand(schema_field, located):
                fields[_key(f)] = f
        return tuple(fields.values())

    def _expand(self, schema_field: SchemaField, owner: Located) -> list[Field]:
        prop = schema_field.located
        raw = prop.value if isinstance(prop.value, dict) else {}
        target = self._spec.deref(raw, prop.document, prop.pointer)
        target_raw = target.value if isinstance(target.value, dict) else {}
        read_only = schema_field.read_only
        if raw.get("x-ms-client-flatten") and schema_field.type.kind == "model":
            inner = []
            for f in self._undeduped_fields(schema_field.type.name):
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
        field_type = self._type_ref(schema_field.type)
        wire_format = _datetime_format(raw, target_raw, field_type)
        required = schema_field.required and not read_only
        constant = None
        if field_type.kind == "enum" and required:
            enum = self._enums[field_type.name]
            if not enum.extensible and len(enum.members) == 1:
                # A required single-value enum is a constant: always sent, never asked for.
                constant = f"{enum.name}.{enum.members[0].name}"
        return [
            Field(
                python_name=naming.property_identifier(str(python_name)),
                wire_name=schema_field.wire_name,
                type=field_type,
                accepts_str=field_type.kind == "enum" and self._enums[field_type.name].extensible,
                loose_type=(
                    self._enums[field_type.name].value_type if field_type.kind == "enum" else "str"
                ),
                required=required,
                read_only=read_only,
                secret=secret,
                flattened_from=(),
                description=_text(raw.get("description") or target_raw.get("description")),
                source=prop.where,
                nullable=schema_field.nullable,
                default=constant,
                init=constant is None,
                constant=constant is not None,
                wire_format=wire_format,
            )
        ]

    def _located(self, ref: str) -> Located:
        document, _, pointer = ref.partition("#")
        return self._spec.resolve(f"#{pointer}", document)

    # -- polymorphism -------------------------------------------------------------------------

    def _discriminator(self, ref: str) -> str | None:
        """The discriminator's wire name for ``ref``: its own, or one of its bases'."""
        schema = self._schemas[ref]
        if schema.discriminator:
            return schema.discriminator
        for base in schema.bases:
            found = self._discriminator(base)
            if found is not None:
                return found
        return None

    def _polymorphic_base(self, ref: str) -> str | None:
        """The allOf base that carries a discriminator: this model's Python superclass."""
        for base in self._schemas[ref].bases:
            if self._discriminator(base) is not None:
                return base
        return None

    def _subtypes(self, ref: str) -> list[str]:
        if self._children is None:
            self._children = {}
            for child, schema in self._schemas.items():
                for base in schema.bases:
                    self._children.setdefault(base, []).append(child)
        return sorted(self._children.get(ref, []))

    def model(self, ref: str) -> Model:
        located = self._located(ref)
        raw = located.value if isinstance(located.value, dict) else {}
        schema = self._schemas[ref]
        fields = self.fields_of(ref)
        base_ref = self._polymorphic_base(ref)
        base_name = None
        discriminator = self._discriminator(ref)
        if discriminator is not None:
            fields = tuple(
                replace(f, discriminator=True) if _key(f) == discriminator else f for f in fields
            )
        if base_ref is not None:
            base_name = self._model_name(base_ref)
            inherited = {_key(f) for f in self.fields_of(base_ref)}
            own = []
            for f in fields:
                if _key(f) == discriminator:
                    value = schema.discriminator_value or located.pointer.rsplit("/", 1)[-1]
                    own.append(replace(f, default=self._constant(f.type, value), init=False))
                elif _key(f) not in inherited:
                    own.append(f)
            fields = tuple(own)
        return Model(
            name=self._model_name(ref),
            description=_text(raw.get("description")),
            fields=fields,
            source=located.where,
            base=base_name,
        )

    def body_fields(self, model_name: str) -> tuple[Field, ...] | None:
        """The fields a caller gives one by one when a body of this model is flattened
        (x-ms-client-flatten on the parameter): those it may set, in the model's order. None
        for a polymorphic model, which AutoRest does not flatten either (the subtype is not
        known)."""
        ref = self._refs_by_name.get(model_name)
        if ref is None or self._discriminator(ref) is not None:
            return None
        return tuple(f for f in self.fields_of(ref) if f.init and not f.read_only)

    def _constant(self, type_ref: TypeRef, value: str) -> str:
        if type_ref.kind == "enum":
            for member in self._enums[type_ref.name].members:
                if member.value == value:
                    return f"{type_ref.name}.{member.name}"
        return repr(value)

    # -- reachability -------------------------------------------------------------------------

    def collect(self, roots: Iterable[TypeRef]) -> ModelSet:
        """Models and enums reachable from ``roots`` (with the subtypes of a polymorphic model);
        ordered so that a class is defined before the classes that mention it."""
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
            ref = self._refs_by_name[name]
            model = self.model(ref)
            wanted[name] = model
            for f in model.fields:
                pending.extend(f.type.referenced)
            if model.base is not None:
                pending.append(model.base)
            if self._discriminator(ref) is not None:
                pending.extend(self._model_name(child) for child in self._subtypes(ref))
        ordered = _definition_order(wanted)
        enums = sorted((self._enums[n] for n in enum_names), key=lambda e: e.name)
        return ModelSet(models=ordered, enums=enums)


# x-ms-enum on these JSON types is an enum class of this Python value type.
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_JSON_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_ENUM_VALUE_TYPES = {"string": "str", "integer": "int", "number": "float"}


def _enum_value(value: Any, value_type: str, where: str) -> str | int | float:
    """An enum value checked against the enum's type (a JSON boolean is no number). A number
    written as a JSON string (Sql's ``"enum": ["12", "24"]`` on an integer) is that number, as
    AutoRest reads it: the service sends ``24``."""
    if value_type == "str" and isinstance(value, str):
        return value
    if value_type == "int" and isinstance(value, str) and _JSON_INTEGER.fullmatch(value):
        value = int(value)
    elif value_type == "float" and isinstance(value, str) and _JSON_NUMBER.fullmatch(value):
        value = float(value)
    if value_type == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if value_type == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    kind = {"str": "a string", "int": "an integer", "float": "a number"}[value_type]
    raise SpecError(f"{where}: an enum of {kind} values lists {value!r}")


_PRIMITIVE_KINDS: dict[str, Any] = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
}


def _key(f: Field) -> str:
    return ".".join((*f.flattened_from, f.wire_name))


def _definition_order(models: dict[str, Model]) -> list[Model]:
    order: list[Model] = []
    state: dict[str, int] = {}  # 1 = in progress, 2 = done
    forward: dict[str, set[str]] = {name: set() for name in models}

    def base_pending(name: str) -> bool:
        base = models[name].base
        while base is not None and base in models:
            if state.get(base) == 1:
                return True
            base = models[base].base
        return False

    def visit(name: str) -> None:
        state[name] = 1
        base = models[name].base
        if base is not None and base in models and base not in state:
            visit(base)
        for f in models[name].fields:
            for dep in sorted(f.type.referenced):
                if dep not in models:
                    continue
                if state.get(dep) == 1 or (dep not in state and base_pending(dep)):
                    # A cycle, or a subtype whose base is still being defined (a polymorphic
                    # model holding one of its own subtypes): quoted, resolved at the end.
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
        result.append(replace(m, fields=fields, forward_refs=tuple(sorted(late))))
    return result


def _dedupe_python_names(fields: list[Field]) -> tuple[Field, ...]:
    """Names of fields hoisted by x-ms-client-flatten that clash with another field, renamed as
    AutoRest's modelerfour does: the first unused of ``<name>_<container wire names>_<wire
    name>`` (``type_properties_type``), then ever shorter tails of that path
    (``properties_type``)."""
    seen: dict[str, int] = {}
    for f in fields:
        seen[f.python_name] = seen.get(f.python_name, 0) + 1
    used = set(seen)
    result = []
    for f in fields:
        if seen[f.python_name] > 1 and f.flattened_from:
            f = replace(f, python_name=_flattened_name(f, used), own_name=f.python_name)
            used.add(f.python_name)
        result.append(f)
    names = [f.python_name for f in result]
    if len(set(names)) != len(names):
        raise SpecError(f"{fields[0].source}: field names clash after flattening: {sorted(names)}")
    return tuple(result)


def _flattened_name(f: Field, used: set[str]) -> str:
    words = [f.python_name, *(naming.property_identifier(p) for p in f.flattened_from)]
    words.append(naming.property_identifier(f.wire_name))
    components = [w for i, w in enumerate(words) if i == 0 or w != words[i - 1]]
    # modelerfour's options: the whole path first, then its tails from the last word up.
    options = [components] + [components[-i:] for i in range(1, len(components))]
    for option in options:
        name = naming.property_identifier("_".join(option))
        if name not in used:
            return name
    return naming.property_identifier("_".join(components))


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""


def _free_member_name(candidates: list[str], taken: set[str]) -> str:
    """The first candidate no earlier member has: values that differ only in case or
    punctuation (``Enabled``, ``enabled``) or an x-ms-enum name given twice get their own
    member, the later one named after its value, else numbered (``ENABLED1``), as AutoRest
    numbers a clashing name."""
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    number = 1
    while f"{candidates[-1]}{number}" in taken:
        number += 1
    return f"{candidates[-1]}{number}"


def _same_values(one: EnumType, other: EnumType) -> bool:
    return (one.members, one.extensible) == (other.members, other.extensible)


def _located_enum_name(node: Located, raw: dict[str, Any]) -> str:
    """A class name for an enum from where it is used: ``<Definition><Property>`` for a
    property (``FallbackRoutePropertiesSource``; ``...Item`` for its array items),
    ``<Parameter>Parameter`` for a parameter."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in node.pointer.split("/") if t]
    if len(tokens) >= 4 and tokens[0] == "definitions":
        # /definitions/D/properties/P[/items]: the definition, its property names, Item.
        parts = [tokens[1], *(t for p, t in itertools.pairwise(tokens) if p == "properties")]
        if tokens[-1] == "items":
            parts.append("Item")
        return naming.model_class_name("".join(naming.class_name(t) for t in parts))
    if "in" in raw and isinstance(raw.get("name"), str):
        return naming.model_class_name(naming.class_name(raw["name"]) + "Parameter")
    return naming.model_class_name("".join(naming.class_name(t) for t in tokens[-2:]))


def _datetime_format(raw: Any, target_raw: Any, field_type: TypeRef) -> str:
    """ "rfc1123" for a date-time property (or an array/map of them) written
    ``format: date-time-rfc1123``; "" for every other property."""
    schema, kind = raw, field_type
    if raw.get("format") is None and target_raw.get("format") is not None:
        schema = target_raw
    while kind.kind in ("list", "dict") and kind.item is not None and isinstance(schema, dict):
        inner = schema.get("items") if kind.kind == "list" else schema.get("additionalProperties")
        schema, kind = (inner if isinstance(inner, dict) else {}), kind.item
    if kind.kind == "datetime" and schema.get("format") == "date-time-rfc1123":
        return "rfc1123"
    return ""
