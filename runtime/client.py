"""``ArmClient``: the calls generated operations make -- URL building, send, decode, LRO, paging."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any, TypeVar, cast, overload
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

import urllib3

from .auth import BearerTokenPolicy, TokenCredential, scope_for_endpoint
from .call_options import (
    CallPipeline,
    MethodPoller,
    PipelineResponse,
    PollingMethod,
    RawResponseHook,
    check_polling,
    quiet_logger,
)
from .checks import check_seconds
from .client_options import CLIENT_DEFAULTS
from .clouds import AZURE_PUBLIC_CLOUD, AzureCloud, cloud_by_name
from .exceptions import (
    DecodeError,
    ServiceRequestError,
    map_error,
)
from .headers import check_header
from .http import HttpRequest, HttpResponse
from .lro_failure import FailureDescriber
from .lro_start import Send, drive_start, start_flow
from .origin import UnsafeURLError, origin_of, same_origin
from .paging import ItemPaged
from .params import Joined, Raw
from .pipeline import Pipeline, build_user_agent, new_client_request_id
from .polling import (
    DEFAULT_RETRY_AFTER_MAX,
    ArmPollingMethod,
    LROPoller,
    decode_continuation_token,
    normalize_final_state_via,
    token_api_version,
)
from .redact import redact_url
from .retry import RetryPolicy
from .transport import Urllib3Transport, check_body_limit

__all__ = ["ArmClient", "PathParam", "RequestOptions"]

T = TypeVar("T")

_LOGGER = logging.getLogger(__name__)

_ACCEPT = "application/json, text/json"
_CLIENT_REQUEST_ID = "x-ms-client-request-id"
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
# A name str.format_map looks up as it is (".", "[", ":" and "!" would mean more to it).
_PLAIN_NAME = re.compile(r"[^{}.\[\]:!]+")
_DECODE_ERRORS = (ValueError, TypeError, KeyError, AttributeError)


@dataclass(frozen=True, slots=True)
class PathParam:
    """One ``{wire_name}`` placeholder of a URL template and the Python argument that fills it."""

    wire_name: str
    python_name: str
    value: object


@dataclass(frozen=True)
class RequestOptions:
    """Per-call settings, accepted as keyword arguments by every generated operation.

    Attributes:
        headers: Extra request headers; they win over the defaults.
        timeout: Seconds the whole call may take: attempts, retry waits and the response read.
        client_request_id: The x-ms-client-request-id to send (a new uuid by default).
        retry_policy: Retries for this call, instead of the client's.
        max_response_body: Largest response body accepted, in bytes, instead of the client's.
        raw_response_hook: Called with each response of the call (a PipelineResponse whose
            http_response has the status, headers and body), errors included; see
            :mod:`.call_options`.
        logging_enable: False keeps this call out of the log; True logs as configured.
    """

    headers: Mapping[str, str] | None = None
    timeout: float | None = None
    client_request_id: str | None = None
    retry_policy: RetryPolicy | None = None
    max_response_body: int | None = None
    raw_response_hook: RawResponseHook | None = None
    logging_enable: bool | None = None

    def __post_init__(self) -> None:
        # Checked here, before anything is sent, so a bad option names itself instead of
        # surfacing as a confusing transport error (or being sent as is).
        if self.headers is not None:
            _check_headers(self.headers)
        if self.timeout is not None:
            check_seconds("timeout", self.timeout, allow_zero=False)
        request_id = self.client_request_id
        if request_id is not None:
            if not isinstance(request_id, str):
                raise TypeError(
                    f"client_request_id must be a str or None, not {type(request_id).__name__}"
                )
            if not request_id.strip():
                raise ValueError("client_request_id must not be empty or whitespace-only")
            check_header("x-ms-client-request-id", request_id, "client_request_id")
        if self.retry_policy is not None and not isinstance(self.retry_policy, RetryPolicy):
            raise TypeError(
                "retry_policy must be a RetryPolicy or None, "
                f"not {type(self.retry_policy).__name__}"
            )
        if self.max_response_body is not None:
            check_body_limit("max_response_body", self.max_response_body)
        if self.raw_response_hook is not None and not callable(self.raw_response_hook):
            raise TypeError(
                f"raw_response_hook must be callable, not {type(self.raw_response_hook).__name__}"
            )
        if self.logging_enable is not None and not isinstance(self.logging_enable, bool):
            raise TypeError(
                f"logging_enable must be a bool, not {type(self.logging_enable).__name__}"
            )


_NO_OPTIONS = RequestOptions()


class ArmClient:
    """One authenticated connection to an ARM endpoint for one subscription and api-version.

    The endpoint is ``base_url``, or the Resource Manager of ``cloud`` (``"AzureCloud"``,
    ``"AzureChinaCloud"``, ``"AzureUSGovernment"``), public Azure when neither is given; the
    token scope is derived from it unless ``credential_scopes`` says otherwise. Builds the
    transport, the bearer-token policy and the pipeline once; safe to share between threads.
    Close it (or use it as a context manager) to release pooled connections.
    """

    def __init__(
        self,
        credential: TokenCredential | None,
        subscription_id: str,
        *,
        base_url: str | None = CLIENT_DEFAULTS.base_url,
        cloud: str | None = CLIENT_DEFAULTS.cloud,
        cloud_setting: str | None = CLIENT_DEFAULTS.cloud_setting,
        api_version: str,
        sdk_moniker: str,
        secret_fields: frozenset[str] = frozenset(),
        connection_verify: bool | str = CLIENT_DEFAULTS.connection_verify,
        pool_manager: urllib3.PoolManager | None = CLIENT_DEFAULTS.pool_manager,
        transport: Urllib3Transport | None = None,
        polling_interval: float = CLIENT_DEFAULTS.polling_interval,
        retry_policy: RetryPolicy | None = CLIENT_DEFAULTS.retry_policy,
        user_agent: str | None = CLIENT_DEFAULTS.user_agent,
        connection_timeout: float = CLIENT_DEFAULTS.connection_timeout,
        read_timeout: float = CLIENT_DEFAULTS.read_timeout,
        credential_scopes: Sequence[str] | None = CLIENT_DEFAULTS.credential_scopes,
        pool_maxsize: int = CLIENT_DEFAULTS.pool_maxsize,
        max_response_body: int = CLIENT_DEFAULTS.max_response_body,
        parameters: Mapping[str, object] | None = None,
    ) -> None:
        _check_path_value("subscription_id", subscription_id)
        # Values of the API's client-level parameters other than the subscription and
        # api-version (a host name, a global query value), by wire name.
        self.parameters: dict[str, object] = dict(parameters or {})
        self.subscription_id: str = subscription_id
        self.cloud: AzureCloud | None = _cloud(cloud, cloud_setting)
        self.base_url: str = _endpoint(base_url, self.cloud)
        if not isinstance(api_version, str) or not api_version.strip():
            raise ValueError("api_version must be a non-empty str")
        self.api_version: str = api_version
        check_seconds("polling_interval", polling_interval)
        self.polling_interval: float = float(polling_interval)
        check_seconds("connection_timeout", connection_timeout, allow_zero=False)
        check_seconds("read_timeout", read_timeout, allow_zero=False)
        if retry_policy is not None and not isinstance(retry_policy, RetryPolicy):
            raise TypeError(
                f"retry_policy must be a RetryPolicy or None, not {type(retry_policy).__name__}"
            )
        if user_agent is not None:
            if not isinstance(user_agent, str):
                raise TypeError(
                    f"user_agent must be a str or None, not {type(user_agent).__name__}"
                )
            check_header("User-Agent", user_agent, "user_agent")
        self._secret_fields = frozenset(secret_fields)
        self._retry_policy = retry_policy
        # (policy, the same without read retries) for the first request of an LRO; kept
        # because making a RetryPolicy validates every field.
        self._initial_policy: tuple[RetryPolicy, RetryPolicy] | None = None
        self._quiet_pipeline: Pipeline | None = None
        self._owns_transport = transport is None
        self._transport = transport or Urllib3Transport(
            pool_manager=pool_manager,
            connection_verify=connection_verify,
            connection_timeout=connection_timeout,
            read_timeout=read_timeout,
            retry_policy=retry_policy,
            pool_maxsize=pool_maxsize,
            max_response_body=max_response_body,
        )
        auth = None
        if credential is not None:
            scopes = tuple(credential_scopes or (scope_for_endpoint(self.base_url),))
            auth = BearerTokenPolicy(credential, *scopes)
        self.pipeline: Pipeline = Pipeline(
            self._transport,
            auth=auth,
            # Made at the first request: finding the platform's description is slow.
            user_agent=functools.partial(build_user_agent, sdk_moniker, prefix=user_agent),
            secret_fields=self._secret_fields,
        )

    # -- lifecycle --

    def close(self) -> None:
        """Release pooled connections (a caller-supplied transport is left open)."""
        if self._owns_transport:
            self._transport.close()

    def __enter__(self) -> ArmClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<ArmClient {self.base_url} api-version={self.api_version}>"

    # -- requests --

    def format_url(
        self,
        template: str,
        path: Sequence[PathParam],
        query: Mapping[str, str | Joined | Raw | None],
        *,
        absolute: bool = False,
    ) -> str:
        """``base_url`` + ``template`` with every placeholder filled + the query string.

        With ``absolute`` the template starts with scheme and host (x-ms-parameterized-host)
        instead of following ``base_url``; ``{$scheme}`` there is ``base_url``'s scheme.
        Path values must be non-empty ``str`` (``TypeError``/``ValueError`` naming the Python
        parameter otherwise) and are percent-encoded whole, so ``/``, ``?`` or ``#`` inside a
        name cannot reach another resource; ``"."`` and ``".."`` are refused outright. Query
        entries whose value is ``None`` are dropped.
        """
        if absolute:
            template = template.replace("{$scheme}", urlsplit(self.base_url).scheme, 1)
        elif not template.startswith("/"):
            raise ValueError(f"URL template must start with '/': {template!r}")
        encoded: dict[str, str] = {}
        for param in path:
            value = param.value
            if type(value) is str:  # the usual case, without a call per segment
                _check_path_value(param.python_name, value)
                encoded[param.wire_name] = _quote(value)
            else:
                encoded[param.wire_name] = _path_text(param)
        if _plain_placeholders(template):
            try:
                filled = template.format_map(encoded)
            except KeyError as missing:
                raise ValueError(
                    f"URL template placeholder {{{missing.args[0]}}} has no PathParam"
                ) from None
        else:

            def fill(match: re.Match[str]) -> str:
                try:
                    return encoded[match.group(1)]
                except KeyError:
                    raise ValueError(
                        f"URL template placeholder {match.group(0)} has no PathParam"
                    ) from None

            filled = _PLACEHOLDER.sub(fill, template)
        if absolute:
            # x-ms-parameterized-host: the template carries scheme and host itself, and the
            # host must read the same to everyone (no userinfo, backslash or control character).
            try:
                origin_of(filled)
            except UnsafeURLError as exc:
                raise ValueError(f"the host parameters do not make a usable URL: {exc}") from None
            url = filled
        else:
            url = self.base_url + filled
        query_string = _encode_query(query)
        if not query_string:
            return url
        # An x-ms-paths template may carry a literal query of its own.
        return f"{url}&{query_string}" if "?" in filled else f"{url}?{query_string}"

    def send(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        expected_status: Collection[int],
        options: RequestOptions | None = None,
    ) -> HttpResponse:
        """Send one request through the pipeline; a status outside ``expected_status`` raises
        the mapped ``HttpResponseError`` (404 -> ``ResourceNotFoundError``, ...)."""
        options = options or _NO_OPTIONS
        return self._send(
            method,
            url,
            body,
            expected_status,
            options.headers,
            options.client_request_id,
            options.timeout,
            options.retry_policy,
            options.max_response_body,
            self._pipeline_for(options),
        )

    def _pipeline_for(self, options: RequestOptions) -> Pipeline | CallPipeline:
        """The client's pipeline, quiet for ``logging_enable=False``, with the call's hook."""
        pipeline = self.pipeline
        if options.logging_enable is False:
            quiet = self._quiet_pipeline
            if quiet is None:
                quiet = self._quiet_pipeline = Pipeline(
                    self._transport,
                    auth=self.pipeline.auth,
                    user_agent=lambda: self.pipeline.user_agent,
                    secret_fields=self._secret_fields,
                    logger=quiet_logger(),
                )
            pipeline = quiet
        if options.raw_response_hook is not None:
            return CallPipeline(pipeline, options.raw_response_hook)
        return pipeline

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        expected_status: Collection[int],
        extra_headers: Mapping[str, str] | None,
        client_request_id: str | None,
        timeout: float | None,
        retry_policy: RetryPolicy | None,
        max_response_body: int | None = None,
        pipeline: Pipeline | CallPipeline | None = None,
    ) -> HttpResponse:
        request = build_request(method, url, body, extra_headers)
        runner = pipeline or self.pipeline
        if max_response_body is None:
            response = runner.run(
                request,
                client_request_id=client_request_id,
                timeout=timeout,
                retry_policy=retry_policy,
            )
        else:
            response = runner.run(
                request,
                client_request_id=client_request_id,
                timeout=timeout,
                retry_policy=retry_policy,
                max_response_body=max_response_body,
            )
        if response.status_code not in expected_status:
            raise map_error(response, secret_fields=self._secret_fields)
        return response

    def deserialize(self, response: HttpResponse, from_dict: Callable[[Any], T]) -> T:
        """Decode the JSON body and build a model with ``from_dict``.

        An empty body is no result: ``None``, as azure-core's deserializer answers it (a 200
        without a body where the spec declares one). Raises ``DecodeError`` (with the
        response, its request ids and a redacted, truncated body) when the body is not JSON
        or does not fit the model.
        """
        if not response.body.strip():
            return cast("T", None)
        return self._build(from_dict, self._decode_json(response), response, path="")

    # -- long-running operations --

    @overload
    def begin_lro(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        expected_status: Collection[int],
        deserialize: Callable[[Any], T],
        operation_id: str,
        final_state_via: str | None = None,
        polling: bool | PollingMethod[T] = True,
        polling_interval: float | None = None,
        continuation_token: str | None = None,
        options: RequestOptions | None = None,
        deadline: float | None = None,
        describe_failure: FailureDescriber | None = None,
    ) -> LROPoller[T]: ...

    @overload
    def begin_lro(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        expected_status: Collection[int],
        deserialize: None,
        operation_id: str,
        final_state_via: str | None = None,
        polling: bool | PollingMethod[None] = True,
        polling_interval: float | None = None,
        continuation_token: str | None = None,
        options: RequestOptions | None = None,
        deadline: float | None = None,
        describe_failure: FailureDescriber | None = None,
    ) -> LROPoller[None]: ...

    def begin_lro(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        expected_status: Collection[int],
        deserialize: Callable[[Any], Any] | None,
        operation_id: str,
        final_state_via: str | None = None,
        polling: bool | PollingMethod[Any] = True,
        polling_interval: float | None = None,
        continuation_token: str | None = None,
        options: RequestOptions | None = None,
        deadline: float | None = None,
        describe_failure: FailureDescriber | None = None,
    ) -> LROPoller[Any]:
        """Start a long-running operation (or resume one) and return its poller.

        Returns ``LROPoller[T]`` for a ``deserialize`` building ``T`` and ``LROPoller[None]``
        for ``deserialize=None``. With ``continuation_token`` no initial request is sent and the
        first poll happens at once; a token from another operation, or pointing away from
        ``base_url``, is a ``ValueError``. ``deadline`` bounds the whole operation in seconds.
        """
        options = options or _NO_OPTIONS
        check_polling(polling)
        interval = self.polling_interval if polling_interval is None else polling_interval
        check_seconds("polling_interval", interval)
        if deadline is not None:
            check_seconds("deadline", deadline)
        # Checked before anything is sent: a bad option must not leave a started operation behind.
        final_state_via = normalize_final_state_via(final_state_via)
        policy = options.retry_policy or self._retry_policy
        max_retry_after = policy.retry_after_max if policy else DEFAULT_RETRY_AFTER_MAX
        # Explicit, so that a poll cut to fit a deadline keeps this call's retry rules.
        poll_policy = options.retry_policy or self._transport.retry_policy
        pipeline = self._pipeline_for(options)
        if continuation_token is not None:
            if not isinstance(polling, bool):
                raise ValueError(
                    "continuation_token resumes with this package's own polling; "
                    "pass polling=True (the default) to resume"
                )
            self._check_token(continuation_token, method, operation_id, polling, url)
            resumed = LROPoller[Any].from_continuation_token(
                continuation_token,
                pipeline=pipeline,
                deserialize=deserialize,
                operation_id=operation_id,
                polling_interval=interval,
                max_retry_after=max_retry_after,
                deadline=deadline,
                request_timeout=options.timeout,
                retry_policy=poll_policy,
                secret_fields=self._secret_fields,
                describe_failure=describe_failure,
            )
            return resumed
        # Fix the request id before sending so every poll can repeat it.
        client_request_id = _client_request_id(options)
        flow = start_flow(
            method=method,
            url=url,
            body=body,
            expected_status=expected_status,
            headers=options.headers,
            timeout=options.timeout,
            # The operation's deadline bounds its first request too.
            write_timeout=_earlier(options.timeout, deadline),
            max_response_body=options.max_response_body,
            client_request_id=client_request_id,
            operation_id=operation_id,
            final_state_via=final_state_via,
            write_policy=self._initial_request_policy(method, poll_policy),
            read_policy=poll_policy,
            secret_fields=self._secret_fields,
        )
        response, took_effect = drive_start(
            flow, functools.partial(self._send_spec, pipeline=pipeline)
        )
        if not isinstance(polling, bool):
            return MethodPoller(
                polling,
                self,
                PipelineResponse(response.request, response),
                functools.partial(self._deserialize_pipeline_response, deserialize),
            )
        polling_method: ArmPollingMethod[Any]
        if took_effect:
            # The lost write took effect: follow it through its resource.
            polling_method = cast(
                Any,
                ArmPollingMethod.from_resource_response(
                    response,
                    method=method,
                    pipeline=pipeline,
                    deserialize=deserialize,
                    operation_id=operation_id,
                    client_request_id=client_request_id,
                    final_state_via=final_state_via,
                    request_timeout=options.timeout,
                    retry_policy=poll_policy,
                    secret_fields=self._secret_fields,
                    describe_failure=describe_failure,
                ),
            )
        else:
            polling_method = cast(
                Any,
                ArmPollingMethod.from_initial_response(
                    response,
                    pipeline=pipeline,
                    deserialize=deserialize,
                    operation_id=operation_id,
                    client_request_id=client_request_id,
                    final_state_via=final_state_via,
                    request_timeout=options.timeout,
                    retry_policy=poll_policy,
                    secret_fields=self._secret_fields,
                    describe_failure=describe_failure,
                ),
            )
        return LROPoller(
            polling_method,
            polling=polling,
            polling_interval=interval,
            max_retry_after=max_retry_after,
            deadline=deadline,
        )

    def _deserialize_pipeline_response(
        self, deserialize: Callable[[Any], Any] | None, pipeline_response: PipelineResponse
    ) -> Any:
        if deserialize is None:
            return None
        return self.deserialize(pipeline_response.http_response, deserialize)

    def _send_spec(self, spec: Send, *, pipeline: Pipeline | CallPipeline) -> HttpResponse:
        return self._send(
            spec.method,
            spec.url,
            spec.body,
            spec.expected_status,
            spec.headers,
            spec.client_request_id,
            spec.timeout,
            spec.retry_policy,
            spec.max_response_body,
            pipeline,
        )

    def _initial_request_policy(self, method: str, policy: RetryPolicy) -> RetryPolicy:
        if method.upper() == "DELETE":
            return policy
        initial = self._initial_policy
        if initial is None or initial[0] is not policy:
            initial = self._initial_policy = (policy, _initial_request_policy(method, policy))
        return initial[1]

    def _check_token(
        self, token: str, method: str, operation_id: str, polling: bool, url: str
    ) -> None:
        """Refuse a token of another operation, method or api-version, or one whose URL is
        not on the origin of ``url``, the operation's own (base_url's, or the host a
        parameterized-host operation's arguments name)."""
        state = decode_continuation_token(token)
        if state.operation_id != operation_id:
            raise ValueError(
                f"This continuation token belongs to operation {state.operation_id!r}, "
                f"not {operation_id!r}"
            )
        if state.method != method.upper():
            raise ValueError(f"This continuation token is for a {state.method}, not a {method}")
        token_version = token_api_version(state)
        if token_version is not None and token_version != self.api_version:
            # Polling and the final GET would use the token's api-version while the result is
            # read with this client's models: refuse rather than mix two versions.
            raise ValueError(
                f"This continuation token was made with api-version {token_version!r}; this "
                f"client uses {self.api_version!r}. Resume it with a client of that api-version."
            )
        if not same_origin(state.url, url):
            raise ValueError(
                f"This continuation token points at {redact_url(state.url)}, "
                "which is not on this operation's endpoint "
                f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
            )
        if not polling:
            raise ValueError(
                "polling=False cannot resume from a continuation token: the token does not "
                "carry the initial response that polling=False would return"
            )

    # -- paging --

    def paged(
        self,
        url: str,
        *,
        item_from_dict: Callable[[Any], T],
        items_key: str = "value",
        next_link_key: str | None = "nextLink",
        options: RequestOptions | None = None,
        method: str = "GET",
        body: bytes | None = None,
        next_url: Callable[[str], str] | None = None,
        replace_api_version: bool = True,
    ) -> ItemPaged[T]:
        """A lazy ``ItemPaged`` over ``url`` and its ``nextLink`` chain.

        The first page is asked for with ``method`` and ``body`` (a POST list), later ones
        with GET. Next pages are fetched with this client's ``api-version`` (replacing the
        link's, as azure-core does) and only from this client's scheme, host and port: a
        foreign ``nextLink`` raises ``ServiceRequestError`` instead of receiving the bearer
        token. A relative link is resolved against the endpoint. ``next_url`` turns a link
        into the URL of another operation (x-ms-pageable ``operationName``) instead.
        ``next_link_key=None`` means a single page. For an operation without an api-version
        (``replace_api_version=False``) next links are followed as they are. When ``url`` is
        not on ``base_url`` (a parameterized host), its own origin is the endpoint.
        """
        endpoint = self.base_url
        if not url.startswith(self.base_url + "/"):
            parts = urlsplit(url)
            endpoint = f"{parts.scheme}://{parts.netloc}"

        def fetch(link: str | None) -> tuple[list[T], str | None]:
            if link is None:
                response = self.send(
                    method, url, body=body, expected_status=(200,), options=options
                )
            else:
                page_url = (
                    self._next_page_url(link, endpoint, api_version=replace_api_version)
                    if next_url is None
                    else next_url(link)
                )
                response = self.send("GET", page_url, expected_status=(200,), options=options)
            return self._page(response, item_from_dict, items_key, next_link_key)

        return ItemPaged(fetch)

    def pager_reader(
        self,
        item_from_dict: Callable[[Any], T],
        *,
        items_key: str = "value",
        next_link_key: str | None = "nextLink",
        options: RequestOptions | None = None,
    ) -> Callable[[Any], ItemPaged[T]]:
        """For a long-running operation whose result is a list: turns the final body (the
        first page) into an ``ItemPaged`` that fetches the pages after it as ``paged`` does."""

        def read(first: Any) -> ItemPaged[T]:
            items, next_link = self._page_items(first, item_from_dict, items_key, next_link_key)

            def fetch(link: str | None) -> tuple[list[T], str | None]:
                if link is None:
                    return items, next_link
                response = self.send(
                    "GET", self._next_page_url(link), expected_status=(200,), options=options
                )
                return self._page(response, item_from_dict, items_key, next_link_key)

            return ItemPaged(fetch)

        return read

    @staticmethod
    def _page_items(
        body: Any,
        item_from_dict: Callable[[Any], T],
        items_key: str,
        next_link_key: str | None,
    ) -> tuple[list[T], str | None]:
        if not isinstance(body, dict):
            raise ValueError("The page is not a JSON object")
        page = cast("dict[str, object]", body)
        raw_items = page.get(items_key)
        if raw_items is None:
            raw_items = []
        if not isinstance(raw_items, list):
            raise ValueError(f"The page's {items_key!r} member is not a list")
        next_link = page.get(next_link_key) if next_link_key else None
        if next_link is not None and not isinstance(next_link, str):
            raise ValueError(f"The page's {next_link_key!r} is not a string")
        items = cast("list[object]", raw_items)
        return [item_from_dict(item) for item in items], next_link or None

    def _next_page_url(
        self, link: str, endpoint: str | None = None, *, api_version: bool = True
    ) -> str:
        endpoint = endpoint or self.base_url
        absolute = urljoin(endpoint + "/", link)
        if not same_origin(absolute, endpoint):
            raise ServiceRequestError(
                f"Refusing to follow nextLink {redact_url(absolute)}: it is not on this "
                f"client's endpoint {endpoint}"
            )
        return _with_api_version(absolute, self.api_version) if api_version else absolute

    def _page(
        self,
        response: HttpResponse,
        item_from_dict: Callable[[Any], T],
        items_key: str,
        next_link_key: str | None,
    ) -> tuple[list[T], str | None]:
        decoded = self._decode_json(response)
        if not isinstance(decoded, dict):
            raise self._decode_error(response, "The page is not a JSON object")
        body = cast("dict[str, Any]", decoded)
        raw_items: Any = body.get(items_key)
        if raw_items is None:
            raw_items = []
        if not isinstance(raw_items, list):
            raise self._decode_error(response, f"The page's {items_key!r} member is not a list")
        raw_list: list[Any] = cast(Any, raw_items)
        items = [
            self._build(item_from_dict, item, response, path=f"{items_key}[{index}]")
            for index, item in enumerate(raw_list)
        ]
        next_link: Any = body.get(next_link_key) if next_link_key else None
        if next_link is not None and not isinstance(next_link, str):
            raise self._decode_error(response, f"The page's {next_link_key!r} is not a string")
        return items, next_link or None

    # -- decoding helpers --

    def _decode_json(self, response: HttpResponse) -> Any:
        if not response.body.strip():
            raise self._decode_error(response, "The response has an empty body; expected JSON")
        try:
            return response.json()
        except ValueError as exc:
            raise self._decode_error(
                response, f"The response body is not valid JSON ({exc})"
            ) from exc

    def _build(
        self, from_dict: Callable[[Any], T], data: Any, response: HttpResponse, *, path: str
    ) -> T:
        try:
            return from_dict(data)
        except _DECODE_ERRORS as exc:
            inner = getattr(exc, "path", "") or ""
            where = ".".join(part for part in (path, inner) if part)
            target = getattr(from_dict, "__qualname__", "the model").removesuffix(".from_dict")
            detail = f" at {where!r}" if where else ""
            raise self._decode_error(
                response, f"Could not build {target} from the response{detail}: {exc}"
            ) from exc

    def _decode_error(self, response: HttpResponse, problem: str) -> DecodeError:
        request = response.request
        return DecodeError(
            f"{problem} ({request.method} {redact_url(request.url)})",
            response=response,
            secret_fields=self._secret_fields,
        )


