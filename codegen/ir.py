"""The intermediate model: everything the templates need, decided; templates only print it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TypeKind = Literal[
    "str",
    "int",
    "float",
    "bool",
    "datetime",
    "date",
    "duration",
    "bytes",
    "any",
    "model",
    "enum",
    "list",
    "dict",
]

_PYTHON_PRIMITIVES = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "datetime": "datetime.datetime",
    "date": "datetime.date",
    "duration": "datetime.timedelta",
    "bytes": "bytes",
    "any": "Any",
}


@dataclass(frozen=True)
class TypeRef:
    """A field or parameter type. ``name`` is the class for model/enum; ``item`` for list/dict."""

    kind: TypeKind
    name: str = ""
    item: TypeRef | None = None

    @property
    def annotation(self) -> str:
        if self.kind in ("model", "enum"):
            return self.name
        if self.kind == "list":
            assert self.item is not None
            return f"list[{self.item.annotation}]"
        if self.kind == "dict":
            assert self.item is not None
            return f"dict[str, {self.item.annotation}]"
        return _PYTHON_PRIMITIVES[self.kind]

    @property
    def referenced(self) -> tuple[str, ...]:
        """Model and enum names this type mentions."""
        if self.kind in ("model", "enum"):
            return (self.name,)
        if self.item is not None:
            return self.item.referenced
        return ()


@dataclass(frozen=True)
class Field:
    python_name: str
    wire_name: str
    type: TypeRef
    required: bool
    read_only: bool
    secret: bool
    # Wire keys of the objects this field is hoisted out of by x-ms-client-flatten: ("properties",).
    flattened_from: tuple[str, ...]
    description: str
    source: str  # document#pointer of the property, for provenance and error messages
    forward_ref: bool = False  # mentions a class defined later (a cycle): quote the annotation

    # Set for fields whose enum is extensible: plain strings are accepted as well.
    accepts_str: bool = False
    nullable: bool = False  # x-nullable: a JSON null the service sent is sent back
    discriminator: bool = False  # the property that tells a polymorphic model's subtypes apart
    default: str | None = None  # a Python expression: a subtype's discriminator value
    init: bool = True  # False: not a constructor argument (a subtype's discriminator)
    constant: bool = False  # a required single-value enum: always sent, never asked for
    # How a date-time (or the date-times of a list/dict) is written: "rfc1123", or "" (RFC 3339).
    wire_format: str = ""
    # A hoisted field renamed because its name clashed (``type_properties_type``): its own name.
    own_name: str = ""
    # With accepts_str: the plain type an extensible enum accepts besides its members ("int"
    # for an integer enum).
    loose_type: str = "str"
    # Left out of repr without being a secret field itself: a field of a model that a secret
    # field holds (a protected parameter's value; its name stays shown).
    hidden: bool = False

    @property
    def annotation(self) -> str:
        text = self.type.annotation
        if self.accepts_str:
            text = f"{text} | {self.loose_type}"
        if not self.required and self.default is None:
            text = f"{text} | None"
        return repr(text) if self.forward_ref else text

    @property
    def attrs_arguments(self) -> str:
        """The arguments of the field's ``attrs.field(...)``: absent optional fields are None."""
        items = []
        if self.default is not None:
            items.append(f"default={self.default}")
        elif not self.required:
            items.append("default=None")
        if not self.init:
            items.append("init=False")
        if self.secret or self.hidden:
            items.append("repr=False")
        if self.metadata != "{}":
            items.append(f"metadata={self.metadata}")
        return ", ".join(items)

    @property
    def metadata(self) -> str:
        """The ``attrs.field(metadata=...)`` literal the runtime's Codec reads: only what
        differs from its defaults (wire name = attribute name, writable, not secret)."""
        items = [] if self.wire_name == self.python_name else [f'"wire": {self.wire_name!r}']
        if self.flattened_from:
            items.append(f'"flatten": {self.flattened_from!r}')
        if self.read_only:
            items.append('"read_only": True')
        if self.secret:
            items.append('"secret": True')
        if self.nullable:
            items.append('"nullable": True')
        if self.discriminator:
            items.append('"discriminator": True')
        if self.constant:
            items.append('"constant": True')
        if self.wire_format:
            items.append(f'"format": {self.wire_format!r}')
        return "{" + ", ".join(items) + "}"


@dataclass(frozen=True)
class Model:
    name: str
    description: str
    fields: tuple[Field, ...]
    source: str
    # Class names this model's annotations mention before they are defined (cycles).
    forward_refs: tuple[str, ...] = ()
    # The polymorphic base (a model with a discriminator) this model is a subtype of.
    base: str | None = None


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: str | int | float
    description: str = ""


# The runtime base class of an enum, by (value type, extensible).
_ENUM_BASES = {
    ("str", True): "ExtensibleEnum",
    ("str", False): "ClosedEnum",
    ("int", True): "ExtensibleIntEnum",
    ("int", False): "ClosedIntEnum",
    ("float", True): "ExtensibleFloatEnum",
    ("float", False): "ClosedFloatEnum",
}


