"""Which run commands a command line names: -g/--vmss-name/--instance-id/--name, or --ids."""

from __future__ import annotations

import argparse
from urllib.parse import unquote

from .parser import UsageError

__all__ = ["check_target", "check_target_options", "parse_id"]

_RUN_COMMAND_ID = (
    "/subscriptions/SUB/resourceGroups/GROUP/providers/Microsoft.Compute/"
    "virtualMachineScaleSets/VMSS/virtualMachines/ID/runCommands/NAME"
)
_LITERALS = (
    (0, "subscriptions"),
    (2, "resourcegroups"),
    (4, "providers"),
    (5, "microsoft.compute"),
    (6, "virtualmachinescalesets"),
    (8, "virtualmachines"),
    (10, "runcommands"),
)


def parse_id(resource_id: str, *, instance_only: bool) -> tuple[str, tuple[str, ...]]:
    """(subscription, (group, vmss, instance[, name])) of a run command's (or, with
    ``instance_only``, an instance's) resource id."""
    segments = [unquote(part) for part in resource_id.strip().strip("/").split("/")]
    length = 10 if instance_only else 12
    shape = _RUN_COMMAND_ID.rsplit("/runCommands", 1)[0] if instance_only else _RUN_COMMAND_ID
    if (
        len(segments) != length
        or any(not part for part in segments)
        or any(segments[i].lower() != word for i, word in _LITERALS if i < length)
    ):
        raise UsageError(f"argument --ids: {resource_id!r} is not an id of the form {shape}")
    picked = (segments[3], segments[7], segments[9]) + (() if instance_only else (segments[11],))
    return segments[1], picked


def check_target_options(args: argparse.Namespace) -> None:
    """What argparse would check if the options were required: that each command names what
    it works on (fan-out --resume takes it from the file, checked later)."""
    if args.command == "fan-out":
        if args.resume is None:
            check_target(args)
            if args.script is None and args.script_uri is None and args.command_id is None:
                raise UsageError(
                    "one of the arguments --script --script-uri --command-id is required"
                )
        return
    check_target(args)


def check_target(args: argparse.Namespace) -> None:
    """Fill ``args.targets`` from --ids or the naming options; a usage error when neither (or
    both) name what to work on."""
    naming = ["resource_group", "vmss_name", "instance_id"]
    if args.name_required is not None and args.command != "fan-out":
        naming.append("name")
    if args.command == "fan-out":
        naming = ["resource_group", "vmss_name", "instance_ids"]
    ids = getattr(args, "ids", None)
    if ids:
        given = [field for field in naming if getattr(args, field, None) is not None]
        if given:
            raise UsageError(
                "--ids names the run commands already; leave out "
                + ", ".join(_option(field) for field in given)
            )
        instance_only = args.name_required is None
        targets = []
        for resource_id in ids:
            subscription, where = parse_id(resource_id, instance_only=instance_only)
            if args.subscription and args.subscription.lower() != subscription.lower():
                raise UsageError(
                    f"argument --ids: {resource_id!r} is in subscription {subscription}, not "
                    f"--subscription {args.subscription}"
                )
            args.subscription = subscription
            targets.append(where + (("",) if instance_only else ()))
        args.targets = targets
        args.resource_group, args.vmss_name, args.instance_id = targets[0][:3]
        if not instance_only:
            args.name = targets[0][3]
        return
    missing = [_option(field) for field in naming if getattr(args, field, None) is None]
    if missing:
        alternative = " (or --ids)" if hasattr(args, "ids") else ""
        raise UsageError(f"the following arguments are required{alternative}: {', '.join(missing)}")
    if args.command != "fan-out":
        name = getattr(args, "name", None) or ""
        args.targets = [(args.resource_group, args.vmss_name, args.instance_id, name)]


def _option(field: str) -> str:
    return {
        "resource_group": "--resource-group/-g",
        "vmss_name": "--vmss-name",
        "instance_id": "--instance-id",
        "instance_ids": "--instance-ids",
        "name": "--name",
    }[field]