# --- module helpers --------------------------------------------------------------------------


def _check_path_value(python_name: str, value: object) -> None:
    if value is None:
        raise ValueError(f"{python_name} must not be None")
    if not isinstance(value, str):
        raise TypeError(f"{python_name} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{python_name} must not be empty or whitespace-only")
    if value in (".", ".."):
        # quote() leaves dots alone and a "." or ".." segment would be collapsed by URL
        # normalization, addressing the parent resource instead.
        raise ValueError(f"{python_name} must not be {value!r}")


def _cloud(cloud: str | None, cloud_setting: str | None) -> AzureCloud | None:
    """``cloud=``, or ``cloud_setting=`` (azure-mgmt-*'s name for it); both must agree."""
    chosen = None if cloud is None else cloud_by_name(cloud)
    if cloud_setting is None:
        return chosen
    setting = cloud_by_name(cloud_setting)
    if chosen is not None and chosen != setting:
        raise ValueError(
            f"cloud {chosen.name!r} and cloud_setting {setting.name!r} disagree; pass only one"
        )
    return setting


def _endpoint(base_url: object, cloud: AzureCloud | None) -> str:
    if base_url is None:
        return (cloud or AZURE_PUBLIC_CLOUD).resource_manager
    checked = _check_base_url(base_url)
    if cloud is None:
        return checked
    agrees = same_origin(checked, cloud.resource_manager) and not urlsplit(checked).path.strip("/")
    if not agrees:
        raise ValueError(
            f"base_url {checked!r} and cloud {cloud.name!r} disagree: {cloud.name} is served "
            f"at {cloud.resource_manager}; pass only one of them"
        )
    return checked


