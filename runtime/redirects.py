"""Which redirects the transport follows, and what a followed redirect may carry.

A redirect answered to a request that has a body is never followed (ARM does not redirect
writes, and the body may hold passwords, protected parameters or signatures). Others are
followed to URLs whose origin reads unambiguously; to another origin, without credentials.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urljoin

import urllib3

from .exceptions import RedirectNotFollowedError, ServiceResponseError
from .http import HttpRequest, HttpResponse
from .origin import UnsafeURLError, origin_of
from .redact import CREDENTIAL_HEADERS, redact_url

__all__ = ["CREDENTIAL_HEADERS", "MAX_REDIRECTS", "redirect_target", "without_credentials"]

MAX_REDIRECTS = 5

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# CREDENTIAL_HEADERS (from .redact): the headers dropped from a request redirected to another
# origin.


def redirect_target(raw: urllib3.BaseHTTPResponse, request: HttpRequest, url: str) -> str | None:
    """The absolute URL to follow ``raw`` to, or ``None`` when it is not a redirect.

    Raises :class:`RedirectNotFollowedError` when ``request`` has a body, and
    :class:`ServiceResponseError` for a ``Location`` whose origin is ambiguous.
    """
    if raw.status not in REDIRECT_STATUSES:
        return None
    location = raw.headers.get("Location")
    if not location:
        return None
    if request.body is not None:
        raw.close()
        response = HttpResponse(
            status_code=raw.status,
            reason=raw.reason or "",
            headers=raw.headers,
            body=b"",
            request=request,
        )
        raise RedirectNotFollowedError(
            f"{request.method} {redact_url(request.url)} was answered with a {raw.status} "
            "redirect; a request with a body is never redirected (its body could carry "
            "secrets to another place), so it was not sent again",
            response=response,
        )
    # urljoin silently drops tabs and newlines (so "good\r\n.evil" would become
    # "good.evil"): a Location with a control character is refused as it came.
    location = location.strip()
    target = urljoin(url, location)
    try:
        if not location.isprintable():
            raise UnsafeURLError("the redirect target contains control characters")
        origin_of(target)
    except UnsafeURLError as error:
        raw.close()
        raise ServiceResponseError(
            f"Refusing to follow the {raw.status} redirect of {request.method} "
            f"{redact_url(request.url)}: {error}"
        ) from None
    return target


def without_credentials(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` without ``Authorization`` and the other credential headers."""
    return {
        name: value for name, value in headers.items() if name.lower() not in CREDENTIAL_HEADERS
    }
