"""A credential that never leaves the process: both SDKs only need ``get_token``."""

from __future__ import annotations

import time
from typing import Any, NamedTuple


class AccessToken(NamedTuple):
    token: str
    expires_on: int


class FakeCredential:
    """Hands out one long-lived token, counting calls: a run can show the token was cached."""

    def __init__(self) -> None:
        self.calls = 0

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.calls += 1
        return AccessToken("bench-token", int(time.time()) + 3600)


class AsyncFakeCredential:
    """:class:`FakeCredential` for async clients (``azure.identity.aio``'s shape)."""

    def __init__(self) -> None:
        self.calls = 0

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.calls += 1
        return AccessToken("bench-token", int(time.time()) + 3600)

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> AsyncFakeCredential:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None
