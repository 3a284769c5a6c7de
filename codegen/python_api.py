"""The Python surface derived from the IR: signatures, return types, docstrings.

Kept apart from the templates so they only print decisions, and so the public API of a
generation can be listed and compared without rendering code.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from .ir import ApiVersion, EnumType, Model, Operation

_WIDTH = 92


@dataclass(frozen=True)
class OperationSurface:
    positional_annotations: dict[str, str]
    returns: str
    docstring: str
    values: dict[str, str]  # wire name -> Python expression giving the value to send
    body_expression: str
    headers_expression: str
    deserialize: str
    def_keyword: str  # "def", or "async def" for an async call that sends at once
    await_prefix: str
    polling_annotation: str  # of the polling= argument of an LRO
    # T of LROPoller[T] ("None" without a result): what a polling= method object returns.
    poller_result: str = "None"
    # (body annotation, continuation_token annotation) of each @overload of an LRO with a
    # body: the body is required unless continuation_token is given.
    resume_overloads: tuple[tuple[str, str], ...] = ()


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
                "Wire keys this model does not know, kept so that they survive a round trip; "
                "those found inside a flattened container sit under its wire key.",
            )
        )
        entries.append(
            (
                "wire_nulls",
                "Names of fields sent as JSON null (a merge-patch removal); fields that are "
                "None are otherwise left out. Filled with the x-nullable fields the service "
                "sent as null.",
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
    custom_polling: bool  # polling= also takes an azure-core polling-method object

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
    custom_polling=True,
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
    custom_polling=False,
)
SIDES = (SYNC, ASYNC)


@dataclass(frozen=True)
class ClientOption:
    """A keyword-only constructor option of the generated client, forwarded to ArmClient."""

    name: str
    annotation: str
    default: str
    doc: str


# The one list of client options: the template renders the signature, the forwarding call and
# the docstring from it.
CLIENT_OPTIONS = (
    ClientOption("base_url", "str | None", "None", "The ARM endpoint; public Azure by default."),
    ClientOption(
        "cloud",
        "str | None",
        "None",
        "Instead of base_url, a cloud by name: AzureCloud (or AzurePublicCloud), "
        "AzureChinaCloud or AzureUSGovernment. The token scope follows the endpoint.",
    ),
    ClientOption(
        "cloud_setting",
        "str | None",
        "None",
        "The same as cloud, under azure-mgmt-*'s name; azure.core.AzureClouds members work.",
    ),
    ClientOption(
        "connection_verify",
        "bool | str",
        "True",
        "TLS verification: True, False, or a CA bundle path.",
    ),
    ClientOption(
        "pool_manager",
        "urllib3.PoolManager | None",
        "None",
        "A urllib3 PoolManager to use instead of the client's own (left open by close()).",
    ),
    ClientOption(
        "polling_interval",
        "float",
        "30.0",
        "Seconds between long-running-operation polls when the service does not say (Retry-After).",
    ),
    ClientOption(
        "retry_policy",
        "RetryPolicy | None",
        "None",
        "Retries of failed requests; the default matches azure-core.",
    ),
    ClientOption("user_agent", "str | None", "None", "A prefix for the User-Agent header."),
    ClientOption(
        "connection_timeout", "float", "30.0", "Seconds to wait for a connection to open."
    ),
    ClientOption("read_timeout", "float", "300.0", "Seconds to wait for a response to arrive."),
    ClientOption(
        "credential_scopes",
        "Sequence[str] | None",
        "None",
        "Token scopes; by default the endpoint's own ('<endpoint>/.default').",
    ),
    ClientOption(
        "pool_maxsize",
        "int",
        "10",
        "Connections kept open to the endpoint; concurrent calls beyond it wait for one.",
    ),
    ClientOption(
        "max_response_body",
        "int",
        "33554432",
        "Largest response body accepted, in bytes (32 MiB); a larger one raises "
        "ResponseBodyTooLargeError without being read.",
    ),
)


def client_docstring(api: ApiVersion, side: Side = SYNC) -> str:
    groups = [(g.attribute, f"{g.class_name}: operations of this group.") for g in api.groups]
    args = [
        ("credential", side.credential_doc),
        ("subscription_id", "The Azure subscription to work in."),
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
    (".runtime.paging", ("ItemPaged", "TooManyEmptyPagesError")),
    (".runtime.polling", ("LROPoller", "OperationFailedError", "PollingTimeoutError")),
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


def package_client_docstring(latest: ApiVersion, versions: list[ApiVersion], package: str) -> str:
    text = (
        f"The client of api-version {latest.api_version}, the newest generated, or of the "
        "api-version that api_version= names; otherwise the same arguments."
    )
    choices = ", ".join(v.api_version for v in versions)
    args = [
        (
            "api_version",
            f"One of {choices}. Another than {latest.api_version} gives that api-version's "
            f"client, an instance of {package}.<subpackage>.{latest.client_name}; type "
            "checkers see the newest api-version's operations either way, so import the "
            "subpackage for exact types. An api-version not generated raises ValueError "
            "naming those that are.",
        )
    ]
    return docstring(text, 4, (("Args", args),))


def operation_surface(op: Operation, api: ApiVersion, side: Side = SYNC) -> OperationSurface:
    positional = {}
    for p in op.positional_parameters:
        annotation = p.annotation
        if p.location == "body" and op.long_running is not None:
            # None is allowed only together with continuation_token (resuming sends no body).
            annotation = f"{annotation} | None"
        positional[p.python_name] = annotation
    values = {}
    for p in (*op.path_parameters, *op.query_parameters, *op.header_parameters):
        if p.constant is not None:
            values[p.wire_name] = repr(p.constant)
        elif p.wire_name == "api-version":
            values[p.wire_name] = "self._client.api_version"
        elif p.client_level and p.wire_name == "subscriptionId":
            values[p.wire_name] = "self._client.subscription_id"
        elif p.client_level:
            raise ValueError(f"{op.operation_id}: client parameter {p.wire_name} is not supported")
        else:
            values[p.wire_name] = (
                p.python_name
                if p.type.kind != "enum"
                else (f"None if {p.python_name} is None else str({p.python_name})")
            )
    header_items = [f"{p.wire_name!r}: {values[p.wire_name]}" for p in op.header_parameters]
    headers_expression = "headers"
    if header_items:
        headers_expression = (
            "{**(headers or {}), **{k: v for k, v in {"
            + ", ".join(header_items)
            + "}.items() if v is not None}}"
        )
    body_expression = "None"
    if op.body is not None:
        body_type = op.body.type
        name = op.body.python_name
        call = f"serialize_body({name}, {body_type.name}, CODEC, {name!r})"
        if body_type.kind != "model":
            raise ValueError(f"{op.operation_id}: only model bodies are supported")
        if op.long_running is not None:
            body_expression = f"None if continuation_token is not None else {call}"
        elif not op.body.required:
            body_expression = f"None if {op.body.python_name} is None else {call}"
        else:
            body_expression = call
    result = op.paging.item_type if op.paging else op.result
    if result is not None and result.kind != "model":
        raise ValueError(f"{op.operation_id}: only model results are supported")
    deserialize = f"{result.name}.from_dict" if result is not None else "None"
    if op.long_running is not None:
        returns = f"{side.poller}[{result.name if result else 'None'}]"
    elif op.paging is not None:
        returns = f"{side.pager}[{result.name if result else 'None'}]"
    else:
        returns = result.name if result is not None else "None"
    # A pager sends nothing until iterated: it is returned at once, on both sides.
    sends_now = op.paging is None
    resume_overloads: tuple[tuple[str, str], ...] = ()
    if op.long_running is not None and op.body is not None:
        body = next(p for p in op.positional_parameters if p.location == "body")
        # Omittable when resuming, if nothing positional follows it.
        omitted = " = None" if op.positional_parameters[-1] is body else ""
        resume_overloads = (
            (body.annotation, "None = None"),
            (f"{body.annotation} | None{omitted}", "str"),
        )
    return OperationSurface(
        poller_result=result.name if result is not None else "None",
        resume_overloads=resume_overloads,
        positional_annotations=positional,
        returns=returns,
        docstring=_operation_docstring(op, returns),
        values=values,
        body_expression=body_expression,
        headers_expression=headers_expression,
        deserialize=deserialize,
        polling_annotation=(
            f"bool | PollingMethod[{result.name if result is not None else 'None'}]"
            if side.custom_polling
            else "bool"
        ),
        def_keyword=side.def_keyword if sends_now else "def",
        await_prefix=side.await_prefix if sends_now else "",
    )


def _operation_docstring(op: Operation, returns: str) -> str:
    args = [(p.python_name, p.description) for p in op.positional_parameters]
    args += [(p.python_name, p.description) for p in op.keyword_parameters]
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
    args += [
        ("headers", "Extra request headers."),
        ("timeout", "Seconds the whole call may take, retries and the response read included."),
        ("client_request_id", "The x-ms-client-request-id to send (a new uuid by default)."),
        ("retry_policy", "Retries for this call, instead of the client's."),
        ("max_response_body", "Largest response body accepted, in bytes, instead of the client's."),
        (
            "raw_response_hook",
            "Called with each response of this call (a PipelineResponse: http_response has "
            "the status, headers and body), errors included.",
        ),
        ("logging_enable", "False keeps this call out of the log; True logs as configured."),
    ]
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
        (("Args", args), ("Returns", [("", ret)]), ("Raises", raises)),
    )


def operation_imports(api: ApiVersion) -> list[str]:
    names: set[str] = set()
    for group in api.groups:
        for op in group.operations:
            if op.body is not None:
                names.update(op.body.type.referenced)
            result = op.paging.item_type if op.paging else op.result
            if result is not None:
                names.update(result.referenced)
    return sorted(names)
