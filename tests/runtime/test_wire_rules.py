"""The wire types' readers: the date-time fast path agrees with the general reader, and the
rules every model is read with raise located errors that never show the value."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from vmss_runcommands import DeserializationError
from vmss_runcommands.models import InstanceViewStatus, VirtualMachineRunCommand
from vmss_runcommands.runtime import wire_rules, wire_types
from vmss_runcommands.runtime.wire_rules import WireError, scalar_rule
from vmss_runcommands.runtime.wire_types import format_datetime, parse_datetime

general = wire_types._parse_datetime_general

moments = st.datetimes(
    min_value=datetime.datetime(1, 1, 2),
    max_value=datetime.datetime(9999, 12, 30),
)
offsets = st.sampled_from(["Z", "z", "+00:00", "-00:00", "+05:30", "-08:00", "+0100", "+14:00", ""])


@st.composite
def arm_times(draw: st.DrawFn) -> str:
    """Date-times written the ways ARM and other services write them: 0 to 9 fraction
    digits, 'Z' or an offset (with or without its colon) or none, 'T' or another separator."""
    moment = draw(moments)
    digits = draw(st.integers(0, 9))
    fraction = "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=digits, max_size=digits))
    )
    separator = draw(st.sampled_from(["T", "T", "T", "t", " "]))
    text = (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}{separator}"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )
    if fraction:
        text += "." + fraction
    return text + draw(offsets)


def _same(a: datetime.datetime, b: datetime.datetime) -> bool:
    return a == b and a.utcoffset() == b.utcoffset()


@given(arm_times())
@example("2024-08-26T09:03:52.5630183+00:00")
@example("2024-08-26T09:03:52Z")
@example("2024-08-26T09:03:52.1+00:00")
def test_the_fast_path_agrees_with_the_general_reader(text: str) -> None:
    fast = parse_datetime(text)
    assert _same(fast, general(text))
    assert fast.tzinfo is not None


def test_seven_fraction_digits_are_cut_to_microseconds() -> None:
    parsed = parse_datetime("2024-08-26T09:03:52.5630189+00:00")
    assert parsed == datetime.datetime(2024, 8, 26, 9, 3, 52, 563018, tzinfo=datetime.timezone.utc)


@given(
    st.text(max_size=40) | arm_times().map(lambda t: t[:-1]) | arm_times().map(lambda t: "x" + t)
)
@example(
    "2024-01-01T10:00:00,5+00:00"
)  # a comma fraction: fromisoformat reads it, ARM never writes it
@example("2024-01-01T100000.5Z+00:00")
@example("2024-01-01T10:00:00+05:30:15")  # an offset with seconds
@example("2024-01-01T10:00:00.+00:00")
@example("2024-01-01T10:00:Z")  # too short to hold what the fast path looks at
@example("2024-W01-1T10:00:00Z")  # a week date: fromisoformat reads it, ARM never writes it
@example("2024-01-01T10:00:00+00")
@example("\uff12\uff10\uff12\uff14-01-01T10:00:00Z")  # non-ASCII digits
def test_any_text_reads_as_the_general_reader_reads_it(text: str) -> None:
    try:
        expected = general(text)
    except ValueError:
        with pytest.raises(ValueError):
            parse_datetime(text)
        return
    assert _same(parse_datetime(text), expected)


# Characters that matter to one or other reader: digits (ASCII and not), separators, zones.
_EDGE_CHARACTERS = "0123456789.,:+-TtZz W\u0660\uff12"


@st.composite
def near_arm_times(draw: st.DrawFn) -> str:
    """An ARM-shaped date-time with a few characters replaced, inserted or removed: the
    strings that pass the fast path's checks by position, or almost do."""
    text = list(draw(arm_times()))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["replace", "insert", "delete"]))
        char = draw(st.sampled_from(_EDGE_CHARACTERS))
        if edit == "insert" or at == len(text):
            text.insert(at, char)
        elif edit == "replace":
            text[at] = char
        else:
            del text[at]
    return "".join(text)


