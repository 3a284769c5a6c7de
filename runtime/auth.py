"""Bearer-token authorization: token cache and refresh, CAE claims challenges, no token over http.

The token value is only ever written into an ``Authorization`` header; it is kept out of every
repr, log line and exception message.
"""

from __future__ import annotations

import base64
import binascii
import random
import re
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from .exceptions import ServiceRequestError
from .http import HttpRequest, HttpResponse
from .origin import UnsafeURLError, origin_of, raw_authority, token_allowed
from .redact import redact_url

DEFAULT_REFRESH_JITTER_MAX = 60.0
"""Upper bound of the random seconds subtracted from ``refresh_margin`` for each token."""

_CHALLENGE_PARAMETER = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')


class AccessTokenLike(Protocol):
    """What a credential returns: azure-core's ``AccessToken`` satisfies it."""

    @property
    def token(self) -> str: ...

    @property
    def expires_on(self) -> int: ...


@runtime_checkable
class TokenCredential(Protocol):
    """Anything with azure-identity's ``get_token`` signature."""

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        **kwargs: Any,
    ) -> AccessTokenLike: ...


def scope_for_endpoint(base_url: str) -> str:
    """The ``.default`` scope of an ARM endpoint: scheme and authority plus ``/.default``."""
    try:
        origin = origin_of(base_url)
    except UnsafeURLError as error:
        raise ValueError(
            f"Cannot derive a token scope from {redact_url(base_url)!r}: {error}"
        ) from None
    authority = raw_authority(base_url)
    return f"{origin.scheme}://{authority}/.default"


class _CachedToken:
    __slots__ = ("expires_on", "header", "refresh_at", "value")

    def __init__(self, value: str, expires_on: float, refresh_at: float) -> None:
        self.value = value
        self.expires_on = expires_on
        self.refresh_at = refresh_at
        # The Authorization value, made once per token rather than once per request.
        self.header = f"Bearer {value}"

    def __repr__(self) -> str:
        return f"<token expiring at {self.expires_on:.0f}>"


class BearerTokenPolicy:
    """Attaches ``Authorization: Bearer <token>`` and keeps the token fresh.

    A token is reused until less than ``refresh_margin`` seconds (minus a random jitter of up
    to a minute, so many clients do not refresh in lockstep) remain; a token that lives
    shorter than the margin is refreshed halfway through its life instead of on every request.
    One lock serializes refreshes, so concurrent callers share a single ``get_token`` call.
    """

    def __init__(
        self,
        credential: TokenCredential,
        *scopes: str,
        refresh_margin: float = 300.0,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] | None = None,
    ) -> None:
        if not scopes:
            raise ValueError("BearerTokenPolicy needs at least one scope")
        self._credential = credential
        self._scopes = scopes
        self._refresh_margin = refresh_margin
        self._clock = clock
        self._jitter = jitter if jitter is not None else _random_jitter
        self._lock = threading.Lock()
        self._cached: _CachedToken | None = None

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes tokens are requested for."""
        return self._scopes

    def authorize(self, request: HttpRequest) -> None:
        """Set the ``Authorization`` header, fetching or refreshing the token when needed.

        Raises :class:`ServiceRequestError` for a non-https URL unless its host is loopback.
        """
        url = request.url
        if not token_allowed(url):
            _refuse_plain_http(url)
        cached = self._cached
        if cached is None or self._clock() >= cached.refresh_at:
            cached = self._current_entry()
        headers = request.headers
        for name in [key for key in headers if len(key) == 13 and key.lower() == "authorization"]:
            del headers[name]
        headers["Authorization"] = cached.header

    def forget(self) -> None:
        """Drop the cached token and what was made of it: a closed client keeps no token (one
        used again after closing gets a new one)."""
        self._cached = None

    def handle_challenge(self, request: HttpRequest, response: HttpResponse) -> bool:
        """React to a 401; ``True`` means ``request`` was re-authorized and should be resent once.

        Only a CAE ``insufficient_claims`` challenge is answered (with a token minted for the
        given claims); any other 401 just drops the cached token.
        """
        if response.status_code != 401:
            return False
        with self._lock:
            self._cached = None
        claims = _claims_from_challenge(response.headers.get("WWW-Authenticate", ""))
        if claims is None:
            return False
        _refuse_plain_http(request.url)
        with self._lock:
            self._cached = self._acquire(claims=claims)
            token = self._cached.value
        _set_authorization(request, token)
        return True

    def _current_token(self) -> str:
        cached = self._cached
        if cached is not None and self._clock() < cached.refresh_at:
            return cached.value
        return self._current_entry().value

    def _current_entry(self) -> _CachedToken:
        with self._lock:
            cached = self._cached
            if cached is None or self._clock() >= cached.refresh_at:
                cached = self._cached = self._acquire()
            return cached

    def _acquire(self, *, claims: str | None = None) -> _CachedToken:
        if claims is None:
            access_token = self._credential.get_token(*self._scopes)
        else:
            access_token = self._credential.get_token(*self._scopes, claims=claims)
        return self._cache_entry(access_token)

    def _cache_entry(self, access_token: AccessTokenLike) -> _CachedToken:
        """When a fresh token is due for refresh (shared with the async policy)."""
        now = self._clock()
        expires_on = float(access_token.expires_on)
        lead = max(self._refresh_margin - self._jitter(), 0.0)
        refresh_at = max(expires_on - lead, now + (expires_on - now) / 2)
        return _CachedToken(access_token.token, expires_on, refresh_at)

    def __repr__(self) -> str:
        state = "cached" if self._cached is not None else "none"
        return f"BearerTokenPolicy(scopes={self._scopes!r}, token={state})"


def _random_jitter() -> float:
    return random.uniform(0.0, DEFAULT_REFRESH_JITTER_MAX)


def _refuse_plain_http(url: str) -> None:
    if token_allowed(url):
        return
    raise ServiceRequestError(
        "Bearer token authentication is not permitted for non-TLS protected (non-https) URLs "
        "(plain http is allowed to 127.0.0.0/8, ::1 and localhost only) nor for URLs whose "
        f"host is ambiguous; refusing to send a token to {redact_url(url)}"
    )


def _set_authorization(request: HttpRequest, token: str) -> None:
    _set_authorization_header(request, f"Bearer {token}")


def _set_authorization_header(request: HttpRequest, value: str) -> None:
    headers = request.headers
    for name in [key for key in headers if len(key) == 13 and key.lower() == "authorization"]:
        del headers[name]
    headers["Authorization"] = value


def _claims_from_challenge(header: str) -> str | None:
    parameters = {name.lower(): value for name, value in _CHALLENGE_PARAMETER.findall(header)}
    if parameters.get("error") != "insufficient_claims" or not parameters.get("claims"):
        return None
    encoded = parameters["claims"]
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
