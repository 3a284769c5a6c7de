"""Model constructs the AutoRest acceptance suite exercises, generated from our own small
description (model_fixture.py plus the definitions below), imported and round-tripped:
JSON null items inside arrays and maps, ``date-time-rfc1123``, a composed model sent without
its discriminator, digit words in property names, and a required field left None."""

from __future__ import annotations

import datetime
import importlib
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import vmss_runcommands.runtime
from model_fixture import API_VERSION, BASE, PARAMS, write_zoo, zoo_spec

from codegen.generate import render_tree

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent
MODULE = "v" + API_VERSION.replace("-", "_")
UTC = datetime.timezone.utc
RFC1123 = {"type": "string", "format": "date-time-rfc1123"}
DATE_TIME = {"type": "string", "format": "date-time"}

EXTRA_DEFINITIONS: dict[str, Any] = {
    "Holder": {
        "type": "object",
        "properties": {
            "names": {"type": "array", "items": {"type": "string"}},
            "times": {"type": "array", "items": DATE_TIME},
            "byName": {"type": "object", "additionalProperties": DATE_TIME},
            "programs": {"type": "object", "additionalProperties": {"type": "string"}},
            "stamp": RFC1123,
            "stamps": {"type": "array", "items": RFC1123},
            "plain": DATE_TIME,
            "field_56_zeros_after_the_dot": {"type": "number"},
            "x_1": {"type": "integer"},
        },
    },
    "Fish": {
        "type": "object",
        "discriminator": "fish.type",
        "required": ["fish.type"],
        "properties": {"fish.type": {"type": "string"}, "species": {"type": "string"}},
    },
    "Salmon": {
        "allOf": [{"$ref": "#/definitions/Fish"}],
        "type": "object",
        "properties": {"iswild": {"type": "boolean"}},
    },
    "Market": {
        "type": "object",
        "properties": {
            "sampleFish": {"$ref": "#/definitions/Fish"},
            "fishes": {"type": "array", "items": {"$ref": "#/definitions/Fish"}},
        },
    },
    "Tank": {
        "type": "object",
        "required": ["filled", "label"],
        "properties": {"filled": DATE_TIME, "label": {"type": "string"}},
    },
}


@pytest.fixture(scope="module")
def m(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("edges")
    spec = zoo_spec()
    spec["definitions"].update(EXTRA_DEFINITIONS)
    # One operation reaches them all (only what an operation reaches is generated).
    spec["definitions"]["Edges"] = {
        "type": "object",
        "properties": {
            name.lower(): {"$ref": f"#/definitions/{name}"} for name in EXTRA_DEFINITIONS
        },
    }
    spec["paths"][BASE + "/edges"] = {
        "get": {
            "operationId": "Edges_Get",
            "parameters": PARAMS,
            "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Edges"}}},
        }
    }
    spec_root = write_zoo(root / "spec", spec)
    package = f"edges_{uuid.uuid4().hex[:8]}"
    render_tree(spec_root, root / "out" / package)
    shutil.copytree(
        RUNTIME, root / "out" / package / "runtime", ignore=shutil.ignore_patterns("__pycache__")
    )
    sys.path.insert(0, str(root / "out"))
    try:
        yield importlib.import_module(f"{package}.{MODULE}.models")
    finally:
        sys.path.remove(str(root / "out"))


# -- null items ---------------------------------------------------------------------------------


def test_null_items_of_arrays_and_maps_read_as_none_and_are_sent_back_as_null(
    m: ModuleType,
) -> None:
    wire = {
        "names": ["a", "", None, "b"],
        "times": ["2020-01-01T00:00:00Z", None],
        "byName": {"x": None, "y": "2021-02-03T04:05:06Z"},
        "programs": {"txt": "notepad", "": None},
    }
    holder = m.Holder.from_dict(wire)
    assert holder.names == ["a", "", None, "b"]
    assert holder.times == [datetime.datetime(2020, 1, 1, tzinfo=UTC), None]
    assert holder.by_name == {"x": None, "y": datetime.datetime(2021, 2, 3, 4, 5, 6, tzinfo=UTC)}
    assert holder.programs == {"txt": "notepad", "": None}
    assert holder.to_dict() == wire