@given(near_arm_times())
@example("2024-01-01T10:00:00.Z")  # an empty fraction: fromisoformat reads it
@example("2024-01-01T10:00:00.+00:00")
@example("2024-01-01T10:00:00Z+00:00")
@example("2024-01-01T10:00:00+00:00Z")
@example("2024-01-01T10:00:00.5.5+00:00")
@example("2000-01-01T00:00:00.000000,Z")  # fromisoformat ignores what follows 6 digits
@example("2000-01-01T00:00:00.123456789abc+00:00")
@example("2000-01-01T00:00:00.1234567\u0660+00:00")  # a non-ASCII digit past the sixth
@example("2024-01-01T10:00:00.5\u0660+00:00")
@example("2024-01-01T10:00:0\u0660+00:00")
@example("2024-01-01\u0660T0:00:00+00:00")
@example("2024-01-01T10:00:00Z")  # 20 characters: the shortest the fast path reads
def test_near_arm_shapes_read_as_the_general_reader_reads_them(text: str) -> None:
    try:
        expected = general(text)
    except ValueError:
        with pytest.raises(ValueError):
            parse_datetime(text)
        with pytest.raises(DeserializationError):
            _read_in_a_model(text)
        return
    assert _same(parse_datetime(text), expected)
    assert _same(_read_in_a_model(text), expected)


def _read_in_a_model(text: str) -> datetime.datetime:
    """A date-time as a generated model reader reads it: its fast path is inline, not a call."""
    status = InstanceViewStatus.from_dict({"code": "x", "time": text})
    assert isinstance(status.time, datetime.datetime)
    return status.time


@given(
    arm_times()
    | st.text(max_size=40)
    | arm_times().map(lambda t: t[:-1])
    | arm_times().map(lambda t: t.replace(".", ",", 1))
    | arm_times().map(lambda t: t.replace("-", "", 2))
)
@example("2024-08-26T09:03:52.5630183+00:00")
@example("2024-08-26t09:03:52.5630183z")
@example("2024-01-01T10:00:00,5+00:00")
@example("2024-01-01T10:00:00.+00:00")
@example("2024-01-01T10:00:00.Z")
@example("2024-01-01T10:00:00+00")
@example("2024-01-01T10:00:00+00:00:00")
@example("2024-W01-1T10:00:00Z")
@example("2024-02-30T10:00:00.1234567Z")  # the right shape, not a day: refused, located
@example("2024-01-01T24:00:00Z")
@example("\uff12\uff10\uff12\uff14-01-01T10:00:00Z")
def test_a_model_reads_any_date_time_text_as_the_general_reader_does(text: str) -> None:
    try:
        expected = general(text)
    except ValueError:
        with pytest.raises(DeserializationError) as info:
            _read_in_a_model(text)
        assert info.value.path == "time"
        assert "expected a date-time string" in str(info.value)
        return
    read = _read_in_a_model(text)
    assert _same(read, expected)
    assert _same(read, parse_datetime(text))


@given(
    moments,
    st.sampled_from([datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=-7))]),
)
def test_written_date_times_read_back(moment: datetime.datetime, zone: datetime.tzinfo) -> None:
    aware = moment.replace(tzinfo=zone)
    assert _same(parse_datetime(format_datetime(aware)), aware)


# -- the rules ---------------------------------------------------------------------------------

SCALARS: list[tuple[Any, list[Any], list[Any]]] = [
    (str, ["", "x"], [1, 1.5, True, None, [], {}]),
    (int, [0, -3, 2**70], [1.0, True, False, "1", None, []]),
    (float, [0.5, 3], [True, "0.5", None, {}]),
    (bool, [True, False], [0, 1, "true", None]),
    (datetime.datetime, ["2024-08-26T09:03:52.5630183+00:00"], ["yesterday", 5, None, True]),
    (datetime.date, ["2024-07-01"], ["07/01/2024", 1, None]),
    (datetime.timedelta, ["PT30M", "P1DT2H"], ["P1Y", "30m", 30, None]),
    (bytes, ["aGVsbG8", "aGVsbG8="], ["not base64!", 5, None]),
]


