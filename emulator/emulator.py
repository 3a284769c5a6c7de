"""The public facade: start an emulator, point a client at it, script it, inspect it."""

from __future__ import annotations

import ipaddress
import ssl
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .api_versions import generated_api_versions
from .arm import ArmApi, parse_route
from .credential import AsyncEmulatorCredential, EmulatorCredential
from .execution import Executor, default_executor
from .faults import Fault, FaultPlan
from .recording import RecordedRequest, RequestLog
from .scale_sets import DEFAULT_REGION, ScaleSets
from .server import EmulatorHTTPServer
from .store import ResourceKey, RunCommandStore
from .wire import JSON_CONTENT_TYPE, Request, Response, pretty_json

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .. import RunCommandsClient
    from ..aio import RunCommandsClient as AsyncRunCommandsClient
    from .client_options import AsyncClientOptions, ClientOptions

DEFAULT_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
# Every api-version the package was generated for; no edit here when one is added.
DEFAULT_API_VERSIONS = generated_api_versions()
DEFAULT_OPERATION_SECONDS = 1.0
CLIENT_POLLING_INTERVAL = 0.05
"""The polling interval of :meth:`ArmEmulator.client` (ARM sends no Retry-After, so the
client's own interval decides how soon it looks again)."""

_AUTO = "auto"


def _loopback_address(host: str) -> str:
    if host.lower() == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise ValueError(
            f"ArmEmulator only listens on loopback addresses, not {host!r}: it accepts "
            "tokens anyone can mint and must not be reachable from other machines"
        )
    return str(address)