@dataclass(frozen=True)
class EnumType:
    name: str
    description: str
    members: tuple[EnumMember, ...]
    extensible: bool  # x-ms-enum modelAsString: unknown values are accepted and round-tripped
    source: str
    # The type of its values: "str", or "int" / "float" for x-ms-enum on an integer / number.
    value_type: str = "str"

    @property
    def base_class(self) -> str:
        return _ENUM_BASES[(self.value_type, self.extensible)]


def media_kind(media_type: str) -> str:
    """How a body of this media type is sent: "json" (application/json, text/json,
    ...+json), "text" (other text/* and XML: a str as it is) or "binary" (bytes as they
    are)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    if essence in ("application/json", "text/json") or essence.endswith("+json"):
        return "json"
    if essence.startswith("text/") or is_xml(essence):
        return "text"
    return "binary"


def is_xml(media_type: str) -> bool:
    """``application/xml``, ``text/xml``, ``...+xml``: text there is no model codec for."""
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence.endswith("/xml") or essence.endswith("+xml")


# "flattened": one field of a body with x-ms-client-flatten, which the caller passes on its own.
ParameterLocation = Literal["path", "query", "header", "body", "formData", "flattened"]


@dataclass(frozen=True)
class Parameter:
    python_name: str
    wire_name: str
    location: ParameterLocation
    required: bool
    type: TypeRef
    description: str
    client_level: bool  # supplied by the client (subscription id, api-version), not the caller
    constant: str | None = None  # a required single-value enum: always sent, never asked for
    # How the value is written on the wire (path, query, header); see runtime/params.py.
    wire_format: str = ""  # "date-time-rfc1123", "unix-time", "base64url", or "" (the default)
    collection_format: str = ""  # arrays: "csv", "ssv", "tsv", "pipes" or "multi"
    skip_url_encoding: bool = False  # x-ms-skip-url-encoding: the value is sent as it is
    header_prefix: str = ""  # x-ms-header-collection-prefix: a dict sent as prefixed headers
    accepts_str: bool = False  # an extensible enum: plain strings are accepted as well
    group: str = ""  # x-ms-parameter-grouping: the class the caller passes this value in
    # A body's media type when it is not application/json (from consumes): a JSON variant
    # (application/merge-patch+json), text (the str sent as it is) or binary (bytes).
    content_type: str = ""
    default: str | None = None  # an optional value's spec default, as a Python literal
    flatten: bool = False  # a body with x-ms-client-flatten: its fields are the arguments
    loose_type: str = "str"  # with accepts_str: "int" for an extensible integer enum
    body_field: str = ""  # location "flattened": the body model's field this value fills

    @property
    def annotation(self) -> str:
        if self.location == "flattened":
            # Passed to the body model's constructor as it is: the field's own annotation.
            text = self.type.annotation
            return f"{text} | {self.loose_type}" if self.accepts_str else text
        if self.location == "body" and self.type.kind == "model":
            return f"{self.type.name} | Mapping[str, Any]"
        item = self.type.item
        if self.location == "body" and self.type.kind == "list" and item and item.kind == "model":
            return f"Sequence[{item.name} | Mapping[str, Any]]"
        if self.location == "body" and self.type.kind == "dict" and item and item.kind == "model":
            return f"Mapping[str, {item.name} | Mapping[str, Any]]"
        text = self.type.annotation
        if self.type.kind == "list" and self.location != "body":
            text = f"Sequence[{self.type.item.annotation if self.type.item else 'Any'}]"
        return f"{text} | {self.loose_type}" if self.accepts_str else text


@dataclass(frozen=True)
class ResponseHeader:
    """A header a success response declares: read from the response as its type."""

    wire_name: str
    type: TypeRef  # a primitive or an enum
    wire_format: str = ""  # "date-time-rfc1123", "unix-time", "base64url", or "" (the default)


@dataclass(frozen=True)
class ParameterGroup:
    """x-ms-parameter-grouping: a class bundling some of an operation's parameters."""

    class_name: str
    python_name: str  # the operation's argument
    required: bool
    members: tuple[Parameter, ...]


@dataclass(frozen=True)
class Paging:
    item_type: TypeRef
    items_key: str
    next_link_key: str | None
    # x-ms-pageable operationName: next pages are requested as this operation's URL.
    next_operation_id: str | None = None
    next_operation: Operation | None = None


@dataclass(frozen=True)
class FailureSummary:
    """What of a failed LRO's resource its error message shows (spec/codegen.yaml)."""

    path: tuple[str, ...]  # wire names down to the object summarized
    fields: tuple[str, ...]  # its fields shown, in order
    stream: str | None = None  # a text field shown cut short


