"""A description without a single model (only schema-less operations, as AutoRest's head.json)
still generates a package that imports."""

from __future__ import annotations

import importlib
import json
import shutil
import sys
import uuid
from pathlib import Path

import vmss_runcommands.runtime

from codegen.generate import render_tree

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent

SPEC = {
    "swagger": "2.0",
    "info": {"title": "Probe", "version": "2024-01-01"},
    "host": "management.azure.com",
    "schemes": ["https"],
    "paths": {
        "/subscriptions/{subscriptionId}/probe": {
            "head": {
                "operationId": "Probes_Check",
                "parameters": [
                    {"name": "subscriptionId", "in": "path", "required": True, "type": "string"},
                    {"name": "api-version", "in": "query", "required": True, "type": "string"},
                ],
                "responses": {"200": {"description": "there"}},
            }
        }
    },
}


def test_a_spec_without_models_generates_an_importable_package(tmp_path: Path) -> None:
    spec_root = tmp_path / "spec"
    (spec_root / "2024-01-01").mkdir(parents=True)
    (spec_root / "2024-01-01" / "probe.json").write_text(json.dumps(SPEC))
    (spec_root / "codegen.yaml").write_text(
        "client_name: ProbeClient\nentry: probe.json\noperations: ['Probes_*']\n"
    )
    package = f"probe_{uuid.uuid4().hex[:8]}"
    out = tmp_path / "out"
    render_tree(spec_root, out / package, package=package)
    shutil.copytree(RUNTIME, out / package / "runtime")
    sys.path.insert(0, str(out))
    try:
        module = importlib.import_module(package)
        models = importlib.import_module(f"{package}.models")
    finally:
        sys.path.remove(str(out))
    assert models.__all__ == []
    assert callable(module.ProbeClient("cred", "sub").probes.check)  # type: ignore[arg-type]
