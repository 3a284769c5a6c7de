"""custom-baseUrl.json: AutoRest's parameterized-host tests (test_azure_custom_base_uri.py).

The host template is ``http://{accountName}{host}`` with ``host`` a client parameter (default
``host``); the test server answers on ``local`` + ``host:<port>`` = ``localhost:<port>``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from support import FakeCredential, errors, package, quirk, quirk_seen_on

PACKAGE = "autorest_custom_base_url"


def _client(host: str) -> object:
    return package(PACKAGE).AutoRestClient(FakeCredential(), "sub", host=host, retry_policy=None)


def _host() -> str:
    from support import base_url

    return f"host:{urlsplit(base_url()).port}"


@quirk(
    "the server speaks plain http only and custom-baseUrl.json names no scheme; the client "
    "uses https, as every ARM endpoint does, and the TLS handshake fails"
)
def test_custom_base_uri_positive() -> None:
    with quirk_seen_on(errors(PACKAGE).ServiceRequestError, "SSL|https://"):
        _client(_host()).paths.get_empty("local")  # type: ignore[attr-defined]


def test_custom_base_uri_get_empty() -> None:
    with pytest.raises(errors(PACKAGE).ServiceRequestError):
        _client(_host()).paths.get_empty("bad")  # type: ignore[attr-defined]


def test_custom_base_uri_get_none() -> None:
    with pytest.raises(ValueError, match="account_name"):
        _client(_host()).paths.get_empty(None)  # type: ignore[attr-defined]


def test_custom_base_uri_bad_host() -> None:
    with pytest.raises(errors(PACKAGE).ServiceRequestError):
        _client("badhost:1").paths.get_empty("local")  # type: ignore[attr-defined]
