"""A small Swagger 2.0 description of our own using the model constructs ARM files use:
polymorphism, inline object schemas, formats, x-nullable, maps, enums of every kind,
x-ms-client-name on properties and a model $ref'd straight from another file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

API_VERSION = "2031-05-01"

CONFIG = """
client_name: ZooClient
entry: zoo.json
operations: ["*"]
"""

BASE = (
    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
    "/providers/Test.Zoo/zoos/{zooName}"
)
PARAMS: list[dict[str, Any]] = [
    {"name": "subscriptionId", "in": "path", "required": True, "type": "string"},
    {"name": "resourceGroupName", "in": "path", "required": True, "type": "string"},
    {"name": "zooName", "in": "path", "required": True, "type": "string"},
    {"name": "api-version", "in": "query", "required": True, "type": "string"},
]


def _ok(ref: str) -> dict[str, Any]:
    return {"200": {"description": "ok", "schema": {"$ref": ref}}}


TIER = {
    "type": "string",
    "enum": ["Basic", "Premium"],
    "x-ms-enum": {"name": "Tier", "modelAsString": True},
}


def zoo_spec() -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "info": {"title": "ZooClient", "version": API_VERSION},
        "paths": {
            BASE: {
                "get": {
                    "operationId": "Zoos_Get",
                    "parameters": PARAMS,
                    "responses": _ok("#/definitions/Zoo"),
                },
                "patch": {
                    "operationId": "Zoos_Update",
                    "parameters": [
                        *PARAMS,
                        {
                            "name": "zoo",
                            "in": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/Zoo"},
                        },
                    ],
                    "responses": _ok("#/definitions/Zoo"),
                },
            },
            BASE + "/pets/{petName}": {
                "put": {
                    "operationId": "Pets_CreateOrUpdate",
                    "parameters": [
                        *PARAMS,
                        {"name": "petName", "in": "path", "required": True, "type": "string"},
                        {
                            "name": "pet",
                            "in": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/Pet"},
                        },
                    ],
                    "responses": _ok("#/definitions/Pet"),
                }
            },
            BASE + "/keeper": {
                "get": {
                    "operationId": "Keepers_Get",
                    "parameters": PARAMS,
                    # Straight into another file: no local definition leads there.
                    "responses": _ok("./staff/keepers.json#/definitions/Keeper"),
                }
            },
        },
        "definitions": {
            "Pet": {
                "type": "object",
                "discriminator": "kind",
                "required": ["kind", "name"],
                "properties": {
                    "kind": {
                        "type": "string",
                        "enum": ["Dog", "Cat", "Lion"],
                        "x-ms-enum": {"name": "PetKind", "modelAsString": True},
                    },
                    "name": {"type": "string"},
                    "id": {"type": "string", "readOnly": True},
                    # The base holding one of its own subtypes.
                    "rival": {"$ref": "#/definitions/Cat"},
                },
            },
            "Dog": {
                "x-ms-discriminator-value": "Dog",
                "allOf": [{"$ref": "#/definitions/Pet"}],
                "properties": {
                    # An inline object, flattened: its fields become the Dog's.
                    "properties": {
                        "type": "object",
                        "x-ms-client-flatten": True,
                        "properties": {
                            "barkVolume": {"type": "integer", "format": "int32"},
                            "provisioningState": {"type": "string", "readOnly": True},
                        },
                    }
                },
            },
            "Cat": {
                "x-ms-discriminator-value": "Cat",
                "allOf": [{"$ref": "#/definitions/Pet"}],
                "required": ["diet"],
                "properties": {
                    "lives": {"type": "integer"},
                    # A required single-value enum: a constant.
                    "diet": {
                        "type": "string",
                        "enum": ["Meat"],
                        "x-ms-enum": {"name": "Diet", "modelAsString": False},
                    },
                },
            },
            "Lion": {
                "x-ms-discriminator-value": "Lion",
                "allOf": [{"$ref": "#/definitions/Cat"}],
                "properties": {"prideSize": {"type": "integer"}},
            },
            "Zoo": {
                "type": "object",
                "properties": {
                    # An inline object, not flattened: a model of its own, ZooAddress.
                    "address": {
                        "type": "object",
                        "properties": {
                            "city": {"type": "string"},
                            "geo": {
                                "type": "object",
                                "properties": {"lat": {"type": "number", "format": "double"}},
                            },
                        },
                    },
                    "opened": {"type": "string", "format": "date"},
                    "updatedAt": {"type": "string", "format": "date-time"},
                    "feedingInterval": {"type": "string", "format": "duration"},
                    "logo": {"type": "string", "format": "byte"},
                    "visitors": {"type": "integer", "format": "int64"},
                    "area": {"type": "number", "format": "float"},
                    "zooId": {"type": "string", "format": "uuid"},
                    "parentId": {"type": "string", "format": "arm-id"},
                    "motto": {"type": "string", "x-nullable": True},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "headcount": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "stars": {
                        "type": "object",
                        "additionalProperties": {"$ref": "#/definitions/Pet"},
                    },
                    "extra": {"type": "object"},
                    "anything": {},
                    "sizeClass": {"type": "integer", "enum": [1, 2, 3]},
                    "open": {"type": "boolean", "enum": [True, False]},
                    "tier": TIER,
                    "backupTier": TIER,
                    "vmSize": {
                        "type": "string",
                        "enum": ["Standard_A2m_v2", "Standard_D2s_v3"],
                        "x-ms-enum": {"name": "VmSize", "modelAsString": True},
                    },
                    "dn": {"type": "string", "x-ms-client-name": "displayName"},
                    "pets": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
                },
            },
        },
    }


KEEPERS = {
    "swagger": "2.0",
    "info": {"title": "Staff", "version": API_VERSION},
    "paths": {},
    "definitions": {
        "Keeper": {
            "type": "object",
            "properties": {
                "badge": {"type": "string"},
                "tier": TIER,
                "shift": {"$ref": "#/definitions/Shift"},
            },
        },
        "Shift": {"type": "object", "properties": {"start": {"type": "string"}}},
    },
}


def write_zoo(spec_root: Path, spec: dict[str, Any] | None = None) -> Path:
    """Write the description into ``spec_root`` (spec/<version>/ and codegen.yaml)."""
    folder = spec_root / API_VERSION
    (folder / "staff").mkdir(parents=True)
    (folder / "zoo.json").write_text(json.dumps(spec or zoo_spec(), indent=2))
    (folder / "staff" / "keepers.json").write_text(json.dumps(KEEPERS, indent=2))
    (spec_root / "codegen.yaml").write_text(CONFIG)
    return spec_root
