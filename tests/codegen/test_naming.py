"""Python names as azure-mgmt-compute spells them, acronyms included."""

from __future__ import annotations

import pytest

from codegen.naming import enum_member_name, model_class_name, snake_case


@pytest.mark.parametrize(
    ("wire", "python"),
    [
        ("VirtualMachineScaleSetVMRunCommands", "virtual_machine_scale_set_vm_run_commands"),
        ("VirtualMachineScaleSetVMs", "virtual_machine_scale_set_vms"),  # a plural acronym
        ("PublicIPs", "public_ips"),
        ("VMSize", "vm_size"),
        ("OSDisk", "os_disk"),
        ("dataDisks", "data_disks"),
        ("$schema", "schema"),
    ],
)
def test_snake_case(wire: str, python: str) -> None:
    assert snake_case(wire) == python


def test_api_versions_sort_stable_after_previews_of_the_same_date() -> None:
    from codegen.naming import api_version_order

    versions = ["2024-07-01", "2023-03-01", "2024-07-01-preview", "2024-11-04-preview"]
    assert sorted(versions, key=api_version_order) == [
        "2023-03-01",
        "2024-07-01-preview",
        "2024-07-01",
        "2024-11-04-preview",
    ]
    modules = ["v2024_07_01", "v2024_07_01_preview"]
    assert max(modules, key=api_version_order) == "v2024_07_01"


@pytest.mark.parametrize(
    ("value", "member"),
    [
        ("*", "ASTERISK"),  # Microsoft.Network's "any protocol", as azure-mgmt-network names it
        ("", "EMPTY"),
        ("**", "ASTERISK_ASTERISK"),
        (".*", "DOT_ASTERISK"),
        ("Tcp", "TCP"),
        ("Standard_A2m_v2", "STANDARD_A2_M_V2"),
    ],
)
def test_enum_values_made_of_symbols_are_spelled_out(value: str, member: str) -> None:
    assert enum_member_name(value) == member


def test_an_enum_value_of_unnamed_symbols_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"enum member name from '\u2603'.*x-ms-enum"):
        enum_member_name("\u2603")


@pytest.mark.parametrize(
    ("definition", "python"),
    [
        ("Ship", "Ship"),
        ("Standard_LRS", "Standard_LRS"),  # a valid name is kept as the spec spells it
        ("Harbor.Common.ErrorResponse", "HarborCommonErrorResponse"),  # TypeSpec's dotted names
        ("berth-kind", "BerthKind"),
        ("2Fast", "Model2Fast"),
        # names the generated modules bind, keywords and builtins take AutoRest's suffix
        ("RetryPolicy", "RetryPolicyModel"),
        ("Mapping", "MappingModel"),
        ("None", "NoneModel"),
        ("list", "List"),
        ("Any", "AnyModel"),
    ],
)
def test_model_class_names(definition: str, python: str) -> None:
    assert model_class_name(definition) == python
