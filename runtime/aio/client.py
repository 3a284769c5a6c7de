"""``AsyncArmClient``: what generated async operations call -- the same URL building,
decoding, option checks and LRO start as ``ArmClient`` (its own methods, reused), sent
through the async pipeline."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar, overload
from urllib.parse import urlsplit

from ..auth import scope_for_endpoint
from ..call_options import PipelineResponse, RawResponseHook, quiet_logger
from ..checks import check_seconds
from ..client import (
    ArmClient,
    PathParam,
    RequestOptions,
    build_request,
    client_request_id,
    earlier,
)
from ..client_options import CLIENT_DEFAULTS
from ..exceptions import AzureError, map_error
from ..http import HttpRequest, HttpResponse
from ..lro_core import DEFAULT_RETRY_AFTER_MAX, LroCore
from ..lro_failure import FailureDescriber
from ..lro_start import Send, StartFlow, start_flow
from ..lro_token import normalize_final_state_via
from ..params import Joined, Raw
from ..pipeline import build_user_agent
from ..retry import RetryPolicy
from .auth import AsyncBearerTokenPolicy, AsyncTokenCredential
from .paging import AsyncItemPaged
from .pipeline import AsyncPipeline
from .polling import AsyncLROPoller, AsyncPollingPipeline
from .transport import AiohttpTransport

__all__ = ["AsyncArmClient", "PathParam", "RequestOptions"]

T = TypeVar("T")

_NO_OPTIONS = RequestOptions()


class AsyncArmClient:
    """One authenticated async connection to an ARM endpoint (see ``ArmClient``).

    Use it with ``async with`` (or ``await close()``) to release the aiohttp session.
    """

    def __init__(
        self,
        credential: AsyncTokenCredential | None,
        subscription_id: str,
        *,
        base_url: str | None = CLIENT_DEFAULTS.base_url,
        cloud: str | None = CLIENT_DEFAULTS.cloud,
        cloud_setting: str | None = CLIENT_DEFAULTS.cloud_setting,
        api_version: str,
        sdk_moniker: str,
        secret_fields: frozenset[str] = frozenset(),
        connection_verify: bool | str = CLIENT_DEFAULTS.connection_verify,
        transport: AiohttpTransport | None = None,
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
        # The sync client checks every argument and builds URLs and results; it never sends
        # (its connection pool is only made on a first request, which never comes).
        self._rules = ArmClient(
            None,
            subscription_id,
            base_url=base_url,
            cloud=cloud,
            cloud_setting=cloud_setting,
            api_version=api_version,
            sdk_moniker=sdk_moniker,
            secret_fields=secret_fields,
            connection_verify=connection_verify,
            polling_interval=polling_interval,
            retry_policy=retry_policy,
            user_agent=user_agent,
            connection_timeout=connection_timeout,
            read_timeout=read_timeout,
            credential_scopes=credential_scopes,
            pool_maxsize=pool_maxsize,
            max_response_body=max_response_body,
            parameters=parameters,
        )
        self.subscription_id = self._rules.subscription_id
        self.base_url = self._rules.base_url
        self.api_version = self._rules.api_version
        self.polling_interval = self._rules.polling_interval
        self.parameters = self._rules.parameters
        self._secret_fields = frozenset(secret_fields)
        self._retry_policy = retry_policy
        self._owns_transport = transport is None
        self._transport = transport or AiohttpTransport(
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
            auth = AsyncBearerTokenPolicy(credential, *scopes)
        self.pipeline = AsyncPipeline(
            self._transport,
            auth=auth,
            user_agent=functools.partial(build_user_agent, sdk_moniker, prefix=user_agent),
            secret_fields=self._secret_fields,
        )
        # logging_enable=False on a call: the same pipeline with a logger that never logs.
        self._quiet_pipeline = AsyncPipeline(
            self._transport,
            auth=auth,
            user_agent=lambda: self.pipeline.user_agent,
            secret_fields=self._secret_fields,
            logger=quiet_logger(),
        )

    # -- lifecycle --

    async def close(self) -> None:
        """Close the aiohttp session (a caller-supplied transport is left open)."""
        if self._owns_transport:
            await self._transport.close()

    async def __aenter__(self) -> AsyncArmClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<AsyncArmClient {self.base_url} api-version={self.api_version}>"

    # -- requests --

    def format_url(
        self,
        template: str,
        path: Sequence[PathParam],
        query: Mapping[str, str | Joined | Raw | None],
        *,
        absolute: bool = False,
    ) -> str:
        """See ``ArmClient.format_url``."""
        return self._rules.format_url(template, path, query, absolute=absolute)

    async def send(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        expected_status: Collection[int],
        options: RequestOptions | None = None,
    ) -> HttpResponse:
        """Send one request; a status outside ``expected_status`` raises the mapped error."""
        options = options or _NO_OPTIONS
        return await self._send(
            Send(
                method,
                url,
                body,
                expected_status,
                options.headers,
                options.client_request_id or "",
                options.timeout,
                options.retry_policy,
                options.max_response_body,
            ),
            options,
        )

    def _pipeline_for(self, options: RequestOptions) -> AsyncPollingPipeline:
        """The client's pipeline, quiet for ``logging_enable=False``, with the call's hook
        (polls included), as ``ArmClient`` does."""
        pipeline = self._quiet_pipeline if options.logging_enable is False else self.pipeline
        if options.raw_response_hook is not None:
            return _HookedPipeline(pipeline, options.raw_response_hook)
        return pipeline

    async def _send(self, spec: Send, options: RequestOptions = _NO_OPTIONS) -> HttpResponse:
        request = build_request(spec.method, spec.url, spec.body, spec.headers)
        response = await self._pipeline_for(options).run(
            request,
            client_request_id=spec.client_request_id or None,
            timeout=spec.timeout,
            retry_policy=spec.retry_policy,
            max_response_body=spec.max_response_body,
        )
        if response.status_code not in spec.expected_status:
            raise map_error(response, secret_fields=self._secret_fields)
        return response

    def deserialize(self, response: HttpResponse, from_dict: Callable[[Any], T]) -> T:
        """See ``ArmClient.deserialize``."""
        return self._rules.deserialize(response, from_dict)

    # -- long-running operations --

    @overload
    async def begin_lro(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        expected_status: Collection[int],
        deserialize: Callable[[Any], T],
        operation_id: str,
        final_state_via: str | None = None,
        polling: bool = True,
        polling_interval: float | None = None,
        continuation_token: str | None = None,
        options: RequestOptions | None = None,
        deadline: float | None = None,
        describe_failure: FailureDescriber | None = None,
    ) -> AsyncLROPoller[T]: ...

    @overload
    async def begin_lro(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        expected_status: Collection[int],
        deserialize: None,
        operation_id: str,
        final_state_via: str | None = None,
        polling: bool = True,
        polling_interval: float | None = None,
        continuation_token: str | None = None,
        options: RequestOptions | None = None,
        deadline: float | None = None,
        describe_failure: FailureDescriber | None = None,
    ) -> AsyncLROPoller[None]: ...

    async def begin_lro(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        expected_status: Collection[int],
        deserialize: Callable[[Any], Any] | None,
        operation_id: str,
        final_state_via: str | None = None,
        polling: bool = True,
        polling_interval: float | None = None,
        continuation_token: str | None = None,
        options: RequestOptions | None = None,
        deadline: float | None = None,
        describe_failure: FailureDescriber | None = None,
    ) -> AsyncLROPoller[Any]:
        """Start (or resume) a long-running operation; see ``ArmClient.begin_lro``."""
        options = options or _NO_OPTIONS
        interval = self.polling_interval if polling_interval is None else polling_interval
        check_seconds("polling_interval", interval)
        if deadline is not None:
            check_seconds("deadline", deadline)
        final_state_via = normalize_final_state_via(final_state_via)
        policy = options.retry_policy or self._retry_policy
        max_retry_after = policy.retry_after_max if policy else DEFAULT_RETRY_AFTER_MAX
        poll_policy = options.retry_policy or self._transport.retry_policy
        if continuation_token is not None:
            self._rules._check_token(continuation_token, method, operation_id, polling, url)
            return AsyncLROPoller[Any].from_continuation_token(
                continuation_token,
                pipeline=self._pipeline_for(options),
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
        request_id = client_request_id(options)
        flow = start_flow(
            method=method,
            url=url,
            body=body,
            expected_status=expected_status,
            headers=options.headers,
            timeout=options.timeout,
            # The operation's deadline bounds its first request too.
            write_timeout=earlier(options.timeout, deadline),
            max_response_body=options.max_response_body,
            client_request_id=request_id,
            operation_id=operation_id,
            final_state_via=final_state_via,
            write_policy=self._rules._initial_request_policy(method, poll_policy),
            read_policy=poll_policy,
            secret_fields=self._secret_fields,
        )
        response, took_effect = await self._drive_start(flow, options)
        core: LroCore[Any]
        if took_effect:
            core = LroCore[Any].from_resource_response(
                response,
                method=method,
                deserialize=deserialize,
                operation_id=operation_id,
                client_request_id=request_id,
                final_state_via=final_state_via,
                secret_fields=self._secret_fields,
                describe_failure=describe_failure,
            )
        else:
            core = LroCore[Any].from_initial_response(
                response,
                deserialize=deserialize,
                operation_id=operation_id,
                client_request_id=request_id,
                final_state_via=final_state_via,
                secret_fields=self._secret_fields,
                describe_failure=describe_failure,
            )
        return AsyncLROPoller(
            core,
            pipeline=self._pipeline_for(options),
            polling=polling,
            polling_interval=interval,
            max_retry_after=max_retry_after,
            deadline=deadline,
            request_timeout=options.timeout,
            retry_policy=poll_policy,
        )

    async def _drive_start(
        self, flow: StartFlow, options: RequestOptions
    ) -> tuple[HttpResponse, bool]:
        """Run the shared LRO start flow with awaited sends (the async driver)."""
        try:
            spec = next(flow)
            while True:
                try:
                    response = await self._send(spec, options)
                except AzureError as error:
                    spec = flow.throw(error)
                else:
                    spec = flow.send(response)
        except StopIteration as stop:
            result: tuple[HttpResponse, bool] = stop.value
            return result

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
    ) -> AsyncItemPaged[T]:
        """An ``async for``-able ``AsyncItemPaged``; links are vetted as ``ArmClient.paged``."""
        endpoint = self.base_url
        if not url.startswith(self.base_url + "/"):
            parts = urlsplit(url)
            endpoint = f"{parts.scheme}://{parts.netloc}"
        rules = self._rules

        async def fetch(link: str | None) -> tuple[list[T], str | None]:
            if link is None:
                response = await self.send(
                    method, url, body=body, expected_status=(200,), options=options
                )
            else:
                page_url = (
                    rules._next_page_url(link, endpoint, api_version=replace_api_version)
                    if next_url is None
                    else next_url(link)
                )
                response = await self.send("GET", page_url, expected_status=(200,), options=options)
            return rules._page(response, item_from_dict, items_key, next_link_key)

        return AsyncItemPaged(fetch)

    def pager_reader(
        self,
        item_from_dict: Callable[[Any], T],
        *,
        items_key: str = "value",
        next_link_key: str | None = "nextLink",
        options: RequestOptions | None = None,
    ) -> Callable[[Any], AsyncItemPaged[T]]:
        """See ``ArmClient.pager_reader``: the final body of an LRO as the first page."""
        rules = self._rules

        def read(first: Any) -> AsyncItemPaged[T]:
            items, next_link = rules._page_items(first, item_from_dict, items_key, next_link_key)

            async def fetch(link: str | None) -> tuple[list[T], str | None]:
                if link is None:
                    return items, next_link
                response = await self.send(
                    "GET", rules._next_page_url(link), expected_status=(200,), options=options
                )
                return rules._page(response, item_from_dict, items_key, next_link_key)

            return AsyncItemPaged(fetch)

        return read


class _HookedPipeline:
    """A pipeline plus one call's ``raw_response_hook`` (``call_options.CallPipeline``'s twin)."""

    def __init__(self, pipeline: AsyncPipeline, hook: RawResponseHook) -> None:
        self._pipeline = pipeline
        self._hook = hook

    async def run(
        self,
        request: HttpRequest,
        *,
        client_request_id: str | None = None,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_body: int | None = None,
    ) -> HttpResponse:
        response = await self._pipeline.run(
            request,
            client_request_id=client_request_id,
            timeout=timeout,
            retry_policy=retry_policy,
            max_response_body=max_response_body,
        )
        self._hook(PipelineResponse(response.request, response))
        return response


# pyright --strict (nox -s lint): this async driver reuses the sync classes' own rules (their
# underscored helpers, inside this package) rather than copying them.
# pyright: reportPrivateUsage=false
