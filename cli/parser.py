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
    from collections.abc import Sequence
    from typing import Any, NoReturn

__all__ = ["DEFAULT_RUN_NAME", "UsageError", "build_parser", "subparser", "unrecognized"]

PROG = "vmss-runcommands"
DEFAULT_RUN_NAME = "vmss-runcommands"
CLOUDS = ("public", "china", "usgov")
OUTPUTS = ("json", "jsonc", "table", "tsv", "yaml", "none")
ENDPOINT_VARIABLE = "VMSS_RUNCOMMANDS_ENDPOINT"
TOKEN_VARIABLE = "VMSS_RUNCOMMANDS_TOKEN"

_DESCRIPTION = """\
Run commands on the instances of an Azure virtual machine scale set: create, update, show,
list and delete them like `az vmss run-command`, run one and wait for its output (run), or
run one on many instances at once (fan-out)."""

_EPILOG = f"""\
authentication:
  Azure credentials come from azure-identity's DefaultAzureCredential (az login, environment
  variables, managed identity, ...); install it with: pip install "azure-identity>=1.15".
  The subscription is --subscription or AZURE_SUBSCRIPTION_ID.

emulator:
  --emulator runs one command against a throwaway in-process emulator. For a session, start
  `python -m vmss_runcommands.emulator` and paste the export lines it prints:
  VMSS_RUNCOMMANDS_ENDPOINT and VMSS_RUNCOMMANDS_TOKEN (--endpoint and --emulator-token
  override them) and AZURE_SUBSCRIPTION_ID.

--query and -o yaml need the `cli` extra: pip install "jmespath>=1.0" "pyyaml>=6".

{exit_codes.HELP}"""


