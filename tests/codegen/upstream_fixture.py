"""An upstream-layout description of our own ("Test.Widgets") with every construct the real
compute run-command file uses: POST actions with final-state-via location, a 202-only action,
responses without a schema, closed and extensible enums, x-ms-identifiers, x-ms-external,
x-ms-azure-resource, allOf from common types, operations without a default response,
x-ms-parameter-location and global parameters -- plus the quirks an importer meets: info.version
disagreeing with the folder, missing example files, common files naming files nobody needs."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

API_VERSION = "2030-05-01"
INFO_VERSION = "2030-04-01"  # disagrees with the folder on purpose
LAYOUTS = {
    # Azure's older layout: common types next to the resource provider's folders.
    "classic": ("Test.Widgets/WidgetsRP/stable", "Test.Widgets/common-types/v1/common.json"),
    # The newer one: common types at the root of the specification tree.
    "newer": (
        "Test.Widgets/Widgets/stable",
        "../../common-types/resource-management/v1/common.json",
    ),
}
SERVICE = "widgets/resource-manager"

BASE = (
    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
    "/providers/Test.Widgets/widgets/{widgetName}"
)
KINDS = "/subscriptions/{subscriptionId}/providers/Test.Widgets/locations/{location}/widgetKinds"
MISSING_EXAMPLES = ("Widgets_ListKinds", "Widgets_Run", "Widgets_Update")


def _examples(operation_id: str) -> dict[str, Any]:
    return {f"{operation_id} example": {"$ref": f"./examples/widgetExamples/{operation_id}.json"}}


def _entry(common: str) -> dict[str, Any]:
    error = {"description": "Error.", "schema": {"$ref": f"{common}#/definitions/ErrorResponse"}}
    client = [
        {"$ref": f"{common}#/parameters/ApiVersionParameter"},
        {"$ref": f"{common}#/parameters/SubscriptionIdParameter"},
    ]
    widget_path = [
        {"$ref": "#/parameters/ResourceGroupNameParameter"},
        {"name": "widgetName", "in": "path", "required": True, "type": "string"},
        *client,
    ]
    location = {
        "name": "location",
        "in": "path",
        "required": True,
        "type": "string",
        "pattern": "^[-\\w\\._]+$",
    }
    body = {"name": "widget", "in": "body", "required": True}
    return {
        "swagger": "2.0",
        "info": {"title": "WidgetsClient", "version": INFO_VERSION, "description": "Widgets."},
        "host": "management.azure.com",
        "schemes": ["https"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": {
            KINDS: {
                "get": {
                    "operationId": "Widgets_ListKinds",
                    "description": "Kinds of widget in a location.",
                    "parameters": [location, *client],
                    "responses": {
                        "200": {"description": "OK", "schema": {"$ref": "#/definitions/KindList"}}
                    },
                    "x-ms-pageable": {"nextLinkName": "nextLink"},
                    "x-ms-examples": _examples("Widgets_ListKinds"),
                }
            },
            KINDS + "/{kindId}": {
                "get": {
                    "operationId": "Widgets_GetKind",
                    "parameters": [
                        location,
                        {"name": "kindId", "in": "path", "required": True, "type": "string"},
                        *client,
                    ],
                    "responses": {
                        "200": {"description": "OK", "schema": {"$ref": "#/definitions/Kind"}}
                    },
                    "x-ms-examples": _examples("Widgets_GetKind"),
                }
            },
            BASE.rsplit("/", 1)[0]: {
                "get": {
                    "operationId": "Widgets_List",
                    "parameters": [{"$ref": "#/parameters/ResourceGroupNameParameter"}, *client],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "schema": {"$ref": "#/definitions/WidgetList"},
                        },
                        "default": error,
                    },
                    "x-ms-pageable": {"nextLinkName": "nextLink"},
                    "x-ms-examples": _examples("Widgets_List"),
                }
            },
            BASE: {
                "put": {
                    "operationId": "Widgets_CreateOrUpdate",
                    "parameters": [
                        *widget_path,
                        {**body, "schema": {"$ref": "#/definitions/Widget"}},
                    ],
                    "responses": {
                        "200": {"description": "OK", "schema": {"$ref": "#/definitions/Widget"}},
                        "201": {"description": "Made", "schema": {"$ref": "#/definitions/Widget"}},
                        "default": error,
                    },
                    "x-ms-long-running-operation": True,
                    "x-ms-examples": _examples("Widgets_CreateOrUpdate"),
                },
                "get": {
                    "operationId": "Widgets_Get",
                    "parameters": [*widget_path, {"$ref": "#/parameters/ExpandParameter"}],
                    "responses": {
                        "200": {"description": "OK", "schema": {"$ref": "#/definitions/Widget"}},
                        "default": error,
                    },
                    "x-ms-examples": _examples("Widgets_Get"),
                },
                "patch": {
                    "operationId": "Widgets_Update",
                    "parameters": [
                        *widget_path,
                        {**body, "schema": {"$ref": "#/definitions/WidgetUpdate"}},
                    ],
                    "responses": {
                        "200": {"description": "OK", "schema": {"$ref": "#/definitions/Widget"}},
                        "default": error,
                    },
                    "x-ms-long-running-operation": True,
                    "x-ms-examples": _examples("Widgets_Update"),
                },
                "delete": {
                    "operationId": "Widgets_Delete",
                    "parameters": widget_path,
                    "responses": {
                        "200": {"description": "OK"},
                        "202": {"description": "Accepted"},
                        "204": {"description": "Gone"},
                        "default": error,
                    },
                    "x-ms-long-running-operation": True,
                    "x-ms-examples": _examples("Widgets_Delete"),
                },
            },
            BASE + "/run": {
                "post": {
                    "operationId": "Widgets_Run",
                    "parameters": [
                        *widget_path,
                        {
                            "name": "parameters",
                            "in": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/RunInput"},
                        },
                    ],
                    "responses": {
                        "200": {"description": "OK", "schema": {"$ref": "#/definitions/RunResult"}},
                        "202": {"description": "Accepted"},
                    },
                    "x-ms-long-running-operation": True,
                    "x-ms-long-running-operation-options": {"final-state-via": "location"},
                    "x-ms-examples": _examples("Widgets_Run"),
                }
            },
            BASE + "/restart": {
                "post": {
                    "operationId": "Widgets_Restart",
                    "parameters": widget_path,
                    "responses": {"202": {"description": "Accepted"}},
                    "x-ms-long-running-operation": True,
                    "x-ms-long-running-operation-options": {"final-state-via": "location"},
                }
            },
        },
        "parameters": {
            "ResourceGroupNameParameter": {
                "name": "resourceGroupName",
                "in": "path",
                "required": True,
                "type": "string",
                "x-ms-parameter-location": "method",
            },
            "ExpandParameter": {
                "name": "$expand",
                "in": "query",
                "required": False,
                "type": "string",
                "x-ms-parameter-location": "method",
            },
            "UnusedParameter": {"name": "unused", "in": "query", "type": "string"},
        },
        "definitions": {
            "Widget": {
                "allOf": [{"$ref": f"{common}#/definitions/Resource"}],
                "description": "A widget.",
                "properties": {
                    "properties": {
                        "$ref": "#/definitions/WidgetProperties",
                        "x-ms-client-flatten": True,
                    }
                },
            },
            "WidgetUpdate": {
                "allOf": [{"$ref": "./widgetsCommon.json#/definitions/UpdateResource"}],
                "properties": {
                    "properties": {
                        "$ref": "#/definitions/WidgetProperties",
                        "x-ms-client-flatten": True,
                    }
                },
            },
            "WidgetProperties": {
                "properties": {
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
                    "secretKey": {"type": "string", "x-ms-secret": True},
                    "provisioningState": {"type": "string", "readOnly": True},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "statuses": {
                        "type": "array",
                        "items": {"$ref": "./widgetsCommon.json#/definitions/StatusEntry"},
                        "x-ms-identifiers": ["code"],
                    },
                    "instanceView": {"$ref": "#/definitions/WidgetView", "readOnly": True},
                },
            },
            "WidgetView": {
                "properties": {
                    "state": {
                        "type": "string",
                        "enum": ["Running", "Stopped"],
                        "x-ms-enum": {"name": "WidgetState", "modelAsString": True},
                    },
                    "exitCode": {"type": "integer", "format": "int32"},
                }
            },
            "WidgetList": {
                "properties": {
                    "value": {"type": "array", "items": {"$ref": "#/definitions/Widget"}},
                    "nextLink": {"type": "string"},
                },
                "required": ["value"],
            },
            "KindBase": {
                "properties": {
                    "$schema": {"type": "string"},
                    "id": {"type": "string"},
                    "osType": {
                        "type": "string",
                        "enum": ["Windows", "Linux"],
                        "x-ms-enum": {"name": "OperatingSystemTypes", "modelAsString": False},
                    },
                    "label": {"type": "string"},
                },
                "required": ["$schema", "id", "osType", "label"],
            },
            "Kind": {
                "allOf": [{"$ref": "#/definitions/KindBase"}],
                "properties": {
                    "script": {"type": "array", "items": {"type": "string"}},
                    "parameters": {
                        "type": "array",
                        "items": {"$ref": "#/definitions/KindParameter"},
                        "x-ms-identifiers": ["name", "type"],
                    },
                },
                "required": ["script"],
            },
            "KindParameter": {
                "properties": {
                    "name": {"type": "string"},
                    "type": {"type": "string"},
                    "required": {"type": "boolean", "default": False},
                },
                "required": ["name", "type"],
            },
            "KindList": {
                "properties": {
                    "value": {"type": "array", "items": {"$ref": "#/definitions/KindBase"}},
                    "nextLink": {"type": "string"},
                },
                "required": ["value"],
            },
            "RunInput": {
                "properties": {
                    "commandId": {"type": "string"},
                    "script": {"type": "array", "items": {"type": "string"}},
                    "parameters": {
                        "type": "array",
                        "items": {"$ref": "#/definitions/RunParameter"},
                        "x-ms-identifiers": ["name"],
                    },
                },
                "required": ["commandId"],
            },
            "RunParameter": {
                "properties": {"name": {"type": "string"}, "value": {"type": "string"}},
                "required": ["name", "value"],
            },
            "RunResult": {
                "properties": {
                    "value": {
                        "type": "array",
                        "items": {"$ref": "./widgetsCommon.json#/definitions/StatusEntry"},
                        "x-ms-identifiers": [],
                    }
                }
            },
            "Orphan": {"properties": {"nobody": {"type": "string"}}},
        },
    }


COMMON_RP: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "WidgetsCommon", "version": "1.0"},
    "paths": {},
    "definitions": {
        "StatusEntry": {
            "properties": {
                "code": {"type": "string"},
                "level": {
                    "type": "string",
                    "enum": ["Info", "Warning", "Error"],
                    "x-ms-enum": {"name": "StatusLevelTypes", "modelAsString": False},
                },
                "message": {"type": "string"},
                "time": {"type": "string", "format": "date-time"},
            }
        },
        "UpdateResource": {
            "properties": {"tags": {"type": "object", "additionalProperties": {"type": "string"}}}
        },
        # Upstream common files name files an import of a few operations never needs.
        "Gadget": {"properties": {"part": {"$ref": "./gadgets.json#/definitions/Part"}}},
    },
}

COMMON_TYPES: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "Common types", "version": "1.0"},
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
        "Resource": {
            "properties": {
                "id": {"type": "string", "readOnly": True},
                "name": {"type": "string", "readOnly": True},
                "type": {"type": "string", "readOnly": True},
                "location": {"type": "string"},
                "tags": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "required": ["location"],
            "x-ms-azure-resource": True,
        },
        "ErrorResponse": {
            "x-ms-external": True,
            "properties": {"error": {"$ref": "#/definitions/ErrorDetail"}},
        },
        "ErrorDetail": {
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "target": {"type": "string"},
                "details": {
                    "type": "array",
                    "items": {"$ref": "#/definitions/ErrorDetail"},
                    "x-ms-identifiers": ["message", "target"],
                },
            }
        },
        "SubResource": {"properties": {"id": {"type": "string"}}, "x-ms-azure-resource": True},
    },
}

WIDGET: dict[str, Any] = {
    "location": "westus",
    "tags": {"team": "a"},
    "properties": {
        "color": "Green",
        "size": "Small",
        "createdAt": "2030-05-01T10:00:00Z",
        "labels": {"k": "v"},
        "statuses": [{"code": "ok", "level": "Info", "time": "2030-05-01T10:00:01Z"}],
    },
}
WIDGET_READ: dict[str, Any] = {
    **WIDGET,
    "id": "/subscriptions/s/resourceGroups/rg/providers/Test.Widgets/widgets/w1",
    "name": "w1",
    "type": "Test.Widgets/widgets",
    "properties": {
        **WIDGET["properties"],
        "provisioningState": "Succeeded",
        "instanceView": {"state": "Running", "exitCode": 0},
    },
}
PATH_VALUES = {
    "subscriptionId": "s",
    "resourceGroupName": "rg",
    "widgetName": "w1",
    "api-version": API_VERSION,
}
EXAMPLES: dict[str, dict[str, Any]] = {
    "Widgets_CreateOrUpdate": {
        "parameters": {**PATH_VALUES, "widget": WIDGET},
        "responses": {"200": {"body": WIDGET_READ}, "201": {"body": WIDGET_READ}},
    },
    "Widgets_Get": {
        "parameters": {**PATH_VALUES, "$expand": "instanceView"},
        "responses": {"200": {"body": WIDGET_READ}},
    },
    "Widgets_List": {
        "parameters": PATH_VALUES,
        "responses": {"200": {"body": {"value": [WIDGET_READ], "nextLink": "https://x/next"}}},
    },
    "Widgets_Delete": {
        "parameters": PATH_VALUES,
        "responses": {"200": {}, "202": {"headers": {"Location": "https://x/op"}}, "204": {}},
    },
    "Widgets_GetKind": {
        "parameters": {"subscriptionId": "s", "location": "westus", "kindId": "k"},
        "responses": {
            "200": {
                "body": {
                    "$schema": "https://schema.example/kind.json",
                    "id": "k",
                    "osType": "Linux",
                    "label": "Kind k",
                    "script": ["echo hi"],
                    "parameters": [{"name": "a", "type": "string", "required": True}],
                }
            }
        },
    },
}


def write_upstream(root: Path, layout: str = "classic", version: str = API_VERSION) -> Path:
    """Write the fixture under ``root/specification``; returns the operations file's path."""
    rp_folder, common_location = LAYOUTS[layout]
    spec = root / "specification"
    folder = spec / SERVICE / rp_folder / version
    common_path = (spec / SERVICE / common_location).resolve()
    common_ref = Path(os.path.relpath(common_path, folder)).as_posix()
    files: dict[Path, Any] = {
        folder / "widgets.json": _entry(common_ref),
        folder / "widgetsCommon.json": COMMON_RP,
        common_path: COMMON_TYPES,
    }
    for operation_id, example in EXAMPLES.items():
        if operation_id not in MISSING_EXAMPLES:
            files[folder / "examples" / "widgetExamples" / f"{operation_id}.json"] = example
    for path, document in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Upstream files are not key-sorted; the importer must make its output deterministic.
        path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return folder / "widgets.json"


