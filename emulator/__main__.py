"""``python -m vmss_runcommands.emulator``: run the emulator in the foreground.

It prints the environment variables that point the command-line tool at it as shell
``export`` lines (and writes them to ``--env-file`` for scripts to ``source``), so no token
goes on a command line.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .emulator import DEFAULT_OPERATION_SECONDS, DEFAULT_SUBSCRIPTION_ID, ArmEmulator
from .executors import EXECUTOR_HELP, parse_executor
from .scale_sets import DEFAULT_REGION

# A separate process cannot call emu.credential, so it gets a token printed at startup.
_PRINTED_TOKEN_LIFETIME = 24 * 3600


def _scale_set(value: str) -> tuple[str, str, str]:
    where, equals, region = value.partition("=")
    group, slash, name = where.partition("/")
    if not equals or not slash or not group or not name or not region.strip():
        raise argparse.ArgumentTypeError(f"expected RESOURCE_GROUP/NAME=REGION, got {value!r}")
    return group, name, region


def _write_private(path: str, text: str) -> None:
    """Write ``text`` readable by its owner only, whole or not at all: a script waiting for
    the file never reads half of it."""
    staged = f"{path}.{os.getpid()}.tmp"
    descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(staged, path)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, serve until Ctrl-C or SIGTERM, return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m vmss_runcommands.emulator",
        description=(
            "Serve an ARM emulator of VMSS VM run commands on loopback. It prints "
            "VMSS_RUNCOMMANDS_ENDPOINT, VMSS_RUNCOMMANDS_TOKEN and AZURE_SUBSCRIPTION_ID as "
            "export lines; `vmss-runcommands` reads them."
        ),
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--subscription-id", default=DEFAULT_SUBSCRIPTION_ID)
    parser.add_argument(
        "--polls-before-done", type=int, default=1, help="InProgress looks per operation"
    )
    parser.add_argument(
        "--operation-seconds",
        type=float,
        default=DEFAULT_OPERATION_SECONDS,
        help=f"an operation is done after this long, looked at or not "
        f"(default {DEFAULT_OPERATION_SECONDS:g})",
    )
    parser.add_argument(
        "--retry-after",
        type=float,
        default=None,
        help="send Retry-After with this many seconds (ARM sends none)",
    )
    parser.add_argument(
        "--lenient", action="store_true", help="keep conveniences ARM does not offer"
    )
    parser.add_argument("--executor", default="default", metavar="KIND", help=EXECUTOR_HELP)
    parser.add_argument(
        "--scale-set",
        type=_scale_set,
        action="append",
        default=[],
        metavar="RG/NAME=REGION",
        help=(
            "place a scale set in a region; when given, only the scale sets named this way "
            f"exist (without it, every scale set exists, in {DEFAULT_REGION})"
        ),
    )
    parser.add_argument(
        "--env-file",
        metavar="PATH",
        help="also write the export lines to this file (created with mode 0600)",
    )
    args = parser.parse_args(argv)

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    try:
        executor = parse_executor(args.executor)
        emulator = ArmEmulator(
            port=args.port,
            host=args.host,
            subscription_id=args.subscription_id,
            polls_before_done=args.polls_before_done,
            operation_seconds=args.operation_seconds,
            retry_after=args.retry_after if args.retry_after is not None else "auto",
            lenient=args.lenient,
            executor=executor,
            declared_scale_sets_only=bool(args.scale_set),
        )
        for group, name, region in args.scale_set:
            emulator.add_scale_set(group, name, region)
    except (ValueError, OSError) as exc:
        parser.error(str(exc))
    with emulator as emu:
        environment = emu.environment(token_lifetime=_PRINTED_TOKEN_LIFETIME)
        lines = [f"export {name}={value}" for name, value in environment.items()]
        if args.env_file:
            _write_private(args.env_file, "\n".join(lines) + "\n")
        for line in lines:
            print(line, flush=True)
        print("# Paste the lines above into your shell; Ctrl-C stops the emulator.", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
