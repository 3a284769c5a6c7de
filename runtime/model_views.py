"""azure-mgmt's ``properties`` objects on generated models, as views rather than copies.

azure-mgmt-compute groups the fields ARM nests under ``properties`` into an object of their own
(``run_command.properties.instance_view``); the generated models hold those fields directly
(``run_command.instance_view``). A generated ``...Properties`` class lists them once, as
:class:`ViewField` attributes: reading or setting one reads or sets the model's field.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, overload

__all__ = ["PropertiesView", "ViewField"]

M = TypeVar("M")
T = TypeVar("T")


class PropertiesView(Generic[M]):
    """The fields of the model ``M`` that its wire form nests under ``properties``."""

    __slots__ = ("__view_model__",)

    def __init__(self, model: M) -> None:
        self.__view_model__ = model

    def __repr__(self) -> str:
        # Values are left out: some are secrets; the model's own repr masks them.
        return f"<{type(self).__name__} of {type(self.__view_model__).__name__}>"


class ViewField(Generic[T]):
    """One attribute of a :class:`PropertiesView`: the model's field ``name``."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, view: None, owner: type[Any]) -> ViewField[T]: ...

    @overload
    def __get__(self, view: PropertiesView[Any], owner: type[Any]) -> T: ...

    def __get__(self, view: PropertiesView[Any] | None, owner: type[Any]) -> ViewField[T] | T:
        if view is None:
            return self
        value: T = getattr(view.__view_model__, self.name)
        return value

    def __set__(self, view: PropertiesView[Any], value: T) -> None:
        setattr(view.__view_model__, self.name, value)
