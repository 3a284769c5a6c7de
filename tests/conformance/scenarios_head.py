"""head.json: AutoRest's HEAD acceptance tests (azure/legacy test_head.py), translated.

As in azure-mgmt-* clients, a HEAD operation returns whether the resource exists: True for
200/204, False for 404.
"""

from __future__ import annotations

from support import client


def test_head() -> None:
    with client("autorest_head") as c:
        assert c.http_success.head200() is True
        assert c.http_success.head204() is True
        assert c.http_success.head404() is False
