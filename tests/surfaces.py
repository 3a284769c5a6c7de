"""Run one behaviour test against the sync and the async client (parametrize, don't copy).

``make_client(kind, ...)`` gives the sync ``RunCommandsClient`` as it is, or the async one
behind a blocking facade: every coroutine the async surface returns is run to completion on
one event loop, an ``AsyncLROPoller`` answers ``result()``/``wait()`` by awaiting, and an
``AsyncItemPaged`` iterates by awaiting ``__anext__``. So a test written against the sync
surface checks the async one too, request for request.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from vmss_runcommands.runtime.aio.paging import AsyncItemPaged, AsyncPageIterator
from vmss_runcommands.runtime.aio.polling import AsyncLROPoller

SURFACES = ("sync", "async")


class AsyncCredential:
    """An async credential (``async get_token``) over a sync one."""

    def __init__(self, credential: Any) -> None:
        self.sync = credential

    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        return self.sync.get_token(*scopes, **kwargs)


class BlockingPoller:
    def __init__(self, poller: AsyncLROPoller[Any], loop: asyncio.AbstractEventLoop) -> None:
        self.inner = poller
        self._loop = loop

    def __getattr__(self, name: str) -> Any:  # polling_method() and the like, as they are
        return getattr(self.inner, name)

    def result(self, timeout: float | None = None) -> Any:
        return self._loop.run_until_complete(self.inner.result(timeout))

    def wait(self, timeout: float | None = None) -> None:
        self._loop.run_until_complete(self.inner.wait(timeout))

    def done(self) -> bool:
        return self.inner.done()

    def status(self) -> str:
        return self.inner.status()

    def continuation_token(self) -> str:
        return self.inner.continuation_token()


class BlockingPages(Iterator[Any]):
    def __init__(
        self, pages: AsyncItemPaged[Any] | AsyncPageIterator[Any], loop: asyncio.AbstractEventLoop
    ) -> None:
        self.inner = pages
        self._loop = loop

    def __next__(self) -> Any:
        try:
            return self._loop.run_until_complete(self.inner.__anext__())
        except StopAsyncIteration:
            raise StopIteration from None

    def by_page(self, continuation_token: str | None = None, **kwargs: Any) -> BlockingPages:
        assert isinstance(self.inner, AsyncItemPaged)
        return BlockingPages(self.inner.by_page(continuation_token, **kwargs), self._loop)

    @property
    def continuation_token(self) -> str | None:
        assert isinstance(self.inner, AsyncPageIterator)
        return self.inner.continuation_token


def _blocking(value: Any, loop: asyncio.AbstractEventLoop) -> Any:
    if inspect.iscoroutine(value):
        value = loop.run_until_complete(value)
    if isinstance(value, AsyncLROPoller):
        return BlockingPoller(value, loop)
    if isinstance(value, AsyncItemPaged):
        return BlockingPages(value, loop)
    return value


class BlockingOperations:
    def __init__(self, operations: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._operations = operations
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._operations, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return _blocking(method(*args, **kwargs), self._loop)

        return call


class BlockingClient:
    """The async client, used as if it were sync (see the module docstring)."""

    def __init__(self, client: Any) -> None:
        self.inner = client
        self._loop = asyncio.new_event_loop()

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.inner, name)
        if hasattr(value, "_client"):  # an operation group
            return BlockingOperations(value, self._loop)
        if inspect.ismethod(value):  # AsyncArmClient's own calls (begin_lro, paged, send)

            def call(*args: Any, **kwargs: Any) -> Any:
                return _blocking(value(*args, **kwargs), self._loop)

            return call
        return value

    def run(self, awaitable: Any) -> Any:
        """Await ``awaitable`` (a coroutine over :attr:`inner`) on this client's loop."""
        return self._loop.run_until_complete(awaitable)

    def close(self) -> None:
        if not self._loop.is_closed():
            self._loop.run_until_complete(self.inner.close())
            self._loop.close()

    def __enter__(self) -> BlockingClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_client(kind: str, credential: Any, subscription_id: str, **kwargs: Any) -> Any:
    """The sync client, or the async one behind :class:`BlockingClient`."""
    if kind == "sync":
        from vmss_runcommands import RunCommandsClient

        return RunCommandsClient(credential, subscription_id, **kwargs)
    from vmss_runcommands.aio import RunCommandsClient as AsyncRunCommandsClient

    if credential is not None:
        credential = AsyncCredential(credential)
    return BlockingClient(AsyncRunCommandsClient(credential, subscription_id, **kwargs))


