"""Python names as azure-mgmt-compute spells them, acronyms included."""

from __future__ import annotations

import pytest

from codegen.naming import snake_case


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
