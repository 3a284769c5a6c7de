"""x-ms-client-flatten as AutoRest applies it, on our own description (flatten_fixture.py):
the names of hoisted fields that clash, and body parameters whose model's fields are the
method's arguments. Each is generated, imported and run against a loopback server."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import vmss_runcommands.runtime
from flatten_fixture import API_VERSION, write_spec
from generated_package import assert_mypy_strict, imported_package
from recording_server import FakeCredential, RecordingServer

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent
MODULE = "v" + API_VERSION.replace("-", "_")


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("flatten")
    with imported_package(write_spec(root / "spec"), root / "out", "flat") as package:
        yield package


@pytest.fixture(scope="module")
def models(package: ModuleType) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.{MODULE}.models")


@pytest.fixture(scope="module")
def server() -> Iterator[RecordingServer]:
    running = RecordingServer()
    yield running
    running.stop()


@pytest.fixture
def client(package: ModuleType, server: RecordingServer) -> Iterator[Any]:
    server.clear()
    with package.FlatClient(
        FakeCredential(), "sub", base_url=server.url, polling_interval=0
    ) as made:
        yield made


def _sent(server: RecordingServer) -> Any:
    return json.loads(server.requests[-1].body)


def test_the_generated_package_passes_mypy_strict(package: ModuleType, tmp_path: Path) -> None:
    assert_mypy_strict(package, tmp_path / "mypy-cache")


# -- hoisted fields whose names clash ---------------------------------------------------------


def test_a_hoisted_field_that_clashes_is_named_after_its_whole_path(models: ModuleType) -> None:
    wire = {
        "id": "/gadgets/g",
        "name": "g",
        "type": "Test/gadgets",
        "location": "here",
        "properties": {
            "type": "inner",
            "name": "display",
            "size": 3,
            "provisioningState": "Succeeded",
            "settings": {"type": "deep", "level": "High"},
        },
    }
    gadget = models.Gadget.from_dict(wire)
    assert (gadget.name, gadget.type) == ("g", "Test/gadgets")
    assert gadget.type_properties_type == "inner"
    assert gadget.name_properties_name == "display"
    # Nested containers: the path from the outermost one (AutoRest's modelerfour names it
    # where the field ends up, not inside the middle container).
    assert gadget.type_properties_settings_type == "deep"
    # A field that clashes with nothing keeps its own name, however deep it was.
    assert (gadget.size, gadget.level, gadget.provisioning_state) == (3, "High", "Succeeded")
    sent = models.Gadget(
        location="here",
        size=3,
        type_properties_type="inner",
        name_properties_name="display",
        type_properties_settings_type="deep",
        level="High",
    ).to_dict()
    assert sent == {
        "location": "here",
        "properties": {
            "type": "inner",
            "name": "display",
            "size": 3,
            "settings": {"type": "deep", "level": "High"},
        },
    }


def test_a_clashing_hoisted_field_takes_the_next_free_name_of_its_path(
    models: ModuleType,
) -> None:
    # Gizmo has its own typePropertiesType: properties.type falls back to properties_type.
    gizmo = models.Gizmo.from_dict(
        {"type": "outer", "typePropertiesType": "own", "properties": {"type": "inner"}}
    )
    assert (gizmo.type, gizmo.type_properties_type, gizmo.properties_type) == (
        "outer",
        "own",
        "inner",
    )
    assert models.Gizmo(properties_type="x").to_dict() == {"properties": {"type": "x"}}


# -- x-ms-client-flatten on a body parameter ---------------------------------------------------


def test_a_flattened_body_takes_the_models_settable_fields_as_arguments(
    client: Any,
) -> None:
    parameters = inspect.signature(client.gadgets.create_or_update).parameters
    assert "gadget" not in parameters
    # Required fields are positional after the path's; the others are keyword-only.
    assert parameters["size"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert parameters["level"].kind is inspect.Parameter.KEYWORD_ONLY
    # Read-only fields (id, name, type, provisioningState) are not arguments at all.
    assert {"id", "name", "type", "provisioning_state"}.isdisjoint(parameters)


def test_a_flattened_body_is_built_from_the_arguments_and_sent(
    client: Any, server: RecordingServer, models: ModuleType
) -> None:
    server.reply(200, b'{"name": "g1", "properties": {"size": 4}}')
    result = client.gadgets.create_or_update(
        "g1", 4, location="here", type_properties_type="t", level=models.Level.LOW
    )
    assert isinstance(result, models.Gadget) and (result.name, result.size) == ("g1", 4)
    request = server.requests[-1]
    assert (request.method, urlsplit(request.path).path) == ("PUT", "/gadgets/g1")
    assert _sent(server) == {
        "location": "here",
        "properties": {"type": "t", "size": 4, "settings": {"level": "Low"}},
    }


def test_a_required_flattened_field_left_none_is_refused_naming_it(client: Any) -> None:
    with pytest.raises(ValueError, match="size"):
        client.gadgets.create_or_update("g1", None)


def test_a_flattened_field_named_like_another_argument_is_numbered(
    client: Any, server: RecordingServer
) -> None:
    server.reply(200, b'{"properties": {"size": 1}}')
    client.gadgets.rename("west", 1, location1="east")
    assert urlsplit(server.requests[-1].path).path == "/gadgets/west/rename"
    assert _sent(server) == {"location": "east", "properties": {"size": 1}}


def test_a_flattened_body_in_a_parameter_group_is_built_from_the_groups_fields(
    client: Any, server: RecordingServer, models: ModuleType
) -> None:
    options = models.TagOptions(tags={"env": "test"}, note="n", dry_run=True)
    server.reply(204, b"")
    server.reply(204, b"")
    client.gadgets.tag("g1", tag_options=options)
    assert _sent(server) == {"tags": {"env": "test"}, "note": "n"}
    assert ("dryRun", "true") in parse_qsl(urlsplit(server.requests[-1].path).query)
    # No group at all: no body and no query value.
    client.gadgets.tag("g1")
    assert server.requests[-1].body == b""
    assert "dryRun" not in server.requests[-1].path


def test_a_long_running_flattened_body_is_sent_once_and_resumes_without_it(
    client: Any, server: RecordingServer, models: ModuleType
) -> None:
    status = f"{server.url}/status/1"
    server.reply(201, b"{}", {"Azure-AsyncOperation": status, "Retry-After": "0"})
    poller = client.gadgets.begin_rebuild("g1", note="again", polling=False)
    token = poller.continuation_token()
    assert _sent(server) == {"note": "again"}
    server.reply(200, b'{"status": "Succeeded"}')
    server.reply(200, b'{"note": "rebuilt"}')
    resumed = client.gadgets.begin_rebuild("g1", continuation_token=token)
    assert resumed.result() == models.TagBody(note="rebuilt")
    # Resuming sent no PUT: only the status poll and the final GET.
    assert [r.method for r in server.requests[1:]] == ["GET", "GET"]


def test_a_polymorphic_body_is_not_flattened(
    client: Any, server: RecordingServer, models: ModuleType
) -> None:
    # As in AutoRest: which subtype's fields to take is not known, so the model is passed.
    assert "pet" in inspect.signature(client.pets.put).parameters
    server.reply(200, b'{"kind": "Dog", "barks": true}')
    assert client.pets.put("rex", models.Dog(name="rex")) == models.Dog(barks=True)
    assert _sent(server) == {"kind": "Dog", "name": "rex"}


def test_the_async_surface_flattens_the_same_way(
    package: ModuleType, models: ModuleType, server: RecordingServer
) -> None:
    aio = importlib.import_module(f"{package.__name__}.{MODULE}.aio")

    class AsyncCredential:
        async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
            return FakeCredential().get_token(*scopes)

    async def run() -> None:
        async with aio.FlatClient(AsyncCredential(), "sub", base_url=server.url) as c:
            server.reply(200, b'{"properties": {"size": 2}}')
            result = await c.gadgets.create_or_update("g2", 2, type_properties_type="t")
            assert result.size == 2
            server.reply(204, b"")
            await c.gadgets.tag("g2", tag_options=models.TagOptions(note="n"))

    server.clear()
    asyncio.run(run())
    assert json.loads(server.requests[0].body) == {"properties": {"type": "t", "size": 2}}
    assert json.loads(server.requests[1].body) == {"note": "n"}
