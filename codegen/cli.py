"""``python -m codegen``: generate, or check, generated/ from spec/."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .format import FormatterError
from .generate import check, generate
from .load import SpecError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="regenerate generated/ from spec/")
    gen.add_argument("--spec", type=Path, default=Path("spec"), help="spec folder (default: spec)")
    gen.add_argument(
        "--out", type=Path, default=Path("generated"), help="output (default: generated)"
    )
    gen.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 and name the files if the output is stale",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.check:
            differences = check(args.spec, args.out)
            if differences:
                print(f"{args.out}/ is stale; run `python -m codegen generate`:", file=sys.stderr)
                for d in differences:
                    print(f"  {d.kind:8} {args.out.as_posix()}/{d.path}", file=sys.stderr)
                return 1
            print(f"{args.out}/ is up to date ({time.perf_counter() - started:.2f} s)")
            return 0
        differences = generate(args.spec, args.out)
    except (SpecError, FormatterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for d in differences:
        print(f"  {d.kind:8} {args.out.as_posix()}/{d.path}")
    print(
        f"generated {args.out}/ from {args.spec}/: {len(differences)} file(s) changed "
        f"({time.perf_counter() - started:.2f} s)"
    )
    return 0
