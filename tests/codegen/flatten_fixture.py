"""A Swagger 2.0 description of our own for x-ms-client-flatten, on models (clashing hoisted
names, nested containers) and on body parameters (the model's fields as the method's
arguments; in a parameter group; long-running; a polymorphic body left whole)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

API_VERSION = "2031-05-01"

API = {"name": "api-version", "in": "query", "required": True, "type": "string"}
ERROR = {"description": "error", "schema": {"$ref": "#/definitions/Error"}}


def _ok(ref: str, *codes: str) -> dict[str, Any]:
    answers: dict[str, Any] = {c: {"description": "ok"} for c in codes}
    return {"200": {"description": "ok", "schema": {"$ref": ref}}, **answers, "default": ERROR}


def _body(ref: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "body",
        "required": True,
        "x-ms-client-flatten": True,
        "schema": {"$ref": ref},
        **extra,
    }


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "type": "string"}


def spec() -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "info": {"title": "FlatClient", "version": API_VERSION},
        "host": "management.azure.com",
        "schemes": ["https"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": {
            "/gadgets/{gadgetName}": {
                "get": {
                    "operationId": "Gadgets_Get",
                    "parameters": [API, _path("gadgetName")],
                    "responses": _ok("#/definitions/Gadget"),
                },
                "put": {
                    "operationId": "Gadgets_CreateOrUpdate",
                    "parameters": [
                        API,
                        _path("gadgetName"),
                        _body("#/definitions/Gadget", "gadget"),
                    ],
                    "responses": _ok("#/definitions/Gadget"),
                },
            },
            "/gadgets/{location}/rename": {
                "post": {
                    "operationId": "Gadgets_Rename",
                    "parameters": [API, _path("location"), _body("#/definitions/Gadget", "gadget")],
                    "responses": _ok("#/definitions/Gadget"),
                }
            },
            "/gadgets/{gadgetName}/tag": {
                "post": {
                    "operationId": "Gadgets_Tag",
                    "parameters": [
                        API,
                        _path("gadgetName"),
                        _body(
                            "#/definitions/TagBody",
                            "tagBody",
                            required=False,
                            **{"x-ms-parameter-grouping": {"name": "tag-options"}},
                        ),
                        {
                            "name": "dryRun",
                            "in": "query",
                            "required": False,
                            "type": "boolean",
                            "x-ms-parameter-grouping": {"name": "tag-options"},
                        },
                    ],
                    "responses": {"204": {"description": "done"}, "default": ERROR},
                }
            },
            "/gadgets/{gadgetName}/rebuild": {
                "put": {
                    "operationId": "Gadgets_Rebuild",
                    "x-ms-long-running-operation": True,
                    "parameters": [
                        API,
                        _path("gadgetName"),
                        _body("#/definitions/TagBody", "body"),
                    ],
                    "responses": _ok("#/definitions/TagBody", "201"),
                }
            },
            "/pets/{petName}": {
                "put": {
                    "operationId": "Pets_Put",
                    "parameters": [API, _path("petName"), _body("#/definitions/Pet", "pet")],
                    "responses": _ok("#/definitions/Pet"),
                }
            },
            "/gizmos/{gizmoName}": {
                "get": {
                    "operationId": "Gizmos_Get",
                    "parameters": [API, _path("gizmoName")],
                    "responses": _ok("#/definitions/Gizmo"),
                }
            },
        },
        "definitions": {
            "Error": {"type": "object", "properties": {"code": {"type": "string"}}},
            "Resource": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "name": {"type": "string", "readOnly": True},
                    "type": {"type": "string", "readOnly": True},
                    "location": {"type": "string"},
                },
            },
            "Gadget": {
                "type": "object",
                "allOf": [{"$ref": "#/definitions/Resource"}],
                "required": ["properties"],
                "properties": {
                    "properties": {
                        "x-ms-client-flatten": True,
                        "$ref": "#/definitions/GadgetProperties",
                    }
                },
            },
            "GadgetProperties": {
                "type": "object",
                "required": ["size"],
                "properties": {
                    "type": {"type": "string"},
                    "name": {"type": "string"},
                    "size": {"type": "integer", "format": "int32"},
                    "provisioningState": {"type": "string", "readOnly": True},
                    "settings": {"x-ms-client-flatten": True, "$ref": "#/definitions/Settings"},
                },
            },
            "Settings": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "level": {
                        "type": "string",
                        "enum": ["Low", "High"],
                        "x-ms-enum": {"name": "Level", "modelAsString": True},
                    },
                },
            },
            "TagBody": {
                "type": "object",
                "properties": {
                    "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                    "note": {"type": "string"},
                },
            },
            "Pet": {
                "type": "object",
                "discriminator": "kind",
                "required": ["kind"],
                "properties": {"kind": {"type": "string"}, "name": {"type": "string"}},
            },
            "Dog": {
                "type": "object",
                "allOf": [{"$ref": "#/definitions/Pet"}],
                "properties": {"barks": {"type": "boolean"}},
            },
            "Gizmo": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "typePropertiesType": {"type": "string"},
                    "properties": {
                        "x-ms-client-flatten": True,
                        "type": "object",
                        "properties": {"type": {"type": "string"}},
                    },
                },
            },
        },
    }


CONFIG = """
client_name: FlatClient
entry: flat.json
operations: ["*"]
"""


def write_spec(root: Path) -> Path:
    folder = root / "spec" / API_VERSION
    folder.mkdir(parents=True)
    (folder / "flat.json").write_text(json.dumps(spec(), indent=2))
    (root / "spec" / "codegen.yaml").write_text(CONFIG)
    return root / "spec"
