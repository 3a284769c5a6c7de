"""``python -m codegen import``: an upstream-layout file -> a deterministic bundle in spec/."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from upstream_fixture import API_VERSION, INFO_VERSION, MISSING_EXAMPLES, write_upstream

from codegen import importer
from codegen.cli import main
from codegen.importer import ImportRefused, import_api_version
from codegen.load import SpecError, load_spec


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [
            r for k, v in node.items() if k != "$ref" for r in _refs(v)
        ]
    if isinstance(node, list):
        return [r for item in node for r in _refs(item)]
    return []


def test_import_twice_is_byte_identical_and_refuses_to_overwrite(
    upstream: Path, spec_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(upstream), "--spec", str(spec_root)]) == 0
    first = _tree(spec_root / API_VERSION)

    other = tmp_path / "other-spec"
    other.mkdir()
    (other / "codegen.yaml").write_bytes((spec_root / "codegen.yaml").read_bytes())
    import_api_version(upstream, other)
    assert _tree(other / API_VERSION) == first

    capsys.readouterr()
    assert main(["import", str(upstream), "--spec", str(spec_root)]) == 1
    assert "exists already; pass --force" in capsys.readouterr().err
    with pytest.raises(ImportRefused):
        import_api_version(upstream, spec_root)
    assert _tree(spec_root / API_VERSION) == first

    (spec_root / API_VERSION / "widgets.json").write_text("{}")
    import_api_version(upstream, spec_root, force=True)
    assert _tree(spec_root / API_VERSION) == first
    assert sorted(p.name for p in spec_root.iterdir()) == [API_VERSION, "codegen.yaml"]


def test_a_failed_write_leaves_neither_a_half_folder_nor_a_damaged_old_one(
    upstream: Path, spec_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_api_version(upstream, spec_root)
    before = _tree(spec_root / API_VERSION)
    writes = 0
    real_write = Path.write_bytes

    def failing_write(self: Path, data: bytes) -> int:
        nonlocal writes
        writes += 1
        if writes == 3:
            raise OSError("disk full")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    with pytest.raises(OSError, match="disk full"):
        import_api_version(upstream, spec_root, force=True)
    writes = 0
    with pytest.raises(OSError, match="disk full"):
        import_api_version(upstream, spec_root, version="2031-01-01")
    monkeypatch.undo()
    assert _tree(spec_root / API_VERSION) == before
    assert sorted(p.name for p in spec_root.iterdir()) == [API_VERSION, "codegen.yaml"]


def test_bundle_holds_only_what_the_selection_reaches_with_refs_kept_inside(
    upstream: Path, spec_root: Path
) -> None:
    report = import_api_version(upstream, spec_root, select=["Widgets_Get"])
    assert report.operations == ("Widgets_Get",)
    folder = spec_root / API_VERSION
    entry = json.loads((folder / "widgets.json").read_text())
    assert [op["operationId"] for item in entry["paths"].values() for op in item.values()] == [
        "Widgets_Get"
    ]
    assert sorted(entry["definitions"]) == ["Widget", "WidgetProperties", "WidgetView"]
    assert sorted(entry["parameters"]) == ["ExpandParameter", "ResourceGroupNameParameter"]
    common = json.loads((folder / "common-types/v1/common.json").read_text())
    assert sorted(common["definitions"]) == ["ErrorDetail", "ErrorResponse", "Resource"]
    assert sorted(common["parameters"]) == ["ApiVersionParameter", "SubscriptionIdParameter"]
    rp_common = json.loads((folder / "widgetsCommon.json").read_text())
    assert sorted(rp_common["definitions"]) == ["StatusEntry"]  # not Gadget, whose file is absent
    assert sorted(report.files) == [
        "common-types/v1/common.json",
        "examples/widgetExamples/Widgets_Get.json",
        "provenance.json",
        "widgets.json",
        "widgetsCommon.json",
    ]
    # Every $ref lands inside the bundle, and the bundle loads on its own.
    for name in ("widgets.json", "widgetsCommon.json", "common-types/v1/common.json"):
        for ref in _refs(json.loads((folder / name).read_text())):
            target = (folder / name).parent / ref.partition("#")[0]
            assert target.resolve().is_relative_to(folder.resolve()), (name, ref)
    spec = load_spec(folder / "widgets.json")
    assert not spec.missing
    # Key-sorted, reviewable JSON.
    text = (folder / "widgets.json").read_text()
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"


def test_missing_examples_and_a_disagreeing_info_version_are_reported(
    upstream: Path, spec_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(upstream), "--spec", str(spec_root)]) == 0
    err = capsys.readouterr().err
    assert (
        f"info.version {INFO_VERSION} disagrees with the folder name {API_VERSION}; "
        f"the folder name wins ({API_VERSION})"
    ) in err
    for operation_id in MISSING_EXAMPLES:
        assert f"widgetExamples/{operation_id}.json is missing" in err
    entry = json.loads((spec_root / API_VERSION / "widgets.json").read_text())
    with_examples = {
        op["operationId"]
        for item in entry["paths"].values()
        for op in item.values()
        if "x-ms-examples" in op
    }
    assert with_examples == {
        "Widgets_CreateOrUpdate",
        "Widgets_Delete",
        "Widgets_Get",
        "Widgets_GetKind",
        "Widgets_List",
    }


def test_provenance_names_sources_from_the_specification_root_with_their_hashes(
    upstream: Path, spec_root: Path
) -> None:
    import_api_version(upstream, spec_root)
    record = json.loads((spec_root / API_VERSION / importer.PROVENANCE_FILE).read_text())
    rp = "widgets/resource-manager/Test.Widgets/WidgetsRP/stable/2030-05-01"
    assert record["source"] == {
        "entry": f"{rp}/widgets.json",
        "info_version": INFO_VERSION,
        "root": "specification",
    }
    assert record["files"]["common-types/v1/common.json"]["source"] == (
        "widgets/resource-manager/Test.Widgets/common-types/v1/common.json"
    )
    specification = upstream.parents[6]
    assert specification.name == "specification"
    for entry in record["files"].values():
        data = (specification / entry["source"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert record["missing_examples"] == [
        f"{rp}/examples/widgetExamples/{op}.json" for op in sorted(MISSING_EXAMPLES)
    ]
    assert record["selection"] == ["Widgets_*"]
    assert len(record["operations"]) == 9


def test_the_newer_layout_with_root_common_types_is_imported(
    tmp_path: Path, spec_root: Path
) -> None:
    upstream = write_upstream(tmp_path / "upstream", layout="newer")
    report = import_api_version(upstream, spec_root)
    assert "common-types/resource-management/v1/common.json" in report.files
    record = json.loads((spec_root / API_VERSION / importer.PROVENANCE_FILE).read_text())
    assert record["files"]["common-types/resource-management/v1/common.json"]["source"] == (
        "common-types/resource-management/v1/common.json"
    )
    load_spec(spec_root / API_VERSION / "widgets.json")


def test_version_override_and_unusable_inputs(
    upstream: Path, spec_root: Path, tmp_path: Path
) -> None:
    report = import_api_version(upstream, spec_root, version="2031-01-01-preview")
    assert report.folder == spec_root / "2031-01-01-preview"
    assert any("overrides the folder name" in note for note in report.notes)
    for unusable in ("../escape", "1.0 beta", ""):
        with pytest.raises(SpecError, match="is not an api-version"):
            import_api_version(upstream, spec_root, version=unusable)
    with pytest.raises(SpecError, match=r"matches the selection Gadgets_\*; it has .*Widgets_Get"):
        import_api_version(upstream, spec_root, select=["Gadgets_*"], force=True)
    loose = tmp_path / "loose" / "widgets.json"
    loose.parent.mkdir()
    loose.write_text(json.dumps({"swagger": "2.0", "info": {"version": "1.0 final"}}))
    with pytest.raises(SpecError, match=r"cannot name a folder.*pass --version"):
        import_api_version(loose, spec_root)


def test_the_default_selection_is_the_vmss_vm_run_command_family(
    upstream: Path, tmp_path: Path
) -> None:
    bare = tmp_path / "bare"  # no codegen.yaml: the generator's defaults
    with pytest.raises(SpecError, match="VirtualMachineScaleSetVMRunCommands_"):
        import_api_version(upstream, bare)
    assert not bare.exists() or not any(bare.iterdir())
