"""Regeneration as one workflow: api-versions of any form, one selection for import and
generate, and codegen errors that always say what and where."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import vmss_runcommands.runtime
from upstream_fixture import write_upstream

from codegen.cli import main
from codegen.config import load_config
from codegen.generate import api_version_dirs, regenerate
from codegen.importer import UNVERSIONED, import_api_version
from codegen.naming import api_version_order, module_name_for_api_version

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent
ERROR_LINE = re.compile(r"^error: (?P<what>.+) at (?P<file>\S+)#(?P<pointer>\S*)$")
WIDGET_OPERATIONS = 9


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> re.Match[str]:
    capsys.readouterr()
    assert main(list(argv)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1, err
    found = ERROR_LINE.match(lines[0])
    assert found, lines[0]
    return found


def _loose_upstream(root: Path, info_version: str | None) -> Path:
    """The fixture moved out of Azure's folder layout, with ``info.version`` as given."""
    entry = write_upstream(root)
    document = json.loads(entry.read_text())
    if info_version is None:
        del document["info"]["version"]
    else:
        document["info"]["version"] = info_version
    # Same depth as stable/<version>, so the relative $refs to the common types still hold.
    loose = entry.parents[2] / "specs" / "swagger"
    shutil.copytree(entry.parent, loose)
    (loose / entry.name).write_text(json.dumps(document))
    return loose / entry.name


