"""Check generated operations against the ``x-ms-examples`` of real Azure files.

For each entry file: the package is generated (as ``real_specs.py`` does), then each example
of each operation is played through the generated method, without sockets (a scripted urllib3
pool answers):

- the request: the example's ``parameters`` become the method's arguments (a body through its
  model's ``from_dict``, as a caller would pass a model read earlier), the call is made, and the
  request sent is compared with what the example implies: the path with its values, the query
  and header values, and the JSON body without the properties the schema marks ``readOnly``;
- the responses: the call is answered with each success response of the example (status, body,
  headers), and the answer is decoded by the operation itself (a pager reads its whole first
  page; a long-running operation is called with ``polling=False``, its 200/201 body decoded).

Every problem is printed with where it is; ``--json`` writes them all, for classifying.

    python scripts/check_examples.py --specs path/to/azure-rest-api-specs \\
        --glob 'specification/compute/resource-manager/Microsoft.Compute/*/stable/2024-07-01/*.json'
    python scripts/check_examples.py --specs path/to/azure-rest-api-specs --newest-stable \\
        --sample 60 --json examples.json
"""

from __future__ import annotations

import argparse
import datetime
import email.utils
import importlib
import io
import json
import math
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

import urllib3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from real_specs import _generate, by_year, newest, older  # noqa: E402

from codegen.build import build_api_version  # noqa: E402
from codegen.config import load_config  # noqa: E402
from codegen.generate import api_version_dirs  # noqa: E402
from codegen.ir import ApiVersion, Operation, Parameter, TypeRef  # noqa: E402
from codegen.load import Located, SpecError, SpecSet, load_spec  # noqa: E402
from codegen.python_api import SEPARATORS, reader  # noqa: E402
from runtime.wire_types import parse_duration  # noqa: E402

HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head")
MAX_PROBLEMS = 6  # per request comparison


class Token(NamedTuple):
    token: str
    expires_on: int


class Credential:
    def get_token(self, *scopes: str, **kwargs: Any) -> Token:
        return Token("token-for-examples", 4_102_444_800)


@dataclass
class Sent:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


class ScriptedPool(urllib3.PoolManager):
    """Answers the first request with the scripted response, every later one with an empty
    last page; records what was sent."""

    def __init__(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        super().__init__()
        self.answer = (status, body, headers)
        self.sent: list[Sent] = []

    def urlopen(self, method: str, url: str, redirect: bool = True, **kw: Any) -> Any:  # type: ignore[override]
        body = kw.get("body")
        if body is not None and not isinstance(body, bytes):
            body = b"".join(body) if not isinstance(body, str) else body.encode()
        self.sent.append(Sent(method, url, dict(kw.get("headers") or {}), body))
        status, payload, headers = (
            self.answer if len(self.sent) == 1 else (200, b'{"value": []}', {})
        )
        return urllib3.HTTPResponse(
            body=io.BytesIO(payload),
            headers={**headers, "Content-Length": str(len(payload))},
            status=status,
            preload_content=False,
        )


@dataclass
class Finding:
    file: str
    operation: str
    example: str
    side: str  # "request", "response <status>", "call", "example"
    problem: str


@dataclass
class FileResult:
    file: str
    operations: int = 0
    with_examples: int = 0
    examples: int = 0
    requests_ok: int = 0
    requests_checked: int = 0
    responses_ok: int = 0
    responses_checked: int = 0
    error: str = ""
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)


# -- the package -------------------------------------------------------------------------------


@dataclass
class Generated:
    api: ApiVersion
    client_class: Any
    names: dict[str, Any]  # the generated modules' names: models, enums, readers


def generate(entry: Path, work: Path, runtime: Path | None = None) -> Generated:
    package_dir = _generate(entry, work, "*", runtime)
    spec_root = work / "spec"
    config = load_config(spec_root / "codegen.yaml")
    [version_dir] = api_version_dirs(spec_root, config.entry)
    api = build_api_version(version_dir, config)
    sys.path.insert(0, str(package_dir.parent))
    importlib.invalidate_caches()
    base = f"{package_dir.name}.{api.module}"
    client_module = importlib.import_module(f"{base}.client")
    operations = importlib.import_module(f"{base}.operations")
    bodies = importlib.import_module(f"{package_dir.name}.runtime.bodies")
    models = importlib.import_module(f"{base}.models")
    names = {**vars(bodies), **vars(models), **vars(operations)}
    return Generated(api, getattr(client_module, api.client_name), names)


