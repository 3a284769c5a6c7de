"""The argument parser: subcommands and options, close to ``az vmss run-command``.

Standard library only, so that ``--help`` starts without loading the client.
"""

from __future__ import annotations

import argparse

from . import exit_codes, values

# typing costs start-up time and is only needed by type checkers, which treat any
# TYPE_CHECKING constant as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

__all__ = ["DEFAULT_RUN_NAME", "UsageError", "build_parser"]

PROG = "vmss-runcommands"
DEFAULT_RUN_NAME = "vmss-runcommands"
CLOUDS = ("public", "china", "usgov")

_DESCRIPTION = """\
Run commands on the instances of an Azure virtual machine scale set: create, update, show,
list and delete them like `az vmss run-command`, run one and wait for its output (run), or
run one on many instances at once (fan-out)."""

_EPILOG = f"""\
authentication:
  Azure credentials come from azure-identity's DefaultAzureCredential (az login, environment
  variables, managed identity, ...); install it with: pip install "vmss-runcommands[identity]".
  The subscription is --subscription or AZURE_SUBSCRIPTION_ID.

emulator:
  --emulator runs one command against a throwaway in-process emulator. For a session, start
  `python -m vmss_runcommands.emulator` and pass the base_url and token it prints as
  --endpoint and --emulator-token.

{exit_codes.HELP}"""