SPEC_CONFIG = """\
client_name: WidgetsClient
entry: widgets.json
operations: ["Widgets_*"]
"""


# --- The run-command family in Azure's layout: all 14 operations, written for these tests ------
# Names, types and shapes follow the published API; descriptions are short placeholders (a
# client sees no description), so a diff against spec/ compares only what a client sees.

RUN_COMMAND_API_VERSION = "2024-07-01"
RUN_COMMAND_FOLDER = "compute/resource-manager/Microsoft.Compute/ComputeRP/stable"
RUN_COMMAND_EXAMPLES = ("VirtualMachineScaleSetVMRunCommand_Get",)  # the only example written
COMPUTE_COMMON = "../../../common-types/v1/common.json"


def _text(kind: str = "string", **more: Any) -> dict[str, Any]:
    return {"type": kind, "description": "Text.", **more}


def _path(name: str, **more: Any) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "type": "string", **more}


def _refs_to(name: str, file: str = "") -> dict[str, str]:
    return {"$ref": f"{file}#/definitions/{name}"}


def _list_of(name: str, file: str = "", **more: Any) -> dict[str, Any]:
    return {"type": "array", "items": _refs_to(name, file), **more}


def _run_command_entry() -> dict[str, Any]:
    common = [
        {"$ref": f"{COMPUTE_COMMON}#/parameters/ApiVersionParameter"},
        {"$ref": f"{COMPUTE_COMMON}#/parameters/SubscriptionIdParameter"},
    ]
    error = {"description": "Error.", "schema": _refs_to("CloudError", COMPUTE_COMMON)}
    expand = {"name": "$expand", "in": "query", "required": False, "type": "string"}
    location = _path("location", pattern="^[-\\w\\._]+$")
    one = {"200": {"description": "OK", "schema": _refs_to("VirtualMachineRunCommand")}}
    made = {**one, "201": {"description": "Made", "schema": _refs_to("VirtualMachineRunCommand")}}
    gone = {
        "200": {"description": "OK"},
        "202": {"description": "Accepted"},
        "204": {"description": "None"},
    }
    run_body = {
        "name": "parameters",
        "in": "body",
        "required": True,
        "schema": _refs_to("RunCommandInput"),
    }
    action = {
        "200": {"description": "OK", "schema": _refs_to("RunCommandResult")},
        "202": {"description": "Accepted"},
    }
    by_location = {
        "x-ms-long-running-operation": True,
        "x-ms-long-running-operation-options": {"final-state-via": "location"},
    }

    def body(schema: str) -> dict[str, Any]:
        return {"name": "runCommand", "in": "body", "required": True, "schema": _refs_to(schema)}

    def operation(
        operation_id: str, parameters: list[Any], responses: dict[str, Any], **more: Any
    ) -> dict[str, Any]:
        return {
            "tags": [operation_id.split("_")[0]],
            "operationId": operation_id,
            "description": "An operation.",
            "parameters": [*parameters, *common],
            "responses": responses,
            **more,
        }

    lro = {"x-ms-long-running-operation": True}
    pageable = {"x-ms-pageable": {"nextLinkName": "nextLink"}}
    sub = "/subscriptions/{subscriptionId}"
    group = sub + "/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute"
    scale_set_vm = group + "/virtualMachineScaleSets/{vmScaleSetName}/virtualMachines/{instanceId}"
    vm = group + "/virtualMachines/{vmName}"
    rg, ss, inst, vm_name, name = (
        _path("resourceGroupName"),
        _path("vmScaleSetName"),
        _path("instanceId"),
        _path("vmName"),
        _path("runCommandName"),
    )
    examples = {
        "x-ms-examples": {
            "Read one": {
                "$ref": "./examples/runCommandExamples/VirtualMachineScaleSetVMRunCommand_Get.json"
            }
        }
    }
    missing = {
        "x-ms-examples": {
            "Absent": {"$ref": "./examples/runCommandExamples/VirtualMachineRunCommand_Get.json"}
        }
    }
    paths: dict[str, Any] = {
        f"{sub}/providers/Microsoft.Compute/locations/{{location}}/runCommands": {
            "get": operation(
                "VirtualMachineRunCommands_List",
                [location],
                {"200": {"description": "OK", "schema": _refs_to("RunCommandListResult")}},
                **pageable,
            )
        },
        f"{sub}/providers/Microsoft.Compute/locations/{{location}}/runCommands/{{commandId}}": {
            "get": operation(
                "VirtualMachineRunCommands_Get",
                [location, _path("commandId")],
                {"200": {"description": "OK", "schema": _refs_to("RunCommandDocument")}},
            )
        },
        # Upstream spells this path's "virtualmachines" in lower case.
        f"{scale_set_vm.replace('virtualMachines', 'virtualmachines')}/runCommand": {
            "post": operation(
                "VirtualMachineScaleSetVMs_RunCommand",
                [rg, ss, inst, run_body],
                action,
                **by_location,
            )
        },
        f"{vm}/runCommand": {
            "post": operation(
                "VirtualMachines_RunCommand", [rg, vm_name, run_body], action, **by_location
            )
        },
        f"{vm}/runCommands": {
            "get": operation(
                "VirtualMachineRunCommands_ListByVirtualMachine",
                [rg, vm_name, expand],
                {
                    "200": {
                        "description": "OK",
                        "schema": _refs_to("VirtualMachineRunCommandsListResult"),
                    },
                    "default": error,
                },
                **pageable,
            )
        },
        f"{vm}/runCommands/{{runCommandName}}": {
            "get": operation(
                "VirtualMachineRunCommands_GetByVirtualMachine",
                [rg, vm_name, name, expand],
                {**one, "default": error},
                **missing,
            ),
            "put": operation(
                "VirtualMachineRunCommands_CreateOrUpdate",
                [rg, vm_name, name, body("VirtualMachineRunCommand")],
                {**made, "default": error},
                **lro,
            ),
            "patch": operation(
                "VirtualMachineRunCommands_Update",
                [rg, vm_name, name, body("VirtualMachineRunCommandUpdate")],
                {**one, "default": error},
                **lro,
            ),
            "delete": operation(
                "VirtualMachineRunCommands_Delete",
                [rg, vm_name, name],
                {**gone, "default": error},
                **lro,
            ),
        },
        f"{scale_set_vm}/runCommands": {
            "get": operation(
                "VirtualMachineScaleSetVMRunCommands_List",
                [rg, ss, inst, expand],
                {
                    "200": {
                        "description": "OK",
                        "schema": _refs_to("VirtualMachineRunCommandsListResult"),
                    },
                    "default": error,
                },
                **pageable,
            )
        },
        f"{scale_set_vm}/runCommands/{{runCommandName}}": {
            "put": operation(
                "VirtualMachineScaleSetVMRunCommands_CreateOrUpdate",
                [rg, ss, inst, name, body("VirtualMachineRunCommand")],
                {**made, "default": error},
                **lro,
            ),
            "patch": operation(
                "VirtualMachineScaleSetVMRunCommands_Update",
                [rg, ss, inst, name, body("VirtualMachineRunCommandUpdate")],
                {**one, "default": error},
                **lro,
            ),
            "delete": operation(
                "VirtualMachineScaleSetVMRunCommands_Delete",
                [rg, ss, inst, name],
                {**gone, "default": error},
                **lro,
            ),
            "get": operation(
                "VirtualMachineScaleSetVMRunCommands_Get",
                [rg, ss, inst, name, expand],
                {**one, "default": error},
                **examples,
            ),
        },
    }
    identity = {"type": "object", "properties": {"clientId": _text(), "objectId": _text()}}
    parameters = _list_of("RunCommandInputParameter", **{"x-ms-identifiers": ["name"]})
    statuses = _list_of("InstanceViewStatus", "./computeRPCommon.json", **{"x-ms-identifiers": []})
    definitions: dict[str, Any] = {
        "RunCommandInputParameter": {
            "type": "object",
            "properties": {"name": _text(), "value": _text()},
            "required": ["name", "value"],
        },
        "RunCommandInput": {
            "type": "object",
            "properties": {
                "commandId": _text(),
                "script": {"type": "array", "items": {"type": "string"}},
                "parameters": parameters,
            },
            "required": ["commandId"],
        },
        "RunCommandResult": {"type": "object", "properties": {"value": statuses}},
        "RunCommandDocumentBase": {
            "type": "object",
            "properties": {
                "$schema": _text(),
                "id": _text(),
                "osType": _text(
                    enum=["Windows", "Linux"],
                    **{"x-ms-enum": {"name": "OperatingSystemTypes", "modelAsString": False}},
                ),
                "label": _text(),
                "description": _text(),
            },
            "required": ["$schema", "id", "osType", "label", "description"],
        },
        "RunCommandDocument": {
            "type": "object",
            "allOf": [_refs_to("RunCommandDocumentBase")],
            "properties": {
                "script": {"type": "array", "items": {"type": "string"}},
                "parameters": _list_of(
                    "RunCommandParameterDefinition", **{"x-ms-identifiers": ["name", "type"]}
                ),
            },
            "required": ["script"],
        },
        "RunCommandParameterDefinition": {
            "type": "object",
            "properties": {
                "name": _text(),
                "type": _text(),
                "defaultValue": _text(),
                "required": {"type": "boolean", "default": False},
            },
            "required": ["name", "type"],
        },
        "RunCommandListResult": {
            "type": "object",
            "properties": {"value": _list_of("RunCommandDocumentBase"), "nextLink": _text()},
            "required": ["value"],
        },
        "RunCommandManagedIdentity": identity,
        "VirtualMachineRunCommandScriptSource": {
            "type": "object",
            "properties": {
                "script": _text(),
                "scriptUri": _text(),
                "commandId": _text(),
                "scriptUriManagedIdentity": _refs_to("RunCommandManagedIdentity"),
            },
        },
        "VirtualMachineRunCommandInstanceView": {
            "type": "object",
            "properties": {
                "executionState": _text(
                    enum=[
                        "Unknown",
                        "Pending",
                        "Running",
                        "Failed",
                        "Succeeded",
                        "TimedOut",
                        "Canceled",
                    ],
                    **{"x-ms-enum": {"name": "ExecutionState", "modelAsString": True}},
                ),
                "executionMessage": _text(),
                "exitCode": {"type": "integer", "format": "int32"},
                "output": _text(),
                "error": _text(),
                "startTime": _text(format="date-time"),
                "endTime": _text(format="date-time"),
                "statuses": statuses,
            },
        },
        "VirtualMachineRunCommandProperties": {
            "type": "object",
            "properties": {
                "source": _refs_to("VirtualMachineRunCommandScriptSource"),
                "parameters": parameters,
                "protectedParameters": parameters,
                "asyncExecution": {"type": "boolean", "default": False},
                "runAsUser": _text(),
                "runAsPassword": _text(),
                "timeoutInSeconds": {"type": "integer", "format": "int32"},
                "outputBlobUri": _text(),
                "errorBlobUri": _text(),
                "outputBlobManagedIdentity": _refs_to("RunCommandManagedIdentity"),
                "errorBlobManagedIdentity": _refs_to("RunCommandManagedIdentity"),
                "provisioningState": _text(readOnly=True),
                "instanceView": {
                    **_refs_to("VirtualMachineRunCommandInstanceView"),
                    "readOnly": True,
                },
                "treatFailureAsDeploymentFailure": {"type": "boolean", "default": False},
            },
        },
        "VirtualMachineRunCommand": {
            "allOf": [_refs_to("Resource", COMPUTE_COMMON)],
            "properties": {
                "properties": {
                    **_refs_to("VirtualMachineRunCommandProperties"),
                    "x-ms-client-flatten": True,
                }
            },
        },
        "VirtualMachineRunCommandUpdate": {
            "allOf": [_refs_to("UpdateResource", "./computeRPCommon.json")],
            "properties": {
                "properties": {
                    **_refs_to("VirtualMachineRunCommandProperties"),
                    "x-ms-client-flatten": True,
                }
            },
        },
        "VirtualMachineRunCommandsListResult": {
            "properties": {"value": _list_of("VirtualMachineRunCommand"), "nextLink": _text()},
            "required": ["value"],
        },
    }
    return {
        "swagger": "2.0",
        "info": {
            "title": "RunCommandsClient",
            "version": RUN_COMMAND_API_VERSION,
            "description": "Fixture.",
        },
        "host": "management.azure.com",
        "schemes": ["https"],
        "consumes": ["application/json", "text/json"],
        "produces": ["application/json", "text/json"],
        "paths": paths,
        "definitions": definitions,
    }


