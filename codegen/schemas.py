"""Swagger 2.0 schemas -> schema models: the structure of every definition, resolved across files.

Read straight from the JSON documents ``load`` gathered, with their JSON pointers kept, so
every construct Azure files use is seen as written: ``$ref`` into other documents (also from an
operation directly), allOf bases and inline allOf parts, inline object schemas in properties
(named ``<Model><Property>`` as AutoRest names them), ``discriminator`` and
``x-ms-discriminator-value``, ``x-nullable``, string formats, enums of any JSON type,
``additionalProperties`` maps and free-form objects. The ``x-ms-*`` extensions that change the
Python shape (client names, flattening, enum names) are read by ``normalize``.

This used to go through datamodel-code-generator; it reads JSON Schema, not Swagger 2.0, and
lost exactly these constructs (discriminators, inline objects named by pointer, definitions
only another file reaches), so each had to be recovered from the raw document anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from . import naming
from .load import Located, SpecError, SpecSet

SchemaKind = Literal["primitive", "model", "enum", "list", "dict", "any"]

# Swagger (type, format) -> the primitive the IR knows. Formats not listed read as their type.
_STRING_FORMATS = {
    "date-time": "datetime",
    "date-time-rfc1123": "datetime",
    "date": "date",
    "duration": "duration",
    "byte": "bytes",
    "base64url": "bytes",
}
_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


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
    located: Located  # the property as written (before following its $ref)
    nullable: bool = False


@dataclass(frozen=True)
class SchemaModel:
    ref: str  # document#pointer
    class_name: str
    bases: tuple[str, ...]  # refs of allOf bases
    fields: tuple[SchemaField, ...]
    is_enum: bool
    enum_values: tuple[str, ...] = ()
    discriminator: str | None = None  # the wire name of the property that tells subtypes apart
    discriminator_value: str | None = None  # this model's value of its base's discriminator
    inherited_required: tuple[str, ...] = ()  # ``required`` names that an allOf base declares


def resolve_definitions(spec: SpecSet) -> dict[str, SchemaModel]:
    """Every model and enum of every document's ``definitions``, keyed by ref; inline object
    schemas in their properties too, keyed by the property's pointer."""
    return SchemaResolver(spec).models


