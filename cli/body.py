"""The request body a command line describes: a full run command, or the settings to change."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from ..models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
    VirtualMachineRunCommandUpdate,
)
from ..runtime.serialization import UNSET
from .parser import UsageError
from .values import PROMPT, name_value_pairs

__all__ = ["check_parameters", "run_command", "run_command_update"]


def run_command(args: argparse.Namespace, *, location: str) -> VirtualMachineRunCommand:
    """A full run command (for create, run and fan-out)."""
    return VirtualMachineRunCommand(location=location, **_settings(args))


def run_command_update(args: argparse.Namespace) -> VirtualMachineRunCommandUpdate:
    """The settings given on the command line, and nothing else (for update)."""
    settings = _settings(args)
    if not settings:
        raise UsageError(
            "nothing to update: give at least one setting, e.g. --script, --parameters or "
            "--timeout-in-seconds"
        )
    return VirtualMachineRunCommandUpdate(**settings)


def check_parameters(args: argparse.Namespace) -> None:
    """Refuse malformed ``NAME=VALUE`` items before anything is sent."""
    _parameters(args)


def _parameters(args: argparse.Namespace) -> dict[str, list[RunCommandInputParameter]]:
    found = {}
    for option, field, secret in (
        ("--parameters", "parameters", False),
        ("--protected-parameters", "protected_parameters", True),
    ):
        items = getattr(args, field, None)
        if items is not None:
            try:
                pairs = name_value_pairs(option, items, secret=secret)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            found[field] = [RunCommandInputParameter(name=n, value=v) for n, v in pairs]
    return found


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    source = {
        "script": args.script,
        "script_uri": args.script_uri,
        "command_id": args.command_id,
    }
    if any(value is not None for value in source.values()):
        settings["source"] = VirtualMachineRunCommandScriptSource(
            **{key: value for key, value in source.items() if value is not None}
        )
    settings.update(_parameters(args))
    for field in (
        "async_execution",
        "treat_failure_as_deployment_failure",
        "timeout_in_seconds",
        "output_blob_uri",
        "error_blob_uri",
        "run_as_user",
    ):
        value = getattr(args, field)
        if value is not None:
            settings[field] = value
    password = args.run_as_password
    if password is not None:
        settings["run_as_password"] = _prompt_for_password() if password == PROMPT else password
    return {key: value for key, value in settings.items() if value is not UNSET}


def _prompt_for_password() -> str:
    if not sys.stdin.isatty():
        raise UsageError(
            "--run-as-password has no value and there is no terminal to ask on: pass the "
            'value, e.g. --run-as-password "$PASSWORD"'
        )
    return getpass.getpass("Password for --run-as-user: ")
