"""Bodies that are not one model: writing arrays and primitives, typed readers of results."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vmss_runcommands import DeserializationError
from vmss_runcommands.runtime.bodies import (
    binary_body,
    dict_of,
    json_body,
    list_of,
    read_bool,
    read_bytes,
    read_date,
    read_duration,
    read_float,
    read_int,
)
from vmss_runcommands.runtime.params import wire_value


@given(st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=9999)))
def test_durations_read_back_what_is_written(value: datetime.timedelta) -> None:
    assert read_duration(wire_value(value)) == value


def test_readers_are_strict_about_shapes() -> None:
    assert read_int(3) == 3 and read_float(3) == 3.0 and read_bool(False) is False
    with pytest.raises(DeserializationError, match="expected an integer, got bool"):
        read_int(True)
    with pytest.raises(DeserializationError, match="expected an integer, got str"):
        read_int("3")
    assert read_duration("P1W") == datetime.timedelta(days=7)
    assert read_duration("-PT1.5S") == datetime.timedelta(seconds=-1.5)
    for bad in ("P", "PT", "P1Y", "1D"):
        with pytest.raises(DeserializationError, match="expected a duration string"):
            read_duration(bad)
    assert read_bytes("aGk=") == b"hi" and read_date("2031-01-02") == datetime.date(2031, 1, 2)
    assert list_of(read_int)([1, 2]) == [1, 2]
    assert dict_of(list_of(read_int))({"a": [1]}) == {"a": [1]}
    with pytest.raises(DeserializationError, match="expected an array, got dict"):
        list_of(read_int)({"a": 1})
    with pytest.raises(DeserializationError) as info:
        dict_of(list_of(read_int))({"a": [1, "2"]})
    assert info.value.path == "a[1]"
    assert str(info.value) == "expected an integer, got str at 'a[1]'"


def test_bodies_are_written_as_azure_core_writes_them() -> None:
    when = datetime.datetime(2031, 1, 2, tzinfo=datetime.timezone.utc)
    assert json_body([when, datetime.timedelta(hours=1), b"hi", None], "p") == (
        b'["2031-01-02T00:00:00Z","PT01H00M00S","aGk=",null]'
    )
    with pytest.raises(ValueError, match="p is required"):
        json_body(None, "p")
    with pytest.raises(TypeError, match="p cannot be encoded as JSON"):
        json_body({1, 2}, "p")
    assert binary_body(bytearray(b"\x00"), "content") == b"\x00"
    with pytest.raises(TypeError, match="content must be bytes, not str"):
        binary_body("x", "content")
