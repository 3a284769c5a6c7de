"""Every construct of an upstream run-command file, all operations selected: the imported
bundle generates a package that imports, passes mypy --strict and round-trips its examples."""

from __future__ import annotations

import importlib
import inspect
import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import vmss_runcommands.runtime
from upstream_fixture import API_VERSION, SPEC_CONFIG, write_upstream
from vmss_runcommands.runtime.serialization import parse_datetime

from codegen.generate import render_tree
from codegen.importer import import_api_version

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent
MODULE = "v" + API_VERSION.replace("-", "_")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, Path]]:
    root = tmp_path_factory.mktemp("generality")
    spec_root = root / "spec"
    spec_root.mkdir()
    (spec_root / "codegen.yaml").write_text(SPEC_CONFIG)
    import_api_version(write_upstream(root / "upstream"), spec_root)
    package = f"widgets_{uuid.uuid4().hex[:8]}"
    out = root / "out"
    render_tree(spec_root, out / package)
    shutil.copytree(
        RUNTIME, out / package / "runtime", ignore=shutil.ignore_patterns("__pycache__")
    )
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(package), spec_root / API_VERSION
    finally:
        sys.path.remove(str(out))


def _module(package: ModuleType, name: str) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.{MODULE}.{name}")


def test_the_package_passes_mypy_strict(generated: tuple[ModuleType, Path], tmp_path: Path) -> None:
    package, _ = generated
    out = Path(package.__file__ or "").parent.parent
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--python-version",
            "3.10",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "-p",
            package.__name__,
        ],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_post_actions_202_only_and_schemaless_responses(
    generated: tuple[ModuleType, Path],
) -> None:
    package, _ = generated
    operations = _module(package, "operations")
    models = _module(package, "models")
    poller, paged = operations.LROPoller, operations.ItemPaged
    source = inspect.getsource(operations)
    widgets = operations.WidgetsOperations
    run = inspect.signature(widgets.begin_run)
    assert run.return_annotation == poller[models.RunResult]
    assert list(run.parameters)[1:4] == ["resource_group_name", "widget_name", "parameters"]
    assert inspect.signature(widgets.begin_restart).return_annotation == poller[None]
    assert inspect.signature(widgets.begin_delete).return_annotation == poller[None]
    assert inspect.signature(widgets.list_kinds).return_annotation == paged[models.KindBase]
    assert source.count('final_state_via="location"') == 2
    assert "expected_status=(202,)" in source  # the 202-only action
    assert "expected_status=(200, 202)" in source  # POST with a result
    assert "expected_status=(200, 202, 204)" in source  # delete, no schema at all


def test_global_and_method_parameters(generated: tuple[ModuleType, Path]) -> None:
    package, _ = generated
    widgets = _module(package, "operations").WidgetsOperations
    get = inspect.signature(widgets.get)
    # x-ms-parameter-location: method keeps a global parameter on the method ...
    assert get.parameters["resource_group_name"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert get.parameters["expand"].kind is inspect.Parameter.KEYWORD_ONLY
    # ... while the common global ones belong to the client.
    assert "subscription_id" not in get.parameters and "api_version" not in get.parameters
    kinds = inspect.signature(widgets.get_kind)
    assert list(kinds.parameters)[1:3] == ["location", "kind_id"]


def test_enums_inheritance_and_odd_property_names(generated: tuple[ModuleType, Path]) -> None:
    package, _ = generated
    models = _module(package, "models")
    assert models.Color("Purple").value == "Purple"  # modelAsString: true
    with pytest.raises(ValueError):
        models.OperatingSystemTypes("Plan9")  # modelAsString: false
    with pytest.raises(ValueError):
        models.StatusLevelTypes("Fatal")
    kind = models.Kind.from_dict(
        {"$schema": "s", "id": "k", "osType": "Linux", "label": "l", "script": ["x"]}
    )
    assert (kind.schema, kind.os_type) == ("s", models.OperatingSystemTypes.LINUX)
    # allOf from common types (x-ms-azure-resource) and from a definition in the same file
    widget = models.Widget(location="w")
    assert {"id", "name", "type", "location", "tags"} <= set(attrs_names(models.Widget))
    assert {"schema", "id", "os_type", "label", "script"} <= set(attrs_names(models.Kind))
    assert widget.to_dict() == {"location": "w"}
    client = _module(package, "client")
    assert frozenset({"secretKey"}) == client.SECRET_FIELDS


def attrs_names(cls: type) -> list[str]:
    import attrs

    return [f.name for f in attrs.fields(cls)]


def _normalize(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _normalize(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_normalize(v) for v in node]
    if isinstance(node, str):
        try:
            return parse_datetime(node)
        except ValueError:
            return node
    return node


def _definition(schema: dict[str, Any] | None) -> str | None:
    ref = (schema or {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else None


def test_every_example_round_trips(generated: tuple[ModuleType, Path]) -> None:
    package, folder = generated
    models = _module(package, "models")
    entry = json.loads((folder / "widgets.json").read_text())
    checked = 0
    for item in entry["paths"].values():
        for operation in item.values():
            for ref in operation.get("x-ms-examples", {}).values():
                example = json.loads((folder / ref["$ref"]).read_text())
                for parameter in operation["parameters"]:
                    name = _definition(parameter.get("schema"))
                    if parameter.get("in") == "body" and name:
                        body = example["parameters"][parameter["name"]]
                        assert getattr(models, name).from_dict(body).to_dict() == body
                        checked += 1
                for status, response in example["responses"].items():
                    name = _definition(operation["responses"][status].get("schema"))
                    if name is None:
                        assert "body" not in response
                        continue
                    model = getattr(models, name).from_dict(response["body"])
                    assert _normalize(model.to_dict(keep_readonly=True)) == _normalize(
                        response["body"]
                    )
                    checked += 1
    assert checked == 6
