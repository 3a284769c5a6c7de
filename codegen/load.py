"""Load an OpenAPI 2.0 document and every file its ``$ref``s reach, keeping JSON pointers."""

from __future__ import annotations

import hashlib
import json
import posixpath
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote


class SpecError(Exception):
    """The spec cannot be read or does not make sense; the message names the file and pointer."""


class MissingFileWarning(UserWarning):
    """A referenced side file (typically an x-ms-example) does not exist."""


@dataclass(frozen=True)
class Located:
    """A node of the spec and where it came from: document path (relative to the entry's folder)
    and the JSON pointer inside it."""

    document: str
    pointer: str
    value: Any

    @property
    def where(self) -> str:
        return f"{self.document}#{self.pointer}"


@dataclass
class SpecSet:
    """The entry document plus the documents reachable through ``$ref`` read so far."""

    root: Path
    entry: str
    documents: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)

    @property
    def entry_document(self) -> dict[str, Any]:
        doc = self.documents[self.entry]
        assert isinstance(doc, dict)
        return doc

    def resolve(self, ref: str, base_document: str) -> Located:
        """Resolve ``ref`` written inside ``base_document``, reading its file if need be."""
        document, pointer = ref_target(ref, base_document)
        if not self.load(document):
            raise SpecError(f"{base_document}: $ref {ref!r} points to a missing example file")
        return Located(document, pointer, _walk(self.documents[document], pointer, document))

    def load(self, name: str) -> bool:
        """Read the document ``name`` (relative to the entry's folder) unless already read.

        False for a missing example file (a warning, as upstream often lacks some); any other
        missing or unreadable file is a ``SpecError``.
        """
        if name in self.documents:
            return True
        if name in self.missing:
            return False
        path = self.root / name
        if not path.is_file():
            if _is_example(name):
                warnings.warn(
                    f"example file {name} is missing; continuing without it",
                    MissingFileWarning,
                    stacklevel=3,
                )
                self.missing.add(name)
                return False
            raise SpecError(f"referenced file {name} does not exist")
        data = path.read_bytes()
        try:
            document = json.loads(data)
        except ValueError as exc:
            if not _is_example(name):
                raise SpecError(f"{name}#: not valid JSON ({exc})") from exc
            readable = _legacy_example(data)
            if readable is None:
                # An example is documentation: one that does not parse must not stop the
                # generation of the operations it illustrates.
                warnings.warn(
                    f"example file {name} is not valid JSON ({exc}); continuing without it",
                    MissingFileWarning,
                    stacklevel=3,
                )
                self.missing.add(name)
                return False
            document = readable
        self.raw[name] = data
        self.documents[name] = document
        return True

    def deref(self, node: Any, document: str, pointer: str) -> Located:
        """Follow ``$ref`` chains until a node that is not a bare reference."""
        seen: set[tuple[str, str]] = set()
        located = Located(document, pointer, node)
        while isinstance(located.value, dict) and "$ref" in located.value:
            key = (located.document, located.pointer)
            if key in seen:
                raise SpecError(f"{located.where}: circular $ref")
            seen.add(key)
            ref = located.value["$ref"]
            try:
                located = self.resolve(ref, located.document)
            except SpecError as exc:
                raise SpecError(
                    f"{located.where}/$ref: $ref {ref!r} names nothing ({exc})"
                ) from exc
        return located

    def file_hashes(self) -> dict[str, str]:
        return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(self.raw.items())}


def load_spec(entry: Path, *, follow_refs: bool = True) -> SpecSet:
    """Read ``entry`` and, transitively, every JSON file referenced from it.

    With ``follow_refs=False`` only the entry is read now; other files are read when a
    ``$ref`` is resolved, so files that nothing used refers to need not exist.
    """
    entry = entry.resolve()
    if not entry.is_file():
        raise SpecError(f"spec file not found: {entry.name}")
    spec = SpecSet(root=entry.parent, entry=entry.name)
    pending = [(entry.name, "")]
    while pending:
        name, referrer = pending.pop()
        if name in spec.documents:
            continue
        try:
            loaded = spec.load(name)
        except SpecError as exc:
            if not referrer or not str(exc).startswith("referenced file"):
                raise
            raise SpecError(f"{referrer}: $ref to {name}, which does not exist") from exc
        if not loaded or not follow_refs:
            continue
        for pointer, ref in _located_refs(spec.documents[name], ""):
            file_part = ref.partition("#")[0]
            if file_part:
                pending.append((_join(name, file_part), f"{name}#{pointer}/$ref"))
    return spec


def ref_target(ref: str, base_document: str) -> tuple[str, str]:
    """The document (relative to the entry's folder) and JSON pointer ``ref`` names when written
    inside ``base_document``."""
    file_part, _, fragment = ref.partition("#")
    document = _join(base_document, file_part) if file_part else base_document
    return document, unquote(fragment) or ""


def _legacy_example(data: bytes) -> Any:
    """An example saved in Windows-1252 rather than UTF-8 (an en dash as byte 0x96, in
    hand-written files of 2015), read as such; None when it is not JSON that way either."""
    try:
        return json.loads(data.decode("cp1252"))
    except ValueError:
        return None


def _is_example(name: str) -> bool:
    return "/examples/" in f"/{name}"


def _join(base_document: str, relative: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_document), relative))


def _walk(document: Any, pointer: str, name: str) -> Any:
    node = document
    if pointer in ("", "/"):
        return node
    for raw_token in pointer.lstrip("/").split("/"):
        token = raw_token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise SpecError(f"{name}#{pointer}: no such node")
    return node


def _located_refs(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """``(pointer of the object holding it, $ref)`` for every ``$ref`` under ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield pointer, value
            else:
                token = key.replace("~", "~0").replace("/", "~1")
                yield from _located_refs(value, f"{pointer}/{token}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _located_refs(item, f"{pointer}/{index}")


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)