class UsageError(Exception):
    """A command line that cannot work; ``main`` prints usage and exits 2."""

    def __init__(self, message: str, parser: argparse.ArgumentParser | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parser = parser


_GIVEN = "_options_given"


def _refuse_repeat(
    parser: argparse.ArgumentParser, namespace: argparse.Namespace, action: argparse.Action
) -> None:
    given: set[str] = namespace.__dict__.setdefault(_GIVEN, set())
    if action.dest in given:
        name = "/".join(action.option_strings) or action.dest
        parser.error(f"argument {name}: given more than once; give it once")
    given.add(action.dest)


class _Once(argparse._StoreAction):
    """``store``, but a second occurrence is a usage error instead of silently winning."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        _refuse_repeat(parser, namespace, self)
        super().__call__(parser, namespace, values, option_string)


class _OnceTrue(argparse._StoreTrueAction):
    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        _refuse_repeat(parser, namespace, self)
        super().__call__(parser, namespace, values, option_string)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", None, _Once)
        self.register("action", "store", _Once)
        self.register("action", "store_true", _OnceTrue)

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
    _where(update, name_required=True, ids=True)
    _body(update, source_required=False)
    _no_wait(update)

    show = command("show", "Show a run command; --instance-view adds its output and exit code.")
    _where(show, name_required=True, ids=True)
    _instance_view(show)

    listing = command("list", "List the run commands of one instance.")
    _where(listing, name_required=None, ids=True)
    _instance_view(listing)
    listing.add_argument(
        "--max-items",
        type=values.positive_int,
        metavar="N",
        help="list at most N run commands; the token to continue with goes to stderr",
    )
    listing.add_argument(
        "--next-token", metavar="TOKEN", help="continue a listing cut by --max-items"
    )

    delete = command("delete", "Delete a run command (exit 3 when there is none).")
    _where(delete, name_required=True, ids=True)
    _no_wait(delete)
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")

    wait = command(
        "wait", "Wait until a run command reaches a condition (exit 124 when --timeout passes)."
    )
    _where(wait, name_required=True, ids=True)
    condition = wait.add_argument_group("condition (one of)").add_mutually_exclusive_group(
        required=True
    )
    condition.add_argument(
        "--created", action="store_true", help="it exists and provisioning succeeded"
    )
    condition.add_argument(
        "--updated", action="store_true", help="provisioning succeeded (after an update)"
    )
    condition.add_argument("--deleted", action="store_true", help="it no longer exists")
    condition.add_argument("--exists", action="store_true", help="it exists")
    condition.add_argument(
        "--custom",
        metavar="JMESPATH",
        help="a JMESPath condition on the run command with its instance view, e.g. "
        "\"instanceView.executionState=='Succeeded'\"",
    )
    wait.add_argument(
        "--interval",
        type=values.seconds,
        default=None,
        metavar="SECONDS",
        help="seconds between reads (default: 30 against Azure, 0.1 against an emulator)",
    )
    wait.add_argument(
        "--timeout",
        type=values.seconds,
        default=3600.0,
        metavar="SECONDS",
        help="give up after this long (default: 3600)",
    )

    run = command(
        "run",
        "Create or replace a run command, wait for the script and show its output; "
        "exits with the script's exit code (see --exit-code-offset).",
    )
    _where(run, name_required=False)
    _body(run, source_required=True)
    _wait_timeout(run, "seconds to wait for provisioning and the script together")
    run.add_argument(
        "--exit-code-offset",
        type=values.exit_code_offset,
        default=0,
        metavar="N",
        help="add N to a failed script's exit code, so that it cannot be mistaken for this "
        "tool's own statuses (2 usage, 3 not found); e.g. 10 maps exit code 2 to 12",
    )

    fan_out = command(
        "fan-out", "Run the same run command on many instances, a bounded number at a time."
    )
    _where(fan_out, name_required=False, many_instances=True)
    _body(fan_out, source_required=False)
    fan_out.add_argument(
        "--max-in-flight",
        type=values.positive_int,
        default=16,
        metavar="N",
        help="instances worked on at the same time (default: 16)",
    )
    fan_out.add_argument(
        "--resume",
        metavar="FILE",
        help="the JSON output of an interrupted or partly errored fan-out: wait again for the "
        "instances that had started, start those that had not, never run one twice",
    )
    _wait_timeout(fan_out, "seconds to wait for each instance")
    for sub in subparsers:
        _common_options(sub)
    return parser


def unrecognized(
    parser: argparse.ArgumentParser, arguments: Sequence[str], error: UsageError
) -> tuple[argparse.ArgumentParser, str]:
    """The parser whose usage a usage error shows, and its message.

    argparse reports an unknown option from the top-level parser, with the top-level usage;
    this names the subcommand's usage instead and, as az does, the closest option it has.
    """
    import difflib  # only on this error path

    shown = error.parser or parser
    if shown is not parser or not error.message.startswith("unrecognized arguments"):
        return shown, error.message
    command = next((a for a in arguments if not a.startswith("-")), None)
    try:
        shown = subparser(parser, command) if command else parser
    except KeyError:
        return parser, error.message
    options = [o for action in shown._actions for o in action.option_strings]
    given = [a.split("=", 1)[0] for a in arguments if a.startswith("--")]
    unknown = [a for a in given if a not in options]
    hints = [difflib.get_close_matches(a, options, n=1) for a in unknown]
    close = [f"{a} -> {match[0]}" for a, match in zip(unknown, hints, strict=True) if match]
    message = error.message
    if close:
        message += f" (did you mean: {', '.join(close)}?)"
    return shown, message


def subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """The parser of one subcommand (for its usage line)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[command]
            return found
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
        help=f"ARM endpoint to use instead of the cloud's (default: {ENDPOINT_VARIABLE})",
    )
    target.add_argument(
        "--emulator-token",
        metavar="TOKEN",
        help=f"bearer token of a running emulator (default: {TOKEN_VARIABLE}; the variable "
        "keeps it out of shell history)",
    )
    shown = parser.add_argument_group("output")
    shown.add_argument(
        "--output",
        "-o",
        choices=OUTPUTS,
        default="json",
        help="json (default), jsonc (coloured), table, tsv, yaml or none",
    )
    shown.add_argument(
        "--query",
        metavar="JMESPATH",
        help="a JMESPath query applied to the output (https://jmespath.org)",
    )
    shown.add_argument(
        "--only-show-errors",
        action="store_true",
        help="print nothing on stderr but errors (no hints, no status line)",
    )
    shown.add_argument(
        "--verbose", action="store_true", help="log each request and its status on stderr"
    )
    shown.add_argument(
        "--debug", action="store_true", help="log requests and responses (secrets masked)"
    )


def _where(
    parser: argparse.ArgumentParser,
    *,
    name_required: bool | None,
    many_instances: bool = False,
    ids: bool = False,
) -> None:
    """-g/--vmss-name/--instance-id(s)/--name. They are checked after parsing (see
    ``commands.check_target``) because ``--ids`` or ``--resume`` may stand in for them."""
    group = parser.add_argument_group("run command")
    group.add_argument("--resource-group", "-g", type=values.name, metavar="NAME")
    group.add_argument("--vmss-name", type=values.name, metavar="NAME")
    if many_instances:
        group.add_argument(
            "--instance-ids",
            nargs="+",
            metavar="ID",
            help="instance ids; N..M for a range, @file for ids read from a file",
        )
    else:
        group.add_argument("--instance-id", type=values.name, metavar="ID")
    if ids:
        group.add_argument(
            "--ids",
            nargs="+",
            metavar="ID",
            help="full resource ids (of run commands; for list, of instances) instead of "
            "the options above",
        )
    parser.set_defaults(name_required=name_required)
    if name_required is None:
        return
    group.add_argument(
        "--name",
        "--run-command-name",
        dest="name",
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
        help="the region (default: the scale set's, as az defaults it)",
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
