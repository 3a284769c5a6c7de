"""Annotations in a class body that name a builtin the class itself defines.

Azure names list operations ``<Group>_List``, so many operations classes have a ``list``
method (``VirtualMachineImages_List``, ``ApplicationGateways_List``), and a model may have a
field called ``list`` or ``type``. In that class body the name is the method or the field,
and an annotation ``list[str]`` of another member is rejected by mypy ("Function ... is not
valid as a type"). Such annotations spell the builtin ``builtins.list``.

This works on the rendered module (before formatting) rather than in each template, so that
every annotation a template prints is covered, overloads and parameter groups included.
"""

from __future__ import annotations

import ast

# Builtins that an annotation of generated code may name.
BUILTIN_TYPES = frozenset(
    {"list", "dict", "set", "frozenset", "tuple", "str", "int", "float", "bool", "bytes", "type"}
)


def qualify_builtins(source: str) -> str:
    """``source`` with every annotation that names a builtin its class hides written
    ``builtins.<name>``, and ``import builtins`` added when one was."""
    tree = ast.parse(source)
    spots: list[tuple[int, int]] = []  # (line, column) of each Name to qualify
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            hidden = _class_names(node) & BUILTIN_TYPES
            if hidden:
                spots.extend(_uses(node, hidden))
    if not spots:
        return source
    lines = source.splitlines(keepends=True)
    for line, column in sorted(spots, reverse=True):
        text = lines[line - 1]
        lines[line - 1] = f"{text[:column]}builtins.{text[column:]}"
    return _add_import("".join(lines), tree)


def _class_names(node: ast.ClassDef) -> set[str]:
    """Names a class body binds: methods, annotated and assigned attributes."""
    names: set[str] = set()
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(item.name)
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            names.add(item.target.id)
        elif isinstance(item, ast.Assign):
            names.update(t.id for t in item.targets if isinstance(t, ast.Name))
    return names


def _uses(node: ast.ClassDef, hidden: frozenset[str] | set[str]) -> list[tuple[int, int]]:
    """Positions of the hidden names in the annotations of this class body's members."""
    annotations: list[ast.expr] = []
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = item.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
            annotations.extend(a.annotation for a in every if a.annotation is not None)
            if item.returns is not None:
                annotations.append(item.returns)
        elif isinstance(item, ast.AnnAssign):
            annotations.append(item.annotation)
    return [
        (name.lineno, name.col_offset)
        for annotation in annotations
        for name in ast.walk(annotation)
        if isinstance(name, ast.Name) and name.id in hidden
    ]


def _add_import(source: str, tree: ast.Module) -> str:
    """``import builtins`` after the module docstring and ``from __future__`` imports."""
    after = 0
    for item in tree.body:
        docstring = isinstance(item, ast.Expr) and isinstance(item.value, ast.Constant)
        future = isinstance(item, ast.ImportFrom) and item.module == "__future__"
        if not (docstring or future):
            break
        after = item.end_lineno or after
    lines = source.splitlines(keepends=True)
    lines.insert(after, "\nimport builtins\n")
    return "".join(lines)
