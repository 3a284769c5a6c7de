"""The subcommands: each takes the parsed arguments and a connection, prints, returns a status.

Imported only once the arguments parsed, so ``--help`` never loads the client.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from ..models import VirtualMachineRunCommand
from ..runtime.exceptions import ResourceNotFoundError
from ..runtime.polling import LROPoller, OperationFailedError
from ..workflows import FanOut, InstanceOutcome, RunStatus, run_and_wait
from ..workflows.run import RunCommandBody
from . import exit_codes, render
from .body import check_parameters, run_command, run_command_update
from .connection import Connection, cloud_endpoint, connect
from .failures import Context, describe, worst_exit_code
from .output import compile_query, emit, require_extras
from .parser import ENDPOINT_VARIABLE, PROG, TOKEN_VARIABLE, UsageError
from .resume import fan_out_document, fan_out_plan, read_resume_file
from .secrets import mask, secret_values
from .status import StatusLine, progress_text
from .values import expand_instance_ids

__all__ = ["execute"]

_AZURE_WAIT_INTERVAL = 30.0
_EMULATOR_WAIT_INTERVAL = 0.1
_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

Handler = Callable[[argparse.Namespace, Connection], int]


def execute(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Run the parsed command; every failure becomes a message on stderr and an exit status."""
    secrets = secret_values(argv)
    token = os.environ.get(TOKEN_VARIABLE)
    if token and not args.emulator_token:
        secrets = [*secrets, token]
    _configure_logging(args.debug, secrets, verbose=args.verbose)
    connection: Connection | None = None
    shown = sys.stdout
    # What a hostile service writes into a resource (a tag, an instance view's output) may
    # repeat the secrets this command sent: everything printed is masked as stderr is.
    sys.stdout = _MaskingStream(shown, secrets)
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
            f"see how they end with: {_context(args).show_command}",
            secrets,
        )
        return exit_codes.INTERRUPTED
    except BrokenPipeError:
        raise
    except Exception as error:
        failure = describe(error, _context(args))
        _print_error(failure.message, secrets)
        return failure.exit_code
    finally:
        sys.stdout = shown
        if connection is not None:
            connection.close()


# -- the subcommands ------------------------------------------------------------------------


def _create(args: argparse.Namespace, connection: Connection) -> int:
    body = run_command(args, location=_location(args, connection))
    poller = connection.client.virtual_machine_scale_set_vm_run_commands.begin_create_or_update(
        *_where(args), body
    )
    return _finish_operation(args, poller)


def _update(args: argparse.Namespace, connection: Connection) -> int:
    body = run_command_update(args)
    pollers = [
        connection.client.virtual_machine_scale_set_vm_run_commands.begin_update(*target, body)
        for target in _targets(args)
    ]
    if args.no_wait:
        _hint(args, f"Started; follow it with: {_context(args).show_command}")
        return exit_codes.OK
    with _status_line(args, lambda: f"provisioning: {pollers[-1].status()}"):
        resources = [poller.result() for poller in pollers]
    _print_resources(args, resources, single=len(resources) == 1)
    return exit_codes.OK


def _show(args: argparse.Namespace, connection: Connection) -> int:
    expand = "instanceView" if args.instance_view else None
    resources = [
        connection.client.virtual_machine_scale_set_vm_run_commands.get(*target, expand=expand)
        for target in _targets(args)
    ]
    _print_resources(args, resources, single=len(resources) == 1)
    return exit_codes.OK


def _list(args: argparse.Namespace, connection: Connection) -> int:
    skip = _decode_next_token(args.next_token) if args.next_token else 0
    limit = args.max_items
    expand = "instanceView" if args.instance_view else None
    resources: list[VirtualMachineRunCommand] = []
    more = False
    for target in _targets(args):
        for position, item in enumerate(
            connection.client.virtual_machine_scale_set_vm_run_commands.list(
                *target[:3], expand=expand
            )
        ):
            if position < skip:
                continue
            if limit is not None and len(resources) >= limit:
                more = True
                break
            resources.append(item)
    _print_resources(args, resources, single=False)
    if more:
        token = _encode_next_token(skip + len(resources))
        _hint(args, f"More run commands: continue with --next-token {token}")
    return exit_codes.OK


def _delete(args: argparse.Namespace, connection: Connection) -> int:
    targets = _targets(args)
    if not args.yes:
        _confirm(f"Delete run command {targets[0][3]!r} of instance {targets[0][2]!r}?")
    ops = connection.client.virtual_machine_scale_set_vm_run_commands
    pollers = []
    for target in targets:
        # The service answers 204 for a run command that is not there; az says "not found".
        ops.get(*target)
        pollers.append(ops.begin_delete(*target))
    if not args.no_wait:
        with _status_line(args, lambda: f"deleting: {pollers[-1].status()}"):
            for poller in pollers:
                poller.result()
    return exit_codes.OK


