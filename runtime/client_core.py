"""``ClientCore``: everything the two drivers share, sans I/O.

The checked client configuration (endpoint, cloud, api-version, intervals, user agent), URL
building, decoding of results and pages, next-page links, and the rules of starting or resuming
a long-running operation. ``ArmClient`` (urllib3) and ``AsyncArmClient`` (aiohttp) subclass it
and add only their transport, their pipeline and the loops that send -- blocking or awaited.
Nothing here sends, sleeps or awaits.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Collection, Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast
from urllib.parse import urljoin, urlsplit

from .call_options import PipelineResponse, RawResponseHook, check_polling, quiet_logger
from .checks import check_seconds
from .clouds import AZURE_PUBLIC_CLOUD, AzureCloud, cloud_by_name
from .exceptions import DecodeError, ServiceRequestError
from .headers import check_header
from .http import HttpResponse
from .lenient import read_leniently, read_response
from .lro_core import DEFAULT_RETRY_AFTER_MAX, LroCore
from .lro_failure import FailureDescriber
from .lro_start import Send, StartFlow, resume_core, start_flow
from .lro_token import decode_continuation_token, normalize_final_state_via, token_api_version
from .origin import UnsafeURLError, origin_of, same_origin
from .params import Joined, Raw
from .redact import redact_url
from .request_build import PathParam, check_path_value, format_url, with_api_version
from .request_options import RequestOptions, client_request_id, earlier, initial_request_policy
from .retry import RetryPolicy

__all__ = ["BeginFlow", "ClientCore", "LroPlan", "PageSource"]

T = TypeVar("T")
M = TypeVar("M")
"""A driver's pipeline."""
H = TypeVar("H")
"""A driver's pipeline plus one call's ``raw_response_hook``."""

_DECODE_ERRORS = (ValueError, TypeError, KeyError, AttributeError)


# Not frozen: a frozen dataclass sets each field through object.__setattr__, a measurable
# part of starting an LRO. One object per LRO: the checked settings, then what began.
@dataclass(slots=True)
class LroPlan:
    """One long-running call: its checked settings, decided before anything is sent, and
    then what starting (or resuming) it came to, before any poll."""

    polling_interval: float
    deadline: float | None
    final_state_via: str | None
    max_retry_after: float
    poll_policy: RetryPolicy
    request_timeout: float | None
    core: LroCore[Any] | None = None
    """The operation to poll; ``None`` when the caller's polling method takes over."""
    first: HttpResponse | None = None
    """The first response, for the caller's polling method."""
    polling: bool = True
    resumed: bool = False


BeginFlow = Generator[Send, HttpResponse, LroPlan]

_NUMBERS = (int, float)  # exactly these types (bool is no number of seconds)
_INFINITY = float("inf")


