"""The Python surface derived from the IR: signatures, return types, docstrings.

Kept apart from the templates so they only print decisions, and so the public API of a
generation can be listed and compared without rendering code.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from urllib.parse import quote

from .ir import (
    ApiVersion,
    EnumType,
    Model,
    Operation,
    Parameter,
    ParameterGroup,
    TypeRef,
    media_kind,
)

_WIDTH = 92

# collectionFormat -> the separator of array elements (multi repeats the query key instead).
SEPARATORS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}


@dataclass(frozen=True)
class OperationSurface:
    positional: list[tuple[str, str]]  # (name, annotation)
    keywords: list[tuple[str, str]]  # (name, "annotation = default")
    returns: str
    docstring: str
    path_template: str
    absolute: bool  # the template starts with a parameterized host, not base_url
    form_expression: str  # formData: builds ``form`` (its body and Content-Type) first
    path_values: list[tuple[str, str, str]]  # (wire name, Python name, expression)
    query_values: list[tuple[str, str]]  # (wire name, expression)
    body_expression: str
    headers_expression: str
    deserialize: str
    # "none", "exists" (HEAD -> bool), "binary" (bytes), "single" or "by_status"
    response_kind: str
    status_readers: list[tuple[int, str]]  # by_status: (status, reader or "None")
    paging_extra: list[str]  # extra keyword arguments of client.paged(...)
    def_keyword: str  # "def", or "async def" for an async call that sends at once
    await_prefix: str
    polling_annotation: str  # of the polling= argument of an LRO
    # T of LROPoller[T] ("None" without a result): what a polling= method object returns.
    poller_result: str = "None"
    # (body annotation, continuation_token annotation) of each @overload of an LRO with a
    # body: the body is required unless continuation_token is given.
    resume_overloads: tuple[tuple[str, str], ...] = ()
    # Statements run first: a required parameter group passed as None fails naming itself.
    checks: tuple[str, ...] = ()
    # The declared response headers' readers, a dict literal ("" when the operation accepts
    # no ``cls=``): given ``cls``, the call returns cls(response, result, headers).
    header_readers: str = ""

    @property
    def every_status_has_a_body(self) -> bool:
        return all(read != "None" for _, read in self.status_readers)

    @property
    def annotations(self) -> list[str]:
        return [a for _, a in (*self.positional, *self.keywords)]

    def positional_with_body(self, body_annotation: str) -> list[tuple[str, str]]:
        """The positional parameters with the body's annotation replaced (an overload's)."""
        return [
            (name, body_annotation if name == self.body_name else annotation)
            for name, annotation in self.positional
        ]

    body_name: str = ""  # the positional body parameter's name, for the resume overloads


def docstring(
    text: str, indent: int, sections: tuple[tuple[str, list[tuple[str, str]]], ...] = ()
) -> str:
    """A triple-quoted docstring, wrapped and escaped, with optional Google-style sections."""
    pad = " " * indent
    lines: list[str] = []
    summary = _escape(text) or "No description in the spec."
    lines.extend(textwrap.wrap(summary, _WIDTH - indent) or [""])
    for title, entries in sections:
        if not entries:
            continue
        lines.append("")
        lines.append(f"{title}:")
        for name, description in entries:
            wrapped = textwrap.wrap(
                f"{name}: {_escape(description)}" if name else _escape(description),
                _WIDTH - indent - 4,
                subsequent_indent="    ",
            )
            lines.extend(f"    {line}" for line in wrapped)
    if len(lines) == 1:
        return f'"""{lines[0]}"""'
    body = "\n".join(f"{pad}{line}" if line else "" for line in lines[1:])
    return f'"""{lines[0]}\n{body}\n{pad}"""'


def _escape(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def model_docstring(model: Model) -> str:
    entries = []
    for f in model.fields:
        notes = []
        if f.read_only:
            notes.append("Read-only: set by the service, never sent.")
        if f.secret:
            notes.append("Secret: left out of repr, logs and error messages.")
        if f.required and f.init:
            notes.append("Required.")
        elif not f.init:
            notes.append(
                f"Always {f.default}"
                + (": a constant." if f.constant else ": tells this subtype apart on the wire.")
            )
        else:
            notes.append("None when absent.")
        entries.append((f.python_name, " ".join([f.description or "", *notes]).strip()))
    if model.base is None:
        entries.append(
            (
                "additional_properties",
                "Wire keys this model does not know, kept and sent back.",
            )
        )
        entries.append(
            (
                "wire_nulls",
                "Fields sent as JSON null (merge-patch removal); see send_null().",
            )
        )
    return docstring(model.description, 4, (("Attributes", entries),))


def enum_notes(enum: EnumType) -> tuple[tuple[str, list[tuple[str, str]]], ...]:
    if enum.extensible:
        note = "The service may return values not listed here; they are kept as they are."
    else:
        note = "The service uses only the values listed here."
    return (("Note", [("", note)]),)


@dataclass(frozen=True)
class Side:
    """What differs between the sync and the async surface of one api-version.

    Both are rendered from the same IR and templates; the templates print these decisions.
    """

    name: str
    title_suffix: str  # added to module docstrings
    subpackage: str  # "" or "aio/": where the side's modules go inside the api-version folder
    up: str  # relative import prefix from the side's modules to the package root
    client_class: str
    client_module: str
    poller: str
    poller_module: str
    pager: str
    pager_module: str
    credential: str
    credential_module: str
    credential_doc: str
    def_keyword: str  # of a call that sends at once
    await_prefix: str
    close: str  # "def close" / "async def close"
    enter: str
    exit: str
    without_options: frozenset[str]  # client options the side's transport has no use for
    polling_method: str  # polling= also takes an azure-core polling-method object of this protocol

    def client_options(self) -> tuple[ClientOption, ...]:
        return tuple(o for o in CLIENT_OPTIONS if o.name not in self.without_options)

    @property
    def models_module(self) -> str:
        """The api-version's models, relative to the side's modules."""
        return self.up[1:] + "models"

    @property
    def imports_urllib3(self) -> bool:
        return any(o.annotation.startswith("urllib3.") for o in self.client_options())


SYNC = Side(
    name="sync",
    title_suffix="",
    subpackage="",
    up="..",
    client_class="ArmClient",
    client_module="runtime.client",
    poller="LROPoller",
    poller_module="runtime.polling",
    pager="ItemPaged",
    pager_module="runtime.paging",
    credential="TokenCredential",
    credential_module="runtime.auth",
    credential_doc="Any object with get_token(*scopes), such as an azure-identity credential.",
    def_keyword="def",
    await_prefix="",
    close="def close",
    enter="__enter__",
    exit="__exit__",
    without_options=frozenset(),
    polling_method="PollingMethod",
)
ASYNC = Side(
    name="async",
    title_suffix=" (asyncio)",
    subpackage="aio/",
    up="...",
    client_class="AsyncArmClient",
    client_module="runtime.aio.client",
    poller="AsyncLROPoller",
    poller_module="runtime.aio.polling",
    pager="AsyncItemPaged",
    pager_module="runtime.aio.paging",
    credential="AsyncTokenCredential",
    credential_module="runtime.aio.auth",
    credential_doc=(
        "Any object with an async get_token(*scopes), such as an azure.identity.aio credential."
    ),
    def_keyword="async def",
    await_prefix="await ",
    close="async def close",
    enter="__aenter__",
    exit="__aexit__",
    without_options=frozenset({"pool_manager"}),
    polling_method="AsyncPollingMethod",
)
SIDES = (SYNC, ASYNC)


@dataclass(frozen=True)
class ClientOption:
    """A keyword-only constructor option of the generated client, forwarded to ArmClient.

    Its default is not restated here: the client reads it from the runtime's
    ``CLIENT_DEFAULTS`` (runtime/client_options.py), where every option is defined once.
    """

    name: str
    annotation: str
    doc: str


# The one list of client options: the template renders the signature, the forwarding call and
# the docstring from it.
CLIENT_OPTIONS = (
    ClientOption("base_url", "str | None", "The ARM endpoint; public Azure by default."),
    ClientOption(
        "cloud",
        "str | None",
        "Instead of base_url, a cloud by name: AzureCloud (or AzurePublicCloud), "
        "AzureChinaCloud or AzureUSGovernment. The token scope follows the endpoint.",
    ),
    ClientOption(
        "cloud_setting",
        "str | None",
        "The same as cloud, under azure-mgmt-*'s name; azure.core.AzureClouds members work.",
    ),
    ClientOption(
        "connection_verify",
        "bool | str",
        "TLS verification: True, False, or a CA bundle path.",
    ),
    ClientOption(
        "pool_manager",
        "urllib3.PoolManager | None",
        "A urllib3 PoolManager to use instead of the client's own (left open by close()).",
    ),
    ClientOption(
        "polling_interval",
        "float",
        "Seconds between long-running-operation polls when the service does not say (Retry-After).",
    ),
    ClientOption(
        "retry_policy",
        "RetryPolicy | None",
        "Retries of failed requests; the default matches azure-core.",
    ),
    ClientOption("user_agent", "str | None", "A prefix for the User-Agent header."),
    ClientOption("connection_timeout", "float", "Seconds to wait for a connection to open."),
    ClientOption("read_timeout", "float", "Seconds to wait for a response to arrive."),
    ClientOption(
        "credential_scopes",
        "Sequence[str] | None",
        "Token scopes; by default the endpoint's own ('<endpoint>/.default').",
    ),
    ClientOption(
        "pool_maxsize",
        "int",
        "Connections kept open to the endpoint; concurrent calls beyond it wait for one.",
    ),
    ClientOption(
        "max_response_body",
        "int",
        "Largest response body accepted, in bytes; a larger one raises "
        "ResponseBodyTooLargeError without being read.",
    ),
)


def client_parameters(api: ApiVersion) -> list[tuple[str, str, str]]:
    """(Python name, "annotation[ = default]", wire name) of the client's own parameters."""
    found = []
    for p in api.client_parameters:
        annotation = p.annotation
        node_default = p.default
        if node_default is not None:
            annotation += f" = {node_default}"
        elif not p.required:
            annotation += " | None = None"
        found.append((p.python_name, annotation, p.wire_name))
    # Keyword-only arguments without a default first, as a reader expects.
    return sorted(found, key=lambda item: "=" in item[1])