class AwaitedPipeline:
    """A scripted sync pipeline (``run(request, **options)``) as an async client's pipeline."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def run(
        self, request: Any, *, max_response_body: int | None = None, **kwargs: Any
    ) -> Any:
        return self.inner.run(request, **kwargs)


def with_scripted_pipeline(kind: str, client: Any, pipeline: Any) -> Any:
    """``client`` (an ``ArmClient`` or ``AsyncArmClient``) sending through a scripted sync
    ``pipeline``; the async one behind :class:`BlockingClient`."""
    if kind == "sync":
        client.pipeline = pipeline
        return client
    client.pipeline = AwaitedPipeline(pipeline)
    return BlockingClient(client)


_SHARED_LOOP: list[asyncio.AbstractEventLoop] = []


def shared_loop() -> asyncio.AbstractEventLoop:
    """One event loop for the facades made without a client (pagers, pollers)."""
    if not _SHARED_LOOP:
        _SHARED_LOOP.append(asyncio.new_event_loop())
    return _SHARED_LOOP[0]


def make_pager(
    kind: str, fetch: Callable[[str | None], tuple[Sequence[Any], str | None]], **kwargs: Any
) -> Any:
    """``ItemPaged(fetch)``, or an ``AsyncItemPaged`` over the same pages behind
    :class:`BlockingPages` (one event loop for every such pager)."""
    if kind == "sync":
        from vmss_runcommands.runtime.paging import ItemPaged

        return ItemPaged(fetch, **kwargs)

    async def fetch_async(link: str | None) -> tuple[Sequence[Any], str | None]:
        return fetch(link)

    return BlockingPages(AsyncItemPaged(fetch_async, **kwargs), shared_loop())


class AwaitedTransport:
    """``AiohttpTransport`` with the sync transport's ``send`` (awaited on its own loop) and
    ``with`` (closing the session and the loop)."""

    def __init__(self, **kwargs: Any) -> None:
        from vmss_runcommands.runtime.aio.transport import AiohttpTransport

        self.loop = asyncio.new_event_loop()
        self.inner = AiohttpTransport(**kwargs)

    def send(self, request: Any, **kwargs: Any) -> Any:
        return self.loop.run_until_complete(self.inner.send(request, **kwargs))

    def close(self) -> None:
        if not self.loop.is_closed():
            self.loop.run_until_complete(self.inner.close())
            self.loop.close()

    def __enter__(self) -> AwaitedTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_transport(kind: str, **kwargs: Any) -> Any:
    """``Urllib3Transport`` (without proxies from the environment), or ``AiohttpTransport``
    behind :class:`AwaitedTransport`."""
    if kind == "sync":
        from vmss_runcommands.runtime.transport import Urllib3Transport

        return Urllib3Transport(proxies_from_env=False, **kwargs)
    return AwaitedTransport(**kwargs)


def emulator_client(kind: str, emulator: Any, **kwargs: Any) -> Any:
    """:func:`make_client` on an emulator: its credential, subscription and endpoint, and no
    delay between polls unless ``polling_interval`` says otherwise."""
    kwargs.setdefault("polling_interval", 0)
    return make_client(
        kind, emulator.credential, emulator.subscription_id, base_url=emulator.base_url, **kwargs
    )


def unwrap(value: Any) -> Any:
    """The object the surface itself returned (the async one, behind a facade)."""
    return getattr(value, "inner", value)


def make_arm_client(kind: str, *args: Any, **kwargs: Any) -> Any:
    """The runtime's ``ArmClient``, or ``AsyncArmClient`` behind :class:`BlockingClient`."""
    if kind == "sync":
        from vmss_runcommands.runtime.client import ArmClient

        return ArmClient(*args, **kwargs)
    from vmss_runcommands.runtime.aio.client import AsyncArmClient

    return BlockingClient(AsyncArmClient(*args, **kwargs))
