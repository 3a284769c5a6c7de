"""Constructs met in real Azure families (Network, EventGrid, TypeSpec-emitted files), each
generated from our own small description (harbor_fixture.py), imported and type-checked."""

from __future__ import annotations

import importlib
import json
import typing
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qsl, urlsplit

import pytest
import vmss_runcommands.runtime
from generated_package import assert_mypy_strict, imported_package
from harbor_fixture import API_VERSION, harbor_spec, write_harbor
from recording_server import FakeCredential, RecordingServer

from codegen.generate import render_tree
from codegen.load import SpecError

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent
MODULE = "v" + API_VERSION.replace("-", "_")


@pytest.fixture(scope="module")
def harbor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("harbor")
    with imported_package(write_harbor(root / "spec"), root / "out", "harbor") as package:
        yield package


def _module(package: ModuleType, name: str) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.{MODULE}.{name}")


def test_the_generated_package_passes_mypy_strict(harbor: ModuleType, tmp_path: Path) -> None:
    assert_mypy_strict(harbor, tmp_path / "mypy-cache")


# -- enum values made of symbols ------------------------------------------------------------


def test_symbol_values_have_spelled_out_members_and_round_trip(harbor: ModuleType) -> None:
    models = _module(harbor, "models")
    assert models.BerthProtocol.ASTERISK.value == "*"
    assert models.ShipFilter.EMPTY.value == ""
    ship = models.Ship.from_dict({"protocol": "*", "filter": ""})
    assert ship.protocol is models.BerthProtocol.ASTERISK
    assert ship.filter is models.ShipFilter.EMPTY
    assert ship.to_dict() == {"protocol": "*", "filter": ""}


def test_an_enum_value_of_unnamed_symbols_is_a_located_error(tmp_path: Path) -> None:
    spec = harbor_spec()
    spec["definitions"]["Ship"]["properties"]["flag"] = {
        "type": "string",
        "enum": ["\u2693"],
        "x-ms-enum": {"name": "Flag", "modelAsString": True},
    }
    spec_root = write_harbor(tmp_path / "spec")
    (spec_root / API_VERSION / "harbor.json").write_text(json.dumps(spec))
    with pytest.raises(SpecError, match=r"harbor\.json#/definitions/Ship/properties/flag.*"):
        render_tree(spec_root, tmp_path / "out")


# -- a member named like a builtin beside annotations of that builtin ------------------------


def test_a_field_called_list_beside_list_annotations_reads_and_types(harbor: ModuleType) -> None:
    models = _module(harbor, "models")
    hints = typing.get_type_hints(models.SizeTable)
    assert hints["sizes"] == dict[str, list[int]] | None
    assert hints["list"] == list[str] | None
    table = models.SizeTable.from_dict({"sizes": {"s": [1, 2]}, "list": ["a"]})
    assert (table.sizes, table.list) == ({"s": [1, 2]}, ["a"])
    assert table.to_dict() == {"sizes": {"s": [1, 2]}, "list": ["a"]}


def test_a_group_with_a_list_method_keeps_its_other_methods(harbor: ModuleType) -> None:
    operations, models = _module(harbor, "operations"), _module(harbor, "models")
    ships = operations.ShipsOperations
    assert typing.get_type_hints(ships.list)["return"] is models.ShipList
    assert models.ShipList in typing.get_args(typing.get_type_hints(ships.list_names)["query"])
    assert typing.get_type_hints(ships.sizes)["return"] is models.SizeTable


def test_methods_beside_a_list_method_take_and_return_builtin_lists(harbor: ModuleType) -> None:
    operations, models = _module(harbor, "operations"), _module(harbor, "models")
    ships = operations.ShipsOperations
    assert typing.get_type_hints(ships.list_names)["tags"] == Sequence[str] | None
    assert typing.get_type_hints(ships.list_crew_names)["return"] == list[str]
    hints = typing.get_type_hints(ships.list)
    assert hints["protocol"] == models.BerthProtocol | str | None


# -- definitions named like what the generated modules bind ---------------------------------


def test_definitions_named_like_module_bindings_or_keywords_take_the_model_suffix(
    harbor: ModuleType,
) -> None:
    models = _module(harbor, "models")
    ship = models.Ship.from_dict(
        {"retry": {"maxTries": 3}, "berths": {"berth": "b1"}, "cargo": {"reason": "fish"}}
    )
    assert isinstance(ship.retry, models.RetryPolicyModel) and ship.retry.max_tries == 3
    assert isinstance(ship.berths, models.MappingModel) and ship.berths.berth == "b1"
    assert isinstance(ship.cargo, models.NoneModel) and ship.cargo.reason == "fish"
    for name in ("RetryPolicy", "Mapping", "None"):
        assert name not in models.__all__


def test_the_operations_module_keeps_the_runtime_retry_policy(harbor: ModuleType) -> None:
    operations, models = _module(harbor, "operations"), _module(harbor, "models")
    retry = importlib.import_module(f"{harbor.__name__}.runtime.retry")
    assert operations.RetryPolicy is retry.RetryPolicy
    hints = typing.get_type_hints(operations.PoliciesOperations.get)
    assert hints["retry_policy"] == retry.RetryPolicy | None
    assert hints["return"] is models.RetryPolicyModel


# -- dotted names of newer files -------------------------------------------------------------


def test_dotted_definition_and_parameter_names_generate(harbor: ModuleType) -> None:
    models, operations = _module(harbor, "models"), _module(harbor, "operations")
    error = models.HarborCommonErrorResponse.from_dict({"code": "Gone", "message": "sailed"})
    assert (error.code, error.message) == ("Gone", "sailed")
    assert next(iter(typing.get_type_hints(operations.PoliciesOperations.get))) == "scope"


# -- x-ms-enum names used twice ---------------------------------------------------------------


def test_an_x_ms_enum_name_reused_for_other_values_is_named_after_where_it_is_used(
    harbor: ModuleType,
) -> None:
    models = _module(harbor, "models")
    assert [m.value for m in models.Kind] == ["Ferry", "Tanker"]
    assert [m.value for m in models.BerthKind] == ["Deep", "Shallow"]
    assert [m.value for m in models.BerthUsesItem] == ["Cargo", "Fuel"]
    berth = models.Berth.from_dict({"kind": "Deep", "uses": ["Fuel", "Water"]})
    assert berth.kind is models.BerthKind.DEEP
    assert berth.uses == [models.BerthUsesItem.FUEL, "Water"]  # extensible: unknown kept


def test_an_x_ms_enum_named_like_a_model_takes_the_enum_suffix(harbor: ModuleType) -> None:
    models = _module(harbor, "models")
    ship = models.Ship.from_dict({"berthState": "Taken", "berth": {"kind": "Shallow"}})
    assert ship.berth_state is models.BerthEnum.TAKEN
    assert isinstance(ship.berth, models.Berth)


# -- two parameters with one Python name ---------------------------------------------------


def test_a_second_parameter_with_the_same_python_name_is_numbered_and_sent(
    harbor: ModuleType,
) -> None:
    server = RecordingServer()
    try:
        with harbor.HarborClient(FakeCredential(), "sub", base_url=server.url) as client:
            client.berths.delete("sub", "in-path", berth_name1="in-query")
        sent = urlsplit(server.requests[-1].path)
    finally:
        server.stop()
    assert sent.path.endswith("/providers/Test.Harbor/berths/in-path")
    assert ("berth.name", "in-query") in parse_qsl(sent.query)
