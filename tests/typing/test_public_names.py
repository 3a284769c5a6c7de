"""Every runtime type the public calls take or return can be imported from the package
itself, so a user's annotations (``def on_response(r: PipelineResponse)``, ``except ... as
e: e.error``) never have to reach into ``vmss_runcommands.runtime``."""

from __future__ import annotations

import inspect
import sys
import types
import typing
from collections.abc import Iterator

import vmss_runcommands
from vmss_runcommands import HttpResponseError, ItemPaged, LROPoller, RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator


def _runtime_classes(hint: object) -> Iterator[type]:
    stack = [hint]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
            continue
        origin = typing.get_origin(item)
        if origin is not None:
            stack.append(origin)
            stack.extend(typing.get_args(item))
        elif isinstance(item, type) and item.__module__.startswith("vmss_runcommands.runtime"):
            yield item


def _names() -> dict[str, object]:
    """Classes of the package's loaded modules by name: annotations may name types that
    their module imports for type checkers only."""
    found: dict[str, object] = {}
    for name, module in list(sys.modules.items()):
        if name.startswith("vmss_runcommands"):
            found.update(
                (key, value) for key, value in vars(module).items() if isinstance(value, type)
            )
    return found


def _public_hints(owner: object) -> Iterator[object]:
    names = _names()
    for name, member in inspect.getmembers(owner):
        # from_continuation_token is the generated code's hook (it takes the pipeline); users
        # resume with begin_...(continuation_token=...).
        if name.startswith("_") or name == "from_continuation_token" or not callable(member):
            continue
        try:
            hints = typing.get_type_hints(member, localns=names)
        except TypeError:  # not annotatable (a builtin)
            continue
        yield from hints.values()


def test_types_of_the_public_calls_are_exported_from_the_package() -> None:
    with ArmEmulator() as emu:
        client = emu.client()
    groups = [
        value
        for name, value in vars(client).items()
        if not name.startswith("_") and type(value).__name__.endswith("Operations")
    ]
    assert len(groups) >= 3
    owners: list[object] = [*groups, RunCommandsClient, LROPoller, ItemPaged, HttpResponseError]
    hints = [hint for owner in owners for hint in _public_hints(owner)]
    hints += list(typing.get_type_hints(HttpResponseError.__init__, localns=_names()).values())
    found = {cls for hint in hints for cls in _runtime_classes(hint)}
    assert found, "no runtime type found: the walk is broken"
    missing = sorted(
        f"{cls.__module__}.{cls.__name__}"
        for cls in found
        if getattr(vmss_runcommands, cls.__name__, None) is not cls
        and not isinstance(cls, types.GenericAlias)
    )
    assert not missing, f"not importable from vmss_runcommands: {missing}"


def test_types_of_the_async_calls_are_exported_from_the_aio_package() -> None:
    import vmss_runcommands.aio as aio
    from vmss_runcommands.runtime.aio.paging import AsyncItemPaged, AsyncPageIterator
    from vmss_runcommands.runtime.lro_core import LroCore

    with ArmEmulator() as emu:
        client = emu.async_client()
    groups = [
        value
        for name, value in vars(client).items()
        if not name.startswith("_") and type(value).__name__.endswith("Operations")
    ]
    owners: list[object] = [*groups, aio.RunCommandsClient, aio.AsyncLROPoller, AsyncItemPaged]
    owners.append(AsyncPageIterator)
    hints = [hint for owner in owners for hint in _public_hints(owner)]
    hints += list(typing.get_type_hints(aio.RunCommandsClient.__init__, localns=_names()).values())
    found = {cls for hint in hints for cls in _runtime_classes(hint)}
    # AsyncLROPoller.polling_method() hands out the core's state machine, a runtime detail.
    found -= {LroCore}
    missing = sorted(
        f"{cls.__module__}.{cls.__name__}"
        for cls in found
        if getattr(aio, cls.__name__, getattr(vmss_runcommands, cls.__name__, None)) is not cls
    )
    assert not missing, f"not importable from vmss_runcommands.aio: {missing}"
