"""The public Python API of a generated tree, read back from its source, and how two differ.

Read from the rendered files rather than rebuilt from the IR: the previous generation's spec may
be gone, while its output is right there in generated/, and what users import is the source.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from .naming import api_version_order

# kind name -> detail (an annotation, a signature, a value); kind is class, field, member,
# method, attribute or name.
Surface = dict[str, str]


@dataclass(frozen=True)
class ApiChanges:
    added_versions: tuple[str, ...]
    removed_versions: tuple[str, ...]
    default: tuple[str, str] | None  # (old, new) subpackage of the default api-version
    # (scope, sign, entry): scope "" is the top level, "default" what the default client and
    # models gained or lost, else a subpackage regenerated in place; sign is +, - or ~.
    entries: tuple[tuple[str, str, str], ...]
    fresh: bool = False  # nothing was generated before

    def __bool__(self) -> bool:
        return bool(self.added_versions or self.removed_versions or self.default or self.entries)

    def to_text(self) -> str:
        if self.fresh:
            return f"public Python API: new, with {', '.join(self.added_versions)}"
        if not self:
            return "public Python API: unchanged"
        lines = ["public Python API:"]
        lines += [f"  + subpackage {name}" for name in self.added_versions]
        lines += [f"  - subpackage {name}" for name in self.removed_versions]
        scopes: dict[str, list[str]] = {}
        for scope, sign, entry in self.entries:
            scopes.setdefault(scope, []).append(f"    {sign} {entry}")
        if self.default is not None:
            old, new = self.default
            lines.append(f"  default api-version: {old} -> {new}")
            lines += scopes.pop("default", [])
        for scope, entries in sorted(scopes.items()):
            lines.append(f"  {scope or 'top level'}:")
            lines += entries
        return "\n".join(lines)


def read_surface(root: Path) -> dict[str, Surface]:
    """{"" (top level) or subpackage name: surface} of a generated tree; empty if absent."""
    found: dict[str, Surface] = {}
    if not root.is_dir():
        return found
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).with_suffix("").parts
        if any(part.startswith("_") and part != "__init__" for part in relative[:-1]):
            continue
        scope = relative[0] if len(relative) > 1 else ""
        module = ".".join(p for p in relative[1:] if p != "__init__") if scope else relative[0]
        surface = found.setdefault(scope, {})
        surface.update(_module_surface(path.read_text(encoding="utf-8"), module or "__init__"))
    return found


def _module_surface(source: str, module: str) -> Surface:
    tree = ast.parse(source)
    surface: Surface = {}
    exported = _all(tree)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            surface.update(_class_surface(node, f"{module}.{node.name}"))
    defined = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    for name in exported - defined:
        surface[f"name {module}.{name}"] = ""
    return surface


def _all(tree: ast.Module) -> set[str]:
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            and isinstance(node.value, ast.List | ast.Tuple)
        ):
            return {
                e.value
                for e in node.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            }
    return set()


def _class_surface(node: ast.ClassDef, qualified: str) -> Surface:
    bases = ", ".join(ast.unparse(b) for b in node.bases)
    surface: Surface = {f"class {qualified}": f"({bases})" if bases else ""}
    is_enum = any("Enum" in ast.unparse(b) for b in node.bases)
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            surface[f"field {qualified}.{item.target.id}"] = ast.unparse(item.annotation)
        elif is_enum and isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name) and not target.id.startswith("_"):
                    surface[f"member {qualified}.{target.id}"] = ast.unparse(item.value)
        elif isinstance(item, ast.FunctionDef):
            if item.name == "__init__":
                surface.update(_attributes(item, qualified))
            if item.name.startswith("_") and item.name not in ("__init__", "__new__"):
                continue
            returns = f" -> {ast.unparse(item.returns)}" if item.returns else ""
            surface[f"method {qualified}.{item.name}"] = f"({ast.unparse(item.args)}){returns}"
    return surface


def _attributes(init: ast.FunctionDef, qualified: str) -> Surface:
    """Public ``self.x = Y(...)`` of a constructor: a client's operation groups."""
    surface: Surface = {}
    for statement in ast.walk(init):
        if not isinstance(statement, ast.Assign):
            continue
        for target in statement.targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
                and not target.attr.startswith("_")
            ):
                value = statement.value
                kind = ast.unparse(value.func) if isinstance(value, ast.Call) else ""
                surface[f"attribute {qualified}.{target.attr}"] = kind
    return surface


def api_changes(old_root: Path, new_root: Path) -> ApiChanges:
    """Compare two generated trees. The default api-version is the newest subpackage (the
    generator's rule), so what its users gain or lose when it moves is listed on its own."""
    old, new = read_surface(old_root), read_surface(new_root)
    old_versions = {s for s in old if s}
    new_versions = {s for s in new if s}
    if not old:
        return ApiChanges(tuple(sorted(new_versions)), (), None, (), fresh=True)
    entries: list[tuple[str, str, str]] = []
    entries += [("", sign, e) for sign, e in _compare(old.get("", {}), new.get("", {}))]
    old_default = max(old_versions, key=api_version_order) if old_versions else None
    new_default = max(new_versions, key=api_version_order) if new_versions else None
    default = None
    if old_default and new_default and old_default != new_default:
        default = (old_default, new_default)
        for sign, entry in _compare(old[old_default], new.get(new_default, {})):
            entries.append(("default", sign, entry))
    for scope in sorted(old_versions & new_versions):
        entries += [(scope, sign, e) for sign, e in _compare(old[scope], new[scope])]
    return ApiChanges(
        added_versions=tuple(sorted(new_versions - old_versions)),
        removed_versions=tuple(sorted(old_versions - new_versions)),
        default=default,
        entries=tuple(entries),
    )


def _compare(old: Surface, new: Surface) -> list[tuple[str, str]]:
    changes: list[tuple[str, str]] = []
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            changes.append(("-", _show(key, old[key], brief=True)))
        elif key not in old:
            changes.append(("+", _show(key, new[key], brief=True)))
        elif old[key] != new[key]:
            changes.append(("~", f"{_show(key, old[key])}  ->  {new[key]}"))
    return changes


def _show(key: str, detail: str, *, brief: bool = False) -> str:
    kind, _, name = key.partition(" ")
    if not detail:
        return f"{kind} {name}"
    if kind == "method":
        return f"{kind} {name}{_brief_signature(detail) if brief else detail}"
    if kind == "class":
        return f"{kind} {name}{detail}"
    separator = " = " if kind == "member" else ": "
    return f"{kind} {name}{separator}{detail}"


def _brief_signature(signature: str) -> str:
    """``(self, a: int, *, b: str = 'x') -> R`` -> ``(a, *, b) -> R``: names tell what was added."""
    function = ast.parse(f"def f{signature}: pass").body[0]
    assert isinstance(function, ast.FunctionDef)
    args = function.args
    names = [a.arg for a in (*args.posonlyargs, *args.args) if a.arg not in ("self", "cls")]
    if args.vararg:
        names.append(f"*{args.vararg.arg}")
    elif args.kwonlyargs:
        names.append("*")
    names += [a.arg for a in args.kwonlyargs]
    if args.kwarg:
        names.append(f"**{args.kwarg.arg}")
    returns = f" -> {ast.unparse(function.returns)}" if function.returns else ""
    return f"({', '.join(names)}){returns}"
