"""Schema resolution goes through datamodel-code-generator (codegen/dcg.py): its typed schema
parsing reports a malformed keyword as our ``error: <what> at <file>#<pointer>``, and its
ModelResolver names one definition the same way however a ``$ref`` spells its path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from model_fixture import API_VERSION, KEEPERS, write_zoo, zoo_spec

from codegen.cli import main
from codegen.dcg import RefResolver
from codegen.load import SpecError, load_spec
from codegen.schemas import SchemaResolver

ERROR_LINE = re.compile(r"^error: (?P<what>.+) at (?P<file>\S+)#(?P<pointer>\S*)$")


def _generate_error(
    spec_root: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> re.Match[str]:
    capsys.readouterr()
    assert main(["generate", "--spec", str(spec_root), "--out", str(out)]) == 1
    lines = [x for x in capsys.readouterr().err.splitlines() if not x.startswith("warning:")]
    assert len(lines) == 1, lines
    found = ERROR_LINE.match(lines[0])
    assert found, lines[0]
    return found


@pytest.mark.parametrize(
    ("keyword", "bad", "what"),
    [
        # Read by hand, any non-empty string was a true readOnly: the field silently never sent.
        ("readOnly", "sometimes", "valid boolean"),
        ("format", 32, "valid string"),
        ("enum", "Basic", "valid list"),
    ],
)
def test_a_malformed_schema_keyword_is_an_error_naming_file_and_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keyword: str, bad: object, what: str
) -> None:
    spec = zoo_spec()
    spec["definitions"]["Zoo"]["properties"]["motto"][keyword] = bad
    spec_root = write_zoo(tmp_path / "spec", spec)
    found = _generate_error(spec_root, tmp_path / "out", capsys)
    assert found["file"] == f"{(spec_root / API_VERSION).as_posix()}/zoo.json"
    assert found["pointer"] == f"/definitions/Zoo/properties/motto/{keyword}"
    assert found["what"].startswith(f"{keyword} is not valid") and what in found["what"]


def test_a_malformed_schema_in_another_file_is_located_in_that_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keepers = json.loads(json.dumps(KEEPERS))
    keepers["definitions"]["Shift"]["properties"]["start"] = True  # a schema must be an object
    monkeypatch.setattr("model_fixture.KEEPERS", keepers)
    spec_root = write_zoo(tmp_path / "spec")
    found = _generate_error(spec_root, tmp_path / "out", capsys)
    assert found["file"] == f"{(spec_root / API_VERSION).as_posix()}/staff/keepers.json"
    assert found["pointer"] == "/definitions/Shift/properties/start"


def test_a_ref_that_is_no_json_pointer_is_an_error_at_the_ref(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = zoo_spec()
    spec["definitions"]["Zoo"]["properties"]["mascot"] = {"$ref": "#Pet"}  # a JSON Schema $id
    spec_root = write_zoo(tmp_path / "spec", spec)
    found = _generate_error(spec_root, tmp_path / "out", capsys)
    assert found["pointer"] == "/definitions/Zoo/properties/mascot/$ref"
    assert "cannot resolve '#Pet'" in found["what"]


def test_every_spelling_of_a_cross_file_ref_is_one_definition(tmp_path: Path) -> None:
    spec = zoo_spec()
    spellings = {
        "direct": "./staff/keepers.json#/definitions/Shift",
        "detour": "staff/../staff/./keepers.json#/definitions/Shift",
        "local": "#/definitions/LocalShift",
    }
    spec["definitions"]["Zoo"]["properties"].update(
        {name: {"$ref": ref} for name, ref in spellings.items()}
    )
    # A local alias of the other file's definition.
    spec["definitions"]["LocalShift"] = {"$ref": "./staff/keepers.json#/definitions/Shift"}
    spec_root = write_zoo(tmp_path / "spec", spec)
    models = SchemaResolver(load_spec(spec_root / API_VERSION / "zoo.json")).models
    shift = "staff/keepers.json#/definitions/Shift"
    zoo = {f.wire_name: f.type for f in models["zoo.json#/definitions/Zoo"].fields}
    assert {zoo[name].name for name in spellings} == {shift}
    keeper = {f.wire_name: f.type for f in models["staff/keepers.json#/definitions/Keeper"].fields}
    assert keeper["shift"].name == shift
    assert [m.class_name for m in models.values()].count("Shift") == 1
    assert not any(m.class_name.startswith("Shift") and m.ref != shift for m in models.values())


def test_ref_targets_are_canonical_document_and_pointer(tmp_path: Path) -> None:
    resolver = RefResolver(tmp_path)
    here = "common-types/v1/common.json#/definitions/ErrorResponse"
    assert resolver.target("#/definitions/ErrorDetail", here) == (
        "common-types/v1/common.json",
        "/definitions/ErrorDetail",
    )
    assert resolver.target("../../compute.json#/definitions/Sku", here) == (
        "compute.json",
        "/definitions/Sku",
    )
    assert resolver.target("./../v1/./common.json#/definitions/a~1b", here) == (
        "common-types/v1/common.json",
        "/definitions/a~1b",
    )
    with pytest.raises(SpecError, match=r"^common-types/v1/common\.json#.*/\$ref: cannot resolve"):
        resolver.target("#ErrorDetail", here)