def test_api_versions_of_any_form_import_generate_and_order(
    tmp_path: Path, spec_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    semver = _loose_upstream(tmp_path / "a" / "up", "1.0.0")
    report = import_api_version(semver, spec_root)
    assert report.api_version == "1.0.0"
    assert any("using info.version 1.0.0" in note for note in report.notes)

    upstream = write_upstream(tmp_path / "b")
    assert main(["import", str(upstream), "--spec", str(spec_root), "--version", "1.2.0"]) == 0
    assert (spec_root / "1.2.0" / "widgets.json").is_file()
    assert (
        main(["import", str(upstream), "--spec", str(spec_root), "--version", "2024-01-01-preview"])
        == 0
    )

    bare = _loose_upstream(tmp_path / "c" / "up", None)
    capsys.readouterr()
    assert main(["import", str(bare), "--spec", str(spec_root)]) == 0
    assert "names no api-version" in capsys.readouterr().err
    assert (spec_root / UNVERSIONED / "widgets.json").is_file()

    folders = [p.name for p in api_version_dirs(spec_root, "widgets.json")]
    assert folders == [UNVERSIONED, "1.0.0", "1.2.0", "2024-01-01-preview"]
    assert [module_name_for_api_version(v) for v in folders] == [
        "unversioned",
        "v1_0_0",
        "v1_2_0",
        "v2024_01_01_preview",
    ]
    assert max(["v1_2_0", "v1_10_0", "v1_9_0"], key=api_version_order) == "v1_10_0"

    out = tmp_path / "out" / "widgets_any"
    regenerate(spec_root, out)
    shutil.copytree(RUNTIME, out / "runtime", ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(out.parent))
    try:
        package = importlib.import_module("widgets_any")
        assert tuple(folders) == package.API_VERSIONS
        assert package.DEFAULT_API_VERSION == "2024-01-01-preview"
        client = package.WidgetsClient(object(), "sub", api_version="1.0.0")
        assert client.api_version == "1.0.0"
        assert type(client).__module__ == "widgets_any.v1_0_0.client"
    finally:
        sys.path.remove(str(out.parent))


def test_import_select_is_what_generate_binds(
    upstream: Path, spec_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = spec_root / "codegen.yaml"
    config.write_text("# who we are\n" + config.read_text() + "# the end\n")
    assert main(["import", str(upstream), "--spec", str(spec_root), "--select", "Widgets_Get"]) == 0
    captured = capsys.readouterr()
    assert "operations are now Widgets_Get (what generate binds)" in captured.out
    assert f"has {WIDGET_OPERATIONS - 1} operation(s) the selection does not take" in captured.err
    assert load_config(config).operations == ("Widgets_Get",)
    assert config.read_text().startswith("# who we are\n") and "# the end" in config.read_text()

    # A second version with every operation: the one selection now says so, for both.
    later = write_upstream(tmp_path / "later", version="2030-06-01")
    assert main(["import", str(later), "--spec", str(spec_root), "--select", "*"]) == 0
    assert load_config(config).operations == ("*",)
    out = tmp_path / "out"
    capsys.readouterr()
    assert main(["generate", "--spec", str(spec_root), "--out", str(out)]) == 0
    assert "warning" not in capsys.readouterr().err
    operations = (out / "v2030_06_01" / "operations.py").read_text()
    methods = operations.count("    def ") - operations.count("    @overload")
    assert methods - operations.count("def __init__") == WIDGET_OPERATIONS

    # Narrowing it again leaves operations of a folder unbound: generate says which.
    assert (
        main(
            [
                "import",
                str(later),
                "--spec",
                str(spec_root),
                "--version",
                "2030-07-01",
                "--select",
                "Widgets_Get",
                "--select",
                "Widgets_List",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["generate", "--spec", str(spec_root), "--out", str(out), "--check"]) == 1
    err = capsys.readouterr().err
    warned = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warned) == 1 and "/2030-06-01 has 7 operation(s)" in warned[0]
    assert "Widgets_Delete" in warned[0] and "not generated" in warned[0]


@pytest.mark.parametrize(
    ("case", "file", "pointer"),
    [
        ("bad-ref", "widgets.json", "/definitions/Widget/properties/properties/$ref"),
        ("unknown-type", "widgets.json", "/definitions/WidgetView/properties/exitCode/type"),
        ("missing-file", "widgets.json", "/definitions/WidgetUpdate/allOf/0/$ref"),
        ("invalid-json", "widgetsCommon.json", ""),
        ("duplicate-operation-id", "widgets.json", None),
        ("bad-config", "codegen.yaml", ""),
    ],
)
def test_a_codegen_error_names_what_and_where_and_exits_1(
    upstream: Path,
    spec_root: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    file: str,
    pointer: str | None,
) -> None:
    import_api_version(upstream, spec_root)
    folder = spec_root / "2030-05-01"
    entry = folder / "widgets.json"
    document = json.loads(entry.read_text())
    definitions = document["definitions"]
    if case == "bad-ref":
        definitions["Widget"]["properties"]["properties"]["$ref"] = "#/definitions/Nothing"
    elif case == "unknown-type":
        definitions["WidgetView"]["properties"]["exitCode"]["type"] = "int"
    elif case == "missing-file":
        definitions["WidgetUpdate"]["allOf"][0]["$ref"] = "./gone.json#/definitions/X"
    elif case == "invalid-json":
        (folder / "widgetsCommon.json").write_text('{"definitions": {"StatusEntry": ')
    elif case == "duplicate-operation-id":
        for item in document["paths"].values():
            for operation in item.values():
                if operation["operationId"] == "Widgets_Delete":
                    operation["operationId"] = "Widgets_Get"
    elif case == "bad-config":
        (spec_root / "codegen.yaml").write_text("operations: [unclosed\n")
    entry.write_text(json.dumps(document))
    found = _error(capsys, "generate", "--spec", str(spec_root), "--out", str(tmp_path / "o"))
    where = spec_root if case == "bad-config" else folder
    assert found["file"] == f"{where.as_posix()}/{file}"
    if pointer is not None:
        assert found["pointer"] == pointer
    else:
        assert re.fullmatch(r"/paths/~1subscriptions.*/(get|delete)/operationId", found["pointer"])
        assert "used twice" in found["what"]
    # The located node exists (or the whole file is meant) in what was read.
    if case not in ("invalid-json", "bad-config", "duplicate-operation-id"):
        node = json.loads((where / file).read_text())
        for token in pointer.strip("/").split("/")[:-1] if pointer else []:
            key = token.replace("~1", "/").replace("~0", "~")
            node = node[int(key)] if isinstance(node, list) else node[key]
        assert pointer.rsplit("/", 1)[1] in node


def test_import_and_diff_errors_have_the_same_form(
    tmp_path: Path, spec_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "widgets.json"
    found = _error(capsys, "import", str(missing), "--spec", str(spec_root))
    assert found["file"] == missing.as_posix() and "not found" in found["what"]
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    found = _error(capsys, "import", str(broken), "--spec", str(spec_root))
    assert (found["file"], found["pointer"]) == (broken.as_posix(), "")
    assert "not valid JSON" in found["what"]
    found = _error(capsys, "diff", str(tmp_path / "a"), str(tmp_path / "b"))
    assert "neither an api-version folder nor an upstream file" in found["what"]


def test_an_unexpected_failure_is_still_one_error_line(
    upstream: Path,
    spec_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import codegen.cli

    def explode(*args: object, **kwargs: object) -> None:
        raise KeyError("Properties")

    monkeypatch.setattr(codegen.cli, "import_api_version", explode)
    found = _error(capsys, "import", str(upstream), "--spec", str(spec_root))
    assert "unexpected KeyError" in found["what"] and found["file"] == upstream.as_posix()


def test_the_command_line_exits_1_without_a_traceback_in_a_fresh_process(
    tmp_path: Path, repo_root: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[1,")
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "import", str(broken), "--spec", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        cwd=repo_root,
        timeout=120,
    )
    assert result.returncode == 1
    assert ERROR_LINE.match(result.stderr.strip()) and "Traceback" not in result.stderr
