"""lro-parameterized-endpoints.json: AutoRest's tests of long-running operations on a
parameterized host (azure/legacy test_lro_parameterized_endpoints.py), translated, plus a
resume from a continuation token on that host: polling links and the token follow the host
that ``account_name`` and the client's ``host`` fill in, not base_url (whose scheme is used)."""

from __future__ import annotations

from urllib.parse import urlsplit

from support import base_url, client

PACKAGE = "autorest_lro_parameterized_endpoints"


def _host() -> str:
    return f"host:{urlsplit(base_url()).port}"


def test_poll_with_parameterized_endpoints() -> None:
    with client(PACKAGE, host=_host()) as c:
        poller = c.begin_poll_with_parameterized_endpoints("local", polling_interval=0)
        assert poller.result() == "success"


def test_poll_with_constant_parameterized_endpoints() -> None:
    with client(PACKAGE, host=_host()) as c:
        poller = c.begin_poll_with_constant_parameterized_endpoints("local", polling_interval=0)
        assert poller.result() == "success"


def test_resume_with_parameterized_endpoints_from_a_token() -> None:
    with client(PACKAGE, host=_host()) as c:
        token = c.begin_poll_with_parameterized_endpoints("local", polling=False)
        token = token.continuation_token()
    with client(PACKAGE, host=_host()) as resumed:
        poller = resumed.begin_poll_with_parameterized_endpoints(
            "local", continuation_token=token, polling_interval=0
        )
        assert poller.result() == "success"