class ArmEmulator:
    """An in-process Azure Resource Manager serving VMSS VM run commands over real HTTP.

    Use it as a context manager (or call :meth:`start` / :meth:`stop`)::

        with ArmEmulator() as emu:
            client = Client(emu.credential, emu.subscription_id, base_url=emu.base_url)

    By default it answers as Azure Resource Manager does (see the README's list): no
    ``Retry-After``, signed status URLs carrying the service's api-version, pretty CRLF JSON,
    empty reason phrases, the rate-limit headers. ``lenient=True`` keeps shortcuts a client
    should not rely on against Azure (``Retry-After: 0``, short status URLs, compact JSON,
    ``instanceView.statuses`` and every default echoed).

    A long-running operation completes on the first look -- a status poll, or a GET or list
    that includes the resource -- after ``polls_before_done`` looks in progress, or after
    ``operation_seconds`` have passed, whichever comes first (running ``executor`` then).
    :meth:`client` gives a client that polls promptly.

    Args:
        executor: simulates the VM running the script; receives the stored run command's wire
            JSON (secrets included, as the VM would get them) and returns an ExecutionResult.
            The default succeeds without running anything and says so in its output.
        polls_before_done: looks (status polls or resource reads) answered ``InProgress``
            before an operation completes.
        operation_seconds: seconds after which an operation completes on its next look
            whatever the count; ``None``: only looks count.
        retry_after: seconds sent as ``Retry-After`` on LRO responses; ``None`` sends none
            (ARM's behaviour, the default); lenient mode defaults to ``0``.
        lenient: keep the conveniences listed above instead of answering exactly like ARM.
        default_region: the region of every scale set not placed with :meth:`add_scale_set`.
        declared_scale_sets_only: only the scale sets placed with :meth:`add_scale_set`
            exist; a request naming another gets the 404 Azure gives (``ResourceNotFound``
            for the scale set, ``ParentResourceNotFound`` for its run commands).
        page_size: run commands per LIST page.
        subscription_id: the only subscription that exists.
        api_versions: accepted ``api-version`` values (default: every generated one).
        ssl_context: a server-side context to serve https instead of http.
        host: a loopback address to listen on; anything else raises ``ValueError``.
        port: the port to listen on; ``0`` picks a free one.
    """

    def __init__(
        self,
        *,
        executor: Executor | None = None,
        polls_before_done: int = 1,
        operation_seconds: float | None = DEFAULT_OPERATION_SECONDS,
        retry_after: float | str | None = _AUTO,
        lenient: bool = False,
        default_region: str = DEFAULT_REGION,
        declared_scale_sets_only: bool = False,
        page_size: int = 10,
        subscription_id: str = DEFAULT_SUBSCRIPTION_ID,
        api_versions: Sequence[str] = DEFAULT_API_VERSIONS,
        ssl_context: ssl.SSLContext | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if polls_before_done < 0:
            raise ValueError("polls_before_done must be >= 0")
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        if retry_after == _AUTO:
            retry_after = 0.0 if lenient else None
        if isinstance(retry_after, str) or (retry_after is not None and retry_after < 0):
            raise ValueError("retry_after must be >= 0 or None")
        if operation_seconds is not None and not operation_seconds >= 0:
            raise ValueError("operation_seconds must be >= 0 or None")
        if isinstance(api_versions, str) or not api_versions:
            raise ValueError("api_versions must be a non-empty sequence of strings")
        if not subscription_id:
            raise ValueError("subscription_id must not be empty")
        address = _loopback_address(host)
        self._subscription_id = subscription_id
        self._credential = EmulatorCredential()
        self._async_credential = AsyncEmulatorCredential(self._credential)
        self._log = RequestLog()
        self._faults = FaultPlan()
        self._store = RunCommandStore(
            subscription_id=subscription_id,
            executor=executor or default_executor,
            polls_before_done=polls_before_done,
            operation_seconds=operation_seconds,
            lenient=lenient,
        )
        self._lenient = lenient
        self._scale_sets = ScaleSets(default_region, declared_only=declared_scale_sets_only)
        self._server = EmulatorHTTPServer(
            (address, port), self._handle, ssl_context=ssl_context, reason_phrases=lenient
        )
        bound_host, bound_port = str(self._server.server_address[0]), self._server.server_address[1]
        shown_host = f"[{bound_host}]" if ":" in bound_host else bound_host
        scheme = "https" if ssl_context is not None else "http"
        self._port = int(bound_port)
        self._base_url = f"{scheme}://{shown_host}:{self._port}"
        self._arm = ArmApi(
            store=self._store,
            credential=self._credential,
            subscription_id=subscription_id,
            api_versions=api_versions,
            page_size=page_size,
            retry_after=retry_after,
            base_url=lambda: self._base_url,
            scale_sets=self._scale_sets,
            lenient=lenient,
        )
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._lifecycle = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> ArmEmulator:
        """Start serving in a daemon thread; a second call is a no-op.

        Raises:
            RuntimeError: after :meth:`stop` (the socket is gone; create a new emulator).
        """
        with self._lifecycle:
            if self._stopped:
                raise RuntimeError("this ArmEmulator was stopped; create a new one")
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._server.serve,
                    name=f"ArmEmulator:{self._port}",
                    daemon=True,
                )
                self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the port and cut open connections; idempotent."""
        with self._lifecycle:
            if self._stopped:
                return
            self._stopped = True
            thread = self._thread
        self._server.request_stop()
        if thread is not None:
            thread.join()
        self._server.close()

    def __enter__(self) -> ArmEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what clients need ----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (``https`` when an ssl_context was given)."""
        return self._base_url

    @property
    def port(self) -> int:
        """The port the emulator listens on."""
        return self._port

    @property
    def subscription_id(self) -> str:
        """The one subscription this emulator knows."""
        return self._subscription_id

    @property
    def credential(self) -> EmulatorCredential:
        """A TokenCredential whose tokens this emulator accepts."""
        return self._credential

    @property
    def async_credential(self) -> AsyncEmulatorCredential:
        """:attr:`credential` as an ``AsyncTokenCredential`` (``await get_token``), for
        ``vmss_runcommands.aio`` clients."""
        return self._async_credential

    def client(self, **options: Unpack[ClientOptions]) -> RunCommandsClient:
        """A ``RunCommandsClient`` for this emulator that polls every 0.05 s.

        ``options`` go to the client's constructor and override these defaults (e.g.
        ``polling_interval=``, ``retry_policy=``). The one place the emulator imports the
        client, and only when called: the emulator itself speaks plain HTTP.
        """
        from .. import RunCommandsClient

        return RunCommandsClient(self._credential, self._subscription_id, **self._settings(options))

    def async_client(self, **options: Unpack[AsyncClientOptions]) -> AsyncRunCommandsClient:
        """A ``vmss_runcommands.aio.RunCommandsClient`` for this emulator (the ``aio``
        extra) that polls every 0.05 s; use it with ``async with``. ``options`` as for
        :meth:`client`."""
        from ..aio import RunCommandsClient as AsyncRunCommandsClient

        return AsyncRunCommandsClient(
            self._async_credential, self._subscription_id, **self._settings(options)
        )

    def _settings(self, options: Mapping[str, Any]) -> dict[str, Any]:
        settings: dict[str, Any] = {
            "base_url": self._base_url,
            "polling_interval": CLIENT_POLLING_INTERVAL,
        }
        settings.update(options)
        return settings

    def environment(self, *, token_lifetime: int | None = None) -> dict[str, str]:
        """The environment variables that point the command-line tool at this emulator:
        ``VMSS_RUNCOMMANDS_ENDPOINT``, ``VMSS_RUNCOMMANDS_TOKEN`` (a fresh token) and
        ``AZURE_SUBSCRIPTION_ID``."""
        if token_lifetime is not None:
            self._credential.token_lifetime = token_lifetime
        token = self._credential.get_token("https://management.azure.com/.default").token
        return {
            "VMSS_RUNCOMMANDS_ENDPOINT": self._base_url,
            "VMSS_RUNCOMMANDS_TOKEN": token,
            "AZURE_SUBSCRIPTION_ID": self._subscription_id,
        }

    def add_scale_set(
        self,
        resource_group: str,
        name: str,
        location: str,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """Place a scale set in ``location`` (others are in ``default_region``)."""
        self._scale_sets.add(resource_group, name, location, dict(tags or {}))

    @property
    def lenient(self) -> bool:
        """Whether this emulator keeps the conveniences ARM does not offer."""
        return self._lenient

    # -- inspection and scripting ---------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first, with Authorization redacted."""
        return self._log.snapshot()

    @property
    def run_commands(self) -> Mapping[ResourceKey, Mapping[str, Any]]:
        """Read-only snapshot of stored run commands keyed by lowercased (rg, vmss, instance, name).

        Values are the stored wire JSON including ``runAsPassword``/``protectedParameters`` and
        the current instance view, so tests can check what the service received.
        """
        return self._store.snapshot()

    @property
    def faults(self) -> FaultPlan:
        """Fault injection: ``emu.faults.add(Fault.throttle(retry_after=1), count=2)`` scripts
        failures, ``emu.faults.random(rate=0.1, kinds=[...], seed=7)`` draws them."""
        return self._faults

    @property
    def connections_opened(self) -> int:
        """How many client connections were accepted so far."""
        return self._server.connections_opened

    @property
    def peak_open_connections(self) -> int:
        """The most client connections that were open at the same time."""
        return self._server.peak_open_connections

    def fail_next(
        self,
        status: int,
        code: str = "InternalServerError",
        message: str = "Failure injected by the ARM emulator.",
        *,
        method: str | None = None,
        path_contains: str | None = None,
        headers: Mapping[str, str] | None = None,
        count: int = 1,
        body: bytes | None = None,
    ) -> None:
        """Answer the next ``count`` matching requests with ``status`` before normal processing.

        Shorthand for ``faults.add(Fault.error(...))`` (or ``Fault.response(...)`` when raw
        ``body`` bytes are given, e.g. an HTML 502 page); ``headers`` are added (e.g.
        ``{"Retry-After": "1"}``).  Requests answered this way are still recorded.
        """
        if body is None:
            fault = Fault.error(status, code, message, headers=headers)
        else:
            fault = Fault.response(status, body, headers)
        self._faults.add(fault, method=method, path_contains=path_contains, count=count)

    def reset(self) -> None:
        """Forget resources, operations, recorded requests and pending failures.

        Issued tokens stay valid, so clients built on ``credential`` keep working.
        """
        self._store.reset()
        self._faults.clear()
        self._log.clear()

    # -- request pipeline -----------------------------------------------------------------

    def _handle(self, request: Request) -> Response:
        fault = self._faults.take(request)
        response = self._answer(request) if fault is None else self._inject(fault, request)
        self._stamp(request, response)
        status = 0 if response.disconnect else response.status
        self._log.record(request, status, fault.name if fault is not None else None)
        return response

    def _inject(self, fault: Fault, request: Request) -> Response:
        if fault.kind == "respond":
            return fault.canned_response()
        if fault.kind == "reset" and not fault.processed:
            return Response(0, disconnect=True)
        if fault.kind == "expire_tokens":
            self._credential.expire_all()
        elif fault.kind in ("end_operation", "forget_operation"):
            self._change_operation(fault, request)
        response = self._answer(request)
        if fault.kind == "reset":
            response.disconnect = True
        elif fault.kind == "slow":
            response.delay = fault.seconds
        elif fault.kind == "truncate" and response.body:
            response.body = response.body[: max(1, len(response.body) // 2)]
        return response

    def _answer(self, request: Request) -> Response:
        response = self._arm.handle(request)
        if (
            not self._lenient
            and response.body
            and response.header("Content-Type") == (JSON_CONTENT_TYPE)
        ):
            response.body = pretty_json(response.body)
        return response

    def _change_operation(self, fault: Fault, request: Request) -> None:
        try:
            route = parse_route(request.path)
        except UnicodeDecodeError:
            route = None
        if route is None or route.kind != "operation":
            return
        if fault.kind == "forget_operation":
            self._store.forget_operation(route.operation_id)
        else:
            self._store.end_operation(
                route.operation_id, fault.outcome, dict(fault.operation_error)
            )

    def _stamp(self, request: Request, response: Response) -> None:
        request_id = response.header("x-ms-request-id")
        if request_id is None:
            request_id = str(uuid.uuid4())
            response.set_header("x-ms-request-id", request_id)
        correlation = request.header("x-ms-correlation-request-id") or str(uuid.uuid4())
        if response.header("x-ms-correlation-request-id") is None:
            response.set_header("x-ms-correlation-request-id", correlation)
        client_request_id = request.header("x-ms-client-request-id")
        if client_request_id is not None:
            response.set_header("x-ms-client-request-id", client_request_id)
        if response.header("Cache-Control") is None:
            response.set_header("Cache-Control", "no-cache")
        if self._lenient:
            return
        for name, value in (
            ("Pragma", "no-cache"),
            ("Expires", "-1"),
            ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
            (
                "x-ms-routing-request-id",
                f"{self._scale_sets.default_region.upper()}:"
                f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}:{request_id}",
            ),
        ):
            if response.header(name) is None:
                response.set_header(name, value)
