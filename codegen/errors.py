"""How the generator reports a problem: ``error: <what> at <file>#<json pointer>``, one line.

Most checks raise ``SpecError("<file>#<pointer>: <what>")``; :func:`error_line` turns that (and
any message that names no place) into the one form. :func:`check_spec` catches, with their
location, mistakes later stages would only trip over: an unknown ``type``, a reused operationId.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .load import SpecError, SpecSet

# "file#pointer: what" or "file: what", as SpecError messages start.
_LOCATED = re.compile(r"^(?P<where>[^\s:#]+\.(?:json|ya?ml)(?:#\S*)?): (?P<what>.+)$")
_ENDS_LOCATED = re.compile(r" at (?P<where>\S*#\S*)$")

SCHEMA_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "file"})
_NOT_SCHEMAS = frozenset({"securityDefinitions", "x-ms-examples", "example", "examples"})
_HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")


def error_line(message: str, subject: str) -> str:
    """``error: <what> at <file>#<json pointer>`` on one line, whatever the message's form;
    ``subject`` (the file or folder the command was given) locates a message naming no place."""
    text = " ".join(message.split())
    if _ENDS_LOCATED.search(text):
        return f"error: {text}"
    located = _LOCATED.match(text)
    if located:
        where = located["where"] if "#" in located["where"] else f"{located['where']}#"
        return f"error: {located['what']} at {where}"
    return f"error: {text} at {subject}#"


def relocate(exc: SpecError, folder: Path) -> SpecError:
    """``exc`` with the file it names made relative to the working folder (``spec/2024-07-01/
    runCommands.json`` rather than ``runCommands.json``), so the user can open it."""
    text = " ".join(str(exc).split())
    prefix = folder.as_posix().rstrip("/") + "/"
    ends = _ENDS_LOCATED.search(text)
    if ends and not ends["where"].startswith(prefix):
        return SpecError(f"{text[: ends.start()]} at {prefix}{ends['where']}")
    located = _LOCATED.match(text)
    if located:
        return SpecError(f"{prefix}{located['where']}: {located['what']}")
    return exc


def check_spec(spec: SpecSet) -> None:
    """Raise a located ``SpecError`` for an unknown schema type or a reused operationId."""
    seen: dict[str, str] = {}
    for pointer, operation_id in _operation_ids(spec.entry_document):
        if operation_id in seen:
            raise SpecError(
                f"{spec.entry}#{pointer}/operationId: operationId {operation_id!r} is used "
                f"twice; its first use is #{seen[operation_id]}/operationId"
            )
        seen[operation_id] = pointer
    for name, document in spec.documents.items():
        if "/examples/" in f"/{name}":
            continue
        for pointer, kind in _types(document, ""):
            if kind not in SCHEMA_TYPES:
                raise SpecError(
                    f"{name}#{pointer}: unknown type {kind!r} (expected one of "
                    f"{', '.join(sorted(SCHEMA_TYPES))})"
                )


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _operation_ids(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key in ("paths", "x-ms-paths"):
        items = document.get(key)
        for path, item in items.items() if isinstance(items, dict) else ():
            for method, raw in item.items() if isinstance(item, dict) else ():
                if method in _HTTP_METHODS and isinstance(raw, dict) and "operationId" in raw:
                    yield f"/{key}/{_escape(path)}/{method}", str(raw["operationId"])


def _types(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        kind = node.get("type")
        if isinstance(kind, str):
            yield f"{pointer}/type", kind
        for key, value in node.items():
            extension = key.startswith("x-") and key != "x-ms-paths"
            if key in _NOT_SCHEMAS or extension or key in ("enum", "default"):
                continue
            if key == "properties" and isinstance(value, dict):
                # Property names are free text ("type" is a common one): descend into each.
                for prop, schema in value.items():
                    yield from _types(schema, f"{pointer}/properties/{_escape(prop)}")
            elif key != "type":
                yield from _types(value, f"{pointer}/{_escape(key)}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _types(item, f"{pointer}/{index}")
