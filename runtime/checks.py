"""Argument checks shared by the client and the poller: typed errors that name the argument."""

from __future__ import annotations

import math


def check_seconds(name: str, value: float, *, allow_zero: bool = True) -> None:
    """A finite, non-negative (or positive) number of seconds; bool is not a number here."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number of seconds {bound}, not {value!r}")
