"""Per-call options that azure-core clients accept: ``raw_response_hook=``, ``logging_enable=``
and ``polling=`` with a polling-method object.

Kept out of the transport and the poller: each option wraps what those already do.

* ``raw_response_hook(pipeline_response)`` is called with every response of the call -- the
  first one, each poll of a long-running operation, each page of a list -- before its status is
  checked, so an error response is seen too. ``pipeline_response.http_response`` has
  ``status_code``, ``headers`` (``x-ms-ratelimit-remaining-*``, request ids) and the body;
  ``pipeline_response.http_request`` is the request as sent, without its token.
* ``logging_enable=False`` silences this call's request and response log lines (a noisy poll
  loop, a payload you would rather not log even redacted). ``True``, the default, logs as the
  ``vmss_runcommands`` logger's level allows: as in azure-core, where a per-call
  ``logging_enable=True`` turns the network trace on and its logger's level still filters it.
* ``polling=`` is ``True``, ``False`` or an object with azure-core's polling-method protocol
  (``initialize``, ``run``, ``status``, ``finished``, ``resource``), such as azure-core's
  ``NoPolling()`` (``AsyncNoPolling()`` for the asyncio client, whose ``run`` is awaited);
  anything else is a ``TypeError`` before any request is sent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from .http import HttpRequest, HttpResponse
from .pipeline import Pipeline
from .polling import LROPoller
from .retry import RetryPolicy

__all__ = [
    "AsyncPollingMethod",
    "CallPipeline",
    "PipelineResponse",
    "PollingMethod",
    "RawResponseHook",
    "check_polling",
    "method_continuation_token",
    "quiet_logger",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class PipelineResponse:
    """What a ``raw_response_hook`` receives; the attribute names are azure-core's."""

    __slots__ = ("context", "http_request", "http_response")

    def __init__(self, http_request: HttpRequest, http_response: HttpResponse) -> None:
        self.http_request = http_request
        self.http_response = http_response
        self.context: dict[str, object] = {}

    def __repr__(self) -> str:
        return f"<PipelineResponse {self.http_response!r}>"


RawResponseHook = Callable[[PipelineResponse], object]
"""``raw_response_hook=``: called with each response of one call."""


@runtime_checkable
class PollingMethod(Protocol[T_co]):
    """azure-core's polling-method protocol (``azure.core.polling.PollingMethod``).

    ``initialize`` receives this package's ``ArmClient``, the initial response as a
    :class:`PipelineResponse` and a callback that builds the result from a
    :class:`PipelineResponse`. Methods that only use the protocol work (azure-core's
    ``NoPolling``, your own); azure-mgmt-core's ``ARMPolling`` expects an azure-core
    ``PipelineClient`` as the client and does not.
    """

    def initialize(
        self, client: Any, initial_response: Any, deserialization_callback: Any, /
    ) -> None: ...

    def run(self) -> None: ...

    def status(self) -> str: ...

    def finished(self) -> bool: ...

    def resource(self) -> T_co: ...


@runtime_checkable
class AsyncPollingMethod(Protocol[T_co]):
    """azure-core's async polling-method protocol (``azure.core.polling.AsyncPollingMethod``,
    e.g. ``AsyncNoPolling()``): :class:`PollingMethod` with an awaited ``run``."""

    def initialize(
        self, client: Any, initial_response: Any, deserialization_callback: Any, /
    ) -> None: ...

    async def run(self) -> None: ...

    def status(self) -> str: ...

    def finished(self) -> bool: ...

    def resource(self) -> T_co: ...


_PROTOCOL = ("initialize", "run", "status", "finished", "resource")


def check_polling(polling: object) -> None:
    """``TypeError`` unless ``polling`` is a bool or a polling-method object."""
    if isinstance(polling, bool):
        return
    if all(callable(getattr(polling, name, None)) for name in _PROTOCOL):
        return
    raise TypeError(
        "polling must be True, False or a polling method (an object with initialize, run, "
        f"status, finished and resource, like azure.core.polling.NoPolling()), not "
        f"{type(polling).__name__}"
    )