CLIENT_ARGUMENTS = frozenset(option.name for option in CLIENT_OPTIONS)


def client_docstring(api: ApiVersion, side: Side = SYNC) -> str:
    groups = [
        (g.attribute, f"{g.class_name}: operations of this group.") for g in api.attribute_groups
    ]
    args = [
        ("credential", side.credential_doc),
        ("subscription_id", "The Azure subscription to work in."),
        *((p.python_name, p.description) for p in api.client_parameters),
        *((option.name, option.doc) for option in side.client_options()),
    ]
    text = api.description or api.title
    return docstring(
        f"{text} (api-version {api.api_version}).",
        4,
        (("Args", args), ("Attributes", groups)),
    )


# What the top-level package re-exports from the runtime, by module.
_RUNTIME_EXPORTS = (
    (
        ".runtime.exceptions",
        (
            "AzureError",
            "ClientAuthenticationError",
            "DecodeError",
            "DeserializationError",
            "ErrorDetail",
            "HttpResponseError",
            "InvalidHeaderValueError",
            "RedirectNotFollowedError",
            "ResourceExistsError",
            "ResourceNotFoundError",
            "ResourceNotModifiedError",
            "ResponseBodyTooLargeError",
            "ServiceRequestError",
            "ServiceRequestTimeoutError",
            "ServiceResponseError",
            "ServiceResponseTimeoutError",
        ),
    ),
    (".runtime.paging", ("ItemPaged", "PageIterator", "TooManyEmptyPagesError")),
    (
        ".runtime.polling",
        ("ArmPollingMethod", "LROPoller", "OperationFailedError", "PollingTimeoutError"),
    ),
    # Types the calls take or hand back (a credential, a raw-response hook's argument, an
    # error's response), so a user's annotations need not reach into the runtime.
    (".runtime.auth", ("TokenCredential",)),
    (".runtime.call_options", ("PipelineResponse", "PollingMethod")),
    (".runtime.http", ("HttpResponse",)),
    (".runtime.retry", ("RetryPolicy",)),
    (".runtime.serialization", ("UNSET", "Unset", "send_null")),
)


