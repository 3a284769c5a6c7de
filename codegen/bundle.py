"""Cut a self-contained bundle out of an upstream description: the selected operations and only
what they reach (definitions, parameters, responses, examples), with ``$ref``s rewritten so that
they stay inside the bundle.

Decisions:
- The unit of reachability is one entry of ``definitions``, ``parameters`` or ``responses``; a
  ``$ref`` deeper into an entry keeps the whole entry. Nothing is renamed, so a bundle still reads
  like the upstream text it came from.
- Files keep their place relative to the entry's folder; a file outside it (``../../../common-
  types/v1/common.json``) loses the leading ``..`` segments (``common-types/v1/common.json``).
- Examples are data: copied, never searched for ``$ref``s. A missing example is left out of
  ``x-ms-examples`` and reported, so the bundle never names a file it does not hold.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .load import SpecError, SpecSet, ref_target

COMPONENTS = ("definitions", "parameters", "responses")
PATH_KEYS = ("paths", "x-ms-paths")
LRO_OPTIONS = "x-ms-long-running-operation-options"
FINAL_SCHEMA = "final-state-schema"
HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")


@dataclass(frozen=True)
class Bundle:
    documents: dict[str, Any]  # bundle path -> JSON document (descriptions and examples)
    sources: dict[str, str]  # bundle path -> source document (relative to the entry's folder)
    operations: tuple[str, ...]  # selected operationIds, in path order
    missing_examples: tuple[str, ...]  # source documents named by x-ms-examples but absent


def operation_ids(spec: SpecSet) -> list[str]:
    """Every operationId of the entry document, in path order."""
    return [str(raw.get("operationId", "")) for _, _, raw in _operations(spec.entry_document)]


def make_bundle(spec: SpecSet, patterns: Sequence[str], entry_name: str) -> Bundle:
    """The bundle of the operations whose operationId matches one of the glob ``patterns``."""

    def selects(operation_id: str) -> bool:
        return any(fnmatch.fnmatchcase(operation_id, p) for p in patterns)

    entry = spec.entry_document
    skeleton = {k: v for k, v in entry.items() if k not in COMPONENTS and k not in PATH_KEYS}
    selected: list[str] = []
    for key in PATH_KEYS:
        if key not in entry:
            continue
        kept_paths: dict[str, Any] = {}
        for path, item in (entry.get(key) or {}).items():
            if not isinstance(item, dict):
                continue
            methods = {
                m: op
                for m, op in item.items()
                if m in HTTP_METHODS and isinstance(op, dict) and selects(_id(op))
            }
            if methods:
                others = {k: v for k, v in item.items() if k not in HTTP_METHODS}
                kept_paths[path] = {**others, **methods}
                selected.extend(_id(op) for op in methods.values())
        skeleton[key] = kept_paths
    if not selected:
        raise SpecError(
            f"{spec.entry}: no operation matches the selection {', '.join(patterns)}; it has "
            + ", ".join(sorted(operation_ids(spec)))
        )
    reach = _Reach(spec)
    reach.visit(skeleton, spec.entry)

    names = _bundle_names(spec, {spec.entry, *reach.documents(), *reach.examples}, entry_name)
    documents: dict[str, Any] = {}
    for source in sorted(names):
        if source in reach.examples:
            documents[names[source]] = spec.documents[source]
            continue
        if source == spec.entry:
            base: dict[str, Any] = skeleton
        elif source in reach.whole:
            base = spec.documents[source]
        else:
            base = reach.skeleton(source)
        document = dict(base)
        if source not in reach.whole:
            for component in COMPONENTS:
                kept = reach.kept(source, component)
                if kept:
                    document[component] = kept
        documents[names[source]] = _rewrite(document, source, names, reach.missing)
    return Bundle(
        documents=documents,
        sources={bundle: source for source, bundle in names.items()},
        operations=tuple(selected),
        missing_examples=tuple(sorted(reach.missing)),
    )


class _Reach:
    """What a set of spec nodes reaches through ``$ref``, transitively."""

    def __init__(self, spec: SpecSet) -> None:
        self._spec = spec
        self._units: dict[tuple[str, str], set[str]] = {}  # (document, component) -> names
        self.whole: set[str] = set()  # documents referenced as a whole
        self.examples: set[str] = set()
        self.missing: set[str] = set()
        self._skeletons: dict[str, dict[str, Any]] = {}
        self._polymorphic: set[tuple[str, str]] = set()  # definitions with a discriminator

    def documents(self) -> set[str]:
        return {document for document, _ in self._units} | self.whole

    def kept(self, document: str, component: str) -> dict[str, Any]:
        names = self._units.get((document, component), set())
        source = self._spec.documents[document].get(component) or {}
        return {name: source[name] for name in sorted(names)}

    def skeleton(self, document: str) -> dict[str, Any]:
        """A non-entry document without its paths and unreached components."""
        found = self._skeletons.get(document)
        if found is None:
            raw = self._spec.documents[document]
            found = {k: v for k, v in raw.items() if k not in COMPONENTS and k not in PATH_KEYS}
            if "paths" in raw:
                found["paths"] = {}
            self._skeletons[document] = found
            self.visit(found, document)
        return found

    def visit(self, node: Any, document: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    self._follow(value, document)
                elif key == "x-ms-examples" and isinstance(value, dict):
                    self._examples(value, document)
                elif key == LRO_OPTIONS and isinstance(value, dict):
                    self._final_schema(value.get(FINAL_SCHEMA), document)
                else:
                    self.visit(value, document)
        elif isinstance(node, list):
            for item in node:
                self.visit(item, document)

    def _follow(self, ref: str, document: str) -> None:
        target, pointer = ref_target(ref, document)
        if not self._spec.load(target):
            raise SpecError(f"{document}: $ref {ref!r} points to a missing example file")
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
        if not tokens:
            if target not in self.whole:
                self.whole.add(target)
                self.visit(self._spec.documents[target], target)
            return
        if tokens[0] not in COMPONENTS or len(tokens) < 2:
            raise SpecError(
                f"{document}: $ref {ref!r} points outside definitions, parameters and responses"
            )
        if target != self._spec.entry:
            self.skeleton(target)
        names = self._units.setdefault((target, tokens[0]), set())
        if tokens[1] in names:
            return
        component = self._spec.documents[target].get(tokens[0]) or {}
        if tokens[1] not in component:
            raise SpecError(f"{document}: $ref {ref!r} names no such {tokens[0][:-1]}")
        names.add(tokens[1])
        self.visit(component[tokens[1]], target)
        if tokens[0] == "definitions":
            self._subtypes(target, tokens[1], component)

    def _final_schema(self, ref: Any, document: str) -> None:
        """``final-state-schema`` is a ``$ref`` written as a plain string: the bundle keeps
        what it names, though nothing else may name it (NetworkCloud's OperationStatusResult)."""
        if isinstance(ref, str):
            self._follow(ref, document)

    def _subtypes(self, document: str, name: str, definitions: dict[str, Any]) -> None:
        """A polymorphic definition (``discriminator``) reaches its allOf subtypes: a response
        may hold any of them, though nothing refers to them by name."""
        node = definitions.get(name)
        if not isinstance(node, dict):
            return
        if node.get("discriminator"):
            self._polymorphic.add((document, name))
        if (document, name) not in self._polymorphic:
            return
        local = f"#/definitions/{name}"
        for child, schema in definitions.items():
            parts = schema.get("allOf") if isinstance(schema, dict) else None
            if isinstance(parts, list) and any(
                isinstance(p, dict) and p.get("$ref") == local for p in parts
            ):
                newly = (document, child) not in self._polymorphic
                self._polymorphic.add((document, child))
                self._follow(f"#/definitions/{child}", document)
                if newly:  # reached before it was known to be a subtype: its own subtypes
                    self._subtypes(document, child, definitions)

    def _examples(self, examples: dict[str, Any], document: str) -> None:
        for entry in examples.values():
            ref = entry.get("$ref") if isinstance(entry, dict) else None
            if not isinstance(ref, str):
                continue
            target, _ = ref_target(ref, document)
            if self._spec.load(target):
                self.examples.add(target)
            else:
                self.missing.add(target)


def _bundle_names(spec: SpecSet, sources: set[str], entry_name: str) -> dict[str, str]:
    names: dict[str, str] = {}
    owners: dict[str, str] = {}
    for source in sorted(sources):
        name = entry_name if source == spec.entry else _inside(source)
        if name in owners:
            raise SpecError(
                f"{source} and {owners[name]} would both become {name} in the bundle; "
                "rename one of them upstream or import from a different entry"
            )
        owners[name] = source
        names[source] = name
    return names


def _inside(source: str) -> str:
    parts = source.split("/")
    while parts and parts[0] in ("..", "."):
        parts.pop(0)
    return "/".join(parts)


def _rewrite(node: Any, source: str, names: dict[str, str], missing: set[str]) -> Any:
    if isinstance(node, list):
        return [_rewrite(item, source, names, missing) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            result[key] = _relative_ref(value, source, names)
        elif key == LRO_OPTIONS and isinstance(value, dict):
            result[key] = {
                option: _relative_ref(setting, source, names)
                if option == FINAL_SCHEMA and isinstance(setting, str)
                else setting
                for option, setting in value.items()
            }
        elif key == "x-ms-examples" and isinstance(value, dict):
            kept = {
                name: _rewrite(entry, source, names, missing)
                for name, entry in value.items()
                if not _names_missing(entry, source, missing)
            }
            if kept:
                result[key] = kept
        else:
            result[key] = _rewrite(value, source, names, missing)
    return result


def _names_missing(entry: Any, source: str, missing: set[str]) -> bool:
    ref = entry.get("$ref") if isinstance(entry, dict) else None
    return isinstance(ref, str) and ref_target(ref, source)[0] in missing


def _relative_ref(ref: str, source: str, names: dict[str, str]) -> str:
    target, _ = ref_target(ref, source)
    fragment = ref.partition("#")[2]
    suffix = f"#{fragment}" if "#" in ref else ""
    if target == source:
        return suffix
    here, there = names[source], names[target]
    relative = posixpath.relpath(there, posixpath.dirname(here) or ".")
    if not relative.startswith("../"):
        relative = f"./{relative}"
    return relative + suffix


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for key in PATH_KEYS:
        for path, item in (document.get(key) or {}).items():
            if isinstance(item, dict):
                for method, raw in item.items():
                    if method in HTTP_METHODS and isinstance(raw, dict):
                        yield path, method, raw


def _id(operation: dict[str, Any]) -> str:
    return str(operation.get("operationId", ""))
