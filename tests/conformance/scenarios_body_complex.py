"""body-complex.json: AutoRest's complex-type tests (vanilla/legacy test_complex.py),
translated: primitives of every format, arrays, dictionaries, read-only properties,
inheritance and polymorphism (discriminators, recursive hierarchies, unknown kinds).
Absent fields read as None; enum members are UPPER_CASE; bodies may be models or dicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from support import client as make_client
from support import errors, models

PACKAGE = "autorest_body_complex"
UTC = dt.timezone.utc
PICTURE = bytes([255, 255, 255, 255, 254])


@pytest.fixture
def client() -> Iterator[Any]:
    with make_client(PACKAGE) as c:
        yield c


@pytest.fixture
def m() -> Any:
    return models(PACKAGE)


def test_basic_get_and_put_valid(client: Any, m: Any) -> None:
    result = client.basic.get_valid()
    assert (result.id, result.name, result.color) == (2, "abc", m.CMYKColors.YELLOW)
    client.basic.put_valid(m.Basic(id=2, name="abc", color="Magenta"))
    client.basic.put_valid(m.Basic(id=2, name="abc", color=m.CMYKColors.MAGENTA))


def test_basic_get_empty(client: Any) -> None:
    result = client.basic.get_empty()
    assert (result.id, result.name) == (None, None)


def test_basic_get_null(client: Any) -> None:
    result = client.basic.get_null()
    assert (result.id, result.name) == (None, None)


def test_basic_get_not_provided(client: Any) -> None:
    assert client.basic.get_not_provided() is None


def test_basic_get_invalid(client: Any) -> None:
    with pytest.raises(errors(PACKAGE).DecodeError):
        client.basic.get_invalid()


def test_primitive_get_and_put_int(client: Any) -> None:
    result = client.primitive.get_int()
    assert (result.field1, result.field2) == (-1, 2)
    client.primitive.put_int({"field1": -1, "field2": 2})


def test_primitive_get_and_put_long(client: Any) -> None:
    result = client.primitive.get_long()
    assert (result.field1, result.field2) == (1099511627775, -999511627788)
    client.primitive.put_long({"field1": 1099511627775, "field2": -999511627788})


def test_primitive_get_and_put_float(client: Any, m: Any) -> None:
    result = client.primitive.get_float()
    assert (result.field1, result.field2) == (1.05, -0.003)
    client.primitive.put_float(m.FloatWrapper(field1=1.05, field2=-0.003))


def test_primitive_get_and_put_double(client: Any, m: Any) -> None:
    long_name = (
        "field56_zeros_after_the_dot_and_negative_zero_before_dot_and_this_is_a_long_field_name"
        "_on_purpose"
    )
    result = client.primitive.get_double()
    assert result.field1 == 3e-100
    assert getattr(result, long_name) == -5e-57
    # As AutoRest's test does: a DoubleWrapper with the long field set by its Python name (a
    # plain dict is sent as it is, so its keys would have to be the wire names).
    request = m.DoubleWrapper(field1=3e-100)
    setattr(request, long_name, -5e-57)
    client.primitive.put_double(request)


def test_primitive_get_and_put_bool(client: Any, m: Any) -> None:
    result = client.primitive.get_bool()
    assert (result.field_true, result.field_false) == (True, False)
    client.primitive.put_bool(m.BooleanWrapper(field_true=True, field_false=False))


def test_primitive_get_and_put_string(client: Any, m: Any) -> None:
    result = client.primitive.get_string()
    assert (result.field, result.empty, result.null) == ("goodrequest", "", None)
    client.primitive.put_string(m.StringWrapper(null=None, empty="", field="goodrequest"))


def test_primitive_get_and_put_date(client: Any, m: Any) -> None:
    result = client.primitive.get_date()
    assert (result.field, result.leap) == (dt.date(1, 1, 1), dt.date(2016, 2, 29))
    client.primitive.put_date(m.DateWrapper(field=dt.date(1, 1, 1), leap=dt.date(2016, 2, 29)))


def test_primitive_get_and_put_date_time(client: Any, m: Any) -> None:
    result = client.primitive.get_date_time()
    assert result.field == dt.datetime.min.replace(tzinfo=UTC)
    client.primitive.put_date_time(
        m.DatetimeWrapper(
            field=dt.datetime.min.replace(tzinfo=UTC),
            now=dt.datetime(2015, 5, 18, 18, 38, tzinfo=UTC),
        )
    )


def test_primitive_get_and_put_date_time_rfc1123(client: Any, m: Any) -> None:
    result = client.primitive.get_date_time_rfc1123()
    assert result.field == dt.datetime(2001, 1, 1, tzinfo=UTC)
    client.primitive.put_date_time_rfc1123(
        m.Datetimerfc1123Wrapper(
            field=dt.datetime.min.replace(tzinfo=UTC),
            now=dt.datetime(2015, 5, 18, 11, 38, tzinfo=UTC),
        )
    )


def test_primitive_get_and_put_duration(client: Any, m: Any) -> None:
    expected = dt.timedelta(days=123, hours=22, minutes=14, seconds=12, milliseconds=11)
    assert client.primitive.get_duration().field == expected
    client.primitive.put_duration(m.DurationWrapper(field=expected))


def test_primitive_get_and_put_byte(client: Any, m: Any) -> None:
    valid = bytes([0xFF, 0xFE, 0xFD, 0xFC, 0x00, 0xFA, 0xF9, 0xF8, 0xF7, 0xF6])
    assert client.primitive.get_byte().field == valid
    client.primitive.put_byte(m.ByteWrapper(field=valid))


def test_readonlyproperty_get_and_put_valid(client: Any, m: Any) -> None:
    result = client.readonlyproperty.get_valid()
    assert (result.id, result.size) == ("1234", 2)
    # the read-only id is not sent back
    assert client.readonlyproperty.put_valid(m.ReadonlyObj(size=2)) is None


def test_array_get_and_put_valid(client: Any) -> None:
    value = ["1, 2, 3, 4", "", None, "&S#$(*Y", "The quick brown fox jumps over the lazy dog"]
    assert client.array.get_valid().array == value
    client.array.put_valid({"array": value})


def test_array_get_and_put_empty(client: Any) -> None:
    assert client.array.get_empty().array == []
    client.array.put_empty({"array": []})


def test_array_get_not_provided(client: Any) -> None:
    assert client.array.get_not_provided().array is None


def test_dictionary_get_and_put_valid(client: Any) -> None:
    value = {"txt": "notepad", "bmp": "mspaint", "xls": "excel", "exe": "", "": None}
    assert client.dictionary.get_valid().default_program == value
    client.dictionary.put_valid({"defaultProgram": value})


def test_dictionary_get_and_put_empty(client: Any) -> None:
    assert client.dictionary.get_empty().default_program == {}
    client.dictionary.put_empty({"defaultProgram": {}})


def test_dictionary_get_null(client: Any) -> None:
    assert client.dictionary.get_null().default_program is None


def test_dictionary_get_not_provided(client: Any) -> None:
    assert client.dictionary.get_not_provided().default_program is None


def test_inheritance_get_and_put_valid(client: Any, m: Any) -> None:
    result = client.inheritance.get_valid()
    assert (result.id, result.name) == (2, "Siameeee")
    assert (result.hates[1].id, result.hates[1].name) == (-1, "Tomato")
    client.inheritance.put_valid(
        m.Siamese(
            id=2,
            name="Siameeee",
            color="green",
            breed="persian",
            hates=[
                m.Dog(id=1, name="Potato", food="tomato"),
                m.Dog(id=-1, name="Tomato", food="french fries"),
            ],
        )
    )


def test_get_composed_with_discriminator(client: Any, m: Any) -> None:
    assert isinstance(
        client.polymorphism.get_composed_with_discriminator().sample_fish, m.DotSalmon
    )


def test_get_composed_without_discriminator(client: Any, m: Any) -> None:
    result = client.polymorphism.get_composed_without_discriminator()
    assert isinstance(result.sample_fish, m.DotFish)


def _sharks(m: Any) -> list[Any]:
    return [
        m.Shark(
            length=20, birthday=dt.datetime(2012, 1, 5, 1, tzinfo=UTC), age=6, species="predator"
        ),
        m.Sawshark(
            length=10,
            birthday=dt.datetime(1900, 1, 5, 1, tzinfo=UTC),
            age=105,
            species="dangerous",
            picture=PICTURE,
        ),
        m.Goblinshark(
            length=30,
            birthday=dt.datetime(2015, 8, 8, tzinfo=UTC),
            age=1,
            species="scary",
            jawsize=5,
            color="pinkish-gray",
        ),
    ]


def test_polymorphism_get_and_put_valid(client: Any, m: Any) -> None:
    result = client.polymorphism.get_valid()
    assert result.location == "alaska"
    assert [type(s) for s in result.siblings] == [m.Shark, m.Sawshark, m.Goblinshark]
    assert [s.age for s in result.siblings] == [6, 105, 1]
    request = m.Salmon(
        length=1, iswild=True, location="alaska", species="king", siblings=_sharks(m)
    )
    client.polymorphism.put_valid(request)


def test_polymorphism_put_valid_missing_required(client: Any, m: Any) -> None:
    # A Sawshark without its required birthday is refused before anything is sent.
    with pytest.raises((TypeError, ValueError)):
        bad = m.Salmon(
            length=1,
            iswild=True,
            location="alaska",
            species="king",
            siblings=[
                _sharks(m)[0],
                m.Sawshark(length=10, birthday=None, age=105, species="dangerous", picture=PICTURE),
            ],
        )
        client.polymorphism.put_valid_missing_required(bad)


def test_polymorphismrecursive_get_and_put_valid(client: Any, m: Any) -> None:
    result = client.polymorphicrecursive.get_valid()
    assert isinstance(result, m.Salmon)
    assert isinstance(result.siblings[0], m.Shark)
    assert isinstance(result.siblings[0].siblings[0], m.Salmon)
    assert result.siblings[0].siblings[0].location == "atlantic"
    shark_birthday = dt.datetime(2012, 1, 5, 1, tzinfo=UTC)
    sawshark_birthday = dt.datetime(1900, 1, 5, 1, tzinfo=UTC)

    def sawshark(**extra: Any) -> Any:
        return m.Sawshark(
            age=105,
            length=10,
            species="dangerous",
            birthday=sawshark_birthday,
            picture=PICTURE,
            **extra,
        )

    request = m.Salmon(
        iswild=True,
        length=1,
        species="king",
        location="alaska",
        siblings=[
            m.Shark(
                age=6,
                length=20,
                species="predator",
                birthday=shark_birthday,
                siblings=[
                    m.Salmon(
                        iswild=True,
                        length=2,
                        location="atlantic",
                        species="coho",
                        siblings=[
                            m.Shark(age=6, length=20, species="predator", birthday=shark_birthday),
                            sawshark(),
                        ],
                    ),
                    sawshark(siblings=[]),
                ],
            ),
            sawshark(siblings=[]),
        ],
    )
    client.polymorphicrecursive.put_valid(request)


def test_polymorphism_get_and_put_complicated(client: Any) -> None:
    smart_salmon = client.polymorphism.get_complicated()
    client.polymorphism.put_complicated(smart_salmon)


def test_polymorphism_get_and_put_missing_discriminator(client: Any, m: Any) -> None:
    salmon = m.Salmon(
        iswild=True, location="alaska", species="king", length=1.0, siblings=_sharks(m)
    )
    client.polymorphism.put_missing_discriminator(salmon)
    dot_salmon = client.polymorphism.get_dot_syntax()
    assert (dot_salmon.fish_type, dot_salmon.location) == ("DotSalmon", "sweden")
