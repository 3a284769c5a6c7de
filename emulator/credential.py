"""A token credential whose tokens only this emulator accepts."""

from __future__ import annotations

import threading
import time
import uuid
from enum import Enum
from typing import Any, NamedTuple

DEFAULT_TOKEN_LIFETIME = 3600


class AccessToken(NamedTuple):
    """Same shape as ``azure.core.credentials.AccessToken``: a token and its expiry (epoch s)."""

    token: str
    expires_on: int


class TokenCheck(Enum):
    """Outcome of validating a bearer token."""

    VALID = "valid"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


class EmulatorCredential:
    """Issues opaque ``emulator-<uuid>`` bearer tokens that the owning emulator accepts.

    It follows the ``TokenCredential`` protocol (``get_token``), so it can be handed to the
    project's client or to an azure-core pipeline.  Every call issues a fresh token; caching is
    the client's job, which is what tests of token refresh want to observe.

    Attributes:
        calls: how many times ``get_token`` was called.
        last_scopes: the scopes of the latest ``get_token`` call.
        claims: the ``claims`` of every ``get_token`` call that passed some (CAE challenges).
        token_lifetime: seconds until newly issued tokens expire.
    """

    def __init__(self, *, token_lifetime: int = DEFAULT_TOKEN_LIFETIME) -> None:
        self.token_lifetime = token_lifetime
        self.calls = 0
        self.last_scopes: tuple[str, ...] = ()
        self.claims: list[str] = []
        self._issued: dict[str, int] = {}
        self._lock = threading.Lock()

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        **kwargs: Any,
    ) -> AccessToken:
        """Issue a new token valid for ``token_lifetime`` seconds.

        Raises:
            ValueError: when no scope is given (real credentials refuse that too).
        """
        if not scopes:
            raise ValueError("get_token requires at least one scope")
        token = f"emulator-{uuid.uuid4()}"
        expires_on = int(time.time()) + self.token_lifetime
        with self._lock:
            self.calls += 1
            self.last_scopes = tuple(scopes)
            if claims is not None:
                self.claims.append(claims)
            self._issued[token] = expires_on
        return AccessToken(token, expires_on)

    def expire_all(self) -> None:
        """Make every token issued so far expired; the next request with one gets a 401."""
        past = int(time.time()) - 1
        with self._lock:
            for token in self._issued:
                self._issued[token] = past

    def check(self, token: str) -> TokenCheck:
        """Whether ``token`` was issued here and has not expired."""
        with self._lock:
            expires_on = self._issued.get(token)
        if expires_on is None:
            return TokenCheck.UNKNOWN
        if expires_on <= time.time():
            return TokenCheck.EXPIRED
        return TokenCheck.VALID

    def expiry_of(self, token: str) -> int | None:
        """Expiry (epoch seconds) of an issued token, ``None`` for a foreign one."""
        with self._lock:
            return self._issued.get(token)

    def close(self) -> None:
        """Nothing to release; present because credential protocols expect it."""

    def __call__(self) -> EmulatorCredential:
        """The credential itself: ``emu.credential()`` reads like ``emu.client()``."""
        return self


class AsyncEmulatorCredential:
    """The ``AsyncTokenCredential`` form of an :class:`EmulatorCredential` (``await
    get_token(...)``, ``async with``), for ``vmss_runcommands.aio`` and azure-core's async
    pipelines. Tokens come from, and are counted by, the wrapped credential."""

    def __init__(self, credential: EmulatorCredential) -> None:
        self.sync = credential

    async def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        **kwargs: Any,
    ) -> AccessToken:
        """Issue a new token, as :meth:`EmulatorCredential.get_token` does."""
        return self.sync.get_token(*scopes, claims=claims, tenant_id=tenant_id, **kwargs)

    async def close(self) -> None:
        """Nothing to release; present because credential protocols expect it."""

    async def __aenter__(self) -> AsyncEmulatorCredential:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
