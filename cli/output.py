"""--query and --output: a JSON-like document, queried with JMESPath, printed as az prints it.

jmespath and PyYAML come with the ``cli`` extra; the base install stays attrs, cattrs and
urllib3, and the tool says which extra to install when an option needs one.
"""

from __future__ import annotations

import importlib
import json
from types import ModuleType
from typing import Any, TextIO

from .parser import UsageError
from .render import masked, table

__all__ = ["apply_query", "compile_query", "emit", "require_extras"]

_EXTRA = 'pip install "jmespath>=1.0" "pyyaml>=6"'
# Colours of -o jsonc, as az uses them: keys blue, strings green, the rest default.
_KEY, _STRING, _RESET = "\x1b[94m", "\x1b[32m", "\x1b[0m"


def _missing(option: str, package: str) -> UsageError:
    return UsageError(
        f"{option} needs the {package} package, which comes with the cli extra: {_EXTRA}"
    )


def _optional(module: str, option: str, package: str) -> ModuleType:
    # Imported by name: neither package ships type information, and only these options
    # need them.
    try:
        return importlib.import_module(module)
    except ImportError:
        raise _missing(option, package) from None


def require_extras(query: str | None, output: str) -> None:
    """Refuse, before anything is sent, an option whose package is not installed."""
    if query is not None:
        compile_query(query)
    if output == "yaml":
        _optional("yaml", "--output yaml", "PyYAML")


def compile_query(query: str) -> Any:
    """The compiled JMESPath expression; a usage error when it does not parse."""
    jmespath = _optional("jmespath", "--query", "jmespath")
    errors = _optional("jmespath.exceptions", "--query", "jmespath")
    try:
        return jmespath.compile(query)
    except errors.JMESPathError as exc:
        raise UsageError(f"argument --query: not a valid JMESPath expression: {exc}") from None


def apply_query(document: Any, query: str | None) -> Any:
    """``document`` filtered by ``query`` (unchanged when there is none)."""
    if query is None:
        return document
    return compile_query(query).search(document)


def emit(document: Any, output: str, stream: TextIO, *, query: str | None = None) -> None:
    """Print ``document`` (secrets masked, then queried) in the chosen format."""
    result = apply_query(masked(document), query)
    if output == "none":
        return
    if output == "json":
        stream.write(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    elif output == "jsonc":
        stream.write(_coloured(result) + "\n")
    elif output == "yaml":
        yaml = _optional("yaml", "--output yaml", "PyYAML")
        stream.write(yaml.safe_dump(_plain(result), sort_keys=False, allow_unicode=True))
    elif output == "tsv":
        stream.write(tsv(result))
    else:
        stream.write(generic_table(result))


def tsv(result: Any) -> str:
    """az's tsv: one line per item, the item's scalar values tab-separated in key order
    (nested objects and lists left out); a scalar prints as itself."""
    items = result if isinstance(result, list) else [result]
    lines = []
    for item in items:
        if isinstance(item, dict):
            cells = [_cell(value) for value in item.values() if not isinstance(value, dict | list)]
        elif isinstance(item, list):
            cells = [_cell(value) for value in item if not isinstance(value, dict | list)]
        else:
            cells = [_cell(item)]
        lines.append("\t".join(cells))
    return "".join(line + "\n" for line in lines) if result is not None else ""


def generic_table(result: Any) -> str:
    """A table of a queried result: columns are the keys of the rows' scalar values."""
    rows = result if isinstance(result, list) else [result]
    if not rows or result is None:
        return ""
    if not all(isinstance(row, dict) for row in rows):
        return table(("Result",), [[_cell(row)] for row in rows])
    columns: list[str] = []
    for row in rows:
        for key, value in row.items():
            if key not in columns and not isinstance(value, dict | list):
                columns.append(key)
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    return table([_title(column) for column in columns], cells)


def _title(key: str) -> str:
    return key[:1].upper() + key[1:]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"  # az prints Python's spelling
    return str(value)


def _plain(value: Any) -> Any:
    # YAML's safe dumper knows only plain types.
    return json.loads(json.dumps(value, default=str))


def _coloured(value: Any, indent: int = 0) -> str:
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{pad}{_KEY}{json.dumps(key, ensure_ascii=False)}{_RESET}: "
            f"{_coloured(item, indent + 1)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [f"{pad}{_coloured(item, indent + 1)}" for item in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return f"{_STRING}{text}{_RESET}" if isinstance(value, str) else text
