"""``AsyncArmClient``: the asyncio driver -- what generated async operations call, sent
through aiohttp.

Everything that does not do I/O is :class:`~..client_core.ClientCore`'s, shared with the sync
``ArmClient``: configuration checks, URL building, decoding, the LRO start and resume rules and
page links. This module adds the transport and pipeline, and the awaited loops that send.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar, overload

from ..auth import scope_for_endpoint
from ..call_options import AsyncPollingMethod, PipelineResponse, RawResponseHook
from ..client_core import BeginFlow, ClientCore, LroPlan, PageSource
from ..client_options import CLIENT_DEFAULTS
from ..exceptions import AzureError, map_error
from ..http import HttpRequest, HttpResponse
from ..lro_failure import FailureDescriber
from ..lro_start import Send
from ..pipeline import build_user_agent
from ..request_build import PathParam, build_request
from ..request_options import NO_OPTIONS, RequestOptions
from ..retry import RetryPolicy
from .auth import AsyncBearerTokenPolicy, AsyncTokenCredential
from .paging import AsyncItemPaged
from .pipeline import AsyncPipeline
from .polling import AsyncLROPoller, AsyncMethodPoller, AsyncPollingPipeline
from .transport import AiohttpTransport

__all__ = ["AsyncArmClient", "PathParam", "RequestOptions"]

T = TypeVar("T")


class AsyncArmClient(ClientCore[AsyncPipeline, AsyncPollingPipeline]):
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
        super().__init__(
            subscription_id,
            base_url=base_url,
            cloud=cloud,
            cloud_setting=cloud_setting,
            api_version=api_version,
            secret_fields=secret_fields,
            polling_interval=polling_interval,
            retry_policy=retry_policy,
            user_agent=user_agent,
            connection_timeout=connection_timeout,
            read_timeout=read_timeout,
            parameters=parameters,
        )
        self._owns_transport = transport is None
        self._transport = transport or AiohttpTransport(
            connection_verify=connection_verify,
            connection_timeout=connection_timeout,
            read_timeout=read_timeout,
            retry_policy=retry_policy,
            pool_maxsize=pool_maxsize,
            max_response_body=max_response_body,
        )
        self._default_policy = self._transport.retry_policy
        auth = None
        if credential is not None:
            scopes = tuple(credential_scopes or (scope_for_endpoint(self.base_url),))
            auth = AsyncBearerTokenPolicy(credential, *scopes)
        self.pipeline: AsyncPipeline = AsyncPipeline(
            self._transport,
            auth=auth,
            user_agent=functools.partial(build_user_agent, sdk_moniker, prefix=user_agent),
            secret_fields=self._secret_fields,
        )

    def _new_pipeline(self, logger: logging.Logger) -> AsyncPipeline:
        return AsyncPipeline(
            self._transport,
            auth=self.pipeline.auth,
            user_agent=lambda: self.pipeline.user_agent,
            secret_fields=self._secret_fields,
            logger=logger,
        )

    def _hooked(self, pipeline: AsyncPipeline, hook: RawResponseHook) -> AsyncPollingPipeline:
        return _HookedPipeline(pipeline, hook)

    # -- lifecycle --

    async def close(self) -> None:
        """Close the aiohttp session (a caller-supplied transport is left open) and forget the
        bearer token."""
        self.pipeline.forget_credentials()
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
        options = options or NO_OPTIONS
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
            self._pipeline_for(options),
        )

    async def _send(self, spec: Send, pipeline: AsyncPollingPipeline) -> HttpResponse:
        request = build_request(spec.method, spec.url, spec.body, spec.headers)
        response = await pipeline.run(
            request,
            client_request_id=spec.client_request_id or None,
            timeout=spec.timeout,
            retry_policy=spec.retry_policy,
            max_response_body=spec.max_response_body,
        )
        if response.status_code not in spec.expected_status:
            raise map_error(response, secret_fields=self._secret_fields)
        return response

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
        polling: bool | AsyncPollingMethod[T] = True,
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
        polling: bool | AsyncPollingMethod[None] = True,
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
        polling: bool | AsyncPollingMethod[Any] = True,
        polling_interval: float | None = None,
        continuation_token: str | None = None,
        options: RequestOptions | None = None,
        deadline: float | None = None,
        describe_failure: FailureDescriber | None = None,
    ) -> AsyncLROPoller[Any]:
        """Start (or resume) a long-running operation; see ``ArmClient.begin_lro``."""
        options = options or NO_OPTIONS
        pipeline = self._pipeline_for(options)
        begun = await self._drive_start(
            self._begin_lro(
                method,
                url,
                body=body,
                expected_status=expected_status,
                deserialize=deserialize,
                operation_id=operation_id,
                final_state_via=final_state_via,
                polling=polling,
                polling_interval=polling_interval,
                continuation_token=continuation_token,
                options=options,
                deadline=deadline,
                describe_failure=describe_failure,
            ),
            pipeline,
        )
        if begun.core is None:
            assert not isinstance(polling, bool)
            return AsyncMethodPoller(polling, self, *self._method_poller_args(begun, deserialize))
        return AsyncLROPoller(
            begun.core,
            pipeline=pipeline,
            polling=begun.polling,
            polling_interval=begun.polling_interval,
            max_retry_after=begun.max_retry_after,
            deadline=begun.deadline,
            first_poll_immediately=begun.resumed,
            request_timeout=begun.request_timeout,
            retry_policy=begun.poll_policy,
        )

    async def _drive_start(self, flow: BeginFlow, pipeline: AsyncPollingPipeline) -> LroPlan:
        """Run the shared LRO begin flow with awaited sends (``lro_start.drive_start``'s twin)."""
        try:
            spec = next(flow)
            while True:
                try:
                    response = await self._send(spec, pipeline)
                except AzureError as error:
                    spec = flow.throw(error)
                else:
                    spec = flow.send(response)
        except StopIteration as stop:
            result: LroPlan = stop.value
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
        source = self._page_source(
            url,
            item_from_dict=item_from_dict,
            items_key=items_key,
            next_link_key=next_link_key,
            method=method,
            body=body,
            next_url=next_url,
            replace_api_version=replace_api_version,
        )
        return self._pager(source, options)

    def pager_reader(
        self,
        item_from_dict: Callable[[Any], T],
        *,
        items_key: str = "value",
        next_link_key: str | None = "nextLink",
        options: RequestOptions | None = None,
    ) -> Callable[[Any], AsyncItemPaged[T]]:
        """See ``ArmClient.pager_reader``: the final body of an LRO as the first page."""

        def read(first: Any) -> AsyncItemPaged[T]:
            source = self._pages_after(
                first,
                item_from_dict=item_from_dict,
                items_key=items_key,
                next_link_key=next_link_key,
            )
            return self._pager(source, options)

        return read

    def _pager(self, source: PageSource[T], options: RequestOptions | None) -> AsyncItemPaged[T]:
        """Pages from ``source``, each awaited when iteration reaches it."""

        async def fetch(link: str | None) -> tuple[list[T], str | None]:
            if link is None and source.first is not None:
                return source.first
            method, url, body = source.request(link)
            response = await self.send(
                method, url, body=body, expected_status=(200,), options=options
            )
            return source.read(response)

        return AsyncItemPaged(fetch)


class _HookedPipeline:
    """A pipeline plus one call's ``raw_response_hook`` (``call_options.CallPipeline``'s twin)."""

    def __init__(self, pipeline: AsyncPollingPipeline, hook: RawResponseHook) -> None:
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
