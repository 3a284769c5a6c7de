"""The installed distribution: one import root, typed, small."""

from __future__ import annotations

from importlib import metadata


def _installed() -> metadata.Distribution:
    """The installed wheel's record (a source checkout on sys.path may carry an egg-info too)."""
    for dist in metadata.distributions(name="vmss-runcommands"):
        if any(f.name == "RECORD" for f in dist.files or []):
            return dist
    raise AssertionError("vmss-runcommands is not installed")


def _files() -> list[str]:
    return [f.as_posix() for f in _installed().files or []]


def test_everything_installs_under_the_one_import_root() -> None:
    roots = {path.split("/", 1)[0] for path in _files()}
    roots = {r for r in roots if not r.endswith(".dist-info") and r != ".."}
    assert roots == {"vmss_runcommands"}


def test_the_package_is_typed_and_carries_its_provenance() -> None:
    files = set(_files())
    assert "vmss_runcommands/py.typed" in files
    assert "vmss_runcommands/v2024_07_01/_meta.json" in files
    assert not any(f.startswith("vmss_runcommands/codegen") for f in files)


def _is_asyncio_surface(parts: tuple[str, ...]) -> bool:
    # vmss_runcommands.aio, v*/aio, runtime/aio and workflows/aio.py: usable only with the
    # `aio` extra, so they are budgeted apart from what every install imports.
    return "aio" in parts[:-1] or parts[-1] == "aio.py"


# What a user vendors to call the API, apart from the tools that ship beside it.
_TOOLS = frozenset({"cli", "emulator", "workflows"})


def test_installed_sources_stay_small() -> None:
    binding_bytes = tools_bytes = asyncio_bytes = 0
    for entry in _installed().files or []:
        if entry.parts[0] == "vmss_runcommands" and "__pycache__" not in entry.parts:
            size = entry.locate().stat().st_size
            if _is_asyncio_surface(entry.parts):
                asyncio_bytes += size
            elif len(entry.parts) > 2 and entry.parts[1] in _TOOLS:
                tools_bytes += size
            else:
                binding_bytes += size
    # Each budget is the measured size (562, 276 and 160 KB) and a few KB: growth shows here.
    # The runtime and one api-version with every run-command operation, sync surface.
    assert binding_bytes < 568_000, binding_bytes
    # The emulator, the CLI and the workflows.
    assert tools_bytes < 282_000, tools_bytes
    # The optional asyncio surface on top of it (generated aio modules and the aiohttp driver).
    assert asyncio_bytes < 164_000, asyncio_bytes
