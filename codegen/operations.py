"""Swagger 2.0 ``paths`` -> IR operations: parameters, responses, LRO and paging metadata."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import naming
from .config import GeneratorConfig
from .ir import LongRunning, Operation, OperationGroup, Paging, Parameter, TypeRef
from .load import Located, SpecError, SpecSet
from .normalize import Normalizer

HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head")

# Keyword arguments every generated operation accepts; spec parameters must not shadow them.
RESERVED_KEYWORDS = frozenset(
    {"polling", "polling_interval", "continuation_token", "headers", "timeout", "client_request_id"}
)


def build_operations(
    spec: SpecSet, normalizer: Normalizer, config: GeneratorConfig
) -> tuple[OperationGroup, ...]:
    paths = spec.entry_document.get("paths") or {}
    by_group: dict[str, list[Operation]] = {}
    seen_ids: set[str] = set()
    for path, item, method, raw in _iter_operations(paths):
        operation_id = raw.get("operationId")
        if not isinstance(operation_id, str) or not operation_id:
            raise SpecError(f"{spec.entry}#/paths/{path}/{method}: operationId is missing")
        if not config.selects(operation_id):
            continue
        if operation_id in seen_ids:
            raise SpecError(f"{spec.entry}: duplicate operationId {operation_id}")
        seen_ids.add(operation_id)
        pointer = f"/paths/{_escape(path)}/{method}"
        group, operation = _operation(spec, normalizer, path, item, method, raw, pointer)
        by_group.setdefault(group, []).append(operation)
    if not by_group:
        raise SpecError(f"{spec.entry}: no operation matches {', '.join(config.operations)}")
    groups = []
    for group, operations in sorted(by_group.items()):
        operations.sort(key=lambda op: op.method_name)
        names = [op.method_name for op in operations]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise SpecError(f"operation group {group}: duplicate method names {duplicates}")
        groups.append(
            OperationGroup(
                class_name=naming.class_name(group) + "Operations",
                attribute=naming.python_identifier(group),
                operations=tuple(operations),
            )
        )
    return tuple(groups)


def _iter_operations(
    paths: dict[str, Any],
) -> Iterator[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    for path in sorted(paths):
        item = paths[path]
        for method in HTTP_METHODS:
            raw = item.get(method)
            if isinstance(raw, dict):
                yield path, item, method, raw


def _operation(
    spec: SpecSet,
    normalizer: Normalizer,
    path: str,
    item: dict[str, Any],
    method: str,
    raw: dict[str, Any],
    pointer: str,
) -> tuple[str, Operation]:
    operation_id: str = raw["operationId"]
    group, _, verb = operation_id.rpartition("_")
    if not group:
        group, verb = spec.entry_document.get("info", {}).get("title", "Client"), operation_id
    parameters = list(_parameters(spec, normalizer, item, raw, pointer))
    body = next((p for p in parameters if p.location == "body"), None)
    success, result = _responses(spec, normalizer, raw, pointer)
    long_running = None
    if raw.get("x-ms-long-running-operation"):
        options = raw.get("x-ms-long-running-operation-options") or {}
        long_running = LongRunning(final_state_via=options.get("final-state-via"))
    paging = _paging(raw, result, normalizer, pointer, spec)
    method_name = naming.python_identifier(verb)
    if long_running is not None:
        method_name = f"begin_{method_name}"
    _check_path_template(path, parameters, f"{spec.entry}#{pointer}")
    return group, Operation(
        operation_id=operation_id,
        method_name=method_name,
        http_method=method.upper(),
        path=path,
        description=_text(raw.get("description") or raw.get("summary")),
        path_parameters=tuple(p for p in parameters if p.location == "path"),
        query_parameters=tuple(p for p in parameters if p.location == "query"),
        header_parameters=tuple(p for p in parameters if p.location == "header"),
        body=body,
        success_statuses=success,
        result=result,
        long_running=long_running,
        paging=paging,
    )


def _parameters(
    spec: SpecSet, normalizer: Normalizer, item: dict[str, Any], raw: dict[str, Any], pointer: str
) -> Iterator[Parameter]:
    merged: dict[tuple[str, str], Parameter] = {}
    sources = (
        (item.get("parameters") or [], pointer.rsplit("/", 1)[0] + "/parameters"),
        (raw.get("parameters") or [], pointer + "/parameters"),
    )
    for entries, base in sources:
        for index, entry in enumerate(entries):
            located = spec.deref(entry, spec.entry, f"{base}/{index}")
            parameter = _parameter(
                normalizer, located, via_ref=isinstance(entry, dict) and "$ref" in entry
            )
            merged[(parameter.wire_name, parameter.location)] = parameter
    names = [p.python_name for p in merged.values() if not p.client_level]
    for name in names:
        if names.count(name) > 1:
            raise SpecError(f"{spec.entry}#{pointer}: two parameters map to {name}")
    yield from merged.values()


def _parameter(normalizer: Normalizer, located: Located, *, via_ref: bool) -> Parameter:
    node = located.value
    if not isinstance(node, dict) or "name" not in node or "in" not in node:
        raise SpecError(f"{located.where}: a parameter needs 'name' and 'in'")
    wire_name = str(node["name"])
    location = node["in"]
    if location not in ("path", "query", "header", "body"):
        raise SpecError(f"{located.where}: parameters in {location!r} are not supported")
    declared = node.get("x-ms-parameter-location")
    client_level = (
        declared == "client"
        or (declared is None and via_ref and located.pointer.startswith("/parameters/"))
        or wire_name == "api-version"
    )
    if location == "body":
        schema = Located(located.document, located.pointer + "/schema", node.get("schema", {}))
        type_ref = normalizer.type_for_schema_node(schema)
    else:
        type_ref = normalizer.type_for_schema_node(located)
    python_name = naming.python_identifier(str(node.get("x-ms-client-name") or wire_name))
    if python_name in RESERVED_KEYWORDS:
        python_name = f"{python_name}_parameter"
    constant = None
    enum = node.get("enum")
    x_ms_enum = node.get("x-ms-enum") or {}
    if (
        node.get("required")
        and isinstance(enum, list)
        and len(enum) == 1
        and not x_ms_enum.get("modelAsString", False)
    ):
        constant = str(enum[0])
    return Parameter(
        python_name=python_name,
        wire_name=wire_name,
        location=location,
        required=bool(node.get("required")) or location == "path",
        type=type_ref,
        description=_text(node.get("description")),
        client_level=client_level,
        constant=constant,
    )


def _responses(
    spec: SpecSet, normalizer: Normalizer, raw: dict[str, Any], pointer: str
) -> tuple[tuple[int, ...], TypeRef | None]:
    responses = raw.get("responses") or {}
    statuses: list[int] = []
    result: TypeRef | None = None
    for code in sorted(k for k in responses if k != "default"):
        if not code.isdigit():
            raise SpecError(f"{spec.entry}#{pointer}/responses: unsupported status {code!r}")
        status = int(code)
        if status >= 400:
            continue
        statuses.append(status)
        response = spec.deref(responses[code], spec.entry, f"{pointer}/responses/{code}")
        schema = response.value.get("schema") if isinstance(response.value, dict) else None
        if schema is None:
            continue
        type_ref = normalizer.type_for_schema_node(
            Located(response.document, response.pointer + "/schema", schema)
        )
        if result is not None and result != type_ref:
            raise SpecError(f"{spec.entry}#{pointer}: success responses disagree on their schema")
        result = type_ref
    if not statuses:
        raise SpecError(f"{spec.entry}#{pointer}: no success response")
    return tuple(statuses), result


def _paging(
    raw: dict[str, Any],
    result: TypeRef | None,
    normalizer: Normalizer,
    pointer: str,
    spec: SpecSet,
) -> Paging | None:
    pageable = raw.get("x-ms-pageable")
    if pageable is None:
        return None
    items_key = pageable.get("itemName") or "value"
    next_link_key = pageable.get("nextLinkName")
    if result is None or result.kind != "model":
        raise SpecError(f"{spec.entry}#{pointer}: a pageable operation must return a model")
    for ref, schema in normalizer.schemas.items():
        if not schema.is_enum and normalizer.model_name_for(ref) == result.name:
            items = next((f for f in normalizer.fields_of(ref) if f.wire_name == items_key), None)
            if items is None or items.type.kind != "list" or items.type.item is None:
                raise SpecError(f"{ref}: pageable result has no list field {items_key!r}")
            return Paging(
                item_type=items.type.item, items_key=items_key, next_link_key=next_link_key
            )
    raise SpecError(f"{spec.entry}#{pointer}: pageable result {result.name} not found")


def _check_path_template(path: str, parameters: list[Parameter], where: str) -> None:
    placeholders = set(re.findall(r"{([^}]+)}", path))
    declared = {p.wire_name for p in parameters if p.location == "path"}
    if placeholders != declared:
        raise SpecError(
            f"{where}: path placeholders {sorted(placeholders)} do not match "
            f"path parameters {sorted(declared)}"
        )


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""
