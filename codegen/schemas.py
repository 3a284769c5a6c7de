"""Swagger 2.0 schemas -> schema models: the structure of every definition, resolved across files.

Every schema is read as written in the JSON documents ``load`` gathered, with its JSON pointer
kept, so every construct Azure files use is seen: ``$ref`` into other documents (also from an
operation directly), allOf bases and inline allOf parts, inline object schemas in properties
(named ``<Model><Property>`` as AutoRest names them), ``discriminator`` and
``x-ms-discriminator-value``, ``x-nullable``, string formats, enums of any JSON type,
``additionalProperties`` maps and free-form objects. The ``x-ms-*`` extensions that change the
Python shape (client names, flattening, enum names) are read by ``normalize``.

datamodel-code-generator does the schema resolution (``dcg``): each schema is its typed
``JsonSchemaObject``, and each ``$ref`` is resolved to its canonical ``document#pointer`` by its
``ModelResolver``. What Swagger 2.0 adds to JSON Schema (a discriminator that is a property name,
``x-ms-discriminator-value``, ``x-nullable``) and the class names are decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from . import naming
from .dcg import JsonSchemaObject, RefResolver, parse_schema
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
# The keys of a Swagger Parameter object that are not schema keywords.
_PARAMETER_KEYS = frozenset({"name", "in", "required", "allowEmptyValue", "collectionFormat"})


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


@dataclass(frozen=True)
class _Node:
    """A schema: where it is and its JSON as written (what ``normalize`` reads), and its typed
    form (what this module reads)."""

    located: Located
    schema: JsonSchemaObject

    @property
    def where(self) -> str:
        return self.located.where

    def child(self, schema: object, *tokens: str | int) -> _Node:
        """The subschema ``schema`` of this one, found at ``tokens`` below it."""
        raw = self.located.value
        pointer = self.located.pointer
        for token in tokens:
            raw = raw[token]
            pointer += "/" + _escape(str(token))
        located = Located(self.located.document, pointer, raw)
        if not isinstance(schema, JsonSchemaObject):
            raise SpecError(f"{located.where}: expected a schema")
        return _Node(located, schema)


def resolve_definitions(spec: SpecSet) -> dict[str, SchemaModel]:
    """Every model and enum of every document's ``definitions``, keyed by ref; inline object
    schemas in their properties too, keyed by the property's pointer."""
    return SchemaResolver(spec).models