class UsageError(Exception):
    """A command line that cannot work; ``main`` prints usage and exits 2."""

    def __init__(self, message: str, parser: argparse.ArgumentParser | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # Raised rather than printed: main() masks secret values the message may repeat.
        raise UsageError(message, self)


def build_parser() -> argparse.ArgumentParser:
    """The full ``vmss-runcommands`` parser."""
    parser = _Parser(
        prog=PROG,
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="store_true", help="show the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers: list[_Parser] = []

    def command(name: str, summary: str) -> _Parser:
        sub: _Parser = commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=exit_codes.HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            allow_abbrev=False,
        )
        subparsers.append(sub)
        return sub

    create = command("create", "Create (or replace) a run command and run it.")
    _where(create, name_required=True)
    _body(create, source_required=True)
    _no_wait(create)

    update = command("update", "Change settings of an existing run command.")
    _where(update, name_required=True)
    _body(update, source_required=False)
    _no_wait(update)

    show = command("show", "Show a run command; --instance-view adds its output and exit code.")
    _where(show, name_required=True)
    _instance_view(show)

    listing = command("list", "List the run commands of one instance.")
    _where(listing, name_required=None)
    _instance_view(listing)

    delete = command("delete", "Delete a run command.")
    _where(delete, name_required=True)
    _no_wait(delete)
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")

    run = command(
        "run",
        "Create or replace a run command, wait for the script and show its output; "
        "exits with the script's exit code.",
    )
    _where(run, name_required=False)
    _body(run, source_required=True)
    _wait_timeout(run, "seconds to wait for provisioning and the script together")

    fan_out = command(
        "fan-out", "Run the same run command on many instances, a bounded number at a time."
    )
    _where(fan_out, name_required=False, many_instances=True)
    _body(fan_out, source_required=True)
    fan_out.add_argument(
        "--max-in-flight",
        type=values.positive_int,
        default=16,
        metavar="N",
        help="instances worked on at the same time (default: 16)",
    )
    _wait_timeout(fan_out, "seconds to wait for each instance")
    for sub in subparsers:
        _common_options(sub)
    return parser


def _common_options(parser: argparse.ArgumentParser) -> None:
    """Options every subcommand takes, after its own (as az lists its global ones)."""
    target = parser.add_argument_group("connection")
    target.add_argument(
        "--subscription", metavar="ID", help="subscription id (default: AZURE_SUBSCRIPTION_ID)"
    )
    target.add_argument(
        "--cloud", choices=CLOUDS, default="public", help="Azure cloud (default: public)"
    )
    target.add_argument(
        "--emulator",
        action="store_true",
        help="run against a throwaway in-process emulator instead of Azure",
    )
    target.add_argument(
        "--endpoint",
        metavar="URL",
        help="ARM endpoint to use instead of the cloud's, e.g. a running emulator's base_url",
    )
    target.add_argument(
        "--emulator-token",
        metavar="TOKEN",
        help="bearer token printed by `python -m vmss_runcommands.emulator` (with --endpoint)",
    )
    shown = parser.add_argument_group("output")
    shown.add_argument(
        "--output",
        "-o",
        choices=("json", "table"),
        default="json",
        help="json (default) or table",
    )
    shown.add_argument(
        "--debug", action="store_true", help="log requests and responses (secrets masked)"
    )


def _where(
    parser: argparse.ArgumentParser,
    *,
    name_required: bool | None,
    many_instances: bool = False,
) -> None:
    group = parser.add_argument_group("run command")
    group.add_argument("--resource-group", "-g", required=True, type=values.name, metavar="NAME")
    group.add_argument("--vmss-name", required=True, type=values.name, metavar="NAME")
    if many_instances:
        group.add_argument(
            "--instance-ids",
            required=True,
            nargs="+",
            metavar="ID",
            help="instance ids; N..M for a range, @file for ids read from a file",
        )
    else:
        group.add_argument("--instance-id", required=True, type=values.name, metavar="ID")
    if name_required is None:
        return
    group.add_argument(
        "--name",
        "--run-command-name",
        dest="name",
        required=name_required,
        default=None if name_required else DEFAULT_RUN_NAME,
        type=values.name,
        metavar="NAME",
        help=None if name_required else f"run command name (default: {DEFAULT_RUN_NAME})",
    )


def _body(parser: argparse.ArgumentParser, *, source_required: bool) -> None:
    source = parser.add_argument_group("script (one of)").add_mutually_exclusive_group(
        required=source_required
    )
    source.add_argument(
        "--script", type=values.text_or_file, help="script text; @file reads a file, @- stdin"
    )
    source.add_argument("--script-uri", metavar="URI", help="URI of the script to download")
    source.add_argument(
        "--command-id", metavar="ID", help="a built-in command, e.g. RunShellScript"
    )
    settings = parser.add_argument_group("settings")
    settings.add_argument(
        "--location",
        "-l",
        metavar="REGION",
        help="the scale set's region; read from the existing run command when omitted",
    )
    settings.add_argument(
        "--parameters", nargs="+", metavar="NAME=VALUE", help="parameters passed to the script"
    )
    settings.add_argument(
        "--protected-parameters",
        nargs="+",
        metavar="NAME=VALUE",
        help="parameters the service never returns (never shown by this tool either)",
    )
    for flag, what in (
        ("--async-execution", "provisioning completes when the script starts"),
        ("--treat-failure-as-deployment-failure", "a failing script fails provisioning"),
    ):
        settings.add_argument(
            flag, type=values.true_or_false, nargs="?", const=True, metavar="true|false", help=what
        )
    settings.add_argument(
        "--timeout-in-seconds",
        type=values.non_negative_int,
        metavar="N",
        help="how long the script may run on the instance",
    )
    settings.add_argument("--output-blob-uri", metavar="URI", help="append blob for the output")
    settings.add_argument("--error-blob-uri", metavar="URI", help="append blob for the errors")
    settings.add_argument("--run-as-user", metavar="USER", help="account that runs the script")
    settings.add_argument(
        "--run-as-password",
        nargs="?",
        const=values.PROMPT,
        metavar="PASSWORD",
        help="its password; give no value to be prompted (keeps it out of shell history)",
    )


def _no_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-wait", action="store_true", help="do not wait for the operation to finish"
    )


def _instance_view(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--instance-view",
        action="store_true",
        help="include the execution state, exit code and output",
    )


def _wait_timeout(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--wait-timeout",
        type=values.seconds,
        metavar="SECONDS",
        help=f"{what} (default: no limit); exit 124 when it passes",
    )
