"""The generator on small specs of our own, each exercising constructs upstream files use."""

from __future__ import annotations

import importlib
import json
import shutil
import sys
import uuid
import warnings
from pathlib import Path
from typing import Any

import attrs
import pytest
import vmss_runcommands.runtime

from codegen.config import GeneratorConfig
from codegen.generate import render_tree
from codegen.load import MissingFileWarning, SpecError, load_spec

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent

# The fixture spec names an example file that does not exist, on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:example file .* is missing")

COMMON = {
    "swagger": "2.0",
    "info": {"title": "Common", "version": "1.0"},
    "paths": {},
    "parameters": {
        "SubscriptionIdParameter": {
            "name": "subscriptionId",
            "in": "path",
            "required": True,
            "type": "string",
        },
        "ApiVersionParameter": {
            "name": "api-version",
            "in": "query",
            "required": True,
            "type": "string",
        },
    },
    "definitions": {
        "TrackedResource": {
            "properties": {
                "id": {"type": "string", "readOnly": True},
                "name": {"type": "string", "readOnly": True},
                "location": {"type": "string"},
            },
            "required": ["location"],
            "x-ms-azure-resource": True,
        },
        "ErrorDetail": {
            "properties": {
                "code": {"type": "string"},
                "details": {"type": "array", "items": {"$ref": "#/definitions/ErrorDetail"}},
            }
        },
        "ErrorResponse": {
            "x-ms-external": True,
            "properties": {"error": {"$ref": "#/definitions/ErrorDetail"}},
        },
    },
}

BASE = (
    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
    "/providers/Test.Widgets/widgets/{widgetName}"
)
PARAMS = [
    {"$ref": "./common/types.json#/parameters/SubscriptionIdParameter"},
    {"name": "resourceGroupName", "in": "path", "required": True, "type": "string"},
    {"name": "widgetName", "in": "path", "required": True, "type": "string"},
    {"$ref": "./common/types.json#/parameters/ApiVersionParameter"},
]
ERROR = {
    "description": "error",
    "schema": {"$ref": "./common/types.json#/definitions/ErrorResponse"},
}


def _spec() -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "info": {
            "title": "WidgetsClient",
            "version": "2030-01-01-preview",
            "description": "Widgets.",
        },
        "paths": {
            BASE: {
                "put": {
                    "operationId": "Widgets_CreateOrUpdate",
                    "parameters": [
                        *PARAMS,
                        {
                            "name": "widget",
                            "in": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/Widget"},
                        },
                    ],
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/Widget"}},
                        "201": {
                            "description": "created",
                            "schema": {"$ref": "#/definitions/Widget"},
                        },
                        "default": ERROR,
                    },
                    "x-ms-long-running-operation": True,
                    "x-ms-examples": {
                        "missing": {"$ref": "./examples/Widgets_CreateOrUpdate.json"}
                    },
                },
                "get": {
                    "operationId": "Widgets_Get",
                    "parameters": [
                        *PARAMS,
                        {"name": "x-ms-trace", "in": "header", "required": False, "type": "string"},
                        {"name": "view", "in": "query", "required": True, "type": "string"},
                    ],
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/Widget"}}
                    },
                },
            },
            BASE + "/restart": {
                "post": {
                    "operationId": "Widgets_Restart",
                    "parameters": [
                        *PARAMS,
                        {
                            "name": "mode",
                            "in": "query",
                            "required": True,
                            "type": "string",
                            "enum": ["hard"],
                            "x-ms-enum": {"name": "RestartMode", "modelAsString": False},
                        },
                    ],
                    "responses": {"202": {"description": "accepted"}, "default": ERROR},
                    "x-ms-long-running-operation": True,
                    "x-ms-long-running-operation-options": {"final-state-via": "location"},
                }
            },
        },
        "definitions": {
            "Widget": {
                "allOf": [{"$ref": "./common/types.json#/definitions/TrackedResource"}],
                "properties": {
                    "properties": {
                        "$ref": "#/definitions/WidgetProperties",
                        "x-ms-client-flatten": True,
                    }
                },
            },
            "WidgetProperties": {
                "properties": {
                    "name": {"type": "string", "description": "Clashes with the resource name."},
                    "color": {
                        "type": "string",
                        "enum": ["Red", "Blue"],
                        "x-ms-enum": {"name": "Color", "modelAsString": True},
                    },
                    "size": {
                        "type": "string",
                        "enum": ["Small", "Large"],
                        "x-ms-enum": {"name": "Size", "modelAsString": False},
                    },
                    "apiKey": {"type": "string", "x-ms-secret": True},
                    "adminPassword": {"type": "string"},
                    "state": {"$ref": "#/definitions/WidgetState", "readOnly": True},
                    "weight": {"type": "number"},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "createdAt": {"type": "string", "format": "date-time"},
                },
            },
            "WidgetState": {
                "properties": {
                    "phase": {"type": "string"},
                    "errors": {
                        "type": "array",
                        "items": {"$ref": "./common/types.json#/definitions/ErrorDetail"},
                    },
                }
            },
        },
    }


def _write_spec(root: Path, *, config: str) -> Path:
    folder = root / "spec" / "2030-01-01-preview"
    (folder / "common").mkdir(parents=True)
    (folder / "widgets.json").write_text(json.dumps(_spec(), indent=2, sort_keys=True))
    (folder / "common" / "types.json").write_text(json.dumps(COMMON, indent=2, sort_keys=True))
    (root / "spec" / "codegen.yaml").write_text(config)
    return root / "spec"