def test_a_wrong_item_type_is_still_a_typed_error_naming_the_item(m: ModuleType) -> None:
    with pytest.raises(ValueError, match=r"names\[1\]"):
        m.Holder.from_dict({"names": ["a", 3]})


# -- date-time-rfc1123 ----------------------------------------------------------------------------


def test_rfc1123_date_times_are_read_and_written_as_rfc1123(m: ModuleType) -> None:
    wire = {
        "stamp": "Mon, 01 Jan 2001 00:00:00 GMT",
        "stamps": ["Mon, 18 May 2015 11:38:00 GMT", None],
        "plain": "2001-01-01T00:00:00Z",
    }
    holder = m.Holder.from_dict(wire)
    assert holder.stamp == datetime.datetime(2001, 1, 1, tzinfo=UTC)
    assert holder.stamps == [datetime.datetime(2015, 5, 18, 11, 38, tzinfo=UTC), None]
    assert holder.plain == datetime.datetime(2001, 1, 1, tzinfo=UTC)
    assert holder.to_dict() == wire


def test_rfc1123_writes_utc_and_the_first_day_of_year_one(m: ModuleType) -> None:
    paris = datetime.timezone(datetime.timedelta(hours=2))
    holder = m.Holder(stamp=datetime.datetime(2015, 5, 18, 13, 38, tzinfo=paris))
    assert holder.to_dict() == {"stamp": "Mon, 18 May 2015 11:38:00 GMT"}
    first = m.Holder(stamp=datetime.datetime.min.replace(tzinfo=UTC))
    assert first.to_dict() == {"stamp": "Mon, 01 Jan 0001 00:00:00 GMT"}


def test_a_bad_rfc1123_value_is_a_typed_error_naming_the_field(m: ModuleType) -> None:
    with pytest.raises(ValueError, match="stamp") as caught:
        m.Holder.from_dict({"stamp": "2001-01-01T00:00:00Z"})
    assert "RFC 1123" in str(caught.value)


# -- names ----------------------------------------------------------------------------------------


def test_a_word_of_digits_is_glued_to_the_word_before_it_as_autorest_names_it(
    m: ModuleType,
) -> None:
    holder = m.Holder.from_dict({"field_56_zeros_after_the_dot": -5e-57, "x_1": 4})
    assert holder.field56_zeros_after_the_dot == -5e-57
    assert holder.x1 == 4
    assert holder.to_dict() == {"field_56_zeros_after_the_dot": -5e-57, "x_1": 4}


# -- a composed model without its discriminator ---------------------------------------------------


def test_a_polymorphic_model_sent_without_its_discriminator_reads_as_the_base(
    m: ModuleType,
) -> None:
    market = m.Market.from_dict(
        {
            "sampleFish": {"species": "king"},
            "fishes": [{"species": "cod"}, {"fish.type": "Salmon", "iswild": True}],
        }
    )
    assert type(market.sample_fish) is m.Fish
    assert (market.sample_fish.fish_type, market.sample_fish.species) == (None, "king")
    assert type(market.fishes[0]) is m.Fish
    assert isinstance(market.fishes[1], m.Salmon) and market.fishes[1].iswild is True


def test_a_discriminator_of_the_wrong_type_is_still_an_error(m: ModuleType) -> None:
    with pytest.raises(ValueError, match="fish"):
        m.Market.from_dict({"sampleFish": {"fish.type": 7}})


# -- a required field left None -------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["filled", "label"])
def test_a_required_field_left_none_is_a_typed_error_naming_it(m: ModuleType, missing: str) -> None:
    from importlib import import_module

    errors = import_module(m.__name__.split(".")[0] + ".runtime.exceptions")
    values: dict[str, Any] = {"filled": datetime.datetime(2020, 1, 1, tzinfo=UTC), "label": "a"}
    values[missing] = None
    tank = m.Tank(**values)
    with pytest.raises(errors.RequiredFieldError) as caught:
        tank.to_dict()
    assert isinstance(caught.value, ValueError)
    assert (caught.value.model, caught.value.field) == ("Tank", missing)
    assert f"Tank.{missing} is required" in str(caught.value)


def test_a_required_model_with_its_fields_set_is_sent(m: ModuleType) -> None:
    complete = m.Tank(filled=datetime.datetime(2020, 1, 1, tzinfo=UTC), label="")
    assert complete.to_dict() == {"filled": "2020-01-01T00:00:00Z", "label": ""}
