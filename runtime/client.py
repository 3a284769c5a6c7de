"""``ArmClient``: the sync driver -- what generated operations call, sent through urllib3.

Everything that does not do I/O (configuration checks, URL building, decoding, the LRO start
and resume rules, page links) is :class:`~.client_core.ClientCore`'s; per-call options are in
:mod:`.request_options` and request building in :mod:`.request_build`. This module adds the
transport and pipeline, and the blocking loops that send.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar, overload

import urllib3

from .auth import BearerTokenPolicy, TokenCredential, scope_for_endpoint
from .call_options import (
    CallPipeline,
    MethodPoller,
    PollingMethod,
    RawResponseHook,
)
from .client_core import ClientCore, LroPlan, PageSource
from .client_options import CLIENT_DEFAULTS
from .exceptions import map_error
from .http import HttpResponse
from .lro_core import LroCore
from .lro_failure import FailureDescriber
from .lro_start import Send, drive_start
from .paging import ItemPaged
from .pipeline import Pipeline, build_user_agent
from .polling import ArmPollingMethod, LROPoller
from .request_build import PathParam, build_request
from .request_options import NO_OPTIONS, RequestOptions, client_request_id, earlier
from .retry import RetryPolicy
from .transport import Urllib3Transport

__all__ = [
    "ArmClient",
    "PathParam",
    "RequestOptions",
    "build_request",
    "client_request_id",
    "earlier",
]

T = TypeVar("T")

_LOGGER = logging.getLogger(__name__)

_Runner = Pipeline | CallPipeline


class ArmClient(ClientCore[Pipeline, CallPipeline]):
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
        self._transport = transport or Urllib3Transport(
            pool_manager=pool_manager,
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
            auth = BearerTokenPolicy(credential, *scopes)
        self.pipeline: Pipeline = Pipeline(
            self._transport,
            auth=auth,
            # Made at the first request: finding the platform's description is slow.
            user_agent=functools.partial(build_user_agent, sdk_moniker, prefix=user_agent),
            secret_fields=self._secret_fields,
        )

    def _new_pipeline(self, logger: logging.Logger) -> Pipeline:
        return Pipeline(
            self._transport,
            auth=self.pipeline.auth,
            user_agent=lambda: self.pipeline.user_agent,
            secret_fields=self._secret_fields,
            logger=logger,
        )

    def _hooked(self, pipeline: Pipeline, hook: RawResponseHook) -> CallPipeline:
        return CallPipeline(pipeline, hook)

    # -- lifecycle --

    def close(self) -> None:
        """Release pooled connections (a caller-supplied transport is left open) and forget
        the bearer token."""
        self.pipeline.forget_credentials()
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
        options = options or NO_OPTIONS
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

    def _send_spec(self, spec: Send, *, pipeline: _Runner) -> HttpResponse:
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
        options = options or NO_OPTIONS
        pipeline = self._pipeline_for(options)
        begun = drive_start(
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
            functools.partial(self._send_spec, pipeline=pipeline),
        )
        if begun.core is None:
            assert not isinstance(polling, bool)
            return MethodPoller(polling, self, *self._method_poller_args(begun, deserialize))
        return self._poller(begun, begun.core, pipeline)

    @staticmethod
    def _poller(plan: LroPlan, core: LroCore[T], pipeline: _Runner) -> LROPoller[T]:
        method = ArmPollingMethod(
            core,
            pipeline=pipeline,
            request_timeout=plan.request_timeout,
            retry_policy=plan.poll_policy,
        )
        return LROPoller(
            method,
            polling=plan.polling,
            polling_interval=plan.polling_interval,
            max_retry_after=plan.max_retry_after,
            deadline=plan.deadline,
            first_poll_immediately=plan.resumed,
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
    ) -> Callable[[Any], ItemPaged[T]]:
        """For a long-running operation whose result is a list: turns the final body (the
        first page) into an ``ItemPaged`` that fetches the pages after it as ``paged`` does."""

        def read(first: Any) -> ItemPaged[T]:
            source = self._pages_after(
                first,
                item_from_dict=item_from_dict,
                items_key=items_key,
                next_link_key=next_link_key,
            )
            return self._pager(source, options)

        return read

    def _pager(self, source: PageSource[T], options: RequestOptions | None) -> ItemPaged[T]:
        """Pages from ``source``, each fetched when iteration reaches it."""

        def fetch(link: str | None) -> tuple[list[T], str | None]:
            if link is None and source.first is not None:
                return source.first
            method, url, body = source.request(link)
            response = self.send(method, url, body=body, expected_status=(200,), options=options)
            return source.read(response)

        return ItemPaged(fetch)