def _check_base_url(base_url: object) -> str:
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be a str, not {type(base_url).__name__}")
    try:
        origin_of(base_url.strip())
    except UnsafeURLError as error:
        raise ValueError(
            f"base_url must be an absolute http or https URL with a plain host: {error}"
        ) from None
    parts = urlsplit(base_url.strip())
    if parts.query or parts.fragment:
        raise ValueError(f"base_url must not have a query or fragment: {base_url!r}")
    return base_url.strip().rstrip("/")


def _check_headers(headers: object) -> None:
    if not isinstance(headers, Mapping):
        raise TypeError(f"headers must be a mapping of str to str, not {type(headers).__name__}")
    entries: Mapping[object, object] = cast("Mapping[object, object]", headers)
    for name, value in entries.items():
        if not isinstance(name, str):
            raise TypeError(f"headers: a header name must be a str, not {type(name).__name__}")
        if not name.strip():
            raise ValueError("headers: a header name must not be empty")
        if not isinstance(value, str):
            # Only the type is named: the value may be a credential.
            raise TypeError(f"headers[{name!r}] must be a str, not {type(value).__name__}")
        check_header(name, value, "headers")


def _path_text(param: PathParam) -> str:
    value = param.value
    if isinstance(value, Joined):
        if not value.parts:
            raise ValueError(f"{param.python_name} must not be an empty list")
        return _separator(value.separator).join(_quote(part) for part in value.parts)
    if isinstance(value, Raw):
        _check_path_value(param.python_name, value.text)
        return _check_raw(param.python_name, value.text)
    _check_path_value(param.python_name, value)
    return _quote(str(value))


