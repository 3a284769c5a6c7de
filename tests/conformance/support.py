"""What the translated acceptance scenarios share: the generated clients, a credential, the
test server's cookie relay, and the marker for test-server quirks."""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
import urllib3

SUBSCRIPTION_ID = "1234-5678-9012-3456"


def base_url() -> str:
    url = os.environ.get("CONFORMANCE_BASE_URL")
    if not url:
        raise RuntimeError("run the conformance scenarios with `nox -s conformance`")
    return url


def package(name: str) -> ModuleType:
    """The generated client package ``name`` (made by generation.py)."""
    clients = os.environ.get("CONFORMANCE_CLIENTS")
    if not clients:
        raise RuntimeError("run the conformance scenarios with `nox -s conformance`")
    if clients not in sys.path:
        sys.path.insert(0, clients)
    return importlib.import_module(name)


def models(name: str) -> ModuleType:
    return importlib.import_module(f"{package(name).__name__}.models")


def errors(name: str) -> ModuleType:
    """The exception classes of ``name``'s own copy of the runtime (the ones it raises)."""
    return importlib.import_module(f"{package(name).__name__}.runtime.exceptions")


@dataclass(frozen=True)
class _Token:
    token: str
    expires_on: int


class FakeCredential:
    """The test server checks no token; the runtime still wants a credential."""

    def get_token(self, *scopes: str, **kwargs: Any) -> _Token:
        return _Token("conformance-token", int(time.time()) + 3600)


class CookieRelay(urllib3.PoolManager):
    """Sends back the last ``Set-Cookie`` once, on the next request (retries included).

    The test server keeps the state of some LRO, paging and retry scenarios in a cookie, which
    no ARM service does; AutoRest's own acceptance tests add the same relay to their pipeline,
    below the retry policy. Ours retries inside urllib3's connection pool, so the relay sits
    where each attempt is sent.
    """

    def __init__(self) -> None:
        super().__init__()
        self.cookie: str | None = None
        relay = self

        class Pool(urllib3.HTTPConnectionPool):
            def _make_request(  # type: ignore[override]
                self, conn: Any, method: str, url: str, *args: Any, **kw: Any
            ) -> Any:
                headers = dict(kw.pop("headers", None) or {})
                cookie, relay.cookie = relay.cookie, None
                if cookie:
                    headers["Cookie"] = cookie
                response = super()._make_request(conn, method, url, *args, headers=headers, **kw)
                set_cookie = response.headers.get("Set-Cookie")
                if set_cookie:
                    relay.cookie = set_cookie.split(";", 1)[0]
                return response

        self.pool_classes_by_scheme = {**self.pool_classes_by_scheme, "http": Pool}


def client(name: str, *, subscription_id: str = SUBSCRIPTION_ID, **options: Any) -> Any:
    """A client of the generated package ``name`` pointed at the test server."""
    options.setdefault("base_url", base_url())
    options.setdefault("polling_interval", 0)
    options.setdefault("pool_manager", CookieRelay())
    return package(name).AutoRestClient(FakeCredential(), subscription_id, **options)


class QuirkSeen(Exception):
    """The scenario failed exactly the way its listed test-server quirk makes it fail."""


def quirk(reason: str) -> pytest.MarkDecorator:
    """A scenario that fails only because the test server does what no ARM service does.

    An expected failure, strict and narrow: it must fail with :class:`QuirkSeen` (raised by
    :func:`quirk_seen_on` for the quirk's own symptom). Any other failure is a failure, and a
    pass fails the run until the marker is removed.
    """
    return pytest.mark.xfail(strict=True, raises=QuirkSeen, reason=f"test-server quirk: {reason}")


@contextlib.contextmanager
def quirk_seen_on(error: type[BaseException], match: str) -> Iterator[None]:
    """Turn ``error`` whose text matches ``match`` (the quirk's symptom) into QuirkSeen."""
    try:
        yield
    except error as exc:
        if not re.search(match, str(exc)):
            raise
        raise QuirkSeen(str(exc)) from exc