class ClientCore(Generic[M, H]):
    """The shared, I/O-free half of an ARM client for one subscription and api-version.

    A driver sets ``pipeline`` and implements :meth:`_new_pipeline` (the same pipeline
    with another logger) and :meth:`_hooked` (its pipeline plus a ``raw_response_hook``).
    """

    pipeline: M
    _default_policy: RetryPolicy
    """The transport's retry policy, used by polls when a call names none."""

    def __init__(
        self,
        subscription_id: str,
        *,
        base_url: str | None,
        cloud: str | None,
        cloud_setting: str | None,
        api_version: str,
        secret_fields: frozenset[str],
        polling_interval: float,
        retry_policy: RetryPolicy | None,
        user_agent: str | None,
        connection_timeout: float,
        read_timeout: float,
        parameters: Mapping[str, object] | None,
    ) -> None:
        check_path_value("subscription_id", subscription_id)
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
        self._quiet_pipeline: M | None = None

    # -- pipelines: the driver makes them, the core picks one per call --

    def _new_pipeline(self, logger: logging.Logger) -> M:
        raise NotImplementedError

    def _hooked(self, pipeline: M, hook: RawResponseHook) -> H:
        raise NotImplementedError

    def _pipeline_for(self, options: RequestOptions) -> M | H:
        """The client's pipeline, quiet for ``logging_enable=False``, with the call's hook
        (seen by every request of the call: polls and pages too)."""
        pipeline = self.pipeline
        if options.logging_enable is False:
            quiet = self._quiet_pipeline
            if quiet is None:
                quiet = self._quiet_pipeline = self._new_pipeline(quiet_logger())
            pipeline = quiet
        if options.raw_response_hook is not None:
            return self._hooked(pipeline, options.raw_response_hook)
        return pipeline

    # -- requests --

    def format_url(
        self,
        template: str,
        path: Sequence[PathParam],
        query: Mapping[str, str | Joined | Raw | None],
        *,
        absolute: bool = False,
    ) -> str:
        """``base_url`` + ``template`` filled + the query; see :func:`.request_build.format_url`."""
        return format_url(self.base_url, template, path, query, absolute=absolute)

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

    # -- long-running operations: everything but the sending --

    def _begin_lro(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        expected_status: Collection[int],
        deserialize: Callable[[Any], Any] | None,
        operation_id: str,
        final_state_via: str | None,
        polling: object,
        polling_interval: float | None,
        continuation_token: str | None,
        options: RequestOptions,
        deadline: float | None,
        describe_failure: FailureDescriber | None,
    ) -> BeginFlow:
        """``begin_lro`` without the sending: every check first (a bad option must not leave
        a started operation behind), then a resumed core, or the start flow (the write, and
        its reconciliation when its answer is lost) and the core of what it returned. The
        drivers run it with :func:`.lro_start.drive_start` or its awaited twin."""
        check_polling(polling)
        plan = self._plan_lro(options, polling_interval, deadline, final_state_via)
        if continuation_token is not None:
            core: LroCore[Any] = self._resumed_core(
                continuation_token,
                method=method,
                url=url,
                operation_id=operation_id,
                polling=polling,
                deserialize=deserialize,
                describe_failure=describe_failure,
            )
            plan.core, plan.resumed = core, True
            return plan
        flow, request_id = self._start_flow(
            method, url, body, expected_status, operation_id, options, plan
        )
        started = yield from flow
        if not isinstance(polling, bool):
            plan.first = started[0]
            return plan
        core = self._started_core(
            started,
            method=method,
            deserialize=deserialize,
            operation_id=operation_id,
            client_request_id=request_id,
            plan=plan,
            describe_failure=describe_failure,
        )
        plan.core, plan.polling = core, polling
        return plan

    def _method_poller_args(
        self, begun: LroPlan, deserialize: Callable[[Any], Any] | None
    ) -> tuple[PipelineResponse, Callable[[PipelineResponse], Any]]:
        """What a caller's polling method is initialized with, after this client: the first
        response and the deserialization callback."""
        first = begun.first
        assert first is not None
        return (
            PipelineResponse(first.request, first),
            functools.partial(self._deserialize_pipeline_response, deserialize),
        )

    def _plan_lro(
        self,
        options: RequestOptions,
        polling_interval: float | None,
        deadline: float | None,
        final_state_via: str | None,
    ) -> LroPlan:
        """Checked before anything is sent: a bad option must not leave a started operation
        behind."""
        interval = self.polling_interval if polling_interval is None else polling_interval
        # A plain finite number >= 0 passes without a call; check_seconds words the rest.
        if not (type(interval) in _NUMBERS and 0 <= interval < _INFINITY):
            check_seconds("polling_interval", interval)
        if deadline is not None:
            check_seconds("deadline", deadline)
        policy = options.retry_policy or self._retry_policy
        return LroPlan(
            polling_interval=interval,
            deadline=deadline,
            final_state_via=normalize_final_state_via(final_state_via),
            max_retry_after=policy.retry_after_max if policy else DEFAULT_RETRY_AFTER_MAX,
            # Explicit, so that a poll cut to fit a deadline keeps this call's retry rules.
            poll_policy=options.retry_policy or self._default_policy,
            request_timeout=options.timeout,
        )

    def _start_flow(
        self,
        method: str,
        url: str,
        body: bytes | None,
        expected_status: Collection[int],
        operation_id: str,
        options: RequestOptions,
        plan: LroPlan,
    ) -> tuple[StartFlow, str]:
        """The first request's flow (see :mod:`.lro_start`) and the request id every poll
        repeats, fixed before sending."""
        request_id = client_request_id(options)
        flow = start_flow(
            method=method,
            url=url,
            body=body,
            expected_status=expected_status,
            headers=options.headers,
            timeout=options.timeout,
            # The operation's deadline bounds its first request too.
            write_timeout=earlier(options.timeout, plan.deadline),
            max_response_body=options.max_response_body,
            client_request_id=request_id,
            operation_id=operation_id,
            final_state_via=plan.final_state_via,
            write_policy=self._initial_request_policy(method, plan.poll_policy),
            read_policy=plan.poll_policy,
            secret_fields=self._secret_fields,
        )
        return flow, request_id

    def _started_core(
        self,
        started: tuple[HttpResponse, bool],
        *,
        method: str,
        deserialize: Callable[[Any], T] | None,
        operation_id: str,
        client_request_id: str,
        plan: LroPlan,
        describe_failure: FailureDescriber | None,
    ) -> LroCore[T]:
        """The operation's core from what the start flow returned."""
        response, took_effect = started
        # The class itself, not LroCore[T] (a typing lookup on every LRO), cast to what the
        # deserializer builds.
        if took_effect:
            # The lost write took effect: follow it through its resource.
            return cast(
                "LroCore[T]",
                LroCore.from_resource_response(
                    response,
                    method=method,
                    deserialize=deserialize,
                    operation_id=operation_id,
                    client_request_id=client_request_id,
                    final_state_via=plan.final_state_via,
                    secret_fields=self._secret_fields,
                    describe_failure=describe_failure,
                ),
            )
        return cast(
            "LroCore[T]",
            LroCore.from_initial_response(
                response,
                deserialize=deserialize,
                operation_id=operation_id,
                client_request_id=client_request_id,
                final_state_via=plan.final_state_via,
                secret_fields=self._secret_fields,
                describe_failure=describe_failure,
            ),
        )

    def _resumed_core(
        self,
        token: str,
        *,
        method: str,
        url: str,
        operation_id: str,
        polling: object,
        deserialize: Callable[[Any], T] | None,
        describe_failure: FailureDescriber | None,
    ) -> LroCore[T]:
        """The core of an operation resumed from ``token``, which must be this operation's,
        on this endpoint and api-version, with this package's own polling."""
        if not isinstance(polling, bool):
            raise ValueError(
                "continuation_token resumes with this package's own polling; "
                "pass polling=True (the default) to resume"
            )
        self._check_token(token, method, operation_id, polling, url)
        return resume_core(
            token,
            deserialize=deserialize,
            operation_id=operation_id,
            secret_fields=self._secret_fields,
            describe_failure=describe_failure,
        )

    def _deserialize_pipeline_response(
        self, deserialize: Callable[[Any], Any] | None, pipeline_response: PipelineResponse
    ) -> Any:
        """The deserialization callback a caller's polling-method object is given."""
        if deserialize is None:
            return None
        return self.deserialize(pipeline_response.http_response, deserialize)

    def _initial_request_policy(self, method: str, policy: RetryPolicy) -> RetryPolicy:
        if method.upper() == "DELETE":
            return policy
        initial = self._initial_policy
        if initial is None or initial[0] is not policy:
            initial = self._initial_policy = (policy, initial_request_policy(method, policy))
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

    # -- paging: which URL to fetch, and what a page holds --

    def _page_source(
        self,
        url: str,
        *,
        item_from_dict: Callable[[Any], T],
        items_key: str = "value",
        next_link_key: str | None = "nextLink",
        method: str = "GET",
        body: bytes | None = None,
        next_url: Callable[[str], str] | None = None,
        replace_api_version: bool = True,
    ) -> PageSource[T]:
        """The requests and readings of ``paged``: the first page from ``url`` (with
        ``method`` and ``body``), later ones from vetted next links (see ``ArmClient.paged``)."""
        # When url is not on base_url (a parameterized host), its own origin is the endpoint.
        endpoint = self.base_url
        if not url.startswith(self.base_url + "/"):
            parts = urlsplit(url)
            endpoint = f"{parts.scheme}://{parts.netloc}"

        def request(link: str | None) -> tuple[str, str, bytes | None]:
            if link is None:
                return method, url, body
            if next_url is not None:
                return "GET", next_url(link), None
            return "GET", self._next_page_url(link, endpoint, api_version=replace_api_version), None

        return PageSource(request, self._page_reader(item_from_dict, items_key, next_link_key))

    def _pages_after(
        self,
        first: Any,
        *,
        item_from_dict: Callable[[Any], T],
        items_key: str = "value",
        next_link_key: str | None = "nextLink",
    ) -> PageSource[T]:
        """The pages of ``pager_reader``: ``first`` (an LRO's final body) is the first page,
        the ones after it are fetched as ``paged`` fetches them."""

        def request(link: str | None) -> tuple[str, str, bytes | None]:
            assert link is not None  # the first page is known
            return "GET", self._next_page_url(link), None

        return PageSource(
            request,
            self._page_reader(item_from_dict, items_key, next_link_key),
            first=self._page_items(first, item_from_dict, items_key, next_link_key),
        )

    def _page_reader(
        self, item_from_dict: Callable[[Any], T], items_key: str, next_link_key: str | None
    ) -> Callable[[HttpResponse], tuple[list[T], str | None]]:
        return functools.partial(
            self._page,
            item_from_dict=item_from_dict,
            items_key=items_key,
            next_link_key=next_link_key,
        )

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
        return with_api_version(absolute, self.api_version) if api_version else absolute

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
        try:
            return [item_from_dict(item) for item in items], next_link or None
        except _DECODE_ERRORS:  # the items once more, each read leniently if need be
            return [read_response(item_from_dict, item) for item in items], next_link or None

    def _page(
        self,
        response: HttpResponse,
        *,
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

    # -- decoding --

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
            try:  # a response that drifts harmlessly from its schema (lenient.py)
                return read_leniently(from_dict, data)
            except _DECODE_ERRORS:
                pass
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


class PageSource(Generic[T]):
    """One list's pages, sans I/O: :meth:`request` says what to send for a link (``None``:
    the first page), :meth:`read` turns the answer into ``(items, next link)``. ``first`` is
    a first page already in hand (an LRO's final body), which is not fetched."""

    __slots__ = ("first", "read", "request")

    def __init__(
        self,
        request: Callable[[str | None], tuple[str, str, bytes | None]],
        read: Callable[[HttpResponse], tuple[list[T], str | None]],
        *,
        first: tuple[list[T], str | None] | None = None,
    ) -> None:
        self.request = request
        self.read = read
        self.first = first


# --- the endpoint --------------------------------------------------------------------------


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
