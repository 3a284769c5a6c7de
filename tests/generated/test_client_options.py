"""Client options are defined once in the runtime; every client takes its defaults from there."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import attrs
import pytest
import vmss_runcommands
from vmss_runcommands.aio import RunCommandsClient as AsyncRunCommandsClient
from vmss_runcommands.runtime.aio.client import AsyncArmClient
from vmss_runcommands.runtime.client import ArmClient
from vmss_runcommands.runtime.client_options import CLIENT_DEFAULTS, ClientOptions

CLIENTS: list[Any] = [
    vmss_runcommands.RunCommandsClient,
    AsyncRunCommandsClient,
    ArmClient,
    AsyncArmClient,
]
# Options the asyncio transport has no use for.
SYNC_ONLY = {"pool_manager"}


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_option_is_a_typed_keyword_with_the_runtime_default(client: Any) -> None:
    parameters = inspect.signature(client.__init__).parameters
    for option in attrs.fields(ClientOptions):
        if option.name in SYNC_ONLY and ("aio" in client.__module__):
            assert option.name not in parameters
            continue
        parameter = parameters[option.name]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, option.name
        assert parameter.annotation is not inspect.Parameter.empty, option.name
        assert parameter.default == getattr(CLIENT_DEFAULTS, option.name), option.name


def test_the_options_are_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        CLIENT_DEFAULTS.pool_maxsize = 1  # type: ignore[misc]


def _literal_defaults(path: Path) -> list[str]:
    """Constructor keyword defaults of ``path`` that are literals (other than None)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            names = [a.arg for a in node.args.kwonlyargs]
            for name, default in zip(names, node.args.kw_defaults, strict=True):
                if name in attrs.fields_dict(ClientOptions) and isinstance(default, ast.Constant):
                    found.append(f"{path.name}:{name}={default.value!r}")
    return found


def test_generated_clients_restate_no_default() -> None:
    root = Path(vmss_runcommands.__file__).parent
    clients = [root / "_client.py", *root.glob("v*/client.py"), *root.glob("v*/aio/client.py")]
    assert len(clients) >= 3
    assert [found for path in clients for found in _literal_defaults(path)] == []


def test_the_generator_copies_no_default() -> None:
    from codegen import python_api

    assert not any(
        f.name == "default" for f in python_api.ClientOption.__dataclass_fields__.values()
    )
    names = {option.name for option in python_api.CLIENT_OPTIONS}
    assert names == set(attrs.fields_dict(ClientOptions))
