"""Generated models' constructor (runtime/model_init.py) behaves as attrs' own."""

from __future__ import annotations

import inspect
from typing import Any

import attrs
import pytest
from vmss_runcommands import models
from vmss_runcommands.runtime.model_compat import empty_extra
from vmss_runcommands.runtime.serialization import wire_model

MODELS = [getattr(models, name) for name in models.__all__ if attrs.has(getattr(models, name))]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_the_signature_is_attrs_keyword_only_one(model: type) -> None:
    parameters = list(inspect.signature(model.__init__).parameters.values())[1:]
    fields = [f for f in attrs.fields(model) if f.init]
    assert [p.name for p in parameters] == [f.alias for f in fields]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)
    for parameter, field in zip(parameters, fields, strict=True):
        if field.default is attrs.NOTHING:
            assert parameter.default is inspect.Parameter.empty
        elif not isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            assert parameter.default == field.default


def test_defaults_and_the_unknown_keys_dict_are_fresh_per_instance() -> None:
    a = models.RunCommandManagedIdentity()
    b = models.RunCommandManagedIdentity()
    assert a.additional_properties == {} and a.additional_properties is not b.additional_properties
    assert a.client_id is None and a.wire_nulls == frozenset()
    a.additional_properties["brandNew"] = 1
    assert b.additional_properties == {}
    assert a.to_dict() == {"brandNew": 1}


def test_given_unknown_keys_are_still_checked_and_nested_dicts_refused() -> None:
    with pytest.raises(ValueError, match="location"):
        models.VirtualMachineRunCommand(location="x", additional_properties={"location": "y"})
    with pytest.raises(TypeError, match="source"):
        models.VirtualMachineRunCommand(location="x", source={"script": "x"})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        models.VirtualMachineRunCommand()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        models.VirtualMachineRunCommand("x")  # type: ignore[misc]


def test_a_class_with_a_validator_keeps_attrs_constructor() -> None:
    seen: list[Any] = []

    @wire_model
    @attrs.define(kw_only=True, slots=True)
    class Checked:
        size: int = attrs.field(validator=lambda _, __, value: seen.append(value))
        additional_properties: dict[str, Any] = attrs.field(
            factory=empty_extra, metadata={"additional_properties": True}
        )

    Checked(size=3)
    assert seen == [3]
    assert "model init" not in (Checked.__init__.__code__.co_filename)
