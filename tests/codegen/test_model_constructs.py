"""Model constructs of ordinary ARM Swagger, each generated from our own small description
(model_fixture.py), imported and round-tripped through the wire form."""

from __future__ import annotations

import ast
import copy
import datetime
import importlib
import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import vmss_runcommands.runtime
from hypothesis import given
from hypothesis import strategies as st
from model_fixture import API_VERSION, write_zoo, zoo_spec
from vmss_runcommands.runtime.serialization import (
    format_bytes,
    format_duration,
    parse_bytes,
    parse_duration,
    send_null,
)

from codegen.generate import render_tree
from codegen.load import SpecError

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent
MODULE = "v" + API_VERSION.replace("-", "_")


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("zoo")
    spec_root = write_zoo(root / "spec")
    package = f"zoo_{uuid.uuid4().hex[:8]}"
    render_tree(spec_root, root / "out" / package)
    shutil.copytree(
        RUNTIME, root / "out" / package / "runtime", ignore=shutil.ignore_patterns("__pycache__")
    )
    sys.path.insert(0, str(root / "out"))
    try:
        yield importlib.import_module(f"{package}.{MODULE}.models")
    finally:
        sys.path.remove(str(root / "out"))


def test_the_generated_package_passes_mypy_strict(zoo: ModuleType, tmp_path: Path) -> None:
    package = zoo.__name__.split(".")[0]
    out = Path(sys.modules[package].__file__ or "").parent.parent
    result = subprocess.run(
        [
            *(sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10"),
            *("--cache-dir", str(tmp_path / "mypy-cache"), "-p", package),
        ],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# -- polymorphism ---------------------------------------------------------------------------


def test_polymorphic_base_and_subtypes_are_classes_and_structuring_picks_the_subtype(
    zoo: ModuleType,
) -> None:
    assert issubclass(zoo.Dog, zoo.Pet) and issubclass(zoo.Lion, zoo.Cat)
    wire = {"kind": "Dog", "name": "rex", "properties": {"barkVolume": 11}}
    dog = zoo.Pet.from_dict(wire)
    assert type(dog) is zoo.Dog
    assert (dog.name, dog.bark_volume, dog.kind) == ("rex", 11, zoo.PetKind.DOG)
    assert dog.to_dict() == wire
    lion = zoo.Pet.from_dict(
        {"kind": "Lion", "name": "leo", "lives": 9, "prideSize": 4, "diet": "Meat"}
    )
    assert type(lion) is zoo.Lion and (lion.lives, lion.pride_size) == (9, 4)
    # The subtype's constructor sets the discriminator itself; it is always sent.
    assert zoo.Cat(name="tom").to_dict() == {"kind": "Cat", "name": "tom", "diet": "Meat"}
    with pytest.raises(TypeError):
        zoo.Cat(name="tom", kind="Dog")


def test_subtypes_are_picked_inside_lists_and_maps_and_sent_as_their_subtype(
    zoo: ModuleType,
) -> None:
    wire = {
        "pets": [
            {"kind": "Cat", "name": "a", "lives": 3, "diet": "Meat"},
            {"kind": "Dog", "name": "b"},
        ],
        "stars": {"best": {"kind": "Lion", "name": "c", "prideSize": 2, "diet": "Meat"}},
    }
    parsed = zoo.Zoo.from_dict(wire)
    assert [type(p) for p in parsed.pets] == [zoo.Cat, zoo.Dog]
    assert type(parsed.stars["best"]) is zoo.Lion
    assert parsed.to_dict() == wire
    built = zoo.Zoo(pets=[zoo.Dog(name="d", bark_volume=2)])
    assert built.to_dict() == {
        "pets": [{"kind": "Dog", "name": "d", "properties": {"barkVolume": 2}}]
    }


def test_a_base_may_hold_one_of_its_own_subtypes(zoo: ModuleType) -> None:
    wire = {"kind": "Dog", "name": "a", "rival": {"kind": "Lion", "name": "b", "diet": "Meat"}}
    dog = zoo.Pet.from_dict(wire)
    assert type(dog) is zoo.Dog and type(dog.rival) is zoo.Lion
    assert dog.to_dict() == wire


def test_an_unknown_kind_stays_the_base_with_its_extra_keys(zoo: ModuleType) -> None:
    wire = {"kind": "Parrot", "name": "polly", "words": 40, "properties": {"color": "green"}}
    parrot = zoo.Pet.from_dict(wire)
    assert type(parrot) is zoo.Pet
    assert parrot.kind == "Parrot"
    assert parrot.additional_properties == {"words": 40, "properties": {"color": "green"}}
    assert parrot.to_dict() == wire


def test_a_bad_value_inside_a_subtype_is_named_by_its_wire_path(zoo: ModuleType) -> None:
    with pytest.raises(Exception, match=r"pets\[0\]\.lives") as info:
        zoo.Zoo.from_dict({"pets": [{"kind": "Cat", "name": "a", "lives": "many"}]})
    assert "many" not in str(info.value)  # values may be secrets: never in the message
    with pytest.raises(Exception, match=r"properties\.barkVolume"):
        zoo.Pet.from_dict({"kind": "Dog", "name": "x", "properties": {"barkVolume": "loud"}})


@given(
    kind=st.sampled_from(["Dog", "Cat", "Lion", "Parrot"]),
    name=st.text(max_size=8),
    number=st.integers(-(2**31), 2**31 - 1),
)
def test_any_pet_round_trips_as_its_subtype(
    zoo: ModuleType, kind: str, name: str, number: int
) -> None:
    extra = {
        "Dog": {"properties": {"barkVolume": number}},
        "Cat": {"lives": number, "diet": "Meat"},
        "Lion": {"lives": number, "prideSize": number, "diet": "Meat"},
        "Parrot": {"words": number},
    }[kind]
    wire = {"kind": kind, "name": name, **extra}
    pet = zoo.Pet.from_dict(wire)
    assert type(pet).__name__ == (kind if kind != "Parrot" else "Pet")
    assert json.loads(json.dumps(pet.to_dict())) == wire


# -- inline object schemas ------------------------------------------------------------------


def test_inline_object_schemas_become_models_named_after_their_property(
    zoo: ModuleType,
) -> None:
    wire = {"address": {"city": "Oslo", "geo": {"lat": 59.9}}}
    parsed = zoo.Zoo.from_dict(wire)
    assert isinstance(parsed.address, zoo.ZooAddress)
    assert isinstance(parsed.address.geo, zoo.ZooAddressGeo)
    assert parsed.address.geo.lat == 59.9
    assert parsed.to_dict() == wire


def test_flattened_inline_object_fields_belong_to_the_model_and_read_only_is_not_sent(
    zoo: ModuleType,
) -> None:
    dog = zoo.Dog.from_dict(
        {"kind": "Dog", "name": "rex", "properties": {"provisioningState": "Succeeded"}}
    )
    assert dog.provisioning_state == "Succeeded"
    assert dog.to_dict() == {"kind": "Dog", "name": "rex"}
    assert dog.to_dict(keep_readonly=True)["properties"] == {"provisioningState": "Succeeded"}


# -- formats --------------------------------------------------------------------------------


def test_formats_read_as_python_types_and_write_back_as_sent(zoo: ModuleType) -> None:
    wire = {
        "opened": "1999-12-31",
        "updatedAt": "2024-07-01T10:00:00.500000Z",
        "feedingInterval": "P1DT2H30M",
        "logo": "aGVsbG8=",
        "visitors": 2**40,
        "area": 1.5,
        "zooId": "6b1f6c87-2f0e-4b8e-9d63-8c1f3c9e7a10",
        "parentId": "/subscriptions/s/resourceGroups/rg",
    }
    parsed = zoo.Zoo.from_dict(wire)
    assert parsed.opened == datetime.date(1999, 12, 31)
    assert parsed.updated_at == datetime.datetime(
        2024, 7, 1, 10, 0, 0, 500000, tzinfo=datetime.timezone.utc
    )
    assert parsed.feeding_interval == datetime.timedelta(days=1, hours=2, minutes=30)
    assert parsed.logo == b"hello"
    assert parsed.visitors == 2**40 and parsed.area == 1.5
    assert parsed.zoo_id == wire["zooId"] and parsed.parent_id == wire["parentId"]
    assert parsed.to_dict() == wire


def test_a_bad_format_is_a_typed_error_naming_the_field(zoo: ModuleType) -> None:
    from vmss_runcommands.runtime.exceptions import DeserializationError

    for key, bad in (("feedingInterval", "P1Y"), ("opened", "yesterday"), ("logo", "%%%")):
        with pytest.raises(Exception) as info:
            zoo.Zoo.from_dict({key: bad})
        assert type(info.value).__name__ == DeserializationError.__name__
        assert key in str(info.value)


@given(st.timedeltas(min_value=datetime.timedelta(days=-9999), max_value=datetime.timedelta(9999)))
def test_durations_round_trip_through_iso_8601(value: datetime.timedelta) -> None:
    assert parse_duration(format_duration(value)) == value


@given(st.binary(max_size=64))
def test_bytes_round_trip_through_base64(value: bytes) -> None:
    assert parse_bytes(format_bytes(value)) == value


def test_x_nullable_null_survives_a_round_trip_and_absent_stays_absent(zoo: ModuleType) -> None:
    parsed = zoo.Zoo.from_dict({"motto": None, "labels": {"a": "b"}})
    assert parsed.motto is None
    assert parsed.to_dict() == {"motto": None, "labels": {"a": "b"}}
    assert zoo.Zoo.from_dict({}).to_dict() == {}


@given(
    opened=st.dates(),
    interval=st.timedeltas(
        min_value=datetime.timedelta(days=-999), max_value=datetime.timedelta(days=999)
    ),
    logo=st.binary(max_size=16),
    visitors=st.integers(-(2**63), 2**63 - 1),
    motto=st.none() | st.text(max_size=8),
)
def test_formatted_fields_round_trip_through_json(
    zoo: ModuleType,
    opened: datetime.date,
    interval: datetime.timedelta,
    logo: bytes,
    visitors: int,
    motto: str | None,
) -> None:
    model = zoo.Zoo(
        opened=opened, feeding_interval=interval, logo=logo, visitors=visitors, motto=motto
    )
    back = zoo.Zoo.from_dict(json.loads(json.dumps(model.to_dict())))
    assert back == model


def test_maps_have_typed_values_and_free_form_objects_stay_json(zoo: ModuleType) -> None:
    wire = {"headcount": {"lions": 3}, "extra": {"any": [1, {"x": None}]}, "anything": [1, "a"]}
    parsed = zoo.Zoo.from_dict(wire)
    assert parsed.headcount == {"lions": 3} and parsed.extra == wire["extra"]
    assert parsed.anything == [1, "a"]
    assert parsed.to_dict() == wire
    with pytest.raises(Exception, match="headcount"):
        zoo.Zoo.from_dict({"headcount": {"lions": "three"}})


# -- enums ----------------------------------------------------------------------------------


def test_integer_and_boolean_enums_keep_their_json_type(zoo: ModuleType) -> None:
    parsed = zoo.Zoo.from_dict({"sizeClass": 2, "open": False})
    assert parsed.size_class == 2 and parsed.open is False
    assert parsed.to_dict() == {"sizeClass": 2, "open": False}


def test_the_same_x_ms_enum_in_two_places_and_files_is_one_class(zoo: ModuleType) -> None:
    keeper = zoo.Keeper.from_dict({"tier": "Premium"})
    parsed = zoo.Zoo.from_dict({"tier": "Basic", "backupTier": "Premium"})
    assert keeper.tier is zoo.Tier.PREMIUM is parsed.backup_tier
    assert parsed.tier is zoo.Tier.BASIC


def test_member_names_are_derived_as_autorest_derives_them(zoo: ModuleType) -> None:
    assert zoo.VmSize.STANDARD_A2_M_V2.value == "Standard_A2m_v2"
    assert zoo.VmSize.STANDARD_D2_S_V3.value == "Standard_D2s_v3"


def test_the_same_x_ms_enum_name_with_other_values_is_named_after_its_use(tmp_path: Path) -> None:
    spec = zoo_spec()
    other = copy.deepcopy(spec["definitions"]["Zoo"]["properties"]["tier"])
    other["enum"] = ["Basic", "Gold"]
    spec["definitions"]["Zoo"]["properties"]["backupTier"] = other
    spec_root = write_zoo(tmp_path / "spec", spec)
    render_tree(spec_root, tmp_path / "out")
    source = (tmp_path / "out" / MODULE / "models.py").read_text()
    classes = {n.name: n for n in ast.parse(source).body if isinstance(n, ast.ClassDef)}
    members = {
        name: [t.id for s in classes[name].body if isinstance(s, ast.Assign) for t in s.targets]
        for name in ("Tier", "ZooBackupTier")
    }
    assert sorted(members["Tier"]) == ["BASIC", "PREMIUM"]
    assert sorted(members["ZooBackupTier"]) == ["BASIC", "GOLD"]


def test_an_x_ms_enum_name_that_clashes_where_it_is_used_is_a_clear_error(
    tmp_path: Path,
) -> None:
    spec = zoo_spec()
    tier = spec["definitions"]["Zoo"]["properties"]["tier"]
    tier["x-ms-enum"]["name"] = "ZooBackupTier"
    other = copy.deepcopy(tier)
    other["enum"] = ["Basic", "Gold"]
    spec["definitions"]["Zoo"]["properties"]["backupTier"] = other
    spec_root = write_zoo(tmp_path / "spec", spec)
    with pytest.raises(SpecError, match=r"enum ZooBackupTier .*defined with other values") as info:
        render_tree(spec_root, tmp_path / "out")
    assert "backupTier" in str(info.value) or "tier" in str(info.value)


def test_a_required_single_value_enum_is_a_constant_always_sent(zoo: ModuleType) -> None:
    cat = zoo.Cat(name="tom")
    assert cat.diet is zoo.Diet.MEAT
    assert cat.to_dict()["diet"] == "Meat"
    with pytest.raises(TypeError):
        zoo.Cat(name="tom", diet="Fish")


# -- names and references -------------------------------------------------------------------


def test_x_ms_client_name_names_the_python_field_and_the_wire_key_stays(zoo: ModuleType) -> None:
    parsed = zoo.Zoo.from_dict({"dn": "City Zoo"})
    assert parsed.display_name == "City Zoo"
    assert zoo.Zoo(display_name="x").to_dict() == {"dn": "x"}


def test_a_model_referenced_straight_from_another_file_is_generated(zoo: ModuleType) -> None:
    keeper = zoo.Keeper.from_dict({"badge": "7", "shift": {"start": "08:00"}})
    assert isinstance(keeper.shift, zoo.Shift) and keeper.shift.start == "08:00"


# -- None means absent, exact sending ---------------------------------------------------------


def test_absent_fields_read_as_none_and_only_set_fields_are_sent(zoo: ModuleType) -> None:
    parsed = zoo.Zoo.from_dict({"labels": {"a": "b"}})
    assert parsed.address is None and parsed.pets is None and parsed.tier is None
    assert zoo.Zoo(tier="Basic").to_dict() == {"tier": "Basic"}
    dog = zoo.Dog(name="rex")
    assert dog.id is None and dog.to_dict() == {"kind": "Dog", "name": "rex"}


def test_send_null_sends_json_null_for_a_merge_patch(zoo: ModuleType) -> None:
    patch = send_null(zoo.Zoo(tier="Basic"), "address", "feeding_interval")
    assert json.loads(json.dumps(patch.to_dict())) == {
        "tier": "Basic",
        "address": None,
        "feedingInterval": None,
    }
    flattened = send_null(zoo.Dog(name="rex"), "bark_volume")
    assert flattened.to_dict()["properties"] == {"barkVolume": None}
    with pytest.raises(ValueError, match="no field 'nope'"):
        send_null(zoo.Zoo(), "nope")
    with pytest.raises(ValueError, match="read-only"):
        send_null(zoo.Dog(name="rex"), "provisioning_state")


def _all_wire(spec: dict[str, Any]) -> list[str]:
    return sorted(spec["definitions"])


def test_every_definition_of_the_fixture_is_generated(zoo: ModuleType) -> None:
    for name in _all_wire(zoo_spec()):
        assert hasattr(zoo, name), name


def test_import_keeps_the_subtypes_nothing_names(tmp_path: Path) -> None:
    from codegen.importer import import_api_version

    upstream = tmp_path / "upstream"
    write_zoo(upstream)
    spec_root = tmp_path / "spec"
    spec_root.mkdir()
    (spec_root / "codegen.yaml").write_text((upstream / "codegen.yaml").read_text())
    import_api_version(
        upstream / API_VERSION / "zoo.json", spec_root, select=["Pets_CreateOrUpdate"]
    )
    bundled = json.loads((spec_root / API_VERSION / "zoo.json").read_text())
    assert {"Pet", "Dog", "Cat", "Lion"} <= set(bundled["definitions"])
    assert "Zoo" not in bundled["definitions"]  # not reached by the selected operation


def test_an_allof_base_without_shape_adds_nothing_and_is_no_error(tmp_path: Path) -> None:
    # CloudShell's Resource is only a description and x-ms-azure-resource.
    spec = zoo_spec()
    spec["definitions"]["Resource"] = {"description": "A resource.", "x-ms-azure-resource": True}
    spec["definitions"]["Zoo"].setdefault("allOf", []).append({"$ref": "#/definitions/Resource"})
    spec_root = write_zoo(tmp_path / "spec", spec)
    render_tree(spec_root, tmp_path / "out")
    source = (tmp_path / "out" / MODULE / "models.py").read_text()
    zoo = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == "Zoo")
    assert [ast.unparse(base) for base in zoo.bases] == ["WireModel"]  # no model base
    assert "class Resource" not in source


def test_an_allof_base_that_is_not_an_object_is_still_an_error(tmp_path: Path) -> None:
    spec = zoo_spec()
    spec["definitions"]["Name"] = {"type": "string"}
    spec["definitions"]["Zoo"].setdefault("allOf", []).append({"$ref": "#/definitions/Name"})
    spec_root = write_zoo(tmp_path / "spec", spec)
    with pytest.raises(SpecError, match=r"allOf base is not an object schema"):
        render_tree(spec_root, tmp_path / "out")
