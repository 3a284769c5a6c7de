"""A long-running PUT whose body is optional (as in AutoRest's lro.json, where every body is)
generates: the body is a keyword argument, so a resumed poller needs no overloads for it."""

from __future__ import annotations

import importlib
import inspect
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
    "info": {"title": "Widgets", "version": "2024-01-01"},
    "host": "management.azure.com",
    "schemes": ["https"],
    "paths": {
        "/subscriptions/{subscriptionId}/widgets/{widgetName}": {
            "put": {
                "operationId": "Widgets_Create",
                "x-ms-long-running-operation": True,
                "parameters": [
                    {"name": "subscriptionId", "in": "path", "required": True, "type": "string"},
                    {"name": "widgetName", "in": "path", "required": True, "type": "string"},
                    {"name": "api-version", "in": "query", "required": True, "type": "string"},
                    {
                        "name": "widget",
                        "in": "body",
                        "required": False,
                        "schema": {"$ref": "#/definitions/Widget"},
                    },
                ],
                "responses": {
                    "200": {"description": "done", "schema": {"$ref": "#/definitions/Widget"}},
                    "201": {"description": "created", "schema": {"$ref": "#/definitions/Widget"}},
                },
            }
        }
    },
    "definitions": {"Widget": {"type": "object", "properties": {"name": {"type": "string"}}}},
}


def test_an_lro_with_an_optional_body_generates(tmp_path: Path) -> None:
    spec_root = tmp_path / "spec"
    (spec_root / "2024-01-01").mkdir(parents=True)
    (spec_root / "2024-01-01" / "widgets.json").write_text(json.dumps(SPEC))
    (spec_root / "codegen.yaml").write_text(
        "client_name: WidgetsClient\nentry: widgets.json\noperations: ['Widgets_*']\n"
    )
    package = f"widgets_{uuid.uuid4().hex[:8]}"
    out = tmp_path / "out"
    render_tree(spec_root, out / package, package=package)
    shutil.copytree(RUNTIME, out / package / "runtime")
    sys.path.insert(0, str(out))
    try:
        module = importlib.import_module(package)
    finally:
        sys.path.remove(str(out))
    begin_create = module.WidgetsClient("cred", "sub").widgets.begin_create
    widget = inspect.signature(begin_create).parameters["widget"]
    assert widget.default is None
    assert widget.kind in (widget.KEYWORD_ONLY, widget.POSITIONAL_OR_KEYWORD)