# -- examples ----------------------------------------------------------------------------------


def examples_of(entry: Path) -> dict[str, list[tuple[str, Path]]]:
    """operationId -> (example title, example file) of the entry's operations."""
    document = json.loads(entry.read_text(encoding="utf-8-sig"))
    found: dict[str, list[tuple[str, Path]]] = {}
    for section in ("paths", "x-ms-paths"):
        for item in (document.get(section) or {}).values():
            for method in HTTP_METHODS:
                raw = item.get(method) if isinstance(item, dict) else None
                if not isinstance(raw, dict):
                    continue
                for title, ref in (raw.get("x-ms-examples") or {}).items():
                    target = ref.get("$ref") if isinstance(ref, dict) else None
                    if isinstance(target, str):
                        path = (entry.parent / target.partition("#")[0]).resolve()
                        found.setdefault(str(raw.get("operationId")), []).append((title, path))
    return found


def converter(ns: dict[str, Any], t: TypeRef) -> Any:
    """The function making an argument of type ``t`` from an example's JSON value."""
    if t.kind == "any":
        return lambda v: v
    if t.kind == "str":  # a caller passes text ("1" where an example writes 1)
        return lambda v: v if isinstance(v, str) else json.dumps(v).strip('"')
    if t.kind == "int":
        return lambda v: int(v) if isinstance(v, str) else v
    if t.kind == "float":
        return lambda v: float(v) if isinstance(v, str) else v
    if t.kind == "bool":
        return lambda v: v.lower() == "true" if isinstance(v, str) else v
    if t.kind == "list" and t.item is not None:
        item = converter(ns, t.item)
        return lambda v: [item(x) for x in (v.split(",") if isinstance(v, str) else v)]
    return eval(reader(t), ns)


