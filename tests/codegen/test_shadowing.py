"""Annotations that name a builtin which the class hides with a method or a field."""

from __future__ import annotations

import ast
import textwrap

from codegen.shadowing import qualify_builtins

OPERATIONS = textwrap.dedent(
    '''\
    """Operations."""

    from typing import Any


    class ShipsOperations:
        def list(self, tags: list[str] | None = None) -> list[Ship]:
            return []

        def list_names(self, *, names: list[str], kind: str = "list[x]") -> dict[str, list[int]]:
            value: list[int] = []
            return {"a": value}


    class PortsOperations:
        def get(self, ids: list[str]) -> list[Port]:
            return []
    '''
)


def _annotations(source: str, cls: str) -> list[str]:
    tree = ast.parse(source)
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
    found = []
    for item in node.body:
        if isinstance(item, ast.FunctionDef):
            every = [*item.args.args, *item.args.kwonlyargs]
            found += [ast.unparse(a.annotation) for a in every if a.annotation is not None]
            found.append(ast.unparse(item.returns) if item.returns else "")
    return found


def test_annotations_in_a_class_with_a_list_method_name_the_builtin() -> None:
    result = qualify_builtins(OPERATIONS)
    assert _annotations(result, "ShipsOperations") == [
        "builtins.list[str] | None",
        "builtins.list[Ship]",
        "builtins.list[str]",
        "str",
        "dict[str, builtins.list[int]]",
    ]


def test_defaults_bodies_and_other_classes_are_left_alone() -> None:
    result = qualify_builtins(OPERATIONS)
    assert 'kind: str = "list[x]"' in result
    assert "value: list[int] = []" in result  # a function body sees the module's list
    assert _annotations(result, "PortsOperations") == ["list[str]", "list[Port]"]


def test_the_import_comes_after_the_docstring_and_the_module_still_parses() -> None:
    result = qualify_builtins(OPERATIONS)
    tree = ast.parse(result)
    assert isinstance(tree.body[1], ast.Import) and tree.body[1].names[0].name == "builtins"


def test_a_field_named_like_a_builtin_is_covered_too() -> None:
    source = "class Ship:\n    type: str | None = None\n    kinds: type[int] | None = None\n"
    assert "kinds: builtins.type[int] | None" in qualify_builtins(source)


def test_a_module_without_shadowing_is_returned_unchanged() -> None:
    source = "class Ports:\n    def get(self) -> list[str]:\n        return []\n"
    assert qualify_builtins(source) == source