def isort_order(names: list[str]) -> list[str]:
    """CONSTANTS, then Classes, then the rest: the order ruff's RUF022 expects in __all__."""
    return sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))


def package_exports(latest: ApiVersion) -> list[tuple[str, str]]:
    """(name, module) pairs the top-level package exposes, imported lazily."""
    exports = [(name, module) for module, names in _RUNTIME_EXPORTS for name in names]
    exports += [
        (name, "._client") for name in ("API_VERSIONS", "DEFAULT_API_VERSION", latest.client_name)
    ]
    return exports


@dataclass(frozen=True)
class PackageClientPlace:
    """Where a side's top-level client (``_client.py``, ``aio/_client.py``) finds the
    versioned clients, as relative imports."""

    newest_module: str  # the newest api-version's client module of the side
    up: str  # from the top-level client's package to the package root
    side_suffix: str  # after an api-version's subpackage: "" or ".aio"


def package_client_place(latest: ApiVersion, side: Side) -> PackageClientPlace:
    side_package = side.subpackage.rstrip("/")
    up = "." * (2 if side_package else 1)
    suffix = f".{side_package}" if side_package else ""
    return PackageClientPlace(f"{up}{latest.module}{suffix}.client", up, suffix)


def package_client_docstring(
    latest: ApiVersion, versions: list[ApiVersion], package: str, side: Side = SYNC
) -> str:
    text = (
        f"The client of api-version {latest.api_version}, the newest generated, or of the "
        "api-version that api_version= names; otherwise the same arguments."
    )
    choices = ", ".join(v.api_version for v in versions)
    where = f"{package}.<subpackage>.{side.subpackage.replace('/', '.')}{latest.client_name}"
    args = [
        (
            "api_version",
            f"One of {choices}. Another than {latest.api_version} gives that api-version's "
            f"client, an instance of {where}; type "
            "checkers see the newest api-version's operations either way, so import the "
            "subpackage for exact types. An api-version not generated raises ValueError "
            "naming those that are.",
        )
    ]
    return docstring(text, 4, (("Args", args),))