def arguments(
    op: Operation, parameters: dict[str, Any], ns: dict[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    """The positional and keyword arguments of the method for an example's ``parameters``."""
    values: dict[str, Any] = {}
    body_model = None
    if op.body is not None and op.body.wire_name in parameters:
        raw = parameters[op.body.wire_name]
        body_model = converter(ns, op.body.type)(raw) if raw is not None else None
        values[op.body.python_name] = body_model
    for p in (*op.path_parameters, *op.query_parameters, *op.header_parameters):
        if p.client_level or p.constant is not None or p.wire_name not in parameters:
            continue
        raw = parameters[p.wire_name]
        values[p.python_name] = None if raw is None else converter(ns, p.type)(raw)
    for p in op.host_parameters:
        if not p.client_level and p.wire_name in parameters:
            values[p.python_name] = parameters[p.wire_name]
    for p in op.body_fields:
        if body_model is not None:
            values[p.python_name] = getattr(body_model, p.body_field)
    positional = []
    for p in op.positional_parameters:
        positional.append(values.pop(p.python_name, None))
    keywords = {
        p.python_name: values[p.python_name]
        for p in op.keyword_parameters
        if p.python_name in values
    }
    return positional, keywords


# -- what the example implies for the request --------------------------------------------------


def expected_path(op: Operation, parameters: dict[str, Any], subscription: str) -> str:
    path = op.path.partition("?")[0]
    for p in op.path_parameters:
        if p.constant is not None:
            value: Any = p.constant
        elif p.wire_name == "subscriptionId" and p.client_level:
            value = subscription
        else:
            value = parameters.get(p.wire_name, "{" + p.wire_name + "}")
        path = path.replace("{" + p.wire_name + "}", _text(value, p))
    return path


def _text(value: Any, p: Parameter) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return SEPARATORS.get(p.collection_format, ",").join(_text(v, p) for v in value)
    return str(value)


def writable(value: Any, node: Located, spec: SpecSet, depth: int = 0) -> Any:
    """``value`` without what the schema at ``node`` marks read-only (the caller cannot send
    it), recursively; keys the schema does not name are kept."""
    if depth > 40:
        return value
    node = spec.deref(node.value, node.document, node.pointer)
    schema = node.value
    if not isinstance(schema, dict):
        return value
    if isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            located = Located(node.document, node.pointer + "/items", items)
            return [writable(v, located, spec, depth + 1) for v in value]
        return value
    if not isinstance(value, dict):
        return value
    properties = _properties(node, spec, value)
    additional = schema.get("additionalProperties")
    out: dict[str, Any] = {}
    for key, item in value.items():
        prop = properties.get(key)
        if prop is not None:
            target = spec.deref(prop.value, prop.document, prop.pointer).value
            if _read_only(prop.value) or _read_only(target):
                continue
            kept = writable(item, prop, spec, depth + 1)
            if isinstance(item, dict) and item and kept == {}:
                continue  # only read-only content: a model sends no empty object for it
            out[key] = kept
        elif isinstance(additional, dict) and not properties:
            located = Located(node.document, node.pointer + "/additionalProperties", additional)
            out[key] = writable(item, located, spec, depth + 1)
        else:
            out[key] = item
    return out


def _read_only(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("readOnly") is True


def _properties(node: Located, spec: SpecSet, value: dict[str, Any]) -> dict[str, Located]:
    found: dict[str, Located] = {}
    seen: set[tuple[str, str]] = set()

    def collect(located: Located) -> None:
        located = spec.deref(located.value, located.document, located.pointer)
        key = (located.document, located.pointer)
        if key in seen or not isinstance(located.value, dict):
            return
        seen.add(key)
        schema = located.value
        for index, part in enumerate(schema.get("allOf") or []):
            collect(Located(located.document, f"{located.pointer}/allOf/{index}", part))
        for name, prop in (schema.get("properties") or {}).items():
            found.setdefault(
                name, Located(located.document, f"{located.pointer}/properties/{name}", prop)
            )
        discriminator = schema.get("discriminator")
        if isinstance(discriminator, str) and isinstance(value.get(discriminator), str):
            subtype = _subtype(spec, value[discriminator], key)
            if subtype is not None:
                collect(subtype)

    collect(node)
    return found


def _subtype(spec: SpecSet, kind: str, base: tuple[str, str]) -> Located | None:
    for document, content in spec.documents.items():
        definitions = content.get("definitions") if isinstance(content, dict) else None
        for name, schema in (definitions or {}).items():
            if not isinstance(schema, dict) or not schema.get("allOf"):
                continue
            if schema.get("x-ms-discriminator-value", name) == kind:
                pointer = f"/definitions/{name}"
                if (document, pointer) != base:
                    return Located(document, pointer, schema)
    return None


def compare(sent: Any, expected: Any, path: str = "") -> list[str]:
    """Where the JSON sent differs from the JSON expected."""
    where = path or "(body)"
    if isinstance(expected, dict) and isinstance(sent, dict):
        problems: list[str] = []
        for key in expected.keys() | sent.keys():
            sub = f"{path}.{key}" if path else key
            if key not in sent and _empty(expected[key]):
                continue  # null is never sent, nor an object with nothing set (as msrest)
            if key not in sent:
                problems.append(f"{sub}: in the example, not sent")
            elif key not in expected:
                problems.append(f"{sub}: sent, not in the example")
            else:
                problems += compare(sent[key], expected[key], sub)
        return problems
    if isinstance(expected, list) and isinstance(sent, list):
        if len(expected) != len(sent):
            return [f"{where}: {len(sent)} items sent, {len(expected)} in the example"]
        return [
            p
            for i, (s, e) in enumerate(zip(sent, expected, strict=True))
            for p in compare(s, e, f"{path}[{i}]")
        ]
    if _same_scalar(sent, expected):
        return []
    return [f"{where}: sent {_short(sent)}, the example has {_short(expected)}"]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, dict) and all(map(_empty, value.values())))


def _same_scalar(sent: Any, expected: Any) -> bool:
    if sent == expected and type(sent) is type(expected):
        return True
    if isinstance(sent, bool) or isinstance(expected, bool):
        return False
    if isinstance(sent, (int, float)) and isinstance(expected, (int, float)):
        return math.isclose(sent, expected)
    if isinstance(sent, str) and isinstance(expected, str):
        for parse in (_instant, _rfc1123, _duration):
            a, b = parse(sent), parse(expected)
            if a is not None and a == b:
                return True
    return False


def _rfc1123(text: str) -> datetime.datetime | None:
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _duration(text: str) -> datetime.timedelta | None:
    if not text.startswith("P"):
        return None
    try:
        return parse_duration(text)
    except ValueError:
        return None


_FRACTION = re.compile(r"(\.\d{6})\d+")


def _instant(text: str) -> datetime.datetime | None:
    if not re.match(r"\d{4}-\d{2}-\d{2}T", text):
        return None
    cleaned = _FRACTION.sub(r"\1", text.replace("Z", "+00:00").replace("z", "+00:00"))
    try:
        moment = datetime.datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_request(
    op: Operation,
    sent: Sent,
    parameters: dict[str, Any],
    subscription: str,
    body_schema: Located | None,
    spec: SpecSet,
) -> list[str]:
    problems: list[str] = []
    url = urlsplit(sent.url)
    if sent.method != op.http_method:
        problems.append(f"method {sent.method}, expected {op.http_method}")
    want = expected_path(op, parameters, subscription)
    if not op.host_template and unquote(url.path) != want:
        problems.append(f"path {unquote(url.path)!r}, the example implies {want!r}")
    query: dict[str, str] = {}
    for key, value in parse_qsl(url.query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value  # multi: joined
    for p in op.query_parameters:
        if p.wire_name not in parameters or parameters[p.wire_name] is None:
            continue
        want_value = _text(parameters[p.wire_name], p)
        if p.collection_format == "multi" and isinstance(parameters[p.wire_name], list):
            want_value = ",".join(_text(v, p) for v in parameters[p.wire_name])
        got = query.get(p.wire_name)
        if got is None:
            problems.append(f"query {p.wire_name}: not sent, the example has {want_value!r}")
        elif got != want_value and not _same_scalar(got, want_value):
            problems.append(f"query {p.wire_name}={got!r}, the example has {want_value!r}")
    headers = {k.lower(): v for k, v in sent.headers.items()}
    for p in op.header_parameters:
        if p.client_level or p.wire_name not in parameters or p.header_prefix:
            continue
        want_value = _text(parameters[p.wire_name], p)
        got = headers.get(p.wire_name.lower())
        if got != want_value and not (got and _same_scalar(got, want_value)):
            problems.append(f"header {p.wire_name}={got!r}, the example has {want_value!r}")
    if op.body is not None and parameters.get(op.body.wire_name) is not None:
        example_body = parameters[op.body.wire_name]
        expected = (
            writable(example_body, body_schema, spec) if body_schema is not None else example_body
        )
        if sent.body is None:
            problems.append("body: none sent")
        else:
            try:
                sent_json = json.loads(sent.body)
            except ValueError:
                sent_json = sent.body.decode("utf-8", "replace")
            found = compare(sent_json, expected)
            problems += [f"body {p}" for p in found[:MAX_PROBLEMS]]
            if len(found) > MAX_PROBLEMS:
                problems.append(f"body: {len(found) - MAX_PROBLEMS} more differences")
    return problems


# -- playing one example -----------------------------------------------------------------------


def _call(gen: Generated, op: Operation, group: Any, args: tuple[list[Any], dict[str, Any]]) -> Any:
    method = getattr(group, op.method_name)
    positional, keywords = args
    if op.long_running is not None:
        return method(*positional, polling=False, **keywords).result()
    result = method(*positional, **keywords)
    if op.paging is not None:
        # The first page only: examples' next links point at hosts of their own.
        return list(next(iter(result.by_page()), []))
    return result


def play(
    gen: Generated,
    op: Operation,
    group_attribute: str | None,
    title: str,
    example_path: Path,
    spec: SpecSet,
    body_schema: Located | None,
    result: FileResult,
) -> None:
    def finding(side: str, problem: str) -> None:
        result.findings.append(
            Finding(result.file, op.operation_id, f"{title} ({example_path.name})", side, problem)
        )

    try:
        example = json.loads(example_path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        finding("example", f"unreadable: {type(exc).__name__}: {exc}")
        return
    parameters = example.get("parameters") or {}
    responses = example.get("responses") or {}
    ns = gen.names
    try:
        args = arguments(op, parameters, ns)
    except Exception as exc:  # a finding
        finding("request", f"the example's parameters do not convert: {_oneline(exc)}")
        args = None
    subscription = str(parameters.get("subscriptionId", "00000000-0000-0000-0000-000000000000"))
    # Client-level values the example does not give (each example of a file whose path
    # parameters are all client options gives only its own): a placeholder.
    options = {
        p.python_name: parameters.get(p.wire_name, f"{p.wire_name}-placeholder")
        for p in gen.api.client_parameters
        if p.wire_name in parameters or p.required
    }
    answers = [
        (int(status), response)
        for status, response in responses.items()
        if status.isdigit() and int(status) in op.success_statuses
    ]
    undeclared = [
        s for s in responses if s.isdigit() and int(s) < 400 and int(s) not in op.success_statuses
    ]
    if undeclared:
        finding("example", f"success status {', '.join(undeclared)} not declared by the spec")
    if not answers:
        answers = [(op.success_statuses[0], {})]
    for index, (status, response) in enumerate(answers):
        if not isinstance(response, dict):
            response = {}
        body = response.get("body")
        payload = b"" if body is None else json.dumps(body).encode()
        headers = {
            str(k): str(v)
            for k, v in (response.get("headers") or {}).items()
            if isinstance(v, (str, int))
        }
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
        pool = ScriptedPool(status, payload, headers)
        decoded = body is not None and not (op.long_running is not None and status == 202)
        if args is None:
            if index == 0:
                result.requests_checked += 1
            continue
        if decoded:
            result.responses_checked += 1
        client = gen.client_class(
            Credential(), subscription, pool_manager=pool, polling_interval=0, **options
        )
        group = client if group_attribute is None else getattr(client, group_attribute)
        try:
            _call(gen, op, group, args)
            failure = None
        except Exception as exc:  # a finding
            failure = exc
        if index == 0:
            result.requests_checked += 1
            if pool.sent:
                problems = check_request(
                    op, pool.sent[0], parameters, subscription, body_schema, spec
                )
                for problem in problems:
                    finding("request", problem)
                if not problems:
                    result.requests_ok += 1
            elif failure is not None:
                finding("request", f"nothing sent: {_oneline(failure)}")
        if failure is not None and pool.sent:
            finding(f"response {status}", _oneline(failure))
        elif decoded and failure is None:
            result.responses_ok += 1
        client.close()


def _oneline(exc: BaseException) -> str:
    text = str(exc).split("\nStatus:")[0].split("\nContent:")[0]
    return f"{type(exc).__name__}: {' '.join(text.split())}"[:400]


def check_file(entry: Path, root: Path, runtime: Path | None = None) -> FileResult:
    name = entry.relative_to(root).as_posix().split("/resource-manager/")[-1]
    result = FileResult(name)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="examples-") as tmp:
        try:
            gen = generate(entry, Path(tmp), runtime)
        except Exception as exc:  # recorded
            result.error = f"generation: {_oneline(exc)}"
            return result
        spec = load_spec(entry)
        examples = examples_of(entry)
        bodies = _body_schemas(spec)
        for group in gen.api.groups:
            for op in group.operations:
                result.operations += 1
                found = examples.get(op.operation_id, [])
                if not found:
                    continue
                result.with_examples += 1
                attribute = None if group.client_methods else group.attribute
                for title, path in found:
                    result.examples += 1
                    try:
                        play(
                            gen,
                            op,
                            attribute,
                            title,
                            path,
                            spec,
                            bodies.get(op.operation_id),
                            result,
                        )
                    except Exception:  # the checker's own failure: shown whole
                        tail = traceback.format_exc().strip().splitlines()[-1]
                        result.findings.append(
                            Finding(name, op.operation_id, title, "checker", tail[:300])
                        )
    result.seconds = time.perf_counter() - started
    return result


def _body_schemas(spec: SpecSet) -> dict[str, Located]:
    """operationId -> the located schema of its body parameter."""
    found: dict[str, Located] = {}
    document = spec.entry_document
    for section in ("paths", "x-ms-paths"):
        for path, item in (document.get(section) or {}).items():
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                raw = item.get(method)
                if not isinstance(raw, dict):
                    continue
                for index, parameter in enumerate(raw.get("parameters") or []):
                    base = f"/{section}/{_escape(path)}/{method}/parameters/{index}"
                    try:
                        located = spec.deref(parameter, spec.entry, base)
                    except SpecError:
                        continue
                    value = located.value
                    if isinstance(value, dict) and value.get("in") == "body":
                        found[str(raw.get("operationId"))] = Located(
                            located.document, located.pointer + "/schema", value.get("schema")
                        )
    return found


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


# -- summary -----------------------------------------------------------------------------------


def summarize(results: list[FileResult]) -> str:
    lines = [
        "| file | operations | with examples | examples | requests as implied | responses read "
        "| error |"
    ]
    lines.append("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        lines.append(
            f"| {r.file} | {r.operations} | {r.with_examples} | {r.examples} "
            f"| {r.requests_ok}/{r.requests_checked} | {r.responses_ok}/{r.responses_checked} "
            f"| {r.error} |"
        )
    total = Counter[str]()
    for r in results:
        for key in (
            "operations",
            "with_examples",
            "examples",
            "requests_ok",
            "requests_checked",
            "responses_ok",
            "responses_checked",
        ):
            total[key] += getattr(r, key)
    lines.append("")
    lines.append(
        f"{len(results)} files, {total['operations']} operations, {total['with_examples']} with "
        f"examples, {total['examples']} examples; requests as implied "
        f"{total['requests_ok']}/{total['requests_checked']}, responses read "
        f"{total['responses_ok']}/{total['responses_checked']}; "
        f"{sum(1 for r in results if r.error)} files not generated"
    )
    return "\n".join(lines)


def _has_operations(path: Path) -> bool:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except ValueError:
        return False
    return isinstance(document, dict) and bool(document.get("paths") or document.get("x-ms-paths"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=Path, required=True, help="root of a local checkout")
    parser.add_argument("--glob", action="append", default=[], help="repeatable")
    parser.add_argument("--newest-stable", action="store_const", const="stable", dest="newest")
    parser.add_argument("--newest-preview", action="store_const", const="preview", dest="newest")
    parser.add_argument(
        "--older", choices=("stable", "preview"), help="every version but the newest per file"
    )
    parser.add_argument("--per-year", action="append", default=[], metavar="YEAR=N")
    parser.add_argument("--sample", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write every finding here")
    parser.add_argument("--quiet", action="store_true", help="only the table")
    parser.add_argument(
        "--runtime", type=Path, help="the runtime folder to run with (another checkout's)"
    )
    args = parser.parse_args(argv)
    root: Path = args.specs
    if args.glob:
        entries: Iterable[Path] = sorted({p for g in args.glob for p in root.glob(g)})
    elif args.newest:
        entries = newest(root, args.newest)
    elif args.older:
        entries = by_year(list(older(root, args.older)), args.per_year, args.seed)
    else:
        parser.error("give --glob, --newest-stable/--newest-preview or --older")
    entries = [e for e in entries if _has_operations(e)]
    if args.sample is not None:
        found = list(entries)
        entries = sorted(random.Random(args.seed).sample(found, min(args.sample, len(found))))
    results = []
    for entry in entries:
        result = check_file(entry, root, args.runtime)
        results.append(result)
        print(
            f"{result.file}: {result.examples} examples, requests "
            f"{result.requests_ok}/{result.requests_checked}, responses "
            f"{result.responses_ok}/{result.responses_checked} {result.error}",
            file=sys.stderr,
            flush=True,
        )
        if not args.quiet:
            for f in result.findings:
                print(f"  {f.operation} [{f.example}] {f.side}: {f.problem}", file=sys.stderr)
    print(summarize(results))
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        **{k: v for k, v in r.__dict__.items() if k != "findings"},
                        "findings": [f.__dict__ for f in r.findings],
                    }
                    for r in results
                ],
                indent=1,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
