"""Converters for argument values; errors never repeat a value (it may be a secret)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence

__all__ = [
    "PROMPT",
    "exit_code_offset",
    "expand_instance_ids",
    "name",
    "name_value_pairs",
    "non_negative_int",
    "positive_int",
    "seconds",
    "text_or_file",
    "true_or_false",
]

PROMPT = "\0prompt"
"""What ``--run-as-password`` holds when given without a value: ask on the terminal."""

_RANGE = re.compile(r"^(\d+)\.\.(\d+)$")
_MAX_RANGE = 100_000


def name(value: str) -> str:
    """A resource name: non-empty, not only whitespace."""
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return value


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def exit_code_offset(value: str) -> int:
    """0-100: room is left for exit codes 1-23 above it."""
    number = non_negative_int(value)
    if number > 100:
        raise argparse.ArgumentTypeError(f"must be at most 100, got {number}")
    return number


def non_negative_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {number}")
    return number


def seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not number >= 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {value!r}")
    return number


def true_or_false(value: str) -> bool:
    """``true``/``false`` (and yes/no, 1/0), as az spells its three-state flags."""
    lowered = value.strip().lower()
    if lowered in ("true", "yes", "1", "on"):
        return True
    if lowered in ("false", "no", "0", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {value!r}")


def text_or_file(value: str) -> str:
    """The value itself, or a file's contents for ``@path`` (as az reads ``@file``); ``@-``
    reads standard input."""
    if not value.startswith("@"):
        return value
    if value == "@-":
        return sys.stdin.read()
    path = value[1:]
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise argparse.ArgumentTypeError(f"cannot read {path}: it is not UTF-8 text") from None


def name_value_pairs(option: str, items: Sequence[str], *, secret: bool) -> list[tuple[str, str]]:
    """``NAME=VALUE`` items as pairs; a bad item is named by position, never shown if secret."""
    pairs: list[tuple[str, str]] = []
    for position, item in enumerate(items, start=1):
        key, separator, value = item.partition("=")
        if not separator or not key.strip():
            shown = "" if secret else f" ({item!r})"
            raise ValueError(
                f"argument {option}: item {position}{shown} is not NAME=VALUE"
                + (" (values are not shown: they are secret)" if secret else "")
            )
        pairs.append((key.strip(), value))
    return pairs


def expand_instance_ids(items: Iterable[str]) -> list[str]:
    """Instance ids from ``3``, ``0..99`` (inclusive) and ``@file`` (whitespace-separated)."""
    ids: list[str] = []
    for item in items:
        if item.startswith("@"):
            ids.extend(text_or_file(item).split())
            continue
        if "," in item:
            raise ValueError(
                f"argument --instance-ids: {item!r} holds a comma; separate instance ids with "
                "spaces (--instance-ids 0 1 2) or give a range (0..99)"
            )
        match = _RANGE.match(item)
        if match is None:
            ids.append(item)
            continue
        first, last = int(match.group(1)), int(match.group(2))
        if last < first or last - first >= _MAX_RANGE:
            raise ValueError(
                f"argument --instance-ids: range {item!r} must go upwards and hold at most "
                f"{_MAX_RANGE} ids"
            )
        ids.extend(str(number) for number in range(first, last + 1))
    return ids