def operation_surface(op: Operation, api: ApiVersion, side: Side = SYNC) -> OperationSurface:
    positional = []
    for p in op.positional_parameters:
        annotation = _body_annotation(op, p) if p.location == "body" else p.annotation
        if p.location == "body" and op.long_running is not None:
            # None is allowed only together with continuation_token (resuming sends no body).
            annotation = f"{annotation} | None"
        positional.append((p.python_name, annotation))
    for g in op.groups:
        if g.required:
            positional.append((g.python_name, g.class_name))
    keyword_parameters = list(op.keyword_parameters)
    optional_body = op.body if op.body is not None and op.body in keyword_parameters else None
    if (
        optional_body is not None
        and op.long_running is None
        and len(positional) == len(op.positional_parameters)
    ):
        # An optional body is the last positional argument, defaulting to None, as in AutoRest
        # (``put_array(resources)``); it can still be given by name.
        keyword_parameters.remove(optional_body)
        positional.append(
            (optional_body.python_name, f"{_body_annotation(op, optional_body)} | None = None")
        )
    keywords = [
        (p.python_name, f"{p.annotation} = {p.default}")
        if p.default is not None
        else (
            p.python_name,
            f"{_body_annotation(op, p) if p.location == 'body' else p.annotation} | None = None",
        )
        for p in keyword_parameters
    ]
    if op.content_types:
        keywords.append(("content_type", "str | None = None"))
    keywords += [
        (g.python_name, f"{g.class_name} | None = None") for g in op.groups if not g.required
    ]
    sources = {p.python_name: p.python_name for p in _all_parameters(op)}
    for g in op.groups:
        for m in g.members:
            sources[m.python_name] = (
                f"{g.python_name}.{m.python_name}"
                if g.required
                else f"(None if {g.python_name} is None else {g.python_name}.{m.python_name})"
            )
    template = op.host_template + op.path
    path_values = []
    for p in (*op.host_parameters, *op.path_parameters):
        if p.constant is not None and p.location == "path":
            # Known when generating: written into the template, encoded as format_url would.
            text = p.constant if p.skip_url_encoding else quote(p.constant, safe="")
            template = template.replace("{" + p.wire_name + "}", text)
            continue
        path_values.append((p.wire_name, p.python_name, _value(op, p, sources)))
    query_values = [(p.wire_name, _value(op, p, sources)) for p in op.query_parameters]
    header_items = [
        f"{p.wire_name!r}: {_value(op, p, sources)}"
        for p in op.header_parameters
        if not p.header_prefix
    ]
    if op.body is not None and op.body.content_type:
        header_items.append(f"'Content-Type': {op.body.content_type!r}")
    if op.body is not None and op.content_types:
        header_items.append(f"'Content-Type': {_media_type(op, sources)}")
    if op.accept:
        header_items.append(f"'Accept': {op.accept!r}")
    form_expression = ""
    if op.form_parameters:
        fields = ", ".join(
            f"{p.wire_name!r}: {sources[p.python_name] if p.constant is None else repr(p.constant)}"
            for p in op.form_parameters
        )
        helper = "multipart_body" if op.form_content_type == "multipart/form-data" else "form_body"
        form_expression = f"{helper}({{{fields}}})"
        header_items.append("'Content-Type': form.content_type")
    collections = [
        f"**header_collection({p.header_prefix!r}, {sources[p.python_name]})"
        for p in op.header_parameters
        if p.header_prefix
    ]
    headers_expression = "headers"
    if header_items or collections:
        parts = ["**(headers or {})"]
        if header_items:
            parts.append(
                "**{k: v for k, v in {" + ", ".join(header_items) + "}.items() if v is not None}"
            )
        parts.extend(collections)
        headers_expression = "{" + ", ".join(parts) + "}"
    body_expression = "form.body" if form_expression else "None"
    if op.body is not None and op.body_fields:
        body_expression = _flattened_body(op, op.body, sources)
    elif op.body is not None:
        call = _body_call(op, op.body, sources)
        source = sources[op.body.python_name]
        if op.long_running is not None:
            optional = "" if op.body.required else f" or {source} is None"
            body_expression = f"None if continuation_token is not None{optional} else {call}"
        elif not op.body.required or (op.body.group and source.startswith("(None")):
            body_expression = f"None if {source} is None else {call}"
        else:
            body_expression = call
    status_readers: list[tuple[int, str]] = []
    result = op.paging.item_type if op.paging else op.result
    deserialize = reader(result) if result is not None else "None"
    if op.returns_exists:
        response_kind, returns = "exists", "bool"
    elif op.status_results:
        response_kind = "by_status"
        status_readers = [(s, reader(t) if t else "None") for s, t in op.status_results]
        names = list(dict.fromkeys(t.annotation for _, t in op.status_results if t))
        if any(t is None for _, t in op.status_results):
            names.append("None")
        returns = " | ".join(names)
    elif result is None:
        response_kind, returns = "none", "None"
    elif result.kind == "bytes" and op.paging is None and _binary_result(op):
        response_kind, returns = "binary", "bytes"
    elif op.text_result and op.paging is None and op.long_running is None:
        response_kind, returns = "text", "str"
    else:
        response_kind, returns = "single", result.annotation
    paging_extra: list[str] = []
    if op.paging is not None:
        returns = f"{side.pager}[{returns}]"
        if op.http_method != "GET":
            paging_extra.append(f"method={op.http_method!r}")
        if op.http_method != "GET" or op.body is not None:
            # A GET list with a body parameter sends it with the first page's request too.
            paging_extra.append(f"body={body_expression}")
        if op.paging.next_operation is not None:
            paging_extra.append(f"next_url={_next_url(op, op.paging.next_operation, sources)}")
        elif not any(p.wire_name == "api-version" for p in op.query_parameters):
            paging_extra.append("replace_api_version=False")
    poller_result = "None"
    resume_overloads: tuple[tuple[str, str], ...] = ()
    body_name = ""
    if op.long_running is not None:
        if op.paging is not None:
            deserialize = (
                f"self._client.pager_reader({deserialize}, "
                f"items_key={op.paging.items_key!r}, "
                f"next_link_key={op.paging.next_link_key!r}, options=options)"
            )
        poller_result = returns
        returns = f"{side.poller}[{returns}]"
        body = next((p for p in op.positional_parameters if p.location == "body"), None)
        if body is not None:
            body_name = body.python_name
            # Omittable when resuming, if nothing positional follows it.
            omitted = " = None" if positional[-1][0] == body.python_name else ""
            resume_overloads = (
                (body.annotation, "None = None"),
                (f"{body.annotation} | None{omitted}", "str"),
            )
    return OperationSurface(
        positional=positional,
        keywords=keywords,
        poller_result=poller_result,
        resume_overloads=resume_overloads,
        body_name=body_name,
        returns=returns,
        docstring=_operation_docstring(op, returns),
        path_template=template,
        absolute=bool(op.host_template),
        form_expression=form_expression,
        path_values=path_values,
        query_values=query_values,
        body_expression=body_expression,
        headers_expression=headers_expression,
        deserialize=deserialize,
        response_kind=response_kind,
        status_readers=status_readers,
        paging_extra=paging_extra,
        checks=tuple(
            f"require_argument({g.python_name}, {g.python_name!r})" for g in op.groups if g.required
        ),
        header_readers=_header_readers(op, response_kind),
        polling_annotation=f"bool | {side.polling_method}[{poller_result}]",
        # A pager sends nothing until iterated: it is returned at once, on both sides.
        def_keyword=side.def_keyword if op.paging is None or op.long_running else "def",
        await_prefix=side.await_prefix if op.paging is None or op.long_running else "",
    )


