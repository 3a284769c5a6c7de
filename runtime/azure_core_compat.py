"""Our exceptions as azure-core's too, when azure-core is installed.

``except azure.core.exceptions.ResourceNotFoundError`` must catch this package's
``ResourceNotFoundError``, or code ported from azure-mgmt-* silently stops handling errors.
``except`` matches by real inheritance only (not ``__subclasscheck__``), so each raised error is
an instance of a *twin* class: a subclass of our class and of azure-core's class of the same
name (``DecodeError`` -> ``azure.core.exceptions.DecodeError``, ``OperationFailedError`` -> the
nearest ancestor azure-core knows, ``HttpResponseError``).

azure-core is imported only when the first error is built, never at import time: importing it
costs about as much as importing this whole package, and the success path should not pay it.
Without azure-core every error is an instance of our class itself. The twin keeps our class's
name, module, ``__init__`` and ``__str__``; only ``type(error) is ResourceNotFoundError`` tells
them apart (``isinstance`` and ``except`` work both ways).
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from typing import Any

__all__ = ["azure_core_twin"]

_UNKNOWN: Any = object()
_azure_exceptions: Any = _UNKNOWN
_twins: dict[type, type] = {}
_lock = threading.Lock()


def azure_core_twin(cls: type[BaseException]) -> type[BaseException]:
    """``cls``, or the cached subclass of ``cls`` and its azure-core namesake."""
    twin = _twins.get(cls)
    if twin is not None:
        return twin
    with _lock:
        twin = _twins.get(cls)
        if twin is None:
            twin = _twins[cls] = _make_twin(cls, _azure_core_exceptions())
    return twin


def _azure_core_exceptions() -> Any:
    global _azure_exceptions
    if _azure_exceptions is _UNKNOWN:
        try:
            found = importlib.util.find_spec("azure.core") is not None
        except (ImportError, ValueError):
            found = False
        _azure_exceptions = importlib.import_module("azure.core.exceptions") if found else None
    return _azure_exceptions


def _rebuild(cls: type[BaseException], args: tuple[Any, ...]) -> BaseException:
    return cls.__new__(cls, *args)


def _reduce(self: BaseException) -> tuple[Any, ...]:
    return (_rebuild, (type(self)._azure_core_twin_of, self.args), self.__dict__)  # type: ignore[attr-defined]


def _make_twin(cls: type[BaseException], azure_exceptions: Any) -> type[BaseException]:
    if azure_exceptions is None or cls.__dict__.get("_azure_core_twin_of") is not None:
        return cls
    counterpart = None
    for ancestor in cls.__mro__:
        candidate = getattr(azure_exceptions, ancestor.__name__, None)
        if isinstance(candidate, type) and issubclass(candidate, BaseException):
            counterpart = candidate
            break
    if counterpart is None or issubclass(cls, counterpart):
        return cls
    namespace = {
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__doc__": cls.__doc__,
        "_azure_core_twin_of": cls,
        # Pickles (and copies) as our own class: the twin is rebuilt where it is loaded.
        "__reduce__": _reduce,
    }
    return type(cls.__name__, (cls, counterpart), namespace)
