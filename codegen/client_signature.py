"""The constructor of a rendered versioned client, restated for the top-level client.

The top-level client (sync, or asyncio in ``aio/``) adds ``api_version=`` to the newest
versioned client's constructor of its side. Its signature is read back from that client's
rendered source, so the two never drift apart when the client template gains an argument; the
imports its annotations need come along, re-anchored from the versioned client's package to
the top-level client's (the formatter drops the ones left unused).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .load import SpecError


@dataclass(frozen=True)
class ClientSignature:
    imports: tuple[str, ...]  # import statements valid in the top-level package
    parameters: str  # the constructor's parameters after ``self``, with ``api_version`` added
    forward: str  # the arguments to pass the versioned constructor


def client_signature(
    source: str, client_name: str, subpackage: str, target: str = ""
) -> ClientSignature:
    """``source`` is the client module of package ``subpackage`` (``v2024_07_01``,
    ``v2024_07_01/aio``); the signature is restated in package ``target`` (``""``, ``aio``),
    both relative to the package root."""
    tree = ast.parse(source)
    init = _constructor(tree, client_name)
    args = init.args
    if args.vararg or args.kwarg or args.posonlyargs:
        raise SpecError(f"{subpackage}/client.py: {client_name}.__init__ has an unusual signature")
    positional = args.args[1:]  # without self
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    parts = [_parameter(a, d) for a, d in zip(positional, defaults, strict=True)]
    parts.append("*")
    parts.append("api_version: str | None = None")
    parts += [_parameter(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    forward = [a.arg for a in positional] + [f"{a.arg}={a.arg}" for a in args.kwonlyargs]
    return ClientSignature(
        imports=tuple(_reanchored_imports(tree, _parts(subpackage), _parts(target))),
        parameters=", ".join(parts),
        forward=", ".join(forward),
    )


def _constructor(tree: ast.Module, client_name: str) -> ast.FunctionDef:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == client_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    return item
    raise SpecError(f"client.py has no {client_name}.__init__")


def _parameter(arg: ast.arg, default: ast.expr | None) -> str:
    text = arg.arg
    if arg.annotation is not None:
        text += f": {ast.unparse(arg.annotation)}"
    if default is not None:
        text += f" = {ast.unparse(default)}"
    return text


def _parts(package: str) -> tuple[str, ...]:
    return tuple(part for part in package.split("/") if part)


def _reanchored_imports(
    tree: ast.Module, source: tuple[str, ...], target: tuple[str, ...]
) -> list[str]:
    statements: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            statements.append(ast.unparse(node))
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                statements.append(ast.unparse(node))
                continue
            # The module's place below the package root, then the same place seen from target.
            base = source[: max(0, len(source) - (node.level - 1))]
            where = base + (tuple(node.module.split(".")) if node.module else ())
            common = 0
            while common < min(len(target), len(where)) and target[common] == where[common]:
                common += 1
            module = ".".join(where[common:]) or None
            moved = ast.ImportFrom(module=module, names=node.names, level=len(target) - common + 1)
            statements.append(ast.unparse(moved))
    return statements
