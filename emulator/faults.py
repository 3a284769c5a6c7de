"""Fault injection: what can go wrong with a request, scripted per request or drawn at random.

A :class:`Fault` describes one failure (a throttled answer, a reset connection, a slow or
truncated response, an operation that ends ``Failed``...). A :class:`FaultPlan` decides which
requests get one: scripted rules first (in the order they were added, each used ``count``
times), then random rules (each matching request is hit with probability ``rate``, drawn from a
seeded generator so a run can be reproduced).
"""

from __future__ import annotations

import base64
import json
import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from .errors import cloud_error_body
from .wire import Request, Response

__all__ = ["Fault", "FaultPlan"]

# What a real CAE challenge asks for: a token issued after the revocation event.
DEFAULT_CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'

_HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\n"
    b"<body><h1>{status} {reason}</h1><p>The gateway did not receive a valid response "
    b"from the upstream server.</p><hr><p>azure-frontdoor</p></body></html>\n"
)
_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
_AUTHORITY = "https://login.microsoftonline.com/common/oauth2/authorize"


def _seconds_header(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)


@dataclass(frozen=True)
class Fault:
    """One way a request goes wrong. Build faults with the class methods, e.g.
    ``Fault.throttle(retry_after=1)``; ``name`` is what :attr:`RecordedRequest.fault` shows.

    Kinds: ``respond`` (a canned answer instead of processing the request), ``reset`` (the
    connection is cut), ``slow`` (the answer is held back), ``truncate`` (the JSON answer is cut
    in half), ``expire_tokens``, ``end_operation`` and ``forget_operation`` (state changes,
    after which the request is processed normally).
    """

    kind: str
    name: str
    status: int = 0
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0
    processed: bool = False
    outcome: str = ""
    operation_error: tuple[tuple[str, str], ...] = ()

    # -- canned answers ---------------------------------------------------------------

    @classmethod
    def error(
        cls,
        status: int = 500,
        code: str = "InternalServerError",
        message: str = "Failure injected by the ARM emulator.",
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Fault:
        """Answer ``status`` with a CloudError body; the request is not processed."""
        return _cloud_error(f"status {status}", status, code, message, headers)

    @classmethod
    def response(
        cls, status: int, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> Fault:
        """Answer with exactly these bytes (Content-Type guessed when not given)."""
        _check_status(status)
        given = _pairs(headers)
        if body and not any(name.lower() == "content-type" for name, _ in given):
            given = (("Content-Type", _sniff(body)), *given)
        return cls("respond", f"status {status}", status=status, body=body, headers=given)

    @classmethod
    def throttle(cls, retry_after: float | None = 1, *, retry_after_ms: int | None = None) -> Fault:
        """429 TooManyRequests with ``Retry-After`` (seconds) and/or ``x-ms-retry-after-ms``."""
        headers: dict[str, str] = {}
        if retry_after is not None:
            headers["Retry-After"] = _seconds_header(retry_after)
        if retry_after_ms is not None:
            headers["x-ms-retry-after-ms"] = str(retry_after_ms)
        return _cloud_error(
            "throttle",
            429,
            "TooManyRequests",
            "The request is being throttled as the limit has been reached for operation type.",
            headers,
        )

    @classmethod
    def server_error(cls, status: int = 500, *, retry_after: float | None = None) -> Fault:
        """A 5xx CloudError (500, 502, 503, ...); a burst is the same fault with ``count=n``."""
        if not 500 <= status <= 599:
            raise ValueError(f"server_error needs a 5xx status, not {status}")
        codes = {500: "InternalServerError", 502: "BadGateway", 503: "ServerBusy"}
        headers = {} if retry_after is None else {"Retry-After": _seconds_header(retry_after)}
        return _cloud_error(
            f"status {status}",
            status,
            codes.get(status, "ServerError"),
            "The server encountered an error; injected by the ARM emulator.",
            headers,
        )

    @classmethod
    def conflict(cls, *, retry_after: float | None = None) -> Fault:
        """409 Conflict (optionally with a ``Retry-After``, which clients must not obey)."""
        headers = {} if retry_after is None else {"Retry-After": _seconds_header(retry_after)}
        return _cloud_error(
            "conflict",
            409,
            "Conflict",
            "The request conflicts with another operation on the resource.",
            headers,
        )

    @classmethod
    def html_error(cls, status: int = 502) -> Fault:
        """An HTML error page, as a gateway in front of ARM answers."""
        _check_status(status)
        reason = _REASONS.get(status, "Error").encode()
        page = _HTML_PAGE.replace(b"{status}", str(status).encode()).replace(b"{reason}", reason)
        headers = (("Content-Type", "text/html; charset=utf-8"),)
        return cls("respond", f"html {status}", status=status, body=page, headers=headers)

    @classmethod
    def claims_challenge(cls, claims: str = DEFAULT_CLAIMS) -> Fault:
        """401 with a CAE challenge: ``error="insufficient_claims"`` and base64 ``claims``."""
        encoded = base64.b64encode(claims.encode("utf-8")).decode("ascii")
        challenge = (
            f'Bearer realm="", authorization_uri="{_AUTHORITY}", '
            f'error="insufficient_claims", claims="{encoded}"'
        )
        return _cloud_error(
            "claims challenge",
            401,
            "InvalidAuthenticationToken",
            "The access token was revoked; claims are required.",
            {"WWW-Authenticate": challenge},
        )

    # -- the connection ---------------------------------------------------------------

    @classmethod
    def reset(cls, *, processed: bool = False) -> Fault:
        """Cut the connection without answering: before the request is processed
        (``processed=False``: nothing happened) or after (the request took effect, e.g. a
        poll advanced the operation, but its answer is lost)."""
        name = "reset after processing" if processed else "reset"
        return cls("reset", name, processed=processed)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Process the request, then hold the answer back ``seconds`` (longer than the
        client's read timeout to make it give up)."""
        if seconds <= 0:
            raise ValueError(f"seconds must be > 0, not {seconds}")
        return cls("slow", f"slow {seconds:g}s", seconds=seconds)

    @classmethod
    def truncated_json(cls) -> Fault:
        """Process the request and send only the first half of its JSON body (correctly
        framed, so the client reads a complete response that is not valid JSON)."""
        return cls("truncate", "truncated json")

    # -- state changes ----------------------------------------------------------------

    @classmethod
    def expire_tokens(cls) -> Fault:
        """Expire every token issued so far, then process the request (so it gets 401
        ExpiredAuthenticationToken): a token that runs out in the middle of an operation."""
        return cls("expire_tokens", "expire tokens")

    @classmethod
    def operation_failed(
        cls,
        code: str = "VMExtensionProvisioningError",
        message: str = "The run command failed; injected by the ARM emulator.",
    ) -> Fault:
        """On a status poll: the operation ends ``Failed`` with this error (then the poll is
        answered normally). Has no effect on other requests."""
        return cls(
            "end_operation",
            "operation failed",
            outcome="Failed",
            operation_error=(("code", code), ("message", message)),
        )

    @classmethod
    def operation_canceled(
        cls, message: str = "The operation was canceled; injected by the ARM emulator."
    ) -> Fault:
        """On a status poll: the operation ends ``Canceled``. No effect on other requests."""
        return cls(
            "end_operation",
            "operation canceled",
            outcome="Canceled",
            operation_error=(("code", "OperationCanceled"), ("message", message)),
        )

    @classmethod
    def operation_gone(cls) -> Fault:
        """On a status poll: the operation is forgotten, so this poll and every later one
        answer 404 OperationNotFound. No effect on other requests."""
        return cls("forget_operation", "operation gone")

    # -- used by the emulator ---------------------------------------------------------

    def canned_response(self) -> Response:
        """The answer of a ``respond`` fault."""
        response = Response(self.status, self.body or b"", list(self.headers))
        if self.name.startswith("html "):
            # A gateway in front of ARM, not Compute: it sends the standard reason phrase.
            response.reason = _REASONS.get(self.status, "Error")
        return response


def _cloud_error(
    name: str, status: int, code: str, message: str, headers: Mapping[str, str] | None
) -> Fault:
    _check_status(status)
    body = json.dumps(cloud_error_body(code, message), separators=(",", ":")).encode()
    content_type = ("Content-Type", "application/json; charset=utf-8")
    return Fault(
        "respond", name, status=status, body=body, headers=(content_type, *_pairs(headers))
    )


def _check_status(status: int) -> None:
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise ValueError(f"status must be an HTTP status code, got {status!r}")


def _pairs(headers: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple((headers or {}).items())


def _sniff(body: bytes) -> str:
    try:
        json.loads(body)
    except ValueError:
        stripped = body.lstrip()[:1]
        return "text/html; charset=utf-8" if stripped == b"<" else "text/plain; charset=utf-8"
    return "application/json; charset=utf-8"


@dataclass
class _Filter:
    method: str | None
    path_contains: str | None

    def matches(self, request: Request) -> bool:
        """Method, and a case-insensitive substring of the raw or percent-decoded path."""
        if self.method is not None and self.method.upper() != request.method.upper():
            return False
        if self.path_contains is None:
            return True
        needle = self.path_contains.lower()
        return needle in request.path.lower() or needle in unquote(request.path).lower()


@dataclass
class _ScriptedRule:
    fault: Fault
    where: _Filter
    remaining: int
    skip: int


@dataclass
class _RandomRule:
    rate: float
    kinds: tuple[Fault, ...]
    where: _Filter
    rng: random.Random


class FaultPlan:
    """Which requests get which fault. Thread-safe; reached as ``ArmEmulator.faults``."""

    def __init__(self) -> None:
        self._scripted: list[_ScriptedRule] = []
        self._random: list[_RandomRule] = []
        self._lock = threading.Lock()

    def add(
        self,
        fault: Fault,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        count: int = 1,
        after: int = 0,
    ) -> None:
        """Inject ``fault`` into the next ``count`` requests matching ``method`` and/or
        ``path_contains`` (a case-insensitive substring of the raw or decoded path), after
        letting the first ``after`` matching requests through untouched."""
        if not isinstance(fault, Fault):
            raise TypeError(f"fault must be a Fault, not {type(fault).__name__}")
        if count < 1:
            raise ValueError(f"count must be >= 1, got {count}")
        if after < 0:
            raise ValueError(f"after must be >= 0, got {after}")
        rule = _ScriptedRule(fault, _Filter(method, path_contains), count, after)
        with self._lock:
            self._scripted.append(rule)

    def random(
        self,
        *,
        rate: float,
        kinds: Sequence[Fault],
        seed: int | None = None,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> None:
        """Hit each matching request with probability ``rate`` with one of ``kinds`` (chosen
        uniformly). The generator is seeded with ``seed``, so one thread sending the same
        requests gets the same faults; with several threads the order of requests varies.
        Several random rules may be added: the first whose filter matches a request decides.
        Scripted rules are consulted first."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, got {rate}")
        if not kinds or not all(isinstance(kind, Fault) for kind in kinds):
            raise ValueError("kinds must be a non-empty sequence of Fault")
        rule = _RandomRule(rate, tuple(kinds), _Filter(method, path_contains), random.Random(seed))
        with self._lock:
            self._random.append(rule)

    def take(self, request: Request) -> Fault | None:
        """The fault for ``request``, if any, using up one scripted use."""
        with self._lock:
            for rule in self._scripted:
                if not rule.where.matches(request):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                rule.remaining -= 1
                if rule.remaining == 0:
                    self._scripted.remove(rule)
                return rule.fault
            for random_rule in self._random:
                if random_rule.where.matches(request):
                    if random_rule.rng.random() < random_rule.rate:
                        return random_rule.rng.choice(random_rule.kinds)
                    return None
        return None

    @property
    def pending(self) -> int:
        """Scripted faults not yet injected (random rules not counted)."""
        with self._lock:
            return sum(rule.remaining for rule in self._scripted)

    def clear(self) -> None:
        """Drop every scripted and random rule."""
        with self._lock:
            self._scripted.clear()
            self._random.clear()
