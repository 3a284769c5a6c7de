"""Which proxy, if any, a request goes through: read from the environment once per transport.

Loopback hosts never go through a proxy: a plain-http request to 127.0.0.1 or ``localhost``
carries its bearer token in clear, which is safe on this machine and nowhere else. ``NO_PROXY``
entries (``*``, names and their subdomains) are honoured as ``urllib.request`` honours them.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from urllib.parse import unquote

from urllib3.util import parse_url

from .origin import is_loopback_host
from .redact import NO_SECRET_VALUES, SHORTEST_MASKED_VALUE, SecretValues

__all__ = ["ProxyRules", "ProxySettings", "proxy_secret_values"]


class ProxySettings(dict[str, str]):
    """Proxy settings (``{"https": "http://user:password@host:port", "no": ...}``) whose repr
    shows each proxy's login as ``user:***``: a transport keeps them to connect with, and
    ``vars()``, debuggers and tracebacks rendered with their locals show its attributes."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr({name: _without_password(value) for name, value in self.items()})

    __str__ = __repr__


def _without_password(url: str) -> str:
    scheme, separator, rest = url.rpartition("://")
    authority, slash, path = rest.partition("/")
    login, at, host = authority.rpartition("@")
    if not at:
        return url
    user = login.partition(":")[0]
    return f"{scheme}{separator}{user}:***@{host}{slash}{path}"


def proxy_secret_values(urls: Iterable[str | None]) -> SecretValues:
    """The credentials of proxy URLs (``http://user:password@host``): the password and the
    login as written and percent-decoded, and the ``Basic`` value sent for it. A broken proxy
    (or one playing the endpoint) may quote them back, as it may quote a bearer token; the
    transports hand them to the pipeline, which masks them like the request's own secrets."""
    found: set[str] = set()
    for url in urls:
        if not url or "@" not in url:
            continue
        try:
            auth = parse_url(url).auth
        except ValueError:
            continue
        if not auth:
            continue
        for login in (auth, unquote(auth)):
            found.add(login)
            found.add(login.partition(":")[2])
            found.add(base64.b64encode(login.encode("utf-8")).decode("ascii"))
    kept = {value for value in found if len(value) >= SHORTEST_MASKED_VALUE}
    return SecretValues(kept) if kept else NO_SECRET_VALUES


class ProxyRules:
    """The proxy URL for a scheme and host, from ``urllib.request.getproxies()``-style
    settings (``{"http": url, "https": url, "no": "a,b"}``)."""

    def __init__(self, settings: Mapping[str, str]) -> None:
        self._proxies = ProxySettings(
            {scheme: url for scheme, url in settings.items() if scheme in ("http", "https") and url}
        )
        no_proxy = settings.get("no", "")
        self._bypass_all = no_proxy.strip() == "*"
        self._no_proxy = tuple(
            entry.strip().lstrip(".").lower() for entry in no_proxy.split(",") if entry.strip()
        )
        self._bypass_cache: dict[str, bool] = {}
        self.secret_values = proxy_secret_values(self._proxies.values())

    def __bool__(self) -> bool:
        return bool(self._proxies)

    def proxy_for(self, scheme: str, host: str) -> str | None:
        """The proxy to send a request for ``scheme://host`` through, or ``None``."""
        proxy = self._proxies.get(scheme.lower())
        if proxy is None or self.bypasses(host):
            return None
        return proxy

    def bypasses(self, host: str) -> bool:
        host = host.strip("[]").lower()
        cached = self._bypass_cache.get(host)
        if cached is None:
            cached = (
                self._bypass_all
                or is_loopback_host(host)
                or any(host == entry or host.endswith("." + entry) for entry in self._no_proxy)
            )
            # Benign race: two tasks or threads may compute the same answer.
            self._bypass_cache[host] = cached
        return cached
