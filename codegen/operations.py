"""Swagger 2.0 ``paths`` -> IR operations: parameters, responses, LRO and paging metadata."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from . import naming
from .config import GeneratorConfig
from .ir import (
    LongRunning,
    Operation,
    OperationGroup,
    Paging,
    Parameter,
    ParameterGroup,
    ResponseHeader,
    TypeRef,
    is_xml,
    media_kind,
)
from .load import Located, SpecError, SpecSet
from .normalize import Normalizer

HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head")

# Keyword arguments every generated operation accepts and the names its body assigns; spec
# parameters must not shadow them.
RESERVED_KEYWORDS = frozenset(
    {
        "polling",
        "polling_interval",
        "continuation_token",
        "deadline",
        "headers",
        "timeout",
        "client_request_id",
        "retry_policy",
        "url",
        "options",
        "request_options",
        "response",
        "link",
    }
)


def build_operations(
    spec: SpecSet, normalizer: Normalizer, config: GeneratorConfig
) -> tuple[OperationGroup, ...]:
    by_group: dict[str, list[Operation]] = {}
    # The attribute is named from the operationId's own spelling: the class name loses word
    # boundaries ("x-ms-client-request-id" -> XMsClientRequestId would read as "xms").
    spellings: dict[str, set[str]] = {}
    ungrouped: set[str] = set()  # operationIds without a group: methods of the client itself
    seen_ids: set[str] = set()
    all_ids = {
        str(raw.get("operationId")): (section, path, method)
        for section in ("paths", "x-ms-paths")
        for path, _, method, raw in _iter_operations(spec.entry_document.get(section) or {})
    }
    for section in ("paths", "x-ms-paths"):
        for path, item, method, raw in _iter_operations(spec.entry_document.get(section) or {}):
            operation_id = raw.get("operationId")
            if not isinstance(operation_id, str) or not operation_id:
                raise SpecError(f"{spec.entry}#/{section}/{path}/{method}: operationId is missing")
            if not config.selects(operation_id):
                continue
            if operation_id in seen_ids:
                raise SpecError(f"{spec.entry}: duplicate operationId {operation_id}")
            seen_ids.add(operation_id)
            pointer = f"/{section}/{_escape(path)}/{method}"
            group, operation = _operation(
                spec, normalizer, path, item, method, raw, pointer, all_ids
            )
            operation = _with_failure_summary(operation, config)
            if operation.paging and operation.paging.next_operation_id:
                section, next_path, next_method = all_ids[operation.paging.next_operation_id]
                next_item = spec.entry_document[section][next_path]
                _, next_operation = _operation(
                    spec,
                    normalizer,
                    next_path,
                    next_item,
                    next_method,
                    next_item[next_method],
                    f"/{section}/{_escape(next_path)}/{next_method}",
                    all_ids,
                )
                _check_next_operation(operation, next_operation, f"{spec.entry}#{pointer}")
                paging = replace(operation.paging, next_operation=next_operation)
                operation = replace(operation, paging=paging)
            by_group.setdefault(group, []).append(operation)
            spellings.setdefault(group, set()).add(_group_spelling(spec, operation_id))
            if "_" not in operation_id:
                ungrouped.add(group)
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
                attribute=min(naming.python_identifier(text) for text in spellings[group]),
                operations=tuple(operations),
                client_methods=group in ungrouped,
            )
        )
    return tuple(groups)


def _check_next_operation(operation: Operation, next_operation: Operation, where: str) -> None:
    """The next page's request is built from this operation's arguments and the link alone."""
    problem = ""
    if next_operation.body is not None and next_operation.body.required:
        problem = "needs a request body"
    available = {
        p.python_name
        for p in (
            *operation.host_parameters,
            *operation.path_parameters,
            *operation.query_parameters,
            *operation.header_parameters,
        )
    }
    for p in (
        *next_operation.host_parameters,
        *next_operation.path_parameters,
        *next_operation.query_parameters,
        *next_operation.header_parameters,
    ):
        is_link = p.python_name in ("next_link", "nextlink") or p.wire_name == "nextLink"
        needed = p.required and p.constant is None and not p.client_level
        if needed and not is_link and p.python_name not in available:
            problem = f"needs {p.python_name}, which this operation does not take"
    if problem:
        raise SpecError(
            f"{where}/x-ms-pageable/operationName: the next-page operation "
            f"{next_operation.operation_id} {problem}"
        )


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
    all_ids: dict[str, tuple[str, str, str]],
) -> tuple[str, Operation]:
    operation_id: str = raw["operationId"]
    group, verb = _group_and_verb(spec, operation_id)
    host_template, host_parameters = _host(spec, normalizer)
    parameters = list(_parameters(spec, normalizer, item, raw, pointer))
    body = next((p for p in parameters if p.location == "body"), None)
    consumes = _media_types(raw, spec, "consumes")
    produces = _media_types(raw, spec, "produces")
    content_types: tuple[str, ...] = ()
    default_content_type = ""
    if body is not None:
        body, content_types, default_content_type = _body_media(body, consumes)
        parameters = [body if p.location == "body" else p for p in parameters]
    body_fields = _body_fields(body, parameters, normalizer)
    if body_fields:
        parameters = [p for p in parameters if p is not body] + list(body_fields)
    http_method = method.upper()
    success, status_results = _responses(spec, normalizer, raw, pointer, http_method)
    results = [t for _, t in status_results if t is not None]
    result = results[0] if results else None
    long_running = None
    if raw.get("x-ms-long-running-operation"):
        options = raw.get("x-ms-long-running-operation-options") or {}
        long_running = LongRunning(final_state_via=options.get("final-state-via"))
        sent = body.type if body is not None else None
        result = _lro_result(spec, normalizer, options, status_results, pointer, sent) or result
    if raw.get("x-ms-pageable") is not None and long_running is None and len(set(results)) > 1:
        # Commerce's UsageAggregates: 200 a page, 202 an error object. AutoRest pages with the
        # 200 answer's schema; disagreeing without a 200 stays an error below.
        page = next((t for s, t in status_results if s == 200 and t is not None), None)
        if page is not None:
            result, results = page, [page]
    paging = _paging(raw, result, normalizer, pointer, spec, all_ids)
    method_name = naming.python_identifier(verb)
    if long_running is not None:
        method_name = f"begin_{method_name}"
    _check_path_template(path, parameters, f"{spec.entry}#{pointer}")
    if len(set(results)) > 1 and paging and not long_running:
        raise SpecError(f"{spec.entry}#{pointer}: success responses disagree on their schema")
    # A long-running operation's result is its final one: one type (see _lro_result).
    uniform = bool(long_running) or (
        len(set(results)) <= 1 and (len(results) == len(status_results) or not results or paging)
    )
    groups = _groups(operation_id, parameters, f"{spec.entry}#{pointer}")
    form = tuple(p for p in parameters if p.location == "formData")
    form_content_type = ""
    if form:
        consumes = raw.get("consumes") or spec.entry_document.get("consumes") or []
        form_content_type = (
            next(
                (
                    c
                    for c in consumes
                    if c in ("multipart/form-data", "application/x-www-form-urlencoded")
                ),
                "multipart/form-data" if any(p.type.kind == "bytes" for p in form) else "",
            )
            or "application/x-www-form-urlencoded"
        )
        if body is not None:
            raise SpecError(f"{spec.entry}#{pointer}: a body and formData parameters together")
    _refuse_xml_models(f"{spec.entry}#{pointer}", consumes, produces, body, result)
    produced = {media_kind(m) for m in produces}
    accept = produces[0] if produces and "json" not in produced else ""
    text_result = produced == {"text"} and result is not None and result.kind == "str"
    return group, Operation(
        operation_id=operation_id,
        method_name=method_name,
        http_method=http_method,
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
        status_results=() if uniform else status_results,
        returns_exists=http_method == "HEAD" and not results,
        host_template=host_template,
        host_parameters=host_parameters,
        host_first=(spec.entry_document.get("x-ms-parameterized-host") or {}).get(
            "positionInOperation"
        )
        == "first",
        groups=groups,
        form_parameters=form,
        form_content_type=form_content_type,
        response_headers=_response_headers(spec, normalizer, raw, pointer, success),
        body_fields=body_fields,
        content_types=content_types,
        default_content_type=default_content_type,
        binary_content_type=next(
            (m for m in content_types if media_kind(m) == "binary"), default_content_type
        ),
        accept=accept,
        text_result=text_result,
    )


_AS_IS = ("str", "bytes")  # what an XML body or answer can be without an XML codec


def _refuse_xml_models(
    where: str,
    consumes: list[str],
    produces: list[str],
    body: Parameter | None,
    result: TypeRef | None,
) -> None:
    """XML only (no JSON media type offered): a str or bytes body or result goes as it is
    (PolicyInsights' metadata document, Web's publishing profile); a model or other JSON
    value would need an XML codec, which this generator does not have: a located error at
    generation time rather than JSON sent or read under an XML media type."""
    xml_only_in = bool(consumes) and all(is_xml(m) for m in consumes)
    if xml_only_in and body is not None and body.type.kind not in _AS_IS:
        raise SpecError(
            f"{where}: the body ({body.type.annotation}) is sent only as XML ({consumes[0]}); "
            "XML bodies of models are not supported (a str or file body is)"
        )
    xml_only_out = bool(produces) and all(is_xml(m) for m in produces)
    if xml_only_out and result is not None and result.kind not in _AS_IS:
        raise SpecError(
            f"{where}: the answer ({result.annotation}) is XML only ({produces[0]}); "
            "XML answers of models are not supported (a string or file answer is)"
        )


def _media_types(raw: dict[str, Any], spec: SpecSet, key: str) -> list[str]:
    """The operation's consumes or produces, else the document's."""
    found = raw.get(key) or spec.entry_document.get(key) or []
    return [str(m) for m in found if isinstance(m, str)]


def _body_media(body: Parameter, consumes: list[str]) -> tuple[Parameter, tuple[str, ...], str]:
    """How the body is sent, from consumes: one kind of media type (JSON, text or binary) is
    sent as that kind with its type; several kinds let the caller choose (``content_type=``),
    as AutoRest does. A ``format: binary`` body under JSON-only consumes (a document-wide
    default) stays application/octet-stream."""
    kinds = {media_kind(m) for m in consumes}
    if len(kinds) > 1:
        default = "application/json" if "application/json" in consumes else consumes[0]
        return replace(body, content_type=""), tuple(consumes), default
    if not consumes or (body.content_type and kinds == {"json"}):
        return body, (), ""
    kind, first = kinds.pop(), consumes[0]
    if kind == "json":
        chosen = "application/json" if "application/json" in consumes else first
        return replace(body, content_type="" if chosen == "application/json" else chosen), (), ""
    if (kind == "text" and body.type.kind in ("str", "bytes")) or (
        kind == "binary" and body.type.kind == "bytes"
    ):
        return replace(body, content_type=first), (), ""
    # A model or JSON value under a text or binary media type: sent as JSON, as before.
    return body, (), ""


def _lro_result(
    spec: SpecSet,
    normalizer: Normalizer,
    options: dict[str, Any],
    status_results: tuple[tuple[int, TypeRef | None], ...],
    pointer: str,
    sent: TypeRef | None = None,
) -> TypeRef | None:
    """The type of a long-running operation's final result, as AutoRest picks it: the
    ``final-state-schema`` of x-ms-long-running-operation-options when given (TypeSpec emits
    it); else, when the success responses disagree (ManagementGroups: 200 the group, 202 an
    operation status), the 200 response's. Without a 200 (AutoRest gives up there), the
    answer with the schema of the request body (a PUT of a resource answers with the
    resource; its final GET too), else the 201 answer's (what was created); only when none
    of these decides is it an error."""
    where = f"{spec.entry}#{pointer}"
    final_schema = options.get("final-state-schema")
    if final_schema is not None:
        if not isinstance(final_schema, str):
            raise SpecError(
                f"{where}/x-ms-long-running-operation-options: "
                "final-state-schema must be a $ref string"
            )
        located = Located(
            spec.entry,
            pointer + "/x-ms-long-running-operation-options/final-state-schema",
            {"$ref": final_schema},
        )
        return normalizer.type_for_schema_node(located)
    distinct = {t for _, t in status_results if t is not None}
    if len(distinct) <= 1:
        return None
    by_status = {status: t for status, t in status_results if t is not None}
    if 200 in by_status:
        return by_status[200]
    if sent is not None and sent in distinct:
        return sent
    if 201 in by_status:
        return by_status[201]
    raise SpecError(
        f"{where}: success responses of a long-running operation disagree on their schema, "
        "none is the 200 or 201 answer's nor the request body's (the final result's type is "
        "not known); name it with final-state-schema"
    )


def _body_fields(
    body: Parameter | None, parameters: list[Parameter], normalizer: Normalizer
) -> tuple[Parameter, ...]:
    """x-ms-client-flatten on a body parameter: one argument per field of its model the
    caller may set (AutoRest's payload flattening), in the body's parameter group if it has
    one. A name another argument (or group member) already has is numbered (``name1``)."""
    if body is None or not body.flatten or body.type.kind != "model":
        return ()
    fields = normalizer.body_fields(body.type.name)
    if fields is None:
        return ()
    taken = {
        p.python_name
        for p in parameters
        if p is not body and p.group == body.group and not p.client_level
    }
    if not body.group:
        taken.update(naming.python_identifier(p.group) for p in parameters if p.group)
    result = []
    for f in fields:
        name, number = f.python_name, 0
        while name in taken:
            number += 1
            name = f"{f.python_name}{number}"
        taken.add(name)
        result.append(
            Parameter(
                python_name=name,
                wire_name=f.wire_name,
                location="flattened",
                required=f.required,
                type=f.type,
                description=f.description,
                client_level=False,
                accepts_str=f.accepts_str,
                loose_type=f.loose_type,
                group=body.group,
                body_field=f.python_name,
            )
        )
    return tuple(result)


def _group_spelling(spec: SpecSet, operation_id: str) -> str:
    group = operation_id.rpartition("_")[0]
    return group or str(spec.entry_document.get("info", {}).get("title", "Client"))


def _group_and_verb(spec: SpecSet, operation_id: str) -> tuple[str, str]:
    group, _, verb = operation_id.rpartition("_")
    if not group:
        group, verb = spec.entry_document.get("info", {}).get("title", "Client"), operation_id
    # "httpRedirects_Get" and "HttpRedirects_Put" belong to one group.
    return naming.class_name(group[:1].upper() + group[1:]), verb


def _host(spec: SpecSet, normalizer: Normalizer) -> tuple[str, tuple[Parameter, ...]]:
    """x-ms-parameterized-host: the URL template before the path (with the spec's scheme when
    useSchemePrefix) and the parameters filling it; client-level ones come from the client."""
    host = spec.entry_document.get("x-ms-parameterized-host")
    if not isinstance(host, dict):
        return "", ()
    template = str(host.get("hostTemplate") or "")
    if host.get("useSchemePrefix", True):
        # Without "schemes" in the spec, the client's base_url says (https by default).
        schemes = spec.entry_document.get("schemes") or ["{$scheme}"]
        template = f"{schemes[0]}://{template}"
    parameters = []
    for index, entry in enumerate(host.get("parameters") or []):
        located = spec.deref(entry, spec.entry, f"/x-ms-parameterized-host/parameters/{index}")
        via_ref = isinstance(entry, dict) and "$ref" in entry
        parameters.append(_parameter(spec, normalizer, located, via_ref=via_ref))
    return template, tuple(parameters)


def _initial_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _groups(
    operation_id: str, parameters: list[Parameter], where: str
) -> tuple[ParameterGroup, ...]:
    by_name: dict[str, list[Parameter]] = {}
    for parameter in parameters:
        if parameter.group:
            by_name.setdefault(parameter.group, []).append(parameter)
    groups = []
    for class_name, members in by_name.items():
        groups.append(
            ParameterGroup(
                class_name=class_name,
                python_name=naming.python_identifier(class_name),
                required=any(m.required and m.default is None for m in members),
                members=tuple(members),
            )
        )
    return tuple(groups)


def _parameters(
    spec: SpecSet,
    normalizer: Normalizer,
    item: dict[str, Any],
    raw: dict[str, Any],
    pointer: str,
) -> Iterator[Parameter]:
    merged: dict[tuple[str, str], Parameter] = {}
    sources = (
        (item.get("parameters") or [], pointer.rsplit("/", 1)[0] + "/parameters"),
        (raw.get("parameters") or [], pointer + "/parameters"),
    )
    group, verb = _group_and_verb(spec, str(raw.get("operationId")))
    for entries, base in sources:
        for index, entry in enumerate(entries):
            located = spec.deref(entry, spec.entry, f"{base}/{index}")
            parameter = _parameter(
                spec, normalizer, located, via_ref=isinstance(entry, dict) and "$ref" in entry
            )
            grouping = located.value.get("x-ms-parameter-grouping")
            if isinstance(grouping, dict) and not parameter.client_level:
                name = grouping.get("name") or (
                    naming.class_name(group)
                    + naming.class_name(verb[:1].upper() + verb[1:])
                    # A postfix is a name of its own: "second-param-group" -> SecondParamGroup.
                    + naming.class_name(
                        _initial_upper(str(grouping.get("postfix") or "Parameters"))
                    )
                )
                parameter = replace(parameter, group=naming.class_name(str(name)))
                python_name = parameter.python_name
                if python_name.endswith("_") and keyword.iskeyword(python_name[:-1]):
                    # The group is a model: a keyword member is padded as AutoRest pads a
                    # model's property ("from" -> from_property), not as a method argument.
                    parameter = replace(parameter, python_name=python_name[:-1] + "_property")
            merged[(parameter.wire_name, parameter.location)] = parameter
    # Two method arguments with one Python name (a path {certificateName} and a query
    # certificate.name in DeviceProvisioningServices): the later ones are numbered, as AutoRest
    # numbers them (certificate_name1).
    taken: set[str] = set()
    for key, parameter in list(merged.items()):
        if parameter.client_level or parameter.group:
            continue
        name, number = parameter.python_name, 0
        while name in taken:
            number += 1
            name = f"{parameter.python_name}{number}"
        taken.add(name)
        if name != parameter.python_name:
            merged[key] = replace(parameter, python_name=name)
    # The method's arguments: ungrouped parameters, then one per group; and each group's fields.
    arguments = [p.python_name for p in merged.values() if not p.client_level and not p.group]
    arguments += sorted({naming.python_identifier(p.group) for p in merged.values() if p.group})
    groups = {p.group for p in merged.values() if p.group}
    for names in (
        arguments,
        *([p.python_name for p in merged.values() if p.group == g] for g in groups),
    ):
        for name in names:
            if names.count(name) > 1:
                raise SpecError(f"{spec.entry}#{pointer}: two parameters map to {name}")
    yield from merged.values()


_SCALARS = ("string", "integer", "number", "boolean", "file")


def _file_object(node: dict[str, Any]) -> bool:
    """An object schema that says it is a file (``format: file`` or ``binary``) and has no
    shape of its own: the bytes of a file, not a JSON object."""
    return (
        node.get("type") == "object"
        and node.get("format") in ("file", "binary")
        and not node.get("properties")
        and not node.get("allOf")
    )


def _named_enum(node: dict[str, Any]) -> bool:
    """An inline body or response enum is a class only when x-ms-enum names it; otherwise
    (a test value, a constant) it is its scalar type, as AutoRest has it."""
    return "enum" in node and bool((node.get("x-ms-enum") or {}).get("name"))


# Swagger "format" -> the runtime's wire format (runtime/params.py), where it is not the default.
_WIRE_FORMATS = {
    "date-time-rfc1123": "date-time-rfc1123",
    "unixtime": "unix-time",
    "base64url": "base64url",
}


def _scalar_type(node: dict[str, Any], where: str) -> TypeRef:
    """The Python type of a non-body parameter (or a primitive body), from type and format."""
    kind = node.get("type", "string")
    fmt = node.get("format", "")
    if kind == "string":
        if fmt in ("date-time", "date-time-rfc1123"):
            return TypeRef("datetime")
        if fmt == "date":
            return TypeRef("date")
        if fmt == "duration":
            return TypeRef("duration")
        if fmt in ("byte", "base64url", "binary"):
            return TypeRef("bytes")
        return TypeRef("str")
    if kind == "integer":
        return TypeRef("datetime") if fmt == "unixtime" else TypeRef("int")
    if kind == "number":
        return TypeRef("float")
    if kind == "boolean":
        return TypeRef("bool")
    if kind == "file":
        return TypeRef("bytes")
    raise SpecError(f"{where}: parameters of type {kind!r} are not supported")


def _value_type(
    spec: SpecSet, normalizer: Normalizer, located: Located, node: dict[str, Any], name: str
) -> TypeRef:
    if node.get("type") == "array":
        items = node.get("items") or {}
        item_located = Located(located.document, located.pointer + "/items", items)
        target = spec.deref(items, located.document, located.pointer + "/items")
        item = _value_type(spec, normalizer, item_located, target.value or {}, name)
        return TypeRef("list", item=item)
    if node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
        inner = node["additionalProperties"]
        inner_located = Located(located.document, located.pointer + "/additionalProperties", inner)
        return TypeRef("dict", item=_value_type(spec, normalizer, inner_located, inner, name))
    values = node.get("enum")
    numbers = node.get("type") in ("integer", "number") and bool(node.get("x-ms-enum"))
    if isinstance(values, list) and (numbers or all(isinstance(v, str) for v in values)):
        # An inline enum without x-ms-enum is named after its parameter.
        x_ms_enum = dict(node.get("x-ms-enum") or {})
        x_ms_enum.setdefault("name", naming.class_name(name[:1].upper() + name[1:]))
        named = Located(located.document, located.pointer, {**node, "x-ms-enum": x_ms_enum})
        return normalizer.type_for_schema_node(named)
    return _scalar_type(node, located.where)


def _constant(node: dict[str, Any]) -> str | None:
    """A required single-value enum is sent as the spec writes it, never asked for."""
    enum = node.get("enum")
    x_ms_enum = node.get("x-ms-enum") or {}
    if not (node.get("required") and isinstance(enum, list) and len(enum) == 1):
        return None
    if x_ms_enum.get("modelAsString", False):
        return None
    value = enum[0]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parameter(
    spec: SpecSet, normalizer: Normalizer, located: Located, *, via_ref: bool
) -> Parameter:
    node = located.value
    if not isinstance(node, dict) or "name" not in node or "in" not in node:
        raise SpecError(f"{located.where}: a parameter needs 'name' and 'in'")
    wire_name = str(node["name"])
    location = node["in"]
    if location not in ("path", "query", "header", "body", "formData"):
        raise SpecError(f"{located.where}: parameters in {location!r} are not supported")
    declared = node.get("x-ms-parameter-location")
    client_level = (
        declared == "client"
        or (declared is None and via_ref and located.pointer.startswith("/parameters/"))
        # x-ms-api-version false: an api-version the method's caller gives (None: not sent).
        or (wire_name == "api-version" and node.get("x-ms-api-version") is not False)
    )
    constant = _constant(node)
    python_name = naming.python_identifier(str(node.get("x-ms-client-name") or wire_name))
    if python_name in RESERVED_KEYWORDS:
        python_name = f"{python_name}_parameter"
    content_type = ""
    if location == "body":
        schema = Located(located.document, located.pointer + "/schema", node.get("schema", {}))
        target = spec.deref(schema.value, schema.document, schema.pointer)
        raw = target.value if isinstance(target.value, dict) else {}
        if _file_object(raw):
            # {"type": "object", "format": "file"}: a file, written as an object (the policy
            # documents of ApiManagement 2016-10-10, sent as their XML media type).
            type_ref, content_type = TypeRef("bytes"), "application/octet-stream"
        elif raw.get("type") in _SCALARS and not _named_enum(raw):
            type_ref = _scalar_type(raw, schema.where)
            if raw.get("format") == "binary" or raw.get("type") == "file":
                content_type = "application/octet-stream"
        else:
            type_ref = normalizer.type_for_schema_node(schema)
    elif constant is not None:
        type_ref = TypeRef("str")
    else:
        label = str(node.get("x-ms-client-name") or wire_name)
        type_ref = _value_type(spec, normalizer, located, node, label)
    accepts_str, loose_type = False, "str"
    if type_ref.kind == "enum":
        x_ms_enum = node.get("x-ms-enum") or {}
        accepts_str = bool(x_ms_enum.get("modelAsString", False))
        loose_type = normalizer.enum_value_type(type_ref.name)
    default = node.get("default")
    literal = None
    scalar_default = isinstance(default, (str, int, float, bool))
    if (not node.get("required") or client_level) and scalar_default:
        literal = repr(default) if type_ref.kind in ("str", "int", "float", "bool") else None
    collection = ""
    if type_ref.kind == "list" and location != "body":
        collection = str(node.get("collectionFormat") or "csv")
        if collection not in ("csv", "ssv", "tsv", "pipes", "multi"):
            raise SpecError(f"{located.where}: collectionFormat {collection!r} is not supported")
        if collection == "multi" and location != "query":
            raise SpecError(f"{located.where}: collectionFormat multi is for query parameters")
    item_node = node.get("items") if type_ref.kind == "list" else node
    fmt = _WIRE_FORMATS.get(str((item_node or {}).get("format", "")), "")
    header_prefix = str(node.get("x-ms-header-collection-prefix") or "")
    if header_prefix and type_ref.kind != "dict":
        raise SpecError(f"{located.where}: x-ms-header-collection-prefix needs a map of strings")
    return Parameter(
        python_name=python_name,
        wire_name=wire_name,
        location=location,
        required=bool(node.get("required")) or location == "path",
        type=type_ref,
        description=_text(node.get("description")),
        client_level=client_level,
        constant=constant,
        wire_format=fmt,
        collection_format=collection,
        skip_url_encoding=bool(node.get("x-ms-skip-url-encoding")),
        header_prefix=header_prefix,
        accepts_str=accepts_str,
        loose_type=loose_type,
        content_type=content_type,
        default=literal,
        flatten=location == "body" and node.get("x-ms-client-flatten") is True,
    )


def _responses(
    spec: SpecSet, normalizer: Normalizer, raw: dict[str, Any], pointer: str, http_method: str
) -> tuple[tuple[int, ...], tuple[tuple[int, TypeRef | None], ...]]:
    responses = raw.get("responses") or {}
    statuses: list[int] = []
    results: list[tuple[int, TypeRef | None]] = []
    has_schema = any(
        isinstance(r, dict) and ("schema" in r or "$ref" in r)
        for k, r in responses.items()
        if k != "default"
    )
    codes = sorted(k for k in responses if k != "default")
    for code in codes:
        if not code.isdigit():
            raise SpecError(f"{spec.entry}#{pointer}/responses: unsupported status {code!r}")
    # Only error statuses declared: those are the answers the operation expects.
    only_errors = all(int(code) >= 400 for code in codes)
    for code in codes:
        status = int(code)
        # A HEAD answers whether the resource exists: its 404 is an answer, not an error.
        head_404 = http_method == "HEAD" and status == 404 and not has_schema
        if status >= 400 and not head_404 and not only_errors:
            continue
        statuses.append(status)
        response = spec.deref(responses[code], spec.entry, f"{pointer}/responses/{code}")
        schema = response.value.get("schema") if isinstance(response.value, dict) else None
        if schema is None:
            results.append((status, None))
            continue
        located = Located(response.document, response.pointer + "/schema", schema)
        target = spec.deref(schema, located.document, located.pointer)
        node = target.value if isinstance(target.value, dict) else {}
        if node.get("type") in _SCALARS and not _named_enum(node):
            results.append((status, _scalar_type(node, located.where)))
        else:
            results.append((status, normalizer.type_for_schema_node(located)))
    if not statuses and "default" in responses:
        # Only a default (error) response: any 200 is the expected answer, as in AutoRest.
        return (200,), ((200, None),)
    if not statuses:
        raise SpecError(f"{spec.entry}#{pointer}: no success response")
    return tuple(statuses), tuple(results)


def _response_headers(
    spec: SpecSet,
    normalizer: Normalizer,
    raw: dict[str, Any],
    pointer: str,
    statuses: tuple[int, ...],
) -> tuple[ResponseHeader, ...]:
    """The headers the success responses declare, each once (the first declaration wins)."""
    found: dict[str, ResponseHeader] = {}
    responses = raw.get("responses") or {}
    for status in statuses:
        if str(status) not in responses:
            continue
        response = spec.deref(responses[str(status)], spec.entry, f"{pointer}/responses/{status}")
        headers = response.value.get("headers") if isinstance(response.value, dict) else None
        for name, node in (headers or {}).items():
            if not isinstance(node, dict) or name.lower() in found:
                continue
            located = Located(
                response.document, f"{response.pointer}/headers/{_escape(name)}", node
            )
            type_ref = _value_type(spec, normalizer, located, node, name)
            if type_ref.kind in ("list", "dict", "model", "any"):
                continue  # not a single value: left to raw_response_hook
            fmt = _WIRE_FORMATS.get(str(node.get("format", "")), "")
            found[name.lower()] = ResponseHeader(name, type_ref, fmt)
    return tuple(found.values())


def _paging(
    raw: dict[str, Any],
    result: TypeRef | None,
    normalizer: Normalizer,
    pointer: str,
    spec: SpecSet,
    all_ids: dict[str, tuple[str, str, str]],
) -> Paging | None:
    pageable = raw.get("x-ms-pageable")
    if pageable is None:
        return None
    items_key = pageable.get("itemName") or "value"
    next_link_key = pageable.get("nextLinkName")
    next_operation_id = None
    operation_name = pageable.get("operationName")
    # operationName is the name AutoRest gives the next-page operation it makes (a GET of the
    # next link); only when it names an operation of the file is that operation's URL used
    # (AzureArcData names one that does not exist: the default next-link GET, as there).
    if (
        isinstance(operation_name, str)
        and operation_name != raw.get("operationId")
        and operation_name in all_ids
    ):
        next_operation_id = operation_name
    if result is None or result.kind != "model":
        raise SpecError(f"{spec.entry}#{pointer}: a pageable operation must return a model")
    for ref, schema in normalizer.schemas.items():
        if not schema.is_enum and normalizer.model_name_for(ref) == result.name:
            fields = normalizer.fields_of(ref)
            items = next((f for f in fields if f.wire_name == items_key), None)
            lists = [f for f in fields if f.type.kind == "list"]
            if items is None and not lists:
                # Marked pageable but answering one resource with no list at all (a PUT of
                # Consumption's budgets, Intune's default statuses): nothing to page, the
                # answer is the result as it is.
                return None
            if items is None and len(lists) == 1 and not pageable.get("itemName"):
                # No itemName and no `value`, but one list and only one (Cost Management's
                # insights page their `values`): that list is the page's items.
                items = lists[0]
                items_key = items.wire_name
            if items is None or items.type.kind != "list" or items.type.item is None:
                raise SpecError(f"{ref}: pageable result has no list field {items_key!r}")
            return Paging(
                item_type=items.type.item,
                items_key=items_key,
                next_link_key=next_link_key,
                next_operation_id=next_operation_id,
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


def _with_failure_summary(operation: Operation, config: GeneratorConfig) -> Operation:
    """Attach the configured failure summary of the LRO's result definition, if any."""
    lro, result = operation.long_running, operation.result
    if lro is None or result is None or result.kind != "model":
        return operation
    summary = config.failure_summaries.get(result.name)
    if summary is None:
        return operation
    return replace(operation, long_running=replace(lro, failure=summary))