def _wait(args: argparse.Namespace, connection: Connection) -> int:
    interval = args.interval
    if interval is None:  # az waits 30 s between reads; an emulator answers at once
        interval = _EMULATOR_WAIT_INTERVAL if connection.emulator else _AZURE_WAIT_INTERVAL
    condition = compile_query(args.custom) if args.custom is not None else None
    deadline = time.monotonic() + args.timeout
    ops = connection.client.virtual_machine_scale_set_vm_run_commands
    for target in _targets(args):
        while True:
            try:
                resource = ops.get(*target, expand="instanceView" if condition else None)
            except ResourceNotFoundError:
                resource = None
            if _condition_met(args, resource, condition):
                break
            if time.monotonic() + interval > deadline:
                raise TimeoutError(
                    f"the condition was not met within {args.timeout:g} s (--timeout)"
                )
            time.sleep(interval)
    return exit_codes.OK


def _condition_met(
    args: argparse.Namespace, resource: VirtualMachineRunCommand | None, condition: Any
) -> bool:
    if args.deleted:
        return resource is None
    if resource is None:
        return False
    if args.exists:
        return True
    if condition is not None:
        return bool(condition.search(render.resource_document(resource)))
    state = str(resource.provisioning_state or "").lower()
    if state in ("failed", "canceled"):
        raise OperationFailedError(
            f"provisioning ended {resource.provisioning_state}", response=None
        )
    return state == "succeeded"


def _run(args: argparse.Namespace, connection: Connection) -> int:
    body = run_command(args, location=_location(args, connection))
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
    if args.output == "table" and args.query is None:
        sys.stdout.write(render.result_table(result))
    else:
        emit(render.result_document(result), args.output, sys.stdout, query=args.query)
    if result.succeeded:
        return exit_codes.OK
    return exit_codes.for_script(result.exit_code, args.exit_code_offset)


def _fan_out(args: argparse.Namespace, connection: Connection) -> int:
    plan = fan_out_plan(args)
    body: RunCommandBody = {}
    if plan.to_start:
        body = run_command(args, location=_location(args, connection, plan.resource_group))
    instance_ids = plan.instance_ids
    try:
        runs = FanOut(
            connection.client,
            plan.resource_group,
            plan.vmss_name,
            instance_ids,
            plan.name,
            body,
            max_in_flight=args.max_in_flight,
            throttle=connection.throttle,
            timeout=args.wait_timeout,
            polling_interval=connection.polling_interval,
            continuation_tokens=plan.tokens,
        )
    except (TypeError, ValueError) as exc:
        raise UsageError(f"argument --instance-ids: {exc}") from None
    tabular = args.output == "table" and args.query is None
    table = render.FanOutTable(instance_ids) if tabular else None
    outcomes: list[InstanceOutcome] = []
    interrupted = False
    with runs, _status_line(args, lambda: progress_text(runs.progress())) as line:
        if table is not None:
            line.write(table.header(), sys.stdout)
        try:
            for outcome in runs:
                outcomes.append(outcome)
                if table is not None:
                    line.write(table.row(outcome), sys.stdout)
        except KeyboardInterrupt:
            interrupted = True
            runs.cancel()
    summary = runs.summary()
    in_flight = runs.in_flight() if interrupted else {}
    if table is not None:
        sys.stdout.write(table.footer(summary))
        for instance_id, token in in_flight.items():
            sys.stdout.write(f"in flight: {instance_id}  continuationToken: {token or '-'}\n")
    else:
        emit(
            fan_out_document(plan, instance_ids, outcomes, summary, in_flight, interrupted),
            args.output,
            sys.stdout,
            query=args.query,
        )
    if interrupted:
        _print_error(
            "Interrupted. Run commands already sent keep running on their instances; save "
            "the JSON output to a FILE and continue with: vmss-runcommands fan-out --resume "
            "FILE (plus the script options, if some instances had not started)",
            [],
        )
        return exit_codes.INTERRUPTED
    errors = [outcome.error for outcome in outcomes if outcome.error is not None]
    if errors:
        return worst_exit_code(errors, _context(args))
    failed = summary.failed or any(o.get("status") == "failed" for o in plan.carried)
    return exit_codes.SCRIPTS_FAILED if failed else exit_codes.OK


_HANDLERS: dict[str, Handler] = {
    "create": _create,
    "update": _update,
    "show": _show,
    "list": _list,
    "delete": _delete,
    "wait": _wait,
    "run": _run,
    "fan-out": _fan_out,
}


# -- helpers --------------------------------------------------------------------------------


def _check_before_connecting(args: argparse.Namespace) -> None:
    """Everything that can be refused without a request: nothing is sent for a bad command."""
    require_extras(args.query, args.output)
    check_parameters(args)
    if args.command == "fan-out":
        if args.resume is None:
            try:
                args.instance_ids = expand_instance_ids(args.instance_ids)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            if not args.instance_ids:
                raise UsageError("argument --instance-ids: no instance ids given")
        else:
            read_resume_file(args)


