"""Fixtures driving the emulator over real HTTP with urllib3 (never the project's client)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
import urllib3
from vmss_runcommands.emulator import ArmEmulator

API_VERSION = "2024-07-01"
SCOPE = "https://management.azure.com/.default"


class ArmHttp:
    """A tiny hand-rolled ARM client: just enough to exercise the emulator's wire behaviour."""

    def __init__(self, emu: ArmEmulator, pool: urllib3.PoolManager | None = None) -> None:
        self.emu = emu
        self.pool = pool or urllib3.PoolManager(retries=False)
        self.token = emu.credential.get_token(SCOPE).token

    def vm_path(self, *, rg: str = "rg", vmss: str = "ss", instance: str = "0") -> str:
        return (
            f"/subscriptions/{self.emu.subscription_id}/resourceGroups/{quote(rg, safe='')}"
            f"/providers/Microsoft.Compute/virtualMachineScaleSets/{quote(vmss, safe='')}"
            f"/virtualMachines/{quote(instance, safe='')}/runCommands"
        )

    def url(self, name: str | None = None, *, query: str = "", **vm: str) -> str:
        path = self.vm_path(**vm)
        if name is not None:
            path += "/" + quote(name, safe="")
        return f"{self.emu.base_url}{path}?api-version={API_VERSION}{query}"

    def request(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
    ) -> urllib3.BaseHTTPResponse:
        sent: dict[str, str] = {}
        if auth:
            sent["Authorization"] = f"Bearer {self.token}"
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        return self.pool.request(method, url, body=body, headers=sent, redirect=False)

    def put(self, name: str, body: Any, **vm: str) -> urllib3.BaseHTTPResponse:
        return self.request("PUT", self.url(name, **vm), json_body=body)

    def patch(self, name: str, body: Any, **vm: str) -> urllib3.BaseHTTPResponse:
        return self.request("PATCH", self.url(name, **vm), json_body=body)

    def get(self, name: str, *, expand: bool = False, **vm: str) -> urllib3.BaseHTTPResponse:
        query = "&$expand=instanceView" if expand else ""
        return self.request("GET", self.url(name, query=query, **vm))

    def delete(self, name: str, **vm: str) -> urllib3.BaseHTTPResponse:
        return self.request("DELETE", self.url(name, **vm))

    def poll(self, operation_url: str) -> urllib3.BaseHTTPResponse:
        return self.request("GET", operation_url)

    def wait(self, response: urllib3.BaseHTTPResponse, *, max_polls: int = 20) -> dict[str, Any]:
        """Poll an Azure-AsyncOperation until it is terminal; return the final status body."""
        operation_url = response.headers["Azure-AsyncOperation"]
        for _ in range(max_polls):
            status = self.poll(operation_url)
            assert status.status == 200, status.data
            body: dict[str, Any] = status.json()
            if body["status"] != "InProgress":
                return body
        raise AssertionError("operation never completed")

    @staticmethod
    def error(response: urllib3.BaseHTTPResponse) -> dict[str, Any]:
        """The ``error`` node of a CloudError response, checking the envelope on the way."""
        assert response.headers["Content-Type"].startswith("application/json")
        body = response.json()
        assert set(body) == {"error"}, body
        error: dict[str, Any] = body["error"]
        return error

    def create(self, name: str, properties: dict[str, Any] | None = None, **vm: str) -> Any:
        """PUT, poll to completion, return the final GET (with instance view)."""
        response = self.put(name, {"location": "westus", "properties": properties or {}}, **vm)
        assert response.status in (200, 201), response.data
        self.wait(response)
        return self.get(name, expand=True, **vm).json()


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., ArmEmulator]]:
    """Start emulators with custom settings; all of them are stopped after the test."""
    started: list[ArmEmulator] = []

    def make(**kwargs: Any) -> ArmEmulator:
        emu = ArmEmulator(**kwargs).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()


@pytest.fixture
def emu(make_emulator: Callable[..., ArmEmulator]) -> ArmEmulator:
    return make_emulator()


@pytest.fixture
def arm(emu: ArmEmulator) -> ArmHttp:
    return ArmHttp(emu)


@pytest.fixture
def arm_for() -> Callable[..., ArmHttp]:
    """Build an ArmHttp for an emulator made with ``make_emulator``."""
    return ArmHttp