CONFIG = """
client_name: WidgetsClient
entry: widgets.json
operations: ["Widgets_*"]
secrets: [WidgetProperties.adminPassword]
"""


@pytest.fixture(scope="module")
def widgets(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("widgets")
    spec_root = _write_spec(root, config=CONFIG)
    package = f"widgets_{uuid.uuid4().hex[:8]}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_tree(spec_root, root / "out" / package)
    assert any(issubclass(w.category, MissingFileWarning) for w in caught)
    shutil.copytree(
        RUNTIME, root / "out" / package / "runtime", ignore=shutil.ignore_patterns("__pycache__")
    )
    sys.path.insert(0, str(root / "out"))
    try:
        yield importlib.import_module(package), root / "out" / package
    finally:
        sys.path.remove(str(root / "out"))


def test_enums_are_named_by_x_ms_enum_and_extensibility_follows_model_as_string(
    widgets: Any,
) -> None:
    package, _ = widgets
    models = importlib.import_module(f"{package.__name__}.v2030_01_01_preview.models")
    assert models.Color("Green").value == "Green"  # extensible
    with pytest.raises(ValueError):
        models.Size("Huge")
    assert models.Size("large") is models.Size.LARGE


def test_flatten_clash_is_named_after_its_path_and_allof_base_is_merged(widgets: Any) -> None:
    package, _ = widgets
    models = importlib.import_module(f"{package.__name__}.v2030_01_01_preview.models")
    widget = models.Widget(location="x", name_properties_name="inner", color="Red")
    assert widget.to_dict() == {"location": "x", "properties": {"name": "inner", "color": "Red"}}
    parsed = models.Widget.from_dict(
        {"name": "outer", "location": "x", "properties": {"name": "inner"}}
    )
    assert (parsed.name, parsed.name_properties_name) == ("outer", "inner")
    assert not hasattr(models, "TrackedResource")
    # The flattened container is no model of its own; the name is azure-mgmt's properties view.
    assert not attrs.has(models.WidgetProperties)
    assert models.Widget(location="x", name_properties_name="inner").properties.name == "inner"


def test_secrets_from_spec_and_config_and_read_only_containers(widgets: Any) -> None:
    package, _ = widgets
    models = importlib.import_module(f"{package.__name__}.v2030_01_01_preview.models")
    widget = models.Widget(location="x", api_key="k-123", admin_password="p-456")
    assert "k-123" not in repr(widget) and "p-456" not in repr(widget)
    client = importlib.import_module(f"{package.__name__}.v2030_01_01_preview.client")
    assert frozenset({"apiKey", "adminPassword"}) == client.SECRET_FIELDS
    parsed = models.Widget.from_dict(
        {
            "location": "x",
            "properties": {
                "state": {"phase": "Ready", "errors": [{"code": "A", "details": [{"code": "B"}]}]}
            },
        }
    )
    assert parsed.state.errors[0].details[0].code == "B"  # self-referencing model
    assert parsed.to_dict() == {"location": "x"}


def test_operations_cover_post_actions_constants_headers_and_no_default(widgets: Any) -> None:
    package, path = widgets
    source = (path / "v2030_01_01_preview" / "operations.py").read_text()
    assert "def begin_restart(" in source and '"final-state-via"' not in source
    assert 'final_state_via="location"' in source
    assert '"mode": "hard"' in source  # a required single-value enum is a constant
    assert "mode:" not in source
    assert "x_ms_trace: str | None = None" in source
    # A required query parameter is asked for positionally, never defaulted to None.
    assert "widget_name: str,\n        view: str,\n        *," in source
    assert "view: str | None" not in source
    assert "def begin_create_or_update(" in source and "def get(" in source
    assert "expected_status=(202,)" in source
    assert package.WidgetsClient.__name__ == "WidgetsClient"
    assert package.DEFAULT_API_VERSION == "2030-01-01-preview"


def test_datetime_number_and_dict_types(widgets: Any) -> None:
    package, _ = widgets
    models = importlib.import_module(f"{package.__name__}.v2030_01_01_preview.models")
    parsed = models.Widget.from_dict(
        {
            "location": "x",
            "properties": {"weight": 3, "labels": {"a": "b"}, "createdAt": "2030-01-01T00:00:00Z"},
        }
    )
    assert parsed.weight == 3.0 and isinstance(parsed.weight, float)
    assert parsed.labels == {"a": "b"}
    assert parsed.created_at.year == 2030


def test_unknown_secret_in_config_is_an_error(tmp_path: Path) -> None:
    spec_root = _write_spec(tmp_path, config=CONFIG.replace("adminPassword", "nope"))
    with pytest.raises(SpecError, match=r"WidgetProperties\.nope"):
        render_tree(spec_root, tmp_path / "out")


def test_missing_referenced_definition_file_is_an_error(tmp_path: Path) -> None:
    spec_root = _write_spec(tmp_path, config=CONFIG)
    (spec_root / "2030-01-01-preview" / "common" / "types.json").unlink()
    with pytest.raises(SpecError, match=r"types\.json"):
        load_spec(spec_root / "2030-01-01-preview" / "widgets.json")


def test_selection_matching_nothing_is_an_error(tmp_path: Path) -> None:
    spec_root = _write_spec(tmp_path, config=CONFIG.replace('["Widgets_*"]', '["Gadgets_*"]'))
    with pytest.raises(SpecError, match="no operation matches"):
        render_tree(spec_root, tmp_path / "out")


def test_config_defaults() -> None:
    config = GeneratorConfig()
    assert config.selects("VirtualMachineScaleSetVMRunCommands_Get")
    assert not config.selects("VirtualMachineRunCommands_Get")