def _where(args: argparse.Namespace) -> tuple[str, str, str, str]:
    return args.resource_group, args.vmss_name, args.instance_id, args.name


def _targets(args: argparse.Namespace) -> list[tuple[str, str, str, str]]:
    return list(args.targets)


def _location(
    args: argparse.Namespace, connection: Connection, resource_group: str | None = None
) -> str:
    """--location, else the scale set's region (as az defaults it from the resource group)."""
    if args.location:
        return str(args.location)
    scale_set = connection.client.virtual_machine_scale_sets.get(
        resource_group or args.resource_group, args.vmss_name
    )
    return scale_set.location


def _encode_next_token(skip: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"skip": skip}).encode()).decode().rstrip("=")


def _decode_next_token(token: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        skip = data["skip"]
        if isinstance(skip, bool) or not isinstance(skip, int) or skip < 0:
            raise ValueError
    except (ValueError, TypeError, KeyError):
        raise UsageError(
            "argument --next-token: not a token this tool printed (copy it from the "
            "'More run commands' line)"
        ) from None
    return skip


def _finish_operation(args: argparse.Namespace, poller: LROPoller[VirtualMachineRunCommand]) -> int:
    if args.no_wait:
        _hint(args, f"Started; follow it with: {_context(args).show_command}")
        return exit_codes.OK
    with _status_line(args, lambda: f"provisioning: {poller.status()}"):
        resource = poller.result()
    _print_resources(args, [resource], single=True)
    return exit_codes.OK


def _print_resources(
    args: argparse.Namespace, resources: list[VirtualMachineRunCommand], *, single: bool
) -> None:
    if args.output == "table" and args.query is None:
        sys.stdout.write(render.resource_table(resources))
        return
    documents = [render.resource_document(resource) for resource in resources]
    emit(documents[0] if single else documents, args.output, sys.stdout, query=args.query)


def _hint(args: argparse.Namespace, message: str) -> None:
    """A line for people on stderr; --only-show-errors drops it."""
    if not args.only_show_errors:
        print(message, file=sys.stderr)


def _status_line(args: argparse.Namespace, describe_state: Callable[[], str]) -> StatusLine:
    enabled = StatusLine.wanted(sys.stderr) and not (
        args.debug or args.verbose or args.only_show_errors
    )
    return StatusLine(sys.stderr, describe_state, enabled=enabled)


def _confirm(question: str) -> None:
    if not sys.stdin.isatty():
        raise UsageError("add --yes to delete without being asked (there is no terminal to ask on)")
    answer = input(f"{question} (y/N): ").strip().lower()
    if answer not in ("y", "yes"):
        raise UsageError("not confirmed; nothing was deleted")


def _context(args: argparse.Namespace) -> Context:
    targets = getattr(args, "targets", None) or []
    group, scale_set, instance, name = (
        targets[0]
        if targets
        else (
            args.resource_group or "<GROUP>",
            args.vmss_name or "<VMSS>",
            getattr(args, "instance_id", None) or "<ID>",
            getattr(args, "name", None) or "<NAME>",
        )
    )
    connection = ""
    if args.endpoint:
        connection = f" --endpoint {args.endpoint}"
        if args.emulator_token:
            connection += " --emulator-token <TOKEN>"
    show = (
        f"{PROG} show -g {group} --vmss-name {scale_set} "
        f"--instance-id {instance} --name {name} --instance-view{connection}"
    )
    return Context(
        show_command=show,
        emulator=bool(args.emulator or args.emulator_token or os.environ.get(TOKEN_VARIABLE)),
        embedded_emulator=bool(args.emulator),
        endpoint=args.endpoint
        or os.environ.get(ENDPOINT_VARIABLE)
        or ("the emulator" if args.emulator else cloud_endpoint(args.cloud)),
    )


class _MaskingStream:
    """A text stream whose writes are masked (:func:`.secrets.mask`); each write is a whole
    document, table row or line, so a secret is not split across two."""

    def __init__(self, stream: TextIO, secrets: Sequence[str]) -> None:
        self._stream = stream
        self._secrets = secrets

    def write(self, text: str) -> int:
        return self._stream.write(mask(text, self._secrets))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


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


def _configure_logging(debug: bool, secrets: Sequence[str], *, verbose: bool = False) -> None:
    if debug or verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_MaskingFormatter(secrets))
        root = logging.getLogger()
        root.addHandler(handler)
        # --verbose: one line per request and response (the client logs those at INFO);
        # --debug: everything, headers and bodies included (secrets masked).
        root.setLevel(logging.DEBUG if debug else logging.INFO)
        if not debug:
            logging.getLogger("urllib3").setLevel(logging.WARNING)
        return
    # Without a handler Python prints warnings (e.g. a failed operation, already reported as
    # this tool's own message) straight to stderr.
    for name in ("vmss_runcommands", "urllib3"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
