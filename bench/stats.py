"""Medians with their spread, and ratios between contenders measured in the same run."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """One figure over repeats: the median and the min-max range."""

    median: float
    low: float
    high: float
    samples: tuple[float, ...]

    @classmethod
    def of(cls, samples: Iterable[float]) -> Summary:
        values = tuple(samples)
        if not values:
            raise ValueError("a summary needs at least one sample")
        return cls(statistics.median(values), min(values), max(values), values)

    def as_json(self) -> dict[str, object]:
        return {
            "median": self.median,
            "min": self.low,
            "max": self.high,
            "samples": list(self.samples),
        }

    def text(self, digits: int = 2, scale: float = 1.0) -> str:
        """``median (min-max)``, scaled (e.g. seconds -> ms)."""
        return (
            f"{self.median * scale:.{digits}f} "
            f"({self.low * scale:.{digits}f}-{self.high * scale:.{digits}f})"
        )


def ratio(value: Summary, base: Summary) -> float:
    """How many times ``base`` the ``value`` is (medians)."""
    return value.median / base.median if base.median else float("inf")


def rotated(items: Sequence[str], turn: int) -> list[str]:
    """The contenders in a different order each repeat, so none always runs first."""
    shift = turn % len(items)
    return [*items[shift:], *items[:shift]]
