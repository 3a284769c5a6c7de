"""non-string-enum.json: AutoRest's integer and number enum tests (vanilla/legacy
test_non_string_enums.py), translated. x-ms-enum on an integer or a number is an enum class
whose members are ints or floats, named as AutoRest names them (429 ->
FOUR_HUNDRED_TWENTY_NINE, 429.1 -> FOUR_HUNDRED_TWENTY_NINE1)."""

from __future__ import annotations

from support import client, models

PACKAGE = "autorest_non_string_enums"


def test_put_int_enum() -> None:
    with client(PACKAGE) as c:
        assert c.int.put(models(PACKAGE).IntEnum.TWO_HUNDRED) == "Nice job posting an int enum"


def test_get_int_enum() -> None:
    with client(PACKAGE) as c:
        result = c.int.get()
    int_enum = models(PACKAGE).IntEnum
    assert result == int_enum.FOUR_HUNDRED_TWENTY_NINE.value
    assert result is int_enum.FOUR_HUNDRED_TWENTY_NINE


def test_put_float_enum() -> None:
    with client(PACKAGE) as c:
        assert c.float.put(models(PACKAGE).FloatEnum.TWO_HUNDRED4) == (
            "Nice job posting a float enum"
        )


def test_get_float_enum() -> None:
    with client(PACKAGE) as c:
        result = c.float.get()
    assert result == models(PACKAGE).FloatEnum.FOUR_HUNDRED_TWENTY_NINE1.value


def test_enum_members_are_their_numbers() -> None:
    # AutoRest's test_lowercase_enum_retrieval, less the lowercase lookup of azure-core's
    # case-insensitive enum metaclass, which this package does not use.
    float_enum = models(PACKAGE).FloatEnum
    assert float_enum(429.1) is float_enum.FOUR_HUNDRED_TWENTY_NINE1
    assert float_enum.FOUR_HUNDRED_TWENTY_NINE1 == 429.1
