"""A Swagger 2.0 description of our own using every operation construct ordinary ARM (and the
AutoRest test server's) descriptions use: parameter types and locations, grouping, client
parameters, bodies and results that are not models, x-ms-paths, paging variants."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

API_VERSION = "2031-05-01"

ERROR = {"description": "error", "schema": {"$ref": "#/definitions/Error"}}
OK = {"200": {"description": "ok"}, "default": ERROR}
API = {"$ref": "#/parameters/ApiVersion"}


def _q(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "type": kind, "required": False, **extra}


def _h(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "header", "type": kind, "required": False, **extra}


def _get(operation_id: str, parameters: list[Any], **extra: Any) -> dict[str, Any]:
    return {"operationId": operation_id, "parameters": [API, *parameters], "responses": OK, **extra}


COLOR = {
    "type": "string",
    "enum": ["Red", "Blue"],
    "x-ms-enum": {"name": "Color", "modelAsString": False},
}
SHADE = {
    "type": "string",
    "enum": ["Light", "Dark"],
    "x-ms-enum": {"name": "Shade", "modelAsString": True},
}
WIDGET = {"$ref": "#/definitions/Widget"}
PAGE = {"$ref": "#/definitions/WidgetPage"}
PATH = "/params/path/{intPath}/{boolPath}/{datePath}/{colorPath}/{listPath}/{rawPath}/{fixedPath}"


def spec() -> dict[str, Any]:
    paths: dict[str, Any] = {
        PATH: {
            "get": _get(
                "Params_Path",
                [
                    {"name": "intPath", "in": "path", "required": True, "type": "integer"},
                    {"name": "boolPath", "in": "path", "required": True, "type": "boolean"},
                    {
                        "name": "datePath",
                        "in": "path",
                        "required": True,
                        "type": "string",
                        "format": "date",
                    },
                    {"name": "colorPath", "in": "path", "required": True, **COLOR},
                    {
                        "name": "listPath",
                        "in": "path",
                        "required": True,
                        "type": "array",
                        "items": {"type": "string"},
                        "collectionFormat": "csv",
                    },
                    {
                        "name": "rawPath",
                        "in": "path",
                        "required": True,
                        "type": "string",
                        "x-ms-skip-url-encoding": True,
                    },
                    {
                        "name": "fixedPath",
                        "in": "path",
                        "required": True,
                        "type": "string",
                        "enum": [""],
                    },
                ],
            )
        },
        "/params/query": {
            "get": _get(
                "Params_Query",
                [
                    _q("int", "integer", format="int32"),
                    _q("long", "integer", format="int64"),
                    _q("flag", "boolean"),
                    _q("number", "number", format="double"),
                    _q("color", "string", **{k: v for k, v in COLOR.items() if k != "type"}),
                    _q("shade", "string", **{k: v for k, v in SHADE.items() if k != "type"}),
                    _q("when", "string", format="date-time"),
                    _q("day", "string", format="date"),
                    _q("span", "string", format="duration"),
                    _q("blob", "string", format="byte"),
                    _q("csv", "array", items={"type": "string"}, collectionFormat="csv"),
                    _q("ssv", "array", items={"type": "string"}, collectionFormat="ssv"),
                    _q("tsv", "array", items={"type": "string"}, collectionFormat="tsv"),
                    _q("pipes", "array", items={"type": "integer"}, collectionFormat="pipes"),
                    _q("multi", "array", items={"type": "string"}, collectionFormat="multi"),
                    _q("colors", "array", items=COLOR, collectionFormat="csv"),
                    _q("$filter", "string", **{"x-ms-client-name": "filterExpression"}),
                    _q("raw", "string", **{"x-ms-skip-url-encoding": True}),
                    _q("top", "integer", default=30),
                    _q("url", "string"),
                    {
                        "name": "mode",
                        "in": "query",
                        "required": True,
                        "type": "string",
                        "enum": ["strict"],
                    },
                    {
                        "name": "on",
                        "in": "query",
                        "required": True,
                        "type": "boolean",
                        "enum": [True],
                    },
                ],
            )
        },
        "/params/header": {
            "get": _get(
                "Params_Header",
                [
                    _h("x-int", "integer"),
                    _h("x-flag", "boolean"),
                    _h("x-when", "string", format="date-time-rfc1123"),
                    _h("x-span", "string", format="duration"),
                    _h("x-blob", "string", format="byte"),
                    _h("x-color", "string", **{k: v for k, v in COLOR.items() if k != "type"}),
                    _h("x-list", "array", items={"type": "string"}, collectionFormat="csv"),
                    {
                        "name": "x-ms-meta",
                        "in": "header",
                        "required": False,
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "x-ms-header-collection-prefix": "x-ms-meta-",
                    },
                ],
            )
        },
        "/params/grouped/{name}": {
            "post": _get(
                "Params_Grouped",
                [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "type": "string",
                        "x-ms-parameter-grouping": {},
                    },
                    _h("x-trace", "string", **{"x-ms-parameter-grouping": {}}),
                    _q("top", "integer", default=10, **{"x-ms-parameter-grouping": {}}),
                    _q(
                        "skip", "integer", **{"x-ms-parameter-grouping": {"name": "paging-options"}}
                    ),
                    # A keyword member, and a postfix that is a dashed name of its own.
                    _q("from", "string", **{"x-ms-parameter-grouping": {}}),
                    _q(
                        "depth", "integer", **{"x-ms-parameter-grouping": {"postfix": "depth-opts"}}
                    ),
                ],
            )
        },
        "/params/local": {
            "get": {
                "operationId": "Params_LocalVersion",
                "parameters": [
                    # x-ms-api-version false: the method's own, not sent when None.
                    {
                        "name": "api-version",
                        "in": "query",
                        "type": "string",
                        "x-ms-api-version": False,
                    },
                    {
                        "name": "fixed",
                        "in": "query",
                        "required": True,
                        "type": "string",
                        "enum": ["a&b=c"],
                        "x-ms-skip-url-encoding": True,
                    },
                ],
                "responses": OK,
            }
        },
        "/params/location": {
            "get": _get(
                "Params_Location",
                [
                    {"$ref": "#/parameters/ClientQuery"},
                    {"$ref": "#/parameters/MethodQuery"},
                    {"$ref": "#/parameters/CloudHeader"},
                ],
            )
        },
        "/bodies/list": {
            "put": {
                "operationId": "Bodies_PutList",
                "parameters": [
                    API,
                    {
                        "name": "widgets",
                        "in": "body",
                        "required": True,
                        "schema": {"type": "array", "items": WIDGET},
                    },
                ],
                "responses": {
                    "200": {"description": "ok", "schema": {"type": "array", "items": WIDGET}},
                    "default": ERROR,
                },
            }
        },
        "/bodies/int": {
            "put": {
                "operationId": "Bodies_PutInt",
                "parameters": [
                    API,
                    {
                        "name": "value",
                        "in": "body",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                ],
                "responses": {
                    "200": {"description": "ok", "schema": {"type": "integer"}},
                    "default": ERROR,
                },
            }
        },
        "/bodies/dates": {
            "get": {
                "operationId": "Bodies_GetDates",
                "parameters": [API],
                "responses": {
                    "200": {
                        "description": "ok",
                        "schema": {
                            "type": "object",
                            "additionalProperties": {"type": "string", "format": "date-time"},
                        },
                    },
                    "default": ERROR,
                },
            }
        },
        "/bodies/optional": {
            "post": {
                "operationId": "Bodies_Optional",
                "parameters": [
                    API,
                    {"name": "widget", "in": "body", "required": False, "schema": WIDGET},
                ],
                "responses": {"200": {"description": "ok", "schema": WIDGET}, "default": ERROR},
            }
        },
        "/bodies/binary": {
            "get": {
                "operationId": "Bodies_Download",
                "produces": ["application/octet-stream"],
                "parameters": [API],
                "responses": {
                    "200": {"description": "ok", "schema": {"type": "file"}},
                    "default": ERROR,
                },
            },
            "put": {
                "operationId": "Bodies_Upload",
                "consumes": ["application/octet-stream"],
                "parameters": [
                    API,
                    {
                        "name": "content",
                        "in": "body",
                        "required": True,
                        "schema": {"type": "string", "format": "binary"},
                    },
                ],
                "responses": {"204": {"description": "stored"}, "default": ERROR},
            },
        },
        "/bodies/several": {
            "get": {
                "operationId": "Bodies_Several",
                "parameters": [API],
                "responses": {
                    "200": {"description": "a widget", "schema": WIDGET},
                    "201": {
                        "description": "a sprocket",
                        "schema": {"$ref": "#/definitions/Sprocket"},
                    },
                    "204": {"description": "nothing"},
                    "default": ERROR,
                },
            }
        },
        "/forms/upload": {
            "post": {
                "operationId": "Forms_Upload",
                "consumes": ["multipart/form-data"],
                "parameters": [
                    API,
                    {"name": "content", "in": "formData", "required": True, "type": "file"},
                    {"name": "fileName", "in": "formData", "required": False, "type": "string"},
                ],
                "responses": {"204": {"description": "stored"}, "default": ERROR},
            }
        },
        "/forms/token": {
            "post": {
                "operationId": "Forms_Token",
                "consumes": ["application/x-www-form-urlencoded"],
                "parameters": [
                    API,
                    {
                        "name": "grant_type",
                        "in": "formData",
                        "required": True,
                        "type": "string",
                        "enum": ["refresh_token"],
                    },
                    {"name": "scope", "in": "formData", "required": True, "type": "string"},
                    {"name": "ttl", "in": "formData", "required": False, "type": "integer"},
                ],
                "responses": {"204": {"description": "done"}, "default": ERROR},
            }
        },
        "/bodies/default": {
            "get": {
                "operationId": "Bodies_OnlyDefault",
                "parameters": [API],
                "responses": {"default": ERROR},
            }
        },
        "/bodies/either": {
            "get": {
                "operationId": "Bodies_Either",
                "parameters": [API],
                "responses": {
                    "200": {"description": "a widget", "schema": WIDGET},
                    "201": {
                        "description": "a sprocket",
                        "schema": {"$ref": "#/definitions/Sprocket"},
                    },
                    "default": ERROR,
                },
            }
        },
        "/bodies/exists": {
            "head": {
                "operationId": "Bodies_Exists",
                "parameters": [API],
                "responses": {
                    "204": {"description": "there"},
                    "404": {"description": "not there"},
                    "default": ERROR,
                },
            }
        },
        "/cross": {
            "put": {
                "operationId": "Cross_Put",
                "parameters": [
                    API,
                    {
                        "name": "gadget",
                        "in": "body",
                        "required": True,
                        "schema": {"$ref": "./other.json#/definitions/Gadget"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "schema": {"$ref": "./other.json#/definitions/Gadget"},
                    },
                    "default": ERROR,
                },
            }
        },
        "/pages/single": {
            "get": _get(
                "Pages_Single",
                [],
                **{
                    "x-ms-pageable": {"nextLinkName": None, "itemName": "values"},
                    "responses": {"200": {"description": "ok", "schema": PAGE}, "default": ERROR},
                },
            ),
        },
        "/pages/linked": {
            "get": _get(
                "Pages_Linked",
                [],
                **{
                    "x-ms-pageable": {"nextLinkName": "nextLink", "itemName": "values"},
                    "responses": {"200": {"description": "ok", "schema": PAGE}, "default": ERROR},
                },
            ),
        },
        "/pages/search": {
            "post": {
                "operationId": "Pages_Search",
                "parameters": [
                    API,
                    {"name": "query", "in": "body", "required": True, "schema": WIDGET},
                ],
                "x-ms-pageable": {"nextLinkName": "nextLink", "itemName": "values"},
                "responses": {"200": {"description": "ok", "schema": PAGE}, "default": ERROR},
            }
        },
        "/headers/read": {
            "get": {
                "operationId": "Headers_Read",
                "parameters": [API],
                "responses": {
                    "200": {
                        "description": "ok",
                        "schema": WIDGET,
                        "headers": {
                            "count": {"type": "integer"},
                            "when": {"type": "string", "format": "date-time-rfc1123"},
                            "color": COLOR,
                            "ETag": {"type": "string"},
                        },
                    },
                    "default": ERROR,
                },
            }
        },
        "/headers/touch": {
            "post": {
                "operationId": "Headers_Touch",
                "parameters": [API],
                "responses": {
                    "204": {
                        "description": "ok",
                        "headers": {"span": {"type": "string", "format": "duration"}},
                    },
                    "default": ERROR,
                },
            }
        },
        "/pages/filtered": {
            "get": {
                "operationId": "Pages_Filtered",
                "parameters": [
                    API,
                    {"name": "filter", "in": "body", "required": True, "schema": WIDGET},
                ],
                "x-ms-pageable": {"nextLinkName": "nextLink", "itemName": "values"},
                "responses": {"200": {"description": "ok", "schema": PAGE}, "default": ERROR},
            }
        },
        "/pages/tenants/{tenant}": {
            "get": {
                "operationId": "Pages_Fragment",
                "parameters": [
                    API,
                    {"name": "tenant", "in": "path", "required": True, "type": "string"},
                ],
                "x-ms-pageable": {
                    "nextLinkName": "nextLink",
                    "itemName": "values",
                    "operationName": "Pages_FragmentNext",
                },
                "responses": {"200": {"description": "ok", "schema": PAGE}, "default": ERROR},
            }
        },
        "/pages/tenants/{tenant}/{nextLink}": {
            "get": {
                "operationId": "Pages_FragmentNext",
                "parameters": [
                    API,
                    {"name": "tenant", "in": "path", "required": True, "type": "string"},
                    {
                        "name": "nextLink",
                        "in": "path",
                        "required": True,
                        "type": "string",
                        "x-ms-skip-url-encoding": True,
                    },
                ],
                "x-ms-pageable": {
                    "nextLinkName": "nextLink",
                    "itemName": "values",
                    "operationName": "Pages_FragmentNext",
                },
                "responses": {"200": {"description": "ok", "schema": PAGE}, "default": ERROR},
            }
        },
        "/pages/lro": {
            "post": {
                "operationId": "Pages_Lro",
                "parameters": [API],
                "x-ms-long-running-operation": True,
                "x-ms-pageable": {"nextLinkName": "nextLink", "itemName": "values"},
                "responses": {
                    "200": {"description": "ok", "schema": PAGE},
                    "202": {"description": "accepted"},
                    "default": ERROR,
                },
            }
        },
    }
    return {
        "swagger": "2.0",
        "info": {"title": "OpsClient", "version": API_VERSION},
        "paths": paths,
        "x-ms-paths": {
            "/things?kind=round": {"get": _get("Things_ListRound", [])},
            "/things?kind=square": {"get": _get("Things_ListSquare", [])},
            # Another spelling of the same group name.
            "/things?count": {"get": _get("things_Count", [])},
            # A dashed group name: its words survive into the client attribute.
            "/things?dashed": {"get": _get("x-ms-dashed-group_Get", [])},
            # No group in the operationId: a method of the client itself.
            "/ungrouped": {"get": _get("getUngrouped", [])},
        },
        "parameters": {
            "ApiVersion": {
                "name": "api-version",
                "in": "query",
                "required": True,
                "type": "string",
            },
            "ClientQuery": {"name": "region", "in": "query", "required": True, "type": "string"},
            # Named like the client's own cloud= option.
            "CloudHeader": {"name": "cloud", "in": "header", "required": False, "type": "string"},
            "MethodQuery": {
                "name": "zone",
                "in": "query",
                "required": True,
                "type": "string",
                "x-ms-parameter-location": "method",
            },
        },
        "definitions": {
            "Error": {"properties": {"code": {"type": "string"}, "message": {"type": "string"}}},
            "Widget": {"properties": {"name": {"type": "string"}, "color": COLOR}},
            "Sprocket": {"properties": {"teeth": {"type": "integer"}}},
            "WidgetPage": {
                "properties": {
                    "values": {"type": "array", "items": WIDGET},
                    "nextLink": {"type": "string"},
                }
            },
        },
    }


OTHER = {
    "swagger": "2.0",
    "info": {"title": "Other", "version": API_VERSION},
    "paths": {},
    "definitions": {"Gadget": {"properties": {"size": {"type": "integer"}}}},
}

CONFIG = """
client_name: OpsClient
entry: ops.json
operations: ["*"]
"""


def write_spec(root: Path, description: dict[str, Any] | None = None) -> Path:
    folder = root / "spec" / API_VERSION
    folder.mkdir(parents=True)
    (folder / "ops.json").write_text(json.dumps(description or spec(), indent=2))
    (folder / "other.json").write_text(json.dumps(OTHER, indent=2))
    (root / "spec" / "codegen.yaml").write_text(CONFIG)
    return root / "spec"


HOST_SPEC = {
    "swagger": "2.0",
    "info": {"title": "HostClient", "version": API_VERSION},
    "x-ms-parameterized-host": {
        "hostTemplate": "{accountName}.{suffix}",
        "useSchemePrefix": True,
        "positionInOperation": "first",
        "parameters": [
            {
                "name": "accountName",
                "in": "path",
                "required": True,
                "type": "string",
                "x-ms-skip-url-encoding": True,
                "x-ms-parameter-location": "method",
            },
            {"$ref": "#/parameters/Suffix"},
        ],
    },
    "paths": {
        "/items/{item}": {
            "get": {
                "operationId": "Items_Get",
                "parameters": [{"name": "item", "in": "path", "required": True, "type": "string"}],
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/items/{item}/rebuild": {
            "put": {
                "operationId": "Items_Rebuild",
                "x-ms-long-running-operation": True,
                "parameters": [
                    {"name": "item", "in": "path", "required": True, "type": "string"},
                    {"$ref": "#/parameters/Regions"},
                ],
                "responses": {
                    "200": {"description": "ok", "schema": {"$ref": "#/definitions/Rebuilt"}},
                    "202": {"description": "accepted"},
                },
            }
        },
        "/items": {
            "get": {
                "operationId": "Items_List",
                "parameters": [],
                "x-ms-pageable": {"nextLinkName": "nextLink"},
                "responses": {
                    "200": {"description": "ok", "schema": {"$ref": "#/definitions/ItemPage"}}
                },
            }
        },
    },
    "definitions": {
        "Rebuilt": {"properties": {"item": {"type": "string"}}},
        "ItemPage": {
            "properties": {
                "value": {"type": "array", "items": {"type": "string"}},
                "nextLink": {"type": "string"},
            }
        },
    },
    "parameters": {
        "Suffix": {
            "name": "suffix",
            "in": "path",
            "required": True,
            "type": "string",
            "default": "example.test",
            "x-ms-skip-url-encoding": True,
        },
        # A client-level array: given once to the client, sent with every operation using it.
        "Regions": {
            "name": "regions",
            "in": "query",
            "required": False,
            "type": "array",
            "items": {"type": "string"},
            "collectionFormat": "csv",
        },
    },
}


def write_host_spec(root: Path) -> Path:
    folder = root / "spec" / API_VERSION
    folder.mkdir(parents=True)
    (folder / "host.json").write_text(json.dumps(HOST_SPEC, indent=2))
    (root / "spec" / "codegen.yaml").write_text(
        "client_name: HostClient\nentry: host.json\noperations: ['*']\n"
    )
    return root / "spec"