def method_continuation_token(method: object) -> str:
    """A caller's polling method's token (``get_continuation_token()``), or ``TypeError``."""
    get_token = getattr(method, "get_continuation_token", None)
    if not callable(get_token):
        raise TypeError(f"{type(method).__name__} cannot make a continuation token")
    token = get_token()
    if not isinstance(token, str):
        raise TypeError("the polling method's continuation token is not a str")
    return token


_QUIET = logging.Logger("vmss_runcommands.quiet")
_QUIET.disabled = True


def quiet_logger() -> logging.Logger:
    """A logger that is never enabled (not registered, so configuration cannot turn it on)."""
    return _QUIET


class CallPipeline:
    """The client's pipeline (or its quiet twin) plus one call's ``raw_response_hook``."""

    __slots__ = ("_hook", "_pipeline")

    def __init__(self, pipeline: Pipeline, hook: RawResponseHook) -> None:
        if not callable(hook):
            raise TypeError(f"raw_response_hook must be callable, not {type(hook).__name__}")
        self._pipeline = pipeline
        self._hook = hook

    def run(
        self,
        request: HttpRequest,
        *,
        client_request_id: str | None = None,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_body: int | None = None,
    ) -> HttpResponse:
        response = self._pipeline.run(
            request,
            client_request_id=client_request_id,
            timeout=timeout,
            retry_policy=retry_policy,
            max_response_body=max_response_body,
        )
        self._hook(PipelineResponse(response.request, response))
        return response


class MethodPoller(LROPoller[T], Generic[T]):
    """An ``LROPoller`` driven by a caller's polling-method object instead of ours.

    As in azure-core, ``run()`` goes on in a daemon thread started by the first ``wait``/
    ``result``; ``result(timeout)`` raises ``TimeoutError`` when it has not finished in time
    (never half a result).
    """

    def __init__(
        self,
        method: PollingMethod[T],
        client: object,
        initial: PipelineResponse,
        deserialize: Callable[[PipelineResponse], T],
    ) -> None:
        # LROPoller.__init__ sets up our own ARM algorithm, which this poller does not run.
        self._custom = method
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()
        self._error: BaseException | None = None
        self._done_callbacks: list[Callable[[Any], object]] = []
        method.initialize(client, initial, deserialize)

    def polling_method(self) -> Any:
        return self._custom

    def status(self) -> str:
        return self._custom.status()

    def continuation_token(self) -> str:
        return method_continuation_token(self._custom)

    def start_background(self) -> LROPoller[T]:
        self._start()
        return self

    def done(self) -> bool:
        return self._custom.finished()

    def wait(self, timeout: float | None = None) -> None:
        thread = self._start()
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError(
                f"The operation was still {self._custom.status()!r} after {timeout} seconds"
            )
        if self._error is not None:
            raise self._error

    def result(self, timeout: float | None = None) -> T:
        self.wait(timeout)
        return self._custom.resource()

    def add_done_callback(self, func: Callable[[Any], object]) -> None:
        if self._custom.finished():
            func(self._custom)
        else:
            self._done_callbacks.append(func)

    def remove_done_callback(self, func: Callable[[Any], object]) -> None:
        self._done_callbacks.remove(func)

    def __repr__(self) -> str:
        return f"<LROPoller {type(self._custom).__name__} status={self._custom.status()!r}>"

    def _start(self) -> threading.Thread:
        with self._thread_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="LROPoller(polling method)", daemon=True
                )
                self._thread.start()
            return self._thread

    def _run(self) -> None:
        try:
            self._custom.run()
        except BaseException as error:  # handed to the waiting thread
            self._error = error
            return
        for func in list(self._done_callbacks):
            func(self._custom)