_UNSAFE_RAW = re.compile(r"[\x00-\x20\x7f#]")


def _check_raw(name: str, text: str) -> str:
    """A value sent unencoded (x-ms-skip-url-encoding) may be a service's next link: it must
    not end the URL early (``#``), split the request line or inject a header."""
    if _UNSAFE_RAW.search(text):
        raise ValueError(
            f"{name} has a space, control character or '#' that cannot be sent unencoded"
        )
    return text


def _separator(separator: str | None) -> str:
    # A space, tab or pipe is not valid in a URL: urllib3 would encode it on the way out, so
    # the URL is built the way it is sent. The comma of csv stays literal, as azure-core sends it.
    return quote(separator or ",", safe=",")


def _encode_query(query: Mapping[str, str | Joined | Raw | None]) -> str:
    pairs: list[str] = []
    for key, value in query.items():
        if value is None:
            continue
        if type(value) is str:  # the usual case first
            pairs.append(f"{_quote_name(key)}={_quote(value)}")
        elif isinstance(value, Joined):
            name = _quote_name(key)
            if value.separator is None:
                pairs.extend(f"{name}={_quote(part)}" for part in value.parts)
            else:
                joined = _separator(value.separator).join(_quote(p) for p in value.parts)
                pairs.append(f"{name}={joined}")
        elif isinstance(value, Raw):
            pairs.append(f"{_quote_name(key)}={_check_raw(key, value.text)}")
        elif isinstance(value, str):
            pairs.append(f"{_quote_name(key)}={_quote(value)}")
        else:
            raise TypeError(f"query parameter {key!r} must be a str, not {type(value).__name__}")
    return "&".join(pairs)


