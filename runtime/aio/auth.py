"""Bearer tokens from an async credential (``azure.identity.aio``, or any object with an
``async get_token``), with the sync policy's cache, refresh, challenge and https rules."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol, cast, runtime_checkable

from ..auth import (
    AccessTokenLike,
    BearerTokenPolicy,
    TokenCredential,
    _CachedToken,
    _claims_from_challenge,
    _refuse_plain_http,
    _set_authorization,
)
from ..http import HttpRequest, HttpResponse
from ..pipeline import KeptHeader, _credentials_in_header
from ..redact import SecretValues

__all__ = ["AsyncBearerTokenPolicy", "AsyncTokenCredential"]


@runtime_checkable
class AsyncTokenCredential(Protocol):
    """Anything with azure-identity's async ``get_token`` signature."""

    async def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        **kwargs: Any,
    ) -> AccessTokenLike: ...


class AsyncBearerTokenPolicy(BearerTokenPolicy):
    """:class:`~..auth.BearerTokenPolicy` whose token comes from an awaited ``get_token``.

    One ``asyncio.Lock`` serializes refreshes, so concurrent tasks share one ``get_token``.
    """

    def __init__(
        self,
        credential: AsyncTokenCredential,
        *scopes: str,
        refresh_margin: float = 300.0,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            cast(TokenCredential, credential),
            *scopes,
            refresh_margin=refresh_margin,
            clock=clock,
            jitter=jitter,
        )
        self._async_credential = credential
        self._async_lock = asyncio.Lock()
        # The cached token's header and its secrets, made once per token; they live as long.
        self._header: tuple[_CachedToken, KeptHeader] | None = None

    def authorize(self, request: HttpRequest) -> None:
        raise TypeError("AsyncBearerTokenPolicy authorizes with 'await authorize_async(...)'")

    async def authorize_async(self, request: HttpRequest) -> None:
        """Set ``Authorization``, fetching or refreshing the token when needed; refuses plain
        http to a non-loopback host, as the sync policy does."""
        _refuse_plain_http(request.url)
        _set_authorization(request, await self._current_token_async())

    def authorize_from_cache(self, request: HttpRequest) -> bool:
        """:meth:`authorize_async` without awaiting, when the cached token is still fresh (as
        it is for all but the first request and one per refresh); ``False`` when it needs the
        credential. Refuses plain http to a non-loopback host all the same."""
        cached = self._cached
        if cached is None or self._clock() >= cached.refresh_at:
            return False
        _refuse_plain_http(request.url)
        header = self._header
        if header is None or header[0] is not cached:
            value = f"Bearer {cached.value}"
            kept = KeptHeader(value, SecretValues(_credentials_in_header(value)))
            header = self._header = (cached, kept)
        headers = request.headers
        for key in headers:
            if len(key) == 13 and key.lower() == "authorization":
                _set_authorization(request, cached.value)  # a caller's, any spelling
                break
        headers["Authorization"] = header[1].value
        return True

    def forget(self) -> None:
        """The sync policy's :meth:`~..auth.BearerTokenPolicy.forget`, the header made of the
        token too."""
        self._header = None
        super().forget()

    def header_secrets(self, value: str | None) -> SecretValues | None:
        """The secrets of ``Authorization: value`` when it is this policy's cached token's."""
        header = self._header
        if header is None or value is None or header[0] is not self._cached:
            return None
        return header[1].credentials if value == header[1].value else None

    async def handle_challenge_async(self, request: HttpRequest, response: HttpResponse) -> bool:
        """The async :meth:`~..auth.BearerTokenPolicy.handle_challenge`."""
        if response.status_code != 401:
            return False
        self._cached = None
        claims = _claims_from_challenge(response.headers.get("WWW-Authenticate", ""))
        if claims is None:
            return False
        _refuse_plain_http(request.url)
        async with self._async_lock:
            fresh = await self._acquire_async(claims=claims)
            self._cached = fresh
            token: str = fresh.value
        _set_authorization(request, token)
        return True

    async def _current_token_async(self) -> str:
        cached = self._cached
        if cached is not None and self._clock() < cached.refresh_at:
            return cached.value
        async with self._async_lock:
            cached = self._cached
            if cached is None or self._clock() >= cached.refresh_at:
                cached = self._cached = await self._acquire_async()
            return cached.value

    async def _acquire_async(self, *, claims: str | None = None) -> _CachedToken:
        credential = self._async_credential
        if claims is None:
            access_token = await credential.get_token(*self._scopes)
        else:
            access_token = await credential.get_token(*self._scopes, claims=claims)
        return self._cache_entry(access_token)

    def __repr__(self) -> str:
        state = "cached" if self._cached is not None else "none"
        return f"AsyncBearerTokenPolicy(scopes={self._scopes!r}, token={state})"


# pyright --strict (nox -s lint): this async driver reuses the sync classes' own rules (their
# underscored helpers, inside this package) rather than copying them.
# pyright: reportPrivateUsage=false