@dataclass(frozen=True)
class LongRunning:
    final_state_via: str | None
    failure: FailureSummary | None = None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method_name: str
    http_method: str
    path: str  # an x-ms-paths key keeps its literal query ("/things?kind=round")
    description: str
    path_parameters: tuple[Parameter, ...]
    query_parameters: tuple[Parameter, ...]
    header_parameters: tuple[Parameter, ...]
    body: Parameter | None
    success_statuses: tuple[int, ...]
    result: TypeRef | None  # None: the operation returns nothing
    long_running: LongRunning | None
    paging: Paging | None
    # Per success status, the type its body holds (None: no body); differs from ``result``
    # only when statuses disagree (several schemas, or some statuses without one).
    status_results: tuple[tuple[int, TypeRef | None], ...] = ()
    # HEAD without a schema: the answer is whether the resource exists (404 -> False).
    returns_exists: bool = False
    # x-ms-parameterized-host: the host template and its path parameters.
    host_template: str = ""
    host_parameters: tuple[Parameter, ...] = ()
    host_first: bool = False  # positionInOperation: host parameters before the path's
    groups: tuple[ParameterGroup, ...] = ()
    # formData parameters and the media type they are sent as (multipart or urlencoded).
    form_parameters: tuple[Parameter, ...] = ()
    form_content_type: str = ""
    # Headers the success responses declare; the caller reads them through ``cls=``.
    response_headers: tuple[ResponseHeader, ...] = ()
    # x-ms-client-flatten on the body: the caller passes the body model's fields, one
    # argument each (location "flattened"), and the operation builds the model from them.
    body_fields: tuple[Parameter, ...] = ()
    # consumes mixing kinds (JSON, text, binary): the caller picks one with ``content_type=``
    # (AutoRest's default: application/json when listed, else the first), and the body is
    # sent as that kind.
    content_types: tuple[str, ...] = ()
    default_content_type: str = ""
    binary_content_type: str = ""  # when the caller gives bytes and no content_type
    # produces without JSON (text/plain): the Accept header sent, and a str result read as
    # the body's text rather than as JSON.
    accept: str = ""
    text_result: bool = False

    @property
    def positional_parameters(self) -> tuple[Parameter, ...]:
        """Required caller-supplied values, in spec order: path, then query/header, then body."""
        path = [
            p
            for p in self.path_parameters
            if not p.client_level and not p.group and p.constant is None
        ]
        host = [p for p in self.host_parameters if not p.client_level]
        path = [*host, *path] if self.host_first else [*path, *host]
        required = [p for p in self._caller_query_and_headers if p.required]
        body = self.body
        body_arg = (body,) if body is not None and self._body_is_argument and body.required else ()
        fields = [p for p in self.body_fields if p.required and not p.group]
        return (*path, *required, *body_arg, *fields)

    @property
    def keyword_parameters(self) -> tuple[Parameter, ...]:
        """Optional caller-supplied values: keyword-only, defaulting to None (not sent)."""
        optional = [p for p in self._caller_query_and_headers if not p.required]
        if self.body is not None and self._body_is_argument and not self.body.required:
            optional.append(self.body)
        optional += [p for p in self.body_fields if not p.required and not p.group]
        return tuple(optional)

    @property
    def _body_is_argument(self) -> bool:
        """The body is one argument of the method (neither grouped nor flattened)."""
        return self.body is not None and not self.body.group and not self.body_fields

    @property
    def _caller_query_and_headers(self) -> list[Parameter]:
        return [
            p
            for p in (*self.query_parameters, *self.header_parameters, *self.form_parameters)
            if not p.client_level and p.constant is None and not p.group
        ]


@dataclass(frozen=True)
class OperationGroup:
    class_name: str
    attribute: str
    operations: tuple[Operation, ...]
    # Operations whose operationId names no group ("getArray"): the client class inherits
    # them, so they are the client's own methods, as in AutoRest (and azure-mgmt mixins).
    client_methods: bool = False


@dataclass(frozen=True)
class ApiVersion:
    api_version: str
    module: str
    title: str
    description: str
    client_name: str
    models: tuple[Model, ...]
    enums: tuple[EnumType, ...]
    groups: tuple[OperationGroup, ...]
    secret_wire_names: tuple[str, ...]
    provenance: dict[str, object] = field(default_factory=dict)
    # Client-level parameters other than subscriptionId and api-version: constructor options.
    client_parameters: tuple[Parameter, ...] = ()

    @property
    def client_bases(self) -> tuple[str, ...]:
        """Operation classes the client inherits its own methods from."""
        return tuple(g.class_name for g in self.groups if g.client_methods)

    @property
    def attribute_groups(self) -> tuple[OperationGroup, ...]:
        """Operation groups reached as an attribute of the client."""
        return tuple(g for g in self.groups if not g.client_methods)

    @property
    def uses_datetime(self) -> bool:
        return any("datetime." in f.type.annotation for model in self.models for f in model.fields)