class SchemaResolver:
    def __init__(self, spec: SpecSet) -> None:
        self._spec = spec
        self._refs = RefResolver(spec.root)
        self._parsed: dict[str, _Node] = {}
        self.models: dict[str, SchemaModel] = {}
        self._names: set[str] = set()
        self._pending: list[tuple[_Node, str]] = []
        documents = [spec.entry, *sorted(d for d in spec.documents if d != spec.entry)]
        for document in documents:
            definitions = spec.documents[document].get("definitions")
            if not isinstance(definitions, dict):
                continue
            for name, raw in definitions.items():
                node = self._node(Located(document, f"/definitions/{_escape(name)}", raw))
                if _is_model(node.schema) or _is_enum(node.schema):
                    self._register(node, naming.class_name(name))
        while self._pending:
            self._build(*self._pending.pop(0))
        _refuse_base_cycles(self.models)

    # -- reading --------------------------------------------------------------------------------

    def _node(self, located: Located) -> _Node:
        """The schema at ``located``, parsed once."""
        node = self._parsed.get(located.where)
        if node is None:
            node = _Node(located, parse_schema(located.value, located.where))
            self._parsed[located.where] = node
        return node

    def _at(self, ref: str) -> _Node:
        """The schema at a canonical ``document#pointer``."""
        document, _, pointer = ref.partition("#")
        return self._node(self._spec.resolve(f"#{pointer}", document))

    def _deref(self, node: _Node) -> _Node:
        """Follow ``$ref`` chains, across files, to a schema that is not a bare reference."""
        seen: set[str] = set()
        while node.schema.ref is not None:
            if node.where in seen:
                raise SpecError(f"{node.where}: circular $ref")
            seen.add(node.where)
            ref = node.schema.ref
            document, pointer = self._refs.target(ref, node.where)
            try:
                located = self._spec.resolve(f"#{pointer}", document)
            except SpecError as exc:
                raise SpecError(f"{node.where}/$ref: $ref {ref!r} names nothing ({exc})") from exc
            node = self._node(located)
        return node

    # -- naming ---------------------------------------------------------------------------------

    def _register(self, node: _Node, wanted: str) -> str:
        """Reserve a unique class name for the schema ``node``; a later schema with the same
        name (another file's ``ErrorResponse``) gets a number."""
        name, number = wanted, 1
        while name in self._names:
            number += 1
            name = f"{wanted}{number}"
        self._names.add(name)
        self._pending.append((node, name))
        # A placeholder, so that a reference met before the schema is built finds it.
        self.models[node.where] = SchemaModel(node.where, name, (), (), _is_enum(node.schema))
        return name

    # -- building -------------------------------------------------------------------------------

    def _build(self, node: _Node, name: str) -> None:
        schema = node.schema
        if _is_enum(schema):
            values = tuple(str(v) for v in schema.enum)
            self.models[node.where] = SchemaModel(node.where, name, (), (), True, values)
            return
        bases: list[str] = []
        fields: dict[str, SchemaField] = {}
        extra_required: list[str] = []
        self._collect(node, name, bases, fields, extra_required)
        discriminator = schema.discriminator
        if discriminator is not None and not isinstance(discriminator, str):
            raise SpecError(f"{node.where}/discriminator: expected a property name")
        value = schema.extras.get("x-ms-discriminator-value")
        if value is None and bases and self._has_discriminator(bases):
            value = node.located.pointer.rsplit("/", 1)[-1]  # AutoRest's default: the name
        self.models[node.where] = SchemaModel(
            ref=node.where,
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
            if self._at(base).schema.discriminator:
                return True
            parent = self.models.get(base)
            if parent is not None and self._has_discriminator(list(parent.bases)):
                return True
        return False

    def _collect(
        self,
        node: _Node,
        name: str,
        bases: list[str],
        fields: dict[str, SchemaField],
        extra_required: list[str],
    ) -> None:
        """Own properties of ``node`` and its inline allOf parts; allOf ``$ref``s are bases."""
        schema = node.schema
        for index, part in enumerate(schema.allOf):
            part_node = node.child(part, "allOf", index)
            if part_node.schema.ref is not None:
                target = self._deref(part_node)
                if target.where not in self.models:
                    if _is_empty_object(target.schema):
                        # A base that only says "a resource" (CloudShell's Resource: a
                        # description and x-ms-azure-resource) adds no field.
                        continue
                    raise SpecError(f"{part_node.where}: allOf base is not an object schema")
                bases.append(target.where)
            else:
                self._collect(part_node, name, bases, fields, extra_required)
        required = schema.required
        properties = schema.properties or {}
        for wire_name, prop in properties.items():
            prop_node = node.child(prop, "properties", wire_name)
            own, target = prop_node.schema, self._deref(prop_node).schema
            fields[wire_name] = SchemaField(
                wire_name=wire_name,
                required=wire_name in required,
                read_only=bool(own.readOnly or target.readOnly),
                type=self._type(prop_node, name + _pascal(wire_name)),
                located=prop_node.located,
                nullable=bool(own.extras.get("x-nullable", target.extras.get("x-nullable", False))),
            )
        extra_required.extend(n for n in required if n not in properties)

    # -- types ----------------------------------------------------------------------------------

    def type_of(self, located: Located, inline_name: str) -> SchemaType:
        """The type of the schema at ``located`` (a schema, or a non-body parameter); an inline
        object schema becomes a model named ``inline_name``."""
        raw = located.value
        if isinstance(raw, dict) and "in" in raw:
            # A non-body Parameter object holds its schema keywords beside its own keys, of
            # which ``required`` is a boolean rather than the schema keyword's list.
            schema = {k: v for k, v in raw.items() if k not in _PARAMETER_KEYS}
            located = Located(located.document, located.pointer, schema)
        return self._type(self._node(located), inline_name)

    def _type(self, node: _Node, inline_name: str) -> SchemaType:
        schema = node.schema
        if schema.ref is not None:
            target = self._deref(node)
            if target.where in self.models:
                model = self.models[target.where]
                return SchemaType("enum" if model.is_enum else "model", target.where)
            return self._type(target, inline_name)
        if _is_enum(schema):
            return SchemaType("enum", node.where)
        if len(schema.allOf) == 1 and not schema.properties:
            # ``allOf: [{$ref}]`` next to a description: the referenced schema itself.
            return self._type(node.child(schema.allOf[0], "allOf", 0), inline_name)
        if _is_model(schema):
            if node.where not in self.models:
                self._register(node, inline_name)
            return SchemaType("model", node.where)
        kind = schema.type
        if kind == "array" or (kind is None and "items" in schema.model_fields_set):
            if not schema.items:  # no item schema: any JSON value
                return SchemaType("list", item=SchemaType("any"))
            items = node.child(schema.items, "items")
            return SchemaType("list", item=self._type(items, inline_name + "Item"))
        if isinstance(kind, str) and kind in _TYPES:
            fmt = schema.format
            if kind == "string" and fmt in _STRING_FORMATS:
                return SchemaType("primitive", _STRING_FORMATS[fmt])
            if kind == "string" and fmt == "binary":
                return SchemaType("any")
            return SchemaType("primitive", _TYPES[kind])
        extra = schema.additionalProperties
        if kind in ("object", None) and isinstance(extra, JsonSchemaObject) and _written(extra):
            values = node.child(extra, "additionalProperties")
            return SchemaType("dict", item=self._type(values, inline_name + "Value"))
        if kind in ("object", None, "file"):
            # A free-form object: any JSON value, as services do not always send an object
            # there (deploymentScripts' outputs hold strings where the spec says object).
            return SchemaType("any")
        raise SpecError(f"{node.where}: unsupported type {kind!r}")


def _written(schema: JsonSchemaObject) -> bool:
    """The schema says something (``{}`` says nothing)."""
    return bool(schema.model_fields_set)


def _is_enum(schema: JsonSchemaObject) -> bool:
    return "enum" in schema.model_fields_set


def _is_model(schema: JsonSchemaObject) -> bool:
    """An object schema with a shape of its own (properties, bases or a discriminator)."""
    if _is_enum(schema) or schema.type not in (None, "object"):
        return False
    return bool(schema.properties or schema.allOf or schema.discriminator)


def _is_empty_object(schema: JsonSchemaObject) -> bool:
    """An object schema, or one with no type, that has no shape: nothing to inherit."""
    return (
        schema.type in (None, "object")
        and not _is_enum(schema)
        and not (schema.properties or schema.allOf or schema.discriminator)
        and schema.additionalProperties in (None, False)
        and schema.items is None
    )


def _pascal(wire_name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in naming.snake_case(wire_name).split("_"))


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _refuse_base_cycles(models: dict[str, SchemaModel]) -> None:
    """A definition that is its own allOf base, through any chain of bases, has no finite set of
    fields or superclasses: a located error naming the chain, rather than endless recursion."""
    done: set[str] = set()

    def visit(ref: str, chain: list[str]) -> None:
        if ref in done:
            return
        if ref in chain:
            loop = [*chain[chain.index(ref) :], ref]
            names = " -> ".join(models[r].class_name for r in loop)
            raise SpecError(f"{ref}: allOf cycle: {names}; a definition cannot be its own base")
        for base in models[ref].bases:
            if base in models:
                visit(base, [*chain, ref])
        done.add(ref)

    for ref in models:
        visit(ref, [])