# The same subscription, resource group and scale set names are encoded call after call.
@functools.lru_cache(maxsize=1024)
def _quote(value: str) -> str:
    return quote(value, safe="")


@functools.lru_cache(maxsize=64)
def _quote_name(name: str) -> str:
    # "$" stays literal so "$expand" goes out as azure-core sends it.
    return quote(name, safe="$")


@functools.lru_cache(maxsize=256)
def _plain_placeholders(template: str) -> bool:
    """Whether ``str.format_map`` fills ``template``'s placeholders as ``_PLACEHOLDER`` does:
    no literal brace outside them, names it reads as plain keys."""
    names = _PLACEHOLDER.findall(template)
    return template.count("{") == template.count("}") == len(names) and all(
        _PLAIN_NAME.fullmatch(name) and not name.isdigit() for name in names
    )


def _with_api_version(url: str, api_version: str) -> str:
    """``url`` with every ``api-version`` replaced by ours; the rest of the query is kept
    verbatim so opaque skip tokens are not re-encoded."""
    parts = urlsplit(url)
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and unquote(pair.partition("=")[0]).lower() != "api-version"
    ]
    kept.append(f"api-version={quote(api_version, safe='')}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(kept), ""))


def _earlier(timeout: float | None, deadline: float | None) -> float | None:
    if timeout is None:
        return deadline
    return timeout if deadline is None else min(timeout, deadline)


def _initial_request_policy(method: str, policy: RetryPolicy) -> RetryPolicy:
    """``policy`` without read retries, except for DELETE.

    A read error means the request was sent and its answer lost: the service may have started
    the operation, and a second PUT or PATCH would then collide with it (409) or apply twice.
    A second DELETE joins the deletion under way, so it stays retried. Connection errors
    happen before anything is sent and stay retried for every method.
    """
    if method.upper() == "DELETE" or policy.read == 0:
        return policy
    return replace(policy, read=0)


def build_request(
    method: str, url: str, body: bytes | None, extra_headers: Mapping[str, str] | None
) -> HttpRequest:
    """The request for an operation: JSON ``Accept``/``Content-Type``, then the caller's
    headers (a caller's header replaces a default of the same name, in any case)."""
    headers = {"Accept": _ACCEPT}
    if body is not None:
        headers["Content-Type"] = "application/json"
    for name, value in (extra_headers or {}).items():
        for existing in [key for key in headers if key.lower() == name.lower()]:
            del headers[existing]
        headers[name] = value
    return HttpRequest(method.upper(), url, headers=headers, body=body)


def client_request_id(options: RequestOptions) -> str:
    """The id every request of an LRO repeats: the caller's, else a new one."""
    return _client_request_id(options)


def earlier(timeout: float | None, deadline: float | None) -> float | None:
    """The smaller of two optional limits in seconds."""
    return _earlier(timeout, deadline)


def _client_request_id(options: RequestOptions) -> str:
    if options.client_request_id:
        return options.client_request_id
    for name, value in (options.headers or {}).items():
        if name.lower() == _CLIENT_REQUEST_ID and value:
            return value
    return new_client_request_id()
