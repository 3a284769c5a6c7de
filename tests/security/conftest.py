"""Fixtures: two hostile servers, the service's origin (``good``) and another one (``evil``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hostile import HostileServer


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