RUN_COMMAND_RP_COMMON: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "ComputeCommon", "version": RUN_COMMAND_API_VERSION},
    "paths": {},
    "definitions": {
        "InstanceViewStatus": {
            "properties": {
                "code": _text(),
                "level": _text(
                    enum=["Info", "Warning", "Error"],
                    **{"x-ms-enum": {"name": "StatusLevelTypes", "modelAsString": False}},
                ),
                "displayStatus": _text(),
                "message": _text(),
                "time": _text(format="date-time"),
            }
        },
        "UpdateResource": {
            "properties": {"tags": {"type": "object", "additionalProperties": {"type": "string"}}}
        },
        # Like upstream's, this file describes much more than run commands, in files not present.
        "DiskEncryptionSetParameters": {"allOf": [_refs_to("SubResource", "./diskRPCommon.json")]},
    },
}

RUN_COMMAND_COMMON_TYPES: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "Common types", "version": "1.0"},
    "paths": {},
    "parameters": {
        "SubscriptionIdParameter": _path("subscriptionId"),
        "ApiVersionParameter": {
            "name": "api-version",
            "in": "query",
            "required": True,
            "type": "string",
        },
    },
    "definitions": {
        "Resource": {
            "properties": {
                "id": _text(readOnly=True),
                "name": _text(readOnly=True),
                "type": _text(readOnly=True),
                "location": _text(),
                "tags": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "required": ["location"],
            "x-ms-azure-resource": True,
        },
        "CloudError": {"properties": {"error": _refs_to("ApiError")}, "x-ms-external": True},
        "ApiError": {
            "properties": {
                "details": _list_of("ApiErrorBase", **{"x-ms-identifiers": ["message", "target"]}),
                "innererror": _refs_to("InnerError"),
                "code": _text(),
                "target": _text(),
                "message": _text(),
            }
        },
        "ApiErrorBase": {"properties": {"code": _text(), "target": _text(), "message": _text()}},
        "InnerError": {"properties": {"exceptiontype": _text(), "errordetail": _text()}},
        "SubResource": {"properties": {"id": _text()}, "x-ms-azure-resource": True},
    },
}


def write_run_commands_upstream(root: Path) -> Path:
    """The run-command family as Azure lays it out, under ``root/specification``; returns the
    path of ``runCommand.json``."""
    folder = root / "specification" / RUN_COMMAND_FOLDER / RUN_COMMAND_API_VERSION
    files: dict[Path, Any] = {
        folder / "runCommand.json": _run_command_entry(),
        folder / "computeRPCommon.json": RUN_COMMAND_RP_COMMON,
        (folder / COMPUTE_COMMON).resolve(): RUN_COMMAND_COMMON_TYPES,
        folder / "examples/runCommandExamples/VirtualMachineScaleSetVMRunCommand_Get.json": {
            "parameters": {
                "subscriptionId": "s",
                "resourceGroupName": "rg",
                "vmScaleSetName": "ss",
                "instanceId": "0",
                "runCommandName": "rc",
                "api-version": RUN_COMMAND_API_VERSION,
            },
            "responses": {"200": {"body": {"location": "westus", "name": "rc"}}},
        },
    }
    for path, document in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return folder / "runCommand.json"
