"""The subcommands: each takes the parsed arguments and a connection, prints, returns a status.

Imported only once the arguments parsed, so ``--help`` never loads the client.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from ..models import VirtualMachineRunCommand
from ..runtime.exceptions import ResourceNotFoundError
from ..runtime.polling import LROPoller
from ..workflows import FanOut, InstanceOutcome, RunStatus, run_and_wait
from . import exit_codes, render
from .body import check_parameters, run_command, run_command_update
from .connection import Connection, cloud_endpoint, connect
from .failures import Context, describe, worst_exit_code
from .parser import PROG, UsageError
from .secrets import mask, secret_values
from .status import StatusLine, progress_text
from .values import expand_instance_ids

__all__ = ["execute"]

_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

Handler = Callable[[argparse.Namespace, Connection], int]


def execute(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Run the parsed command; every failure becomes a message on stderr and an exit status."""
    secrets = secret_values(argv)
    _configure_logging(args.debug, secrets)
    context = _context(args)
    connection: Connection | None = None
    try:
        _check_before_connecting(args)
        connection = connect(args, concurrency=getattr(args, "max_in_flight", 1))
        return _HANDLERS[args.command](args, connection)
    except UsageError as error:
        _print_error(f"{PROG} {args.command}: error: {error.message}", secrets)
        return exit_codes.USAGE
    except KeyboardInterrupt:
        _print_error(
            "Interrupted. Run commands already sent keep running on their instances; "
            f"see how they end with: {context.show_command}",
            secrets,
        )
        return exit_codes.INTERRUPTED
    except BrokenPipeError:
        raise
    except Exception as error:
        failure = describe(error, context)
        _print_error(failure.message, secrets)
        return failure.exit_code
    finally:
        if connection is not None:
            connection.close()


# -- the subcommands ------------------------------------------------------------------------


def _create(args: argparse.Namespace, connection: Connection) -> int:
    ops = connection.client.virtual_machine_scale_set_vm_run_commands
    body = run_command(args, location=_location(args, connection, args.instance_id))
    poller = ops.begin_create_or_update(*_where(args), body)
    return _finish_operation(args, poller)


def _update(args: argparse.Namespace, connection: Connection) -> int:
    ops = connection.client.virtual_machine_scale_set_vm_run_commands
    poller = ops.begin_update(*_where(args), run_command_update(args))
    return _finish_operation(args, poller)


def _show(args: argparse.Namespace, connection: Connection) -> int:
    ops = connection.client.virtual_machine_scale_set_vm_run_commands
    resource = ops.get(*_where(args), expand="instanceView" if args.instance_view else None)
    _print_resources(args, [resource], single=True)
    return exit_codes.OK


def _list(args: argparse.Namespace, connection: Connection) -> int:
    ops = connection.client.virtual_machine_scale_set_vm_run_commands
    resources = list(
        ops.list(
            args.resource_group,
            args.vmss_name,
            args.instance_id,
            expand="instanceView" if args.instance_view else None,
        )
    )
    _print_resources(args, resources, single=False)
    return exit_codes.OK


def _delete(args: argparse.Namespace, connection: Connection) -> int:
    if not args.yes:
        _confirm(f"Delete run command {args.name!r} of instance {args.instance_id!r}?")
    ops = connection.client.virtual_machine_scale_set_vm_run_commands
    poller = ops.begin_delete(*_where(args))
    if not args.no_wait:
        with _status_line(args, lambda: f"deleting: {poller.status()}"):
            poller.result()
    return exit_codes.OK


def _run(args: argparse.Namespace, connection: Connection) -> int:
    body = run_command(args, location=_location(args, connection, args.instance_id))
    state = RunStatus("provisioning", "sending", None)

    def remember(status: RunStatus) -> None:
        nonlocal state
        state = status

    def describe_state() -> str:
        execution = state.execution_state or "-"
        return f"provisioning: {state.provisioning_state}  execution: {execution}"

    with _status_line(args, describe_state):
        result = run_and_wait(
            connection.client,
            *_where(args),
            body,
            timeout=args.wait_timeout,
            polling_interval=connection.polling_interval,
            on_status=remember,
        )
    if args.output == "table":
        sys.stdout.write(render.result_table(result))
    else:
        render.write_json(render.result_document(result), sys.stdout)
    return exit_codes.OK if result.succeeded else exit_codes.for_script(result.exit_code)


