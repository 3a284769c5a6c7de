"""The emulator answers every api-version the package was generated for, and only those."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import urllib3
import vmss_runcommands
from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.emulator.api_versions import (
    FALLBACK_API_VERSIONS,
    generated_api_versions,
)
from vmss_runcommands.emulator.emulator import DEFAULT_API_VERSIONS


@pytest.fixture
def fake_package(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "fakepkg_api_versions"
    root.mkdir()
    (root / "__init__.py").write_text("")
    sys.path.insert(0, str(tmp_path))
    try:
        yield root
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(root.name, None)


def _meta(folder: Path, content: str) -> None:
    folder.mkdir()
    (folder / "_meta.json").write_text(content)


def test_the_versions_come_from_every_subpackage_meta_file(fake_package: Path) -> None:
    _meta(fake_package / "v2099_01_01", json.dumps({"api_version": "2099-01-01"}))
    _meta(fake_package / "v1_0_0", json.dumps({"api_version": "1.0.0"}))
    _meta(fake_package / "broken", "{not json")
    _meta(fake_package / "odd", json.dumps({"api_version": 7}))
    (fake_package / "runtime").mkdir()  # no _meta.json: not an api-version
    assert generated_api_versions(fake_package.name) == ("1.0.0", "2099-01-01")


def test_without_any_metadata_the_first_bound_version_is_served(fake_package: Path) -> None:
    assert generated_api_versions(fake_package.name) == FALLBACK_API_VERSIONS
    assert generated_api_versions("no_such_package_here") == FALLBACK_API_VERSIONS


def test_the_default_is_this_packages_generated_versions() -> None:
    root = Path(vmss_runcommands.__path__[0])
    expected = {json.loads(m.read_text())["api_version"] for m in root.glob("*/_meta.json")}
    assert expected and set(DEFAULT_API_VERSIONS) == expected
    with ArmEmulator() as emu:
        token = emu.credential.get_token("https://management.azure.com/.default").token
        pool = urllib3.PoolManager(retries=False)
        path = (
            f"/subscriptions/{emu.subscription_id}/resourceGroups/rg/providers/Microsoft.Compute"
            "/virtualMachineScaleSets/ss/virtualMachines/0/runCommands"
        )
        for version in expected:
            answer = pool.request(
                "GET",
                f"{emu.base_url}{path}?api-version={version}",
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status == 200, (version, answer.data)
        wrong = pool.request(
            "GET",
            f"{emu.base_url}{path}?api-version=1999-01-01",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert wrong.status == 400