@pytest.mark.parametrize(("tp", "accepted", "refused"), SCALARS)
def test_each_rule_accepts_its_wire_values_and_names_what_it_refused(
    tp: Any, accepted: list[Any], refused: list[Any]
) -> None:
    rule = scalar_rule(tp)
    assert rule is not None
    for value in accepted:
        read = rule.read(value)
        if rule.exact is not None and value.__class__ is rule.exact:
            assert read is value  # what lets generated code skip the call
        if rule.write is not None:
            assert rule.read(rule.write(read)) == read
    for value in refused:
        with pytest.raises(WireError) as info:
            rule.read(value)
        assert info.value.reason.startswith(f"expected {rule.label}")
        assert repr(value) not in info.value.reason or value in (None, True, False)


def test_a_parse_rule_reads_strings_with_its_parser() -> None:
    for tp in (datetime.datetime, datetime.date, datetime.timedelta, bytes):
        rule = scalar_rule(tp)
        assert rule is not None and rule.parse is not None
    rfc = scalar_rule(datetime.datetime, "rfc1123")
    assert rfc is not None and rfc.label == "an RFC 1123 date-time string"
    assert rfc.read("Mon, 01 Jan 2001 00:00:00 GMT").year == 2001


def test_wire_error_paths_read_as_wire_paths() -> None:
    error = WireError("expected a string, got int").under(0, "level").under("statuses")
    assert error.path == ["statuses", 0, "level"]
    assert error.where == "statuses[0].level"
    assert wire_rules.expected("an integer", True).reason == "expected an integer, got bool"


@pytest.mark.parametrize(
    ("body", "path", "reason"),
    [
        (
            {"location": "x", "properties": {"source": {"script": 7}}},
            "properties.source.script",
            "expected a string, got int",
        ),
        (
            {
                "location": "x",
                "properties": {"parameters": [{"name": "a", "value": "b"}, {"name": "c"}]},
            },
            "properties.parameters[1].value",
            "required field is missing",
        ),
        (
            {
                "location": "x",
                "properties": {"instanceView": {"statuses": [None, {"time": "soon"}]}},
            },
            "properties.instanceView.statuses[1].time",
            "expected a date-time string",
        ),
        (
            {"location": "x", "properties": {"instanceView": {"executionState": 3}}},
            "properties.instanceView.executionState",
            "expected a string, got int",
        ),
        (
            {"location": "x", "properties": {"source": []}},
            "properties.source",
            "expected an object, got list",
        ),
        ({"location": None}, "location", "expected a string, got NoneType"),
        ([], "", "expected an object, got list"),
    ],
)
def test_a_refused_value_is_named_by_its_wire_path_and_rule(
    body: Any, path: str, reason: str
) -> None:
    with pytest.raises(DeserializationError) as info:
        VirtualMachineRunCommand.from_dict(body)
    assert info.value.path == path
    assert f"{reason} at '{path or '$'}'" in str(info.value)


@given(st.text(max_size=30).map(lambda text: "pw-" + text), st.booleans())
def test_a_refused_secret_never_shows_in_the_error(secret: str, in_list: bool) -> None:
    properties: dict[str, Any] = (
        {"protectedParameters": [{"name": "n", "value": [secret]}]}
        if in_list
        else {"runAsPassword": {"value": secret}}
    )
    with pytest.raises(DeserializationError) as info:
        VirtualMachineRunCommand.from_dict({"location": "x", "properties": properties})
    assert secret not in str(info.value) and secret not in repr(info.value)
    assert info.value.path in (
        "properties.protectedParameters[0].value",
        "properties.runAsPassword",
    )
