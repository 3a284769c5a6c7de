"""``vmss-runcommands``, the command-line tool (also ``python -m vmss_runcommands``).

Only the standard library is imported until the arguments are parsed, so ``--help`` and
usage errors come back as fast as Python starts; the client loads when a command runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from . import exit_codes
from .parser import PROG, UsageError, build_parser, subparser, unrecognized
from .secrets import mask, secret_values
from .targets import check_target_options

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the tool with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
    except UsageError as error:
        shown, message = unrecognized(parser, arguments, error)
        sys.stderr.write(shown.format_usage())
        sys.stderr.write(f"{shown.prog}: error: {mask(message, secret_values(arguments))}\n")
        return exit_codes.USAGE
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else exit_codes.OK
    if args.version:
        from ..runtime._version import __version__

        print(f"{PROG} {__version__}")
        return exit_codes.OK
    if args.command is None:
        parser.print_help(sys.stderr)
        return exit_codes.USAGE
    try:
        check_target_options(args)
    except UsageError as error:
        shown = subparser(parser, args.command)
        sys.stderr.write(shown.format_usage())
        sys.stderr.write(f"{shown.prog}: error: {mask(error.message, secret_values(arguments))}\n")
        return exit_codes.USAGE
    from .commands import execute

    try:
        return execute(args, arguments)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); Python would complain again at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return exit_codes.OK