def accepts_cls(op: Operation) -> bool:
    """``cls=`` is how a caller reads declared response headers, as in azure-core: offered by
    operations that declare some and return a single result (or none)."""
    return bool(op.response_headers) and op.long_running is None and op.paging is None


_HEADER_READERS = {
    "str": "header_str",
    "int": "header_int",
    "float": "header_float",
    "bool": "header_bool",
    "date": "header_date",
    "duration": "header_timedelta",
    "bytes": "header_bytes",
}


def _header_readers(op: Operation, response_kind: str) -> str:
    if not accepts_cls(op) or response_kind not in ("single", "none"):
        return ""
    items = []
    for h in op.response_headers:
        if h.type.kind == "enum":
            reader = f"header_enum({h.type.name})"
        elif h.type.kind == "datetime":
            reader = {"date-time-rfc1123": "header_rfc1123", "unix-time": "header_unix_time"}.get(
                h.wire_format, "header_datetime"
            )
        else:
            reader = _HEADER_READERS[h.type.kind]
        items.append(f"{h.wire_name!r}: {reader}")
    return "{" + ", ".join(items) + "}"


def _next_url(op: Operation, next_op: Operation, sources: dict[str, str]) -> str:
    """A lambda building the URL of the operation that fetches the next pages: the link goes
    in its ``nextLink`` parameter, the others take this method's values of the same name."""
    if next_op.body is not None and next_op.body.required:
        raise ValueError(f"{op.operation_id}: the next-page operation needs a body")
    link_names = {"next_link", "nextlink"}
    values = dict(sources)
    for p in _all_parameters(next_op):
        if p.python_name in link_names or p.wire_name in ("nextLink", "$nextLink"):
            values[p.python_name] = "link"
        elif p.python_name not in values:
            if p.required and p.constant is None and not p.client_level:
                raise ValueError(
                    f"{op.operation_id}: the next-page operation's {p.python_name} is not a "
                    "parameter of this one"
                )
            values[p.python_name] = "None"
    template = next_op.host_template + next_op.path
    path_values = []
    for p in (*next_op.host_parameters, *next_op.path_parameters):
        if p.constant is not None:
            template = template.replace("{" + p.wire_name + "}", quote(p.constant, safe=""))
            continue
        path_values.append(
            f"PathParam({p.wire_name!r}, {p.python_name!r}, {_value(next_op, p, values)})"
        )
    query = [f"{p.wire_name!r}: {_value(next_op, p, values)}" for p in next_op.query_parameters]
    path = "".join(f"{v}, " for v in path_values)
    absolute = ", absolute=True" if next_op.host_template else ""
    query_text = ", ".join(query)
    return (
        f"lambda link: self._client.format_url({template!r}, ({path}), {{{query_text}}}{absolute})"
    )


