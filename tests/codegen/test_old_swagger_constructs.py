"""Irregular constructs of hand-written Swagger of older api-versions, on a description of our
own: enum members whose names clash (an x-ms-enum value name written twice, values differing
only in case, a value listed twice), definitions that contain themselves through allOf or
x-ms-client-flatten (a located error, never endless recursion), XML-only operations (a
string or file goes as it is; a model is a located error at generation time), and examples
saved in Windows-1252 or not JSON at all (documentation: never a reason to stop)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from generated_package import assert_mypy_strict, imported_package, write_single_file_spec
from recording_server import FakeCredential, RecordingServer

from codegen.generate import render_tree
from codegen.importer import import_api_version
from codegen.load import SpecError

API_VERSION = "2016-03-01"
MODULE = "v" + API_VERSION.replace("-", "_")
API = {"name": "api-version", "in": "query", "required": True, "type": "string"}
NAME = {"name": "name", "in": "path", "required": True, "type": "string"}


def _xml(operation_id: str, schema: dict[str, Any], *body: dict[str, Any]) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "produces": ["application/xml"],
        **({"consumes": ["application/xml"]} if body else {}),
        "parameters": [API, NAME, *body],
        "responses": {"200": {"description": "ok", "schema": schema}},
    }


def spec(**definitions: Any) -> dict[str, Any]:
    string = {"type": "string"}
    return {
        "swagger": "2.0",
        "info": {"title": "LedgerClient", "version": API_VERSION},
        "host": "management.azure.com",
        "paths": {
            "/entries/{name}": {
                "get": {
                    "operationId": "Entries_Get",
                    "parameters": [
                        API,
                        {"name": "name", "in": "path", "required": True, "type": "string"},
                    ],
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/Entry"}}
                    },
                }
            },
            # Marked pageable, but the answer is one resource with no list in it.
            "/entries/{name}/default": {
                "get": {
                    "operationId": "Entries_GetDefault",
                    "x-ms-pageable": {"nextLinkName": "nextLink"},
                    "parameters": [API, NAME],
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/Entry"}}
                    },
                }
            },
            # Pageable, no itemName, and the page's one list is not called value.
            "/entries/{name}/notes": {
                "get": {
                    "operationId": "Entries_ListNotes",
                    "x-ms-pageable": {"nextLinkName": "nextLink"},
                    "parameters": [API, NAME],
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/NotePage"}}
                    },
                }
            },
            # XML only: a document as a string, a file, a string body.
            "/entries/{name}/metadata": {"get": _xml("Entries_GetMetadata", {"type": "string"})},
            "/entries/{name}/profile": {"post": _xml("Entries_ListProfile", {"type": "file"})},
            # A file body written as an object, under a vendor XML media type.
            "/entries/{name}/policy": {
                "put": {
                    "operationId": "Entries_PutPolicy",
                    "consumes": ["application/vnd.ledger.policy+xml"],
                    "parameters": [
                        API,
                        NAME,
                        {
                            "name": "policy",
                            "in": "body",
                            "required": True,
                            "schema": {"type": "object", "format": "file"},
                        },
                    ],
                    "responses": {"204": {"description": "done"}},
                }
            },
            "/entries/{name}/manifest": {
                "put": _xml(
                    "Entries_PutManifest",
                    {"type": "string"},
                    {"name": "manifest", "in": "body", "required": True, "schema": string},
                )
            },
        },
        "definitions": {
            "Entry": {
                "type": "object",
                "properties": {
                    # An x-ms-enum whose value names repeat one (a copy-paste slip).
                    "change": {
                        "type": "string",
                        "enum": ["Update", "Delete", "Create"],
                        "x-ms-enum": {
                            "name": "Change",
                            "modelAsString": False,
                            "values": [
                                {"value": "Update", "name": "Update"},
                                {"value": "Delete", "name": "Update"},
                                {"value": "Create", "name": "Create"},
                            ],
                        },
                    },
                    # Values differing only in case or punctuation, and one listed twice.
                    "state": {
                        "type": "string",
                        "enum": ["Enabled", "enabled", "ENABLED", "On-Hold", "On_Hold", "Enabled"],
                        "x-ms-enum": {"name": "State", "modelAsString": True},
                    },
                    "note": string,
                },
            },
            "NotePage": {
                "type": "object",
                "properties": {
                    "values": {"type": "array", "items": string},
                    "nextLink": string,
                },
            },
            **definitions,
        },
    }


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("old-swagger")
    spec_dir = write_single_file_spec(
        root / "spec", API_VERSION, spec(), client_name="LedgerClient", entry="ledger.json"
    )
    with imported_package(spec_dir, root / "out", "oldswagger") as package:
        yield package


def test_the_generated_package_passes_mypy_strict(package: ModuleType, tmp_path: Path) -> None:
    assert_mypy_strict(package, tmp_path / "mypy-cache")


def test_an_x_ms_enum_value_name_given_twice_names_the_later_member_after_its_value(
    package: ModuleType,
) -> None:
    models = importlib.import_module(f"{package.__name__}.{MODULE}.models")
    members = {m.name: m.value for m in models.Change}
    assert members == {"UPDATE": "Update", "DELETE": "Delete", "CREATE": "Create"}


def test_values_differing_only_in_case_are_numbered_members_and_each_is_kept(
    package: ModuleType,
) -> None:
    models = importlib.import_module(f"{package.__name__}.{MODULE}.models")
    members = {m.name: m.value for m in models.State}
    assert members == {
        "ENABLED": "Enabled",
        "ENABLED1": "enabled",
        "ENABLED2": "ENABLED",
        "ON_HOLD": "On-Hold",
        "ON_HOLD1": "On_Hold",
    }


def test_each_clashing_value_reads_and_is_sent_back_as_it_came(package: ModuleType) -> None:
    models = importlib.import_module(f"{package.__name__}.{MODULE}.models")
    server = RecordingServer()
    try:
        for wire in ("enabled", "On_Hold", "Delete"):
            key = "change" if wire == "Delete" else "state"
            server.reply(200, json.dumps({key: wire}).encode())
            with package.LedgerClient(FakeCredential(), "sub", base_url=server.url) as client:
                entry = client.entries.get("e1")
            assert getattr(entry, key).value == wire
            assert entry.to_dict() == {key: wire}
        assert isinstance(entry, models.Entry)
    finally:
        server.stop()


def test_xml_only_strings_and_files_go_as_they_are_also_a_file_written_as_an_object(
    package: ModuleType,
) -> None:
    server = RecordingServer()
    xml = b'<?xml version="1.0"?><Doc a="1"/>'
    try:
        with package.LedgerClient(FakeCredential(), "sub", base_url=server.url) as client:
            server.reply(200, xml, {"Content-Type": "application/xml"})
            assert client.entries.get_metadata("e1") == xml.decode()
            assert server.requests[-1].headers["accept"] == "application/xml"
            server.reply(200, xml, {"Content-Type": "application/xml"})
            assert client.entries.list_profile("e1") == xml
            server.reply(200, b"<ok/>", {"Content-Type": "application/xml"})
            assert client.entries.put_manifest("e1", "<Manifest/>") == "<ok/>"
            sent = server.requests[-1]
            assert (sent.headers["content-type"], sent.body) == ("application/xml", b"<Manifest/>")
            server.reply(204, b"")
            assert client.entries.put_policy("e1", b"<policies/>") is None
            sent = server.requests[-1]
            assert sent.headers["content-type"] == "application/vnd.ledger.policy+xml"
            assert sent.body == b"<policies/>"
    finally:
        server.stop()


@pytest.mark.parametrize("side", ["answer", "body"])
def test_a_model_sent_or_read_only_as_xml_is_a_located_error(tmp_path: Path, side: str) -> None:
    description = spec()
    operation = description["paths"]["/entries/{name}/manifest"]["put"]
    model = {"$ref": "#/definitions/Entry"}
    if side == "answer":
        operation["responses"]["200"]["schema"] = model
    else:
        operation["parameters"][-1]["schema"] = model
    where = r"l\.json#/paths/~1entries~1\{name\}~1manifest/put"
    with pytest.raises(SpecError, match=rf"{where}: the {side} \(Entry\) .*XML .*not supported"):
        _render(tmp_path, description)


def test_a_pageable_operation_answering_one_resource_without_a_list_returns_it(
    package: ModuleType,
) -> None:
    models = importlib.import_module(f"{package.__name__}.{MODULE}.models")
    server = RecordingServer()
    try:
        with package.LedgerClient(FakeCredential(), "sub", base_url=server.url) as client:
            server.reply(200, b'{"note": "only one"}')
            entry = client.entries.get_default("e1")
        assert entry == models.Entry(note="only one")
        assert len(server.requests) == 1
    finally:
        server.stop()


def test_a_page_whose_only_list_is_not_named_value_pages_through_that_list(
    package: ModuleType,
) -> None:
    server = RecordingServer()
    try:
        with package.LedgerClient(FakeCredential(), "sub", base_url=server.url) as client:
            server.reply(200, json.dumps({"values": ["a", "b"], "nextLink": "/more"}).encode())
            server.reply(200, json.dumps({"values": ["c"]}).encode())
            assert list(client.entries.list_notes("e1")) == ["a", "b", "c"]
        assert server.requests[1].path.startswith("/more?")
    finally:
        server.stop()


def test_a_page_with_several_lists_none_named_as_its_items_is_still_a_located_error(
    tmp_path: Path,
) -> None:
    description = spec()
    properties = description["definitions"]["NotePage"]["properties"]
    properties["errors"] = {"type": "array", "items": {"type": "string"}}
    with pytest.raises(
        SpecError, match=r"#/definitions/NotePage: pageable result has no list field 'value'"
    ):
        _render(tmp_path, description)


def _render(tmp_path: Path, description: dict[str, Any]) -> None:
    spec_dir = write_single_file_spec(
        tmp_path / "spec", API_VERSION, description, client_name="LedgerClient", entry="l.json"
    )
    render_tree(spec_dir, tmp_path / "out" / "ledger")


def test_an_allof_cycle_is_a_located_error_naming_the_chain(tmp_path: Path) -> None:
    description = spec(
        Folio={"allOf": [{"$ref": "#/definitions/Leaf"}], "properties": {"a": {"type": "string"}}},
        Leaf={"allOf": [{"$ref": "#/definitions/Folio"}], "properties": {"b": {"type": "string"}}},
    )
    description["definitions"]["Entry"]["properties"]["folio"] = {"$ref": "#/definitions/Folio"}
    with pytest.raises(
        SpecError, match=r"l\.json#/definitions/Folio: allOf cycle: Folio -> Leaf -> Folio"
    ):
        _render(tmp_path, description)


def test_a_definition_that_is_its_own_allof_base_is_a_located_error(tmp_path: Path) -> None:
    description = spec(Folio={"allOf": [{"$ref": "#/definitions/Folio"}]})
    with pytest.raises(SpecError, match=r"#/definitions/Folio: allOf cycle: Folio -> Folio"):
        _render(tmp_path, description)


def test_a_flatten_cycle_is_a_located_error_and_plain_recursion_still_generates(
    tmp_path: Path,
) -> None:
    nested = {"$ref": "#/definitions/Entry", "x-ms-client-flatten": True}
    description = spec(Folio={"properties": {"entry": nested}})
    entry = description["definitions"]["Entry"]["properties"]
    entry["folio"] = {"$ref": "#/definitions/Folio", "x-ms-client-flatten": True}
    with pytest.raises(SpecError, match=r"x-ms-client-flatten cycle: Entry -> Folio -> Entry"):
        _render(tmp_path / "flattened", description)
    # Without the flattening it is an ordinary recursive model.
    del description["definitions"]["Folio"]["properties"]["entry"]["x-ms-client-flatten"]
    _render(tmp_path / "plain", description)


def test_examples_in_windows_1252_are_read_and_unreadable_ones_left_out(tmp_path: Path) -> None:
    description = spec()
    folder = tmp_path / "upstream" / "Microsoft.Ledger" / "stable" / API_VERSION
    (folder / "examples").mkdir(parents=True)
    operation = description["paths"]["/entries/{name}"]["get"]
    operation["x-ms-examples"] = {
        "dash": {"$ref": "./examples/dash.json"},
        "broken": {"$ref": "./examples/broken.json"},
    }
    dash = {"parameters": {"name": "e1"}, "responses": {"200": {"body": {"note": "a \u2013 b"}}}}
    (folder / "examples" / "dash.json").write_bytes(
        json.dumps(dash, ensure_ascii=False).encode("cp1252")
    )
    (folder / "examples" / "broken.json").write_bytes(b'{"parameters": \x81')
    (folder / "ledger.json").write_text(json.dumps(description))
    spec_root = tmp_path / "spec"
    spec_root.mkdir()
    (spec_root / "codegen.yaml").write_text("client_name: LedgerClient\nentry: ledger.json\n")
    report = import_api_version(folder / "ledger.json", spec_root, select=("*",))
    assert any("broken.json is missing or not valid JSON" in note for note in report.notes)
    imported = spec_root / API_VERSION
    kept = json.loads((imported / "examples" / "dash.json").read_text(encoding="utf-8"))
    assert kept["responses"]["200"]["body"]["note"] == "a \u2013 b"
    assert not (imported / "examples" / "broken.json").exists()
    render_tree(spec_root, tmp_path / "out" / "ledger")