def _fan_out(args: argparse.Namespace, connection: Connection) -> int:
    instance_ids: list[str] = args.instance_ids
    body = run_command(args, location=_location(args, connection, instance_ids[0]))
    try:
        runs = FanOut(
            connection.client,
            args.resource_group,
            args.vmss_name,
            instance_ids,
            args.name,
            body,
            max_in_flight=args.max_in_flight,
            throttle=connection.throttle,
            timeout=args.wait_timeout,
            polling_interval=connection.polling_interval,
        )
    except (TypeError, ValueError) as exc:
        raise UsageError(f"argument --instance-ids: {exc}") from None
    table = render.FanOutTable(instance_ids) if args.output == "table" else None
    outcomes: list[InstanceOutcome] = []
    with runs, _status_line(args, lambda: progress_text(runs.progress())) as line:
        if table is not None:
            line.write(table.header(), sys.stdout)
        for outcome in runs:
            outcomes.append(outcome)
            if table is not None:
                line.write(table.row(outcome), sys.stdout)
    summary = runs.summary()
    if table is not None:
        sys.stdout.write(table.footer(summary))
    else:
        order = {instance_id: position for position, instance_id in enumerate(instance_ids)}
        outcomes.sort(key=lambda outcome: order[outcome.instance_id])
        render.write_json(
            {
                "summary": render.summary_document(summary),
                "instances": [render.outcome_document(outcome) for outcome in outcomes],
            },
            sys.stdout,
        )
    errors = [outcome.error for outcome in outcomes if outcome.error is not None]
    if errors:
        return worst_exit_code(errors, _context(args))
    return exit_codes.OK if summary.all_succeeded else exit_codes.SCRIPTS_FAILED


_HANDLERS: dict[str, Handler] = {
    "create": _create,
    "update": _update,
    "show": _show,
    "list": _list,
    "delete": _delete,
    "run": _run,
    "fan-out": _fan_out,
}


# -- helpers --------------------------------------------------------------------------------


def _check_before_connecting(args: argparse.Namespace) -> None:
    """Everything that can be refused without a request: nothing is sent for a bad command."""
    check_parameters(args)
    if args.command == "fan-out":
        try:
            args.instance_ids = expand_instance_ids(args.instance_ids)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if not args.instance_ids:
            raise UsageError("argument --instance-ids: no instance ids given")


def _where(args: argparse.Namespace) -> tuple[str, str, str, str]:
    return args.resource_group, args.vmss_name, args.instance_id, args.name


def _location(args: argparse.Namespace, connection: Connection, instance_id: str) -> str:
    """--location, else the region of the run command being replaced."""
    if args.location:
        return str(args.location)
    ops = connection.client.virtual_machine_scale_set_vm_run_commands
    try:
        existing = ops.get(args.resource_group, args.vmss_name, instance_id, args.name)
    except ResourceNotFoundError:
        raise UsageError(
            f"--location is required: run command {args.name!r} does not exist yet on "
            f"instance {instance_id!r}. Pass the scale set's region, e.g. --location westus"
        ) from None
    return existing.location


def _finish_operation(args: argparse.Namespace, poller: LROPoller[VirtualMachineRunCommand]) -> int:
    if args.no_wait:
        print(
            f"Started; follow it with: {_context(args).show_command}",
            file=sys.stderr,
        )
        return exit_codes.OK
    with _status_line(args, lambda: f"provisioning: {poller.status()}"):
        resource = poller.result()
    _print_resources(args, [resource], single=True)
    return exit_codes.OK


def _print_resources(
    args: argparse.Namespace, resources: list[VirtualMachineRunCommand], *, single: bool
) -> None:
    if args.output == "table":
        sys.stdout.write(render.resource_table(resources))
        return
    documents = [render.resource_document(resource) for resource in resources]
    render.write_json(documents[0] if single else documents, sys.stdout)


def _status_line(args: argparse.Namespace, describe_state: Callable[[], str]) -> StatusLine:
    enabled = StatusLine.wanted(sys.stderr) and not args.debug
    return StatusLine(sys.stderr, describe_state, enabled=enabled)


def _confirm(question: str) -> None:
    if not sys.stdin.isatty():
        raise UsageError("add --yes to delete without being asked (there is no terminal to ask on)")
    answer = input(f"{question} (y/N): ").strip().lower()
    if answer not in ("y", "yes"):
        raise UsageError("not confirmed; nothing was deleted")


def _context(args: argparse.Namespace) -> Context:
    instance = getattr(args, "instance_id", None) or "<ID>"
    name = getattr(args, "name", None) or "<NAME>"
    connection = ""
    if args.endpoint:
        connection = f" --endpoint {args.endpoint}"
        if args.emulator_token:
            connection += " --emulator-token <TOKEN>"
    show = (
        f"{PROG} show -g {args.resource_group} --vmss-name {args.vmss_name} "
        f"--instance-id {instance} --name {name} --instance-view{connection}"
    )
    return Context(
        show_command=show,
        emulator=bool(args.emulator or args.emulator_token),
        embedded_emulator=bool(args.emulator),
        endpoint=args.endpoint or ("the emulator" if args.emulator else cloud_endpoint(args.cloud)),
    )


def _print_error(message: str, secrets: Sequence[str]) -> None:
    print(mask(message, secrets), file=sys.stderr)


class _MaskingFormatter(logging.Formatter):
    """Masks the secret values of the command line in every line it formats: the runtime
    masks secret fields by name, but a service may repeat a rejected value in a message."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__(_LOG_FORMAT)
        self._secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record), self._secrets)


def _configure_logging(debug: bool, secrets: Sequence[str]) -> None:
    if debug:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_MaskingFormatter(secrets))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        return
    # Without a handler Python prints warnings (e.g. a failed operation, already reported as
    # this tool's own message) straight to stderr.
    for name in ("vmss_runcommands", "urllib3"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