def _binary_result(op: Operation) -> bool:
    return op.result is not None and op.result.kind == "bytes"


def _all_parameters(op: Operation) -> tuple[Parameter, ...]:
    body = (op.body,) if op.body else ()
    return (
        *op.host_parameters,
        *op.path_parameters,
        *op.query_parameters,
        *op.header_parameters,
        *op.form_parameters,
        *body,
        *op.body_fields,
    )


def _value(op: Operation, p: Parameter, sources: dict[str, str]) -> str:
    """The expression giving a path, query or header parameter's text (None: not sent)."""
    if p.constant is not None:
        if p.skip_url_encoding and p.location == "query":
            return f"Raw({p.constant!r})"
        return repr(p.constant)
    if p.wire_name == "api-version" and p.client_level:
        return "self._client.api_version"
    if p.client_level and p.wire_name == "subscriptionId":
        return "self._client.subscription_id"
    source = sources.get(p.python_name, "") if not p.client_level else ""
    kind = p.type.kind
    if p.client_level:
        source = f"self._client.parameters[{p.wire_name!r}]"
        if kind == "list":
            source = f"values_of({source}, {p.python_name!r})"
        else:
            if p.skip_url_encoding:
                return f"Raw(wire_value({source}))"
            return f"wire_value({source})"
    fmt = f", {p.wire_format!r}" if p.wire_format else ""
    if kind == "list":
        if p.location == "header":
            return f"wire_join({source}, {p.wire_format!r}, {SEPARATORS[p.collection_format]!r})"
        separator = None if p.collection_format == "multi" else SEPARATORS[p.collection_format]
        return f"wire_list({source}, {p.wire_format!r}, {separator!r})"
    text = source if kind == "str" else f"wire_value({source}{fmt})"
    if p.skip_url_encoding and p.location != "header":
        if p.required and not p.group:
            return f"Raw({text})"
        return f"(None if {source} is None else Raw({text}))"
    return text


