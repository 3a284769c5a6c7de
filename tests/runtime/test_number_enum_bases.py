"""The runtime's integer and number enums: numbers that compare as numbers, unlisted values
kept where the enum (or reading a response) allows it, booleans and strings refused."""

from __future__ import annotations

import pytest
from vmss_runcommands.runtime.number_enums import (
    ClosedFloatEnum,
    ClosedIntEnum,
    ExtensibleFloatEnum,
)
from vmss_runcommands.runtime.wire_rules import WireError, number_enum_rule


class Code(ClosedIntEnum):
    OK = 200
    GONE = 410


class Ratio(ExtensibleFloatEnum):
    HALF = 0.5


class Level(ClosedFloatEnum):
    LOW = 1.0


def test_closed_enums_refuse_callers_values_but_keep_the_services() -> None:
    assert Code(410) is Code.GONE and Code.OK + 1 == 201
    with pytest.raises(ValueError):
        Code(404)
    unlisted = Code.from_service(404)
    assert unlisted == 404 and isinstance(unlisted, Code)
    assert Code.from_service(404) is unlisted
    assert Level.from_service(1) is Level.LOW  # a JSON integer for a number enum
    with pytest.raises(ValueError):
        Code.from_service("404")  # type: ignore[arg-type]


def test_extensible_number_enums_keep_unlisted_values_as_floats() -> None:
    assert Ratio(0.5) is Ratio.HALF
    other = Ratio(2)
    assert other == 2.0 and isinstance(other, Ratio) and Ratio(2.0) is other


def test_the_wire_rule_takes_numbers_of_the_enums_kind_only() -> None:
    read = number_enum_rule(Code).read
    assert read(200) is Code.OK
    assert read(404) == 404  # a response keeps what the service added
    for bad, kind in ((True, "bool"), ("200", "str"), (200.0, "float"), (None, "NoneType")):
        with pytest.raises(WireError, match=f"expected an integer, got {kind}"):
            read(bad)
    assert number_enum_rule(Ratio).read(1) == 1.0
    with pytest.raises(WireError, match="expected a number, got str"):
        number_enum_rule(Ratio).read("1")
    assert number_enum_rule(Code).write(Code.GONE) == 410