class SchemaResolver:
    def __init__(self, spec: SpecSet) -> None:
        self._spec = spec
        self.models: dict[str, SchemaModel] = {}
        self._names: set[str] = set()
        self._pending: list[tuple[Located, str]] = []
        documents = [spec.entry, *sorted(d for d in spec.documents if d != spec.entry)]
        for document in documents:
            definitions = spec.documents[document].get("definitions")
            if not isinstance(definitions, dict):
                continue
            for name, node in definitions.items():
                if _is_model(node) or _is_enum(node):
                    located = Located(document, f"/definitions/{_escape(name)}", node)
                    self._register(located, naming.class_name(name))
        while self._pending:
            self._build(*self._pending.pop(0))

    # -- naming ---------------------------------------------------------------------------------

    def _register(self, located: Located, wanted: str) -> str:
        """Reserve a unique class name for the schema at ``located``; a later schema with the
        same name (another file's ``ErrorResponse``) gets a number."""
        name, number = wanted, 1
        while name in self._names:
            number += 1
            name = f"{wanted}{number}"
        self._names.add(name)
        self._pending.append((located, name))
        # A placeholder, so that a reference met before the schema is built finds it.
        self.models[located.where] = SchemaModel(
            located.where, name, (), (), _is_enum(located.value)
        )
        return name

    # -- building -------------------------------------------------------------------------------

    def _build(self, located: Located, name: str) -> None:
        node = located.value
        if _is_enum(node):
            values = tuple(str(v) for v in node["enum"])
            self.models[located.where] = SchemaModel(located.where, name, (), (), True, values)
            return
        bases: list[str] = []
        fields: dict[str, SchemaField] = {}
        extra_required: list[str] = []
        self._collect(located, name, bases, fields, extra_required)
        discriminator = node.get("discriminator")
        if discriminator is not None and not isinstance(discriminator, str):
            raise SpecError(f"{located.where}/discriminator: expected a property name")
        value = node.get("x-ms-discriminator-value")
        if value is None and bases and self._has_discriminator(bases):
            value = located.pointer.rsplit("/", 1)[-1]  # AutoRest's default: the definition name
        self.models[located.where] = SchemaModel(
            ref=located.where,
            class_name=name,
            bases=tuple(bases),
            fields=tuple(fields.values()),
            is_enum=False,
            discriminator=discriminator,
            discriminator_value=None if value is None else str(value),
            inherited_required=tuple(n for n in extra_required if n not in fields),
        )

    def _has_discriminator(self, bases: list[str]) -> bool:
        for base in bases:
            located = self._located(base)
            if isinstance(located.value, dict) and located.value.get("discriminator"):
                return True
            parent = self.models.get(base)
            if parent is not None and self._has_discriminator(list(parent.bases)):
                return True
        return False

    def _collect(
        self,
        located: Located,
        name: str,
        bases: list[str],
        fields: dict[str, SchemaField],
        extra_required: list[str],
    ) -> None:
        """Own properties of ``located`` and its inline allOf parts; allOf ``$ref``s are bases."""
        node = located.value
        for index, part in enumerate(node.get("allOf") or []):
            where = f"{located.pointer}/allOf/{index}"
            if isinstance(part, dict) and "$ref" in part:
                target = self._spec.deref(part, located.document, where)
                if target.where not in self.models:
                    raise SpecError(
                        f"{located.document}#{where}: allOf base is not an object schema"
                    )
                bases.append(target.where)
            elif isinstance(part, dict):
                self._collect(
                    Located(located.document, where, part), name, bases, fields, extra_required
                )
            else:
                raise SpecError(f"{located.document}#{where}: expected a schema")
        required = node.get("required") or []
        properties = node.get("properties") or {}
        if not isinstance(properties, dict):
            raise SpecError(f"{located.where}/properties: expected an object")
        for wire_name, prop in properties.items():
            pointer = f"{located.pointer}/properties/{_escape(wire_name)}"
            prop_located = Located(located.document, pointer, prop)
            if not isinstance(prop, dict):
                raise SpecError(f"{prop_located.where}: expected a schema")
            target = self._spec.deref(prop, located.document, pointer)
            target_raw = target.value if isinstance(target.value, dict) else {}
            fields[wire_name] = SchemaField(
                wire_name=wire_name,
                required=wire_name in required,
                read_only=bool(prop.get("readOnly") or target_raw.get("readOnly")),
                type=self.type_of(prop_located, name + _pascal(wire_name)),
                located=prop_located,
                nullable=bool(prop.get("x-nullable", target_raw.get("x-nullable", False))),
            )
        extra_required.extend(n for n in required if isinstance(n, str) and n not in properties)

    # -- types ----------------------------------------------------------------------------------

    def type_of(self, located: Located, inline_name: str) -> SchemaType:
        """The type of the schema at ``located``; an inline object schema becomes a model named
        ``inline_name``."""
        raw = located.value
        if isinstance(raw, dict) and "$ref" in raw:
            target = self._spec.deref(raw, located.document, located.pointer)
            if target.where in self.models:
                model = self.models[target.where]
                return SchemaType("enum" if model.is_enum else "model", target.where)
            return self.type_of(target, inline_name)
        if not isinstance(raw, dict):
            raise SpecError(f"{located.where}: expected a schema")
        if _is_enum(raw):
            return SchemaType("enum", located.where)
        parts = raw.get("allOf")
        if isinstance(parts, list) and len(parts) == 1 and not raw.get("properties"):
            # ``allOf: [{$ref}]`` next to a description: the referenced schema itself.
            return self.type_of(
                Located(located.document, f"{located.pointer}/allOf/0", parts[0]), inline_name
            )
        if _is_model(raw):
            if located.where not in self.models:
                self._register(located, inline_name)
            return SchemaType("model", located.where)
        kind = raw.get("type")
        if kind == "array" or (kind is None and "items" in raw):
            items = Located(located.document, f"{located.pointer}/items", raw.get("items") or {})
            return SchemaType("list", item=self.type_of(items, inline_name + "Item"))
        if kind in _TYPES:
            fmt = raw.get("format")
            if kind == "string" and fmt in _STRING_FORMATS:
                return SchemaType("primitive", _STRING_FORMATS[fmt])
            if kind == "string" and fmt == "binary":
                return SchemaType("any")
            return SchemaType("primitive", _TYPES[kind])
        extra = raw.get("additionalProperties")
        if kind in ("object", None) and isinstance(extra, dict) and extra:
            values = Located(located.document, f"{located.pointer}/additionalProperties", extra)
            return SchemaType("dict", item=self.type_of(values, inline_name + "Value"))
        if kind in ("object", None, "file"):
            # A free-form object: any JSON value, as services do not always send an object
            # there (deploymentScripts' outputs hold strings where the spec says object).
            return SchemaType("any")
        raise SpecError(f"{located.where}: unsupported type {kind!r}")

    def _located(self, ref: str) -> Located:
        document, _, pointer = ref.partition("#")
        return self._spec.resolve(f"#{pointer}", document)


def _is_enum(node: Any) -> bool:
    return isinstance(node, dict) and isinstance(node.get("enum"), list)


def _is_model(node: Any) -> bool:
    """An object schema with a shape of its own (properties, bases or a discriminator)."""
    if not isinstance(node, dict) or _is_enum(node):
        return False
    if node.get("type") not in (None, "object"):
        return False
    return bool(node.get("properties") or node.get("allOf") or node.get("discriminator"))


def _pascal(wire_name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in naming.snake_case(wire_name).split("_"))


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")
