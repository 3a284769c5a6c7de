"""A small description of our own ("Test.Harbor") with constructs met in real Azure families
that the run-command file does not use: an enum whose value is a symbol only ("*" meaning
any, as network protocols have it); a model with a field called ``list`` beside fields
annotated ``list[...]``, and an operations group with a ``list`` method (``<Group>_List`` is
everywhere in ARM); an x-ms-enum name used again for other values, and one named like a
model; definitions named like what generated modules bind (``RetryPolicy``, as
Microsoft.EventGrid has one, ``Mapping``) or like a keyword (``None``); and the dotted names
of parameters and definitions that newer, TypeSpec-emitted files use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

API_VERSION = "2032-01-01"

CONFIG = """
client_name: HarborClient
entry: harbor.json
operations: ["*"]
"""

SCOPE = "/subscriptions/{subscriptionId}/providers/Test.Harbor"
PARAMS: list[dict[str, Any]] = [
    {"name": "subscriptionId", "in": "path", "required": True, "type": "string"},
    {"name": "api-version", "in": "query", "required": True, "type": "string"},
]
# A protocol a berth accepts: "*" is any of them.
PROTOCOL = {
    "type": "string",
    "enum": ["Tcp", "Udp", "*"],
    "x-ms-enum": {"name": "BerthProtocol", "modelAsString": True},
}
# A closed enum with an empty value (no filter) beside named ones.
FILTER = {
    "type": "string",
    "enum": ["", "Docked"],
    "x-ms-enum": {"name": "ShipFilter", "modelAsString": False},
}


def _enum(name: str, values: list[str]) -> dict[str, Any]:
    return {"type": "string", "enum": values, "x-ms-enum": {"name": name, "modelAsString": True}}


def _ok(ref: str) -> dict[str, Any]:
    return {"200": {"description": "ok", "schema": {"$ref": ref}}}


def harbor_spec() -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "info": {"title": "HarborClient", "version": API_VERSION},
        "paths": {
            SCOPE + "/ships": {
                "get": {
                    "operationId": "Ships_List",
                    "parameters": [
                        *PARAMS,
                        {"name": "protocol", "in": "query", "required": False, **PROTOCOL},
                        {"name": "filter", "in": "query", "required": False, **FILTER},
                    ],
                    "responses": _ok("#/definitions/ShipList"),
                }
            },
            SCOPE + "/shipNames": {
                "post": {
                    "operationId": "Ships_ListNames",
                    "parameters": [
                        *PARAMS,
                        {
                            "name": "tags",
                            "in": "query",
                            "required": False,
                            "type": "array",
                            "items": {"type": "string"},
                            "collectionFormat": "csv",
                        },
                        {
                            "name": "query",
                            "in": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/ShipList"},
                        },
                    ],
                    "responses": _ok("#/definitions/ShipList"),
                }
            },
            "/{scope}/providers/Test.Harbor/policies/default": {
                "get": {
                    "operationId": "Policies_Get",
                    "parameters": [
                        {"$ref": "#/parameters/Harbor.Common.ScopeParameter"},
                        PARAMS[1],
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "schema": {"$ref": "#/definitions/RetryPolicy"},
                        },
                        "default": {
                            "description": "error",
                            "schema": {"$ref": "#/definitions/Harbor.Common.ErrorResponse"},
                        },
                    },
                }
            },
            # a path {berthName} and a query berth.name: one Python name twice
            SCOPE + "/berths/{berthName}": {
                "delete": {
                    "operationId": "Berths_Delete",
                    "parameters": [
                        *PARAMS,
                        {"name": "berthName", "in": "path", "required": True, "type": "string"},
                        {"name": "berth.name", "in": "query", "required": False, "type": "string"},
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            },
            SCOPE + "/crewNames": {
                "get": {
                    "operationId": "Ships_ListCrewNames",
                    "parameters": PARAMS,
                    "responses": {
                        "200": {
                            "description": "ok",
                            "schema": {"type": "array", "items": {"type": "string"}},
                        }
                    },
                }
            },
            SCOPE + "/shipSizes": {
                "get": {
                    "operationId": "Ships_Sizes",
                    "parameters": PARAMS,
                    "responses": _ok("#/definitions/SizeTable"),
                }
            },
        },
        "parameters": {
            "Harbor.Common.ScopeParameter": {
                "name": "scope",
                "in": "path",
                "required": True,
                "type": "string",
                "x-ms-skip-url-encoding": True,
                "x-ms-parameter-location": "method",
            }
        },
        "definitions": {
            "Ship": {
                "properties": {
                    "name": {"type": "string"},
                    "protocol": PROTOCOL,
                    "filter": FILTER,
                    "crew": {"type": "array", "items": {"type": "string"}},
                    "retry": {"$ref": "#/definitions/RetryPolicy"},
                    "berths": {"$ref": "#/definitions/Mapping"},
                    "cargo": {"$ref": "#/definitions/None"},
                    "kind": _enum("Kind", ["Ferry", "Tanker"]),
                    "berth": {"$ref": "#/definitions/Berth"},
                    # an x-ms-enum named like a model
                    "berthState": _enum("Berth", ["Free", "Taken"]),
                }
            },
            # the x-ms-enum name Kind again, for other values (as IotHub and Cdn files do)
            "Berth": {
                "properties": {
                    "kind": _enum("Kind", ["Deep", "Shallow"]),
                    "uses": {"type": "array", "items": _enum("Kind", ["Cargo", "Fuel"])},
                }
            },
            "ShipList": {
                "properties": {
                    "value": {"type": "array", "items": {"$ref": "#/definitions/Ship"}},
                    "nextLink": {"type": "string"},
                }
            },
            "SizeTable": {
                "properties": {
                    "sizes": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "integer"}},
                    },
                    # a field named like the builtin its neighbours are annotated with
                    "list": {"type": "array", "items": {"type": "string"}},
                }
            },
            "RetryPolicy": {"properties": {"maxTries": {"type": "integer", "format": "int32"}}},
            "Mapping": {"properties": {"berth": {"type": "string"}}},
            "None": {"properties": {"reason": {"type": "string"}}},
            "Harbor.Common.ErrorResponse": {
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}}
            },
        },
    }


def write_harbor(spec_root: Path) -> Path:
    """Write the description into ``spec_root`` (spec/<version>/ and codegen.yaml)."""
    folder = spec_root / API_VERSION
    folder.mkdir(parents=True)
    (folder / "harbor.json").write_text(json.dumps(harbor_spec(), indent=2))
    (spec_root / "codegen.yaml").write_text(CONFIG)
    return spec_root
