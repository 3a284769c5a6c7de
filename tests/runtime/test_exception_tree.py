"""The exception module's docstring draws the tree the runtime really raises."""

from __future__ import annotations

import builtins
import importlib
import inspect
import pkgutil

import vmss_runcommands.runtime as runtime_package
from vmss_runcommands.runtime import exceptions


def _drawn() -> list[tuple[int, str]]:
    """(depth, class name) of each line of the drawing, in order."""
    doc = exceptions.__doc__ or ""
    lines = doc.split("::", 1)[1].split("\n\n")[1].splitlines()
    drawn = []
    for line in lines:
        body = line[4:]  # the literal block's indent
        if body.strip() == "Exception":
            drawn.append((0, "Exception"))
            continue
        start = body.index("── ") + 3
        drawn.append((start // 4, body[start:].split()[0]))
    return drawn


def _runtime_exceptions() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for module_info in pkgutil.walk_packages(
        runtime_package.__path__, runtime_package.__name__ + "."
    ):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                found[name] = value
    return found


def test_every_runtime_exception_is_drawn_under_its_real_base() -> None:
    classes = _runtime_exceptions()
    drawn = _drawn()
    parents: list[str] = []
    for depth, name in drawn:
        parents[depth:] = [name]
        if depth == 0:
            continue
        cls = classes.get(name) or getattr(builtins, name)
        parent = classes.get(parents[depth - 1]) or getattr(builtins, parents[depth - 1])
        assert issubclass(cls, parent), f"{name} is drawn under {parents[depth - 1]}"
    drawn_names = {name for _, name in drawn}
    assert set(classes) <= drawn_names, sorted(set(classes) - drawn_names)
