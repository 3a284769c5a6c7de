"""Operation-status URLs as Compute hands them out: long, signed, and carrying the service's
own api-version, which need not be the client's.

A client must follow such a URL byte for byte. The emulator signs each one and refuses a URL
whose signed part was changed (re-encoded, re-ordered or re-versioned), so a client that
rebuilds poll links fails here as it would against Azure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from collections.abc import Callable
from urllib.parse import quote

from .errors import ArmError
from .wire import Request

__all__ = ["SERVICE_API_VERSION", "OperationUrls"]

SERVICE_API_VERSION = "2024-11-01"
"""The api-version Compute writes into its status URLs (newer than the one this API binds)."""

# Real status URLs are about 3.2 KB; most of it is the opaque, encrypted `p` parameter.
_PAYLOAD_BYTES = 1800
_CERT_BYTES = 450


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


class OperationUrls:
    """Builds (and checks) the status URLs of one emulator.

    ``signed=False`` (lenient mode) gives short URLs carrying the client's api-version.
    """

    def __init__(
        self,
        *,
        base_url: Callable[[], str],
        subscription_id: str,
        signed: bool,
        service_api_version: str = SERVICE_API_VERSION,
    ) -> None:
        self._base_url = base_url
        self._subscription_id = subscription_id
        self._signed = signed
        self.service_api_version = service_api_version
        self._key = os.urandom(32)
        self._issued: dict[str, str] = {}

    def path(self, location: str, operation_id: str) -> str:
        return (
            f"/subscriptions/{quote(self._subscription_id, safe='')}"
            f"/providers/Microsoft.Compute/locations/{quote(location, safe='')}"
            f"/operations/{operation_id}"
        )

    def url(self, location: str, operation_id: str, api_version: str, *, monitor: bool) -> str:
        """The status URL of an operation (``monitor`` for the Location header's flavour)."""
        path = self.path(location, operation_id)
        prefix = "monitor=true&" if monitor else ""
        if not self._signed:
            return f"{self._base_url()}{path}?{prefix}api-version={api_version}"
        # The same operation always gets the same URL (a retried DELETE joins the one under
        # way and must see the same links); the opaque parts are derived from its id.
        seed = self._key + operation_id.encode()
        payload = _b64(hashlib.shake_256(b"p" + seed).digest(_PAYLOAD_BYTES))
        issued = self._issued.setdefault(operation_id, str(int(time.time() * 1000)))
        cert = _b64(hashlib.shake_256(b"c" + seed).digest(_CERT_BYTES))
        signed = self._sign(path, monitor, payload, self.service_api_version, issued, cert)
        return (
            f"{self._base_url()}{path}?{prefix}p={payload}"
            f"&api-version={self.service_api_version}&t={issued}&c={cert}"
            f"&s={signed}&h={_b64(hashlib.sha256(signed.encode()).digest())}"
        )

    def accepts_api_version(self, api_version: str) -> bool:
        """Status URLs carry the service's api-version; it is valid on them only."""
        return self._signed and api_version == self.service_api_version

    def verify(self, request: Request) -> None:
        """Refuse a signed status URL whose signed parts were changed.

        Raises:
            ArmError: 400 ``InvalidOperationSignature``.
        """
        if not self._signed:
            return
        values = {name: request.query_value(name) or "" for name in ("p", "t", "c", "s")}
        monitor = (request.query_value("monitor") or "").lower() == "true"
        api_version = request.query_value("api-version") or ""
        expected = self._sign(
            request.path, monitor, values["p"], api_version, values["t"], values["c"]
        )
        if not values["s"] or not hmac.compare_digest(expected, values["s"]):
            raise ArmError(
                400,
                "InvalidOperationSignature",
                "The operation status URL was altered or is incomplete. Follow the "
                "Azure-AsyncOperation or Location URL exactly as it was returned.",
            )

    def _sign(
        self, path: str, monitor: bool, payload: str, api_version: str, issued: str, cert: str
    ) -> str:
        message = "\n".join((path.lower(), str(monitor), payload, api_version, issued, cert))
        return _b64(hmac.new(self._key, message.encode(), hashlib.sha256).digest())
