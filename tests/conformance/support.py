"""What the translated acceptance scenarios share: the generated clients, a credential, the
test server's cookie relay, and the marker for test-server quirks."""

from __future__ import annotations

import importlib
import os
import sys
import time
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
    """Sends back the last ``Set-Cookie`` once, on the next request.

    The test server keeps the state of some LRO and paging scenarios in a cookie, which no ARM
    service does; AutoRest's own acceptance tests add the same relay to their pipeline.
    """

    def __init__(self) -> None:
        super().__init__()
        self._cookie: str | None = None

    def urlopen(self, method: str, url: str, redirect: bool = True, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", None) or {})
        cookie, self._cookie = self._cookie, None
        if cookie:
            headers["Cookie"] = cookie
        response = super().urlopen(method, url, redirect=redirect, headers=headers, **kw)
        set_cookie = response.headers.get("Set-Cookie")
        if set_cookie:
            self._cookie = set_cookie
        return response


def client(name: str, *, subscription_id: str = SUBSCRIPTION_ID, **options: Any) -> Any:
    """A client of the generated package ``name`` pointed at the test server."""
    options.setdefault("base_url", base_url())
    options.setdefault("polling_interval", 0)
    options.setdefault("pool_manager", CookieRelay())
    return package(name).AutoRestClient(FakeCredential(), subscription_id, **options)


def quirk(reason: str) -> pytest.MarkDecorator:
    """A scenario that fails only because the test server does what no ARM service does.

    An expected failure, strict: if it starts passing, the run fails and the quirk is removed.
    """
    return pytest.mark.xfail(strict=True, reason=f"test-server quirk: {reason}")
