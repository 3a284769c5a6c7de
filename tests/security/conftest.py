"""Fixtures: two hostile servers, the service's origin (``good``) and another one (``evil``)."""

from __future__ import annotations

from collections.abc import Iterator

import hostile
import pytest
from hostile import HostileServer
from surfaces import SURFACES


@pytest.fixture
def good() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.stop()


@pytest.fixture
def evil() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.stop()


@pytest.fixture(params=SURFACES)
def surface(request: pytest.FixtureRequest) -> Iterator[str]:
    """Runs a test once with the sync ``ArmClient`` and once with ``AsyncArmClient``
    (``make_client`` builds the one named here)."""
    hostile.SURFACE["kind"] = request.param
    yield request.param
    hostile.SURFACE["kind"] = "sync"
