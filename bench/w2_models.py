"""W2: the four model cases, in process, each contender's output first checked against the sample.

``deser``          response bytes -> model
``deser_read_iv``  instanceView response bytes -> model, then every field read
``ser``            a prebuilt request model -> wire JSON
``build_ser``      the request model built from values, then wire JSON
``deser_arm``      a response shaped like live ARM's (instanceView with statuses, 7-digit
                   ``+00:00`` times) bytes -> model
``build_ser_arm``  the request that created it (inline script, protected parameters) built
                   from values, then wire JSON
"""

from __future__ import annotations

import datetime
import enum
import itertools
import json
import re
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from . import samples
from .stats import Summary, rotated

CASES = ("deser", "deser_read_iv", "ser", "build_ser", "deser_arm", "build_ser_arm")
_PAST_MICRO = re.compile(r"(\.\d{6})\d+")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class WireMismatch(AssertionError):
    """A contender's output differs from the sample: its timings would mean nothing."""


def _canonical(value: Any) -> Any:
    """Values comparable across contenders: enums by value, date-times as aware datetimes."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str) and _ISO.match(value):
        # Fraction digits past the 6 a datetime holds are cut, as every reader does.
        value = datetime.datetime.fromisoformat(
            _PAST_MICRO.sub(r"\1", value.replace("Z", "+00:00"))
        )
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {key: _canonical(v) for key, v in value.items()}
    return value


def check(name: str, models: Any) -> None:
    """Raise WireMismatch unless every case reproduces the sample exactly."""
    for case in ("ser", "build_ser"):
        sent = json.loads(getattr(models, case)())
        if sent != samples.REQUEST:
            raise WireMismatch(f"{name} {case}: wire JSON differs from the sample request: {sent}")
    for raw, sample in (
        (samples.RESPONSE_BYTES, samples.RESPONSE),
        (samples.RESPONSE_INSTANCE_VIEW_BYTES, samples.RESPONSE_INSTANCE_VIEW),
    ):
        back = models.wire(models.deser(raw))
        if back != sample:
            raise WireMismatch(f"{name} deser: the model's wire form differs from the sample")
    sent = json.loads(models.build_ser_arm())
    if sent != samples.ARM_REQUEST:
        raise WireMismatch(f"{name} build_ser_arm: wire JSON differs from the ARM-shaped request")
    back = _canonical(models.wire(models.deser_arm(samples.ARM_RESPONSE_BYTES)))
    if back != _canonical(samples.ARM_RESPONSE):
        raise WireMismatch(f"{name} deser_arm: the model's wire form differs from the sample")
    expected = _canonical(_read_sample())
    got = _canonical(models.deser_read_iv(samples.RESPONSE_INSTANCE_VIEW_BYTES))
    if got != expected:
        raise WireMismatch(f"{name} deser_read_iv: read {got}, expected {expected}")


def _read_sample() -> list[Any]:
    from .floor import Models

    return Models().deser_read_iv(samples.RESPONSE_INSTANCE_VIEW_BYTES)


def operation(models: Any, case: str) -> Callable[[], Any]:
    if case == "deser":
        raw = samples.RESPONSE_BYTES
        deser = models.deser
        return lambda: deser(raw)
    if case == "deser_read_iv":
        raw_iv = samples.RESPONSE_INSTANCE_VIEW_BYTES
        read = models.deser_read_iv
        return lambda: read(raw_iv)
    if case == "deser_arm":
        raw_arm = samples.ARM_RESPONSE_BYTES
        deser_arm = models.deser_arm
        return lambda: deser_arm(raw_arm)
    bound: Callable[[], Any] = getattr(models, case)
    return bound


def _timed(operation: Callable[[], Any], number: int) -> float:
    """CPU seconds per call over ``number`` calls.

    The process's CPU clock rather than wall time: on a shared machine a sample that lost the
    core for a while would otherwise count the wait. Garbage collection stays on: it is cost.
    """
    started = time.process_time()
    for _ in itertools.repeat(None, number):
        operation()
    return (time.process_time() - started) / number


def _calibrate(operation: Callable[[], Any], target_seconds: float) -> int:
    number = 1
    while True:
        per_call = _timed(operation, number)
        if per_call * number >= target_seconds / 4:
            return max(1, int(target_seconds / per_call))
        number *= 4


def run(
    contenders: dict[str, ModuleType], *, repeats: int, target_seconds: float
) -> dict[str, dict[str, Summary]]:
    """Seconds per operation, per contender and case; contenders interleaved within each repeat."""
    instances = {name: module.Models() for name, module in contenders.items()}
    for name, models in instances.items():
        check(name, models)
    operations = {
        (name, case): operation(models, case)
        for name, models in instances.items()
        for case in CASES
    }
    numbers = {key: _calibrate(op, target_seconds) for key, op in operations.items()}
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in operations}
    names = list(instances)
    for turn in range(repeats):
        for case in CASES:
            for name in rotated(names, turn):
                key = (name, case)
                samples[key].append(_timed(operations[key], numbers[key]))
    return {name: {case: Summary.of(samples[(name, case)]) for case in CASES} for name in names}