def _flattened_body(op: Operation, body: Parameter, sources: dict[str, str]) -> str:
    """The body built from its flattened fields (x-ms-client-flatten on the parameter), as
    AutoRest builds it: always, even when no field is given. In an optional parameter group,
    no group sends no body."""
    group = next((g for g in op.groups if body.group and g.class_name == body.group), None)
    direct = group is not None and not group.required
    values = ", ".join(
        f"{p.body_field}={group.python_name}.{p.python_name}"
        if direct and group is not None
        else f"{p.body_field}={sources[p.python_name]}"
        for p in op.body_fields
    )
    call = (
        f"serialize_body({body.type.name}({values}), {body.type.name}, CODEC, {body.python_name!r})"
    )
    if direct and group is not None:
        call = f"None if {group.python_name} is None else {call}"
    if op.long_running is not None:
        call = f"None if continuation_token is not None else {call}"
    return call


def _body_annotation(op: Operation, body: Parameter) -> str:
    """A body's annotation; with a choice of media types (``content_type=``) also the bytes
    (and, for text types, the str) sent as they are."""
    annotation = body.annotation
    if not op.content_types:
        return annotation
    extra = ["bytes"]
    if any(media_kind(m) == "text" for m in op.content_types):
        extra.append("str")
    parts = annotation.split(" | ")
    return " | ".join([*parts, *(e for e in extra if e not in parts)])


def _body_call(op: Operation, body: Parameter, sources: dict[str, str]) -> str:
    name = sources[body.python_name]
    if op.content_types:
        # The caller's content_type decides: bytes go as they are, str as text, the rest as
        # JSON (a binary-typed body has no JSON form).
        as_json = "None" if body.type.kind == "bytes" else f"lambda v: {_json_call(body, 'v')}"
        media_type = _media_type(op, sources)
        return f"media_body({name}, {media_type}, {body.python_name!r}, {as_json})"
    kind = media_kind(body.content_type) if body.content_type else "json"
    if kind == "binary" or (kind == "text" and body.type.kind == "bytes"):
        return f"binary_body({name}, {body.python_name!r})"
    if kind == "text":
        return f"text_body({name}, {body.python_name!r})"
    return _json_call(body, name)


def _media_type(op: Operation, sources: dict[str, str]) -> str:
    """The media type a body is sent as when the caller may choose: ``content_type=``, else
    the binary one for bytes and the default for the rest, as AutoRest picks them."""
    assert op.body is not None
    return (
        f"media_type({sources[op.body.python_name]}, content_type, "
        f"{op.default_content_type!r}, {op.binary_content_type!r})"
    )


def _json_call(body: Parameter, name: str) -> str:
    t = body.type
    if t.kind == "model":
        return f"serialize_body({name}, {t.name}, CODEC, {body.python_name!r})"
    if t.kind == "list" and t.item is not None and t.item.kind == "model":
        return f"model_list_body({name}, {t.item.name}, CODEC, {body.python_name!r})"
    if t.kind == "dict" and t.item is not None and t.item.kind == "model":
        return f"model_dict_body({name}, {t.item.name}, CODEC, {body.python_name!r})"
    return f"json_body({name}, {body.python_name!r})"


_READERS = {
    "str": "read_str",
    "int": "read_int",
    "float": "read_float",
    "bool": "read_bool",
    "datetime": "read_datetime",
    "date": "read_date",
    "duration": "read_duration",
    "bytes": "read_bytes",
    "any": "read_any",
}


def reader(t: TypeRef) -> str:
    """The callable turning a decoded JSON value into ``t``."""
    if t.kind == "model":
        return f"{t.name}.from_dict"
    if t.kind == "enum":
        return t.name
    if t.kind in ("list", "dict"):
        assert t.item is not None
        return f"{t.kind}_of({reader(t.item)})"
    return _READERS[t.kind]


def _operation_docstring(op: Operation, returns: str) -> str:
    args = [(p.python_name, p.description) for p in op.positional_parameters]
    args += [(g.python_name, "Parameters grouped in one object.") for g in op.groups if g.required]
    args += [(p.python_name, p.description) for p in op.keyword_parameters]
    args += [
        (g.python_name, "Parameters grouped in one object.") for g in op.groups if not g.required
    ]
    if op.long_running is not None:
        args += [
            (
                "polling",
                "False returns a poller that does not poll (its result is the first answer); "
                "an azure-core polling-method object (such as NoPolling()) polls instead of "
                "this package; anything else is a TypeError.",
            ),
            ("polling_interval", "Seconds between polls when the service gives no Retry-After."),
            (
                "continuation_token",
                "Resume an operation from LROPoller.continuation_token() "
                "without sending the request again.",
            ),
            (
                "deadline",
                "Seconds the whole operation may take, from now; waiting past it raises "
                "TimeoutError (the operation itself is left running).",
            ),
        ]
    # The per-call options are the same on every operation and documented once, on
    # RequestOptions; restating them in each docstring cost tens of KB of installed size.
    call_options = [("", CALL_OPTIONS_NOTE)]
    if accepts_cls(op):
        args.append(
            (
                "cls",
                "Called as cls(pipeline_response, result, headers), headers being the declared "
                "response headers read as their types; the call returns what it returns.",
            )
        )
    if op.long_running is not None:
        ret = f"{returns}: call result() to wait for the outcome."
    elif op.paging is not None:
        ret = f"{returns}: iterate for items; pages are fetched as needed."
    else:
        ret = returns
    raises = [
        ("HttpResponseError", "the service answered with an error (subclasses for 401, 404, 409)."),
        ("ValueError", "a path parameter is empty or None."),
    ]
    return docstring(
        f"{op.description} (operation {op.operation_id})",
        8,
        (
            ("Args", args),
            ("Call options", call_options),
            ("Returns", [("", ret)]),
            ("Raises", raises),
        ),
    )


CALL_OPTIONS_NOTE = (
    "headers, timeout (seconds for the whole call), client_request_id, retry_policy, "
    "max_response_body, raw_response_hook and logging_enable, keyword-only, as on every "
    "operation; see RequestOptions in vmss_runcommands.runtime.client."
)


def operation_imports(api: ApiVersion) -> list[str]:
    names: set[str] = set()
    for group in api.groups:
        for op in group.operations:
            for p in _all_parameters(op):
                names.update(p.type.referenced)
            names.update(g.class_name for g in op.groups)
            result = op.paging.item_type if op.paging else op.result
            if result is not None:
                names.update(result.referenced)
            for _, t in op.status_results:
                if t is not None:
                    names.update(t.referenced)
    return sorted(names)


def runtime_imports(api: ApiVersion, surfaces: list[OperationSurface]) -> dict[str, list[str]]:
    """Helpers of runtime/params.py and runtime/bodies.py the rendered operations call."""
    text = "\n".join(
        " ".join(
            [
                s.body_expression,
                s.headers_expression,
                s.form_expression,
                s.deserialize,
                *(e for _, _, e in s.path_values),
                *(e for _, e in s.query_values),
                *(r for _, r in s.status_readers),
                *s.paging_extra,
                *s.checks,
                s.header_readers and f"call_cls ResponseCallback {s.header_readers}",
            ]
        )
        for s in surfaces
    )
    found: dict[str, list[str]] = {}
    for module, names in (
        (
            "params",
            (
                "Raw",
                "header_collection",
                "require_argument",
                "values_of",
                "wire_join",
                "wire_list",
                "wire_value",
            ),
        ),
        (
            "bodies",
            (
                "binary_body",
                "form_body",
                "multipart_body",
                "dict_of",
                "json_body",
                "list_of",
                "model_list_body",
                "model_dict_body",
                "media_body",
                "media_type",
                "text_body",
                *_READERS.values(),
            ),
        ),
        (
            "response_headers",
            (
                "ResponseCallback",
                "call_cls",
                "header_enum",
                *_HEADER_READERS.values(),
                "header_datetime",
                "header_rfc1123",
                "header_unix_time",
            ),
        ),
    ):
        used = sorted(n for n in names if re.search(rf"\b{n}\b", text))
        if used:
            found[module] = used
    return found


def uses_datetime(api: ApiVersion) -> bool:
    return any(
        "datetime." in p.annotation
        for group in api.groups
        for op in group.operations
        for p in _all_parameters(op)
    ) or any(
        "datetime." in (t.annotation if t else "")
        for group in api.groups
        for op in group.operations
        for t in (op.result, *(t for _, t in op.status_results))
    )


def parameter_groups(api: ApiVersion) -> list[ParameterGroup]:
    """Each parameter-group class once, in first-use order."""
    seen: dict[str, ParameterGroup] = {}
    for group in api.groups:
        for op in group.operations:
            for g in op.groups:
                seen.setdefault(g.class_name, g)
    return list(seen.values())
