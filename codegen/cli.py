"""``python -m codegen``: import an upstream api-version, compare versions, generate, vendor."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

from .config import CONFIG_FILE, load_config, unselected_operations
from .diff import diff_api_versions
from .errors import error_line
from .format import FormatterError
from .generate import api_version_dirs, check, regenerate
from .importer import import_api_version
from .load import SpecError
from .sides import build_side
from .vendor import vendor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    _generate_arguments(commands.add_parser("generate", help="regenerate generated/ from spec/"))
    _import_arguments(
        commands.add_parser("import", help="bundle an upstream operations file into spec/")
    )
    _diff_arguments(
        commands.add_parser("diff", help="what changed between two api-versions, for a client")
    )
    _vendor_arguments(
        commands.add_parser("vendor", help="copy the package and its runtime under another name")
    )
    args = parser.parse_args(argv)
    handlers = {"generate": _generate, "import": _import, "diff": _diff, "vendor": _vendor}
    try:
        return handlers[args.command](args)
    except (SpecError, FormatterError) as exc:
        print(error_line(str(exc), _subject(args)), file=sys.stderr)
        return 1
    except Exception as exc:  # a generator bug or an input nothing checked: still no traceback
        if os.environ.get(TRACEBACK_VARIABLE):
            traceback.print_exc()
        what = f"unexpected {type(exc).__name__} ({exc}); set {TRACEBACK_VARIABLE}=1 for details"
        print(error_line(what, _subject(args)), file=sys.stderr)
        return 1


TRACEBACK_VARIABLE = "CODEGEN_TRACEBACK"


def _subject(args: argparse.Namespace) -> str:
    """What a command reads, to locate an error that does not say where it is."""
    if args.command == "import":
        return Path(args.source).as_posix()
    if args.command == "diff":
        return Path(args.old).as_posix()
    return (
        f"{Path(args.spec).as_posix()}/{CONFIG_FILE}"
        if args.command == "vendor"
        else (f"{Path(args.spec).as_posix()}/")
    )


def _spec_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--spec",
        type=Path,
        default=Path("spec"),
        help="folder of codegen.yaml and the api-versions (default: spec)",
    )


def _select_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="GLOB",
        help="operationIds to take, repeatable (default: the operations in codegen.yaml); "
        "import writes them into codegen.yaml, so generate binds the same",
    )


def _generate_arguments(parser: argparse.ArgumentParser) -> None:
    _spec_option(parser)
    parser.add_argument(
        "--out", type=Path, default=Path("generated"), help="output (default: generated)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 and name the files if the output is stale",
    )


def _generate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    _warn_unselected(args.spec)
    if args.check:
        differences = check(args.spec, args.out)
        if differences:
            print(f"{args.out}/ is stale; run `python -m codegen generate`:", file=sys.stderr)
            for d in differences:
                print(f"  {d.kind:8} {args.out.as_posix()}/{d.path}", file=sys.stderr)
            return 1
        print(f"{args.out}/ is up to date ({time.perf_counter() - started:.2f} s)")
        return 0
    result = regenerate(args.spec, args.out)
    for d in result.differences:
        print(f"  {d.kind:8} {args.out.as_posix()}/{d.path}")
    print(
        f"generated {args.out}/ from {args.spec}/: {len(result.differences)} file(s) changed "
        f"({time.perf_counter() - started:.2f} s)"
    )
    print(result.api.to_text())
    return 0


def _warn_unselected(spec_root: Path) -> None:
    """Operations a spec folder describes but codegen.yaml does not bind are never silent."""
    config = load_config(spec_root / CONFIG_FILE)
    found = unselected_operations(api_version_dirs(spec_root, config.entry), config)
    for version, operations in found.items():
        print(
            f"warning: {spec_root.as_posix()}/{version} has {len(operations)} operation(s) that "
            f"the operations of {CONFIG_FILE} do not select, so they are not generated: "
            f"{', '.join(operations)}",
            file=sys.stderr,
        )


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", type=Path, help="upstream operations file, e.g. runCommand.json")
    _select_option(parser)
    parser.add_argument(
        "--version",
        help="the api-version, any form such as 2024-07-01, 2024-01-01-preview or 1.0.0 "
        "(default: Azure's folder name, else info.version, else 'unversioned')",
    )
    _spec_option(parser)
    parser.add_argument("--force", action="store_true", help="replace an existing api-version")


def _import(args: argparse.Namespace) -> int:
    report = import_api_version(
        args.source, args.spec, select=args.select, version=args.version, force=args.force
    )
    for note in report.notes:
        print(f"warning: {note}", file=sys.stderr)
    if report.selection_written is not None:
        print(
            f"{args.spec.as_posix()}/{CONFIG_FILE}: operations are now "
            f"{', '.join(report.selection_written)} (what generate binds)"
        )
    folder = f"{args.spec.as_posix()}/{report.api_version}/"
    print(f"imported {len(report.operations)} operation(s) into {folder}:")
    for operation in report.operations:
        print(f"  {operation}")
    print(f"{len(report.files)} file(s): {', '.join(report.files)}")
    return 0


def _diff_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", type=Path, help="spec/<api-version> folder or upstream file")
    parser.add_argument("new", type=Path, help="spec/<api-version> folder or upstream file")
    parser.add_argument("--json", action="store_true", help="print JSON for tools")
    parser.add_argument(
        "--fail-on-breaking", action="store_true", help="exit 1 when a change is breaking"
    )
    _select_option(parser)
    _spec_option(parser)


def _diff(args: argparse.Namespace) -> int:
    old = build_side(args.old, args.spec, args.select)
    new = build_side(args.new, args.spec, args.select)
    report = diff_api_versions(old, new)
    if args.json:
        print(json.dumps(report.to_json(), indent=2, sort_keys=True))
    else:
        print(report.to_text())
    return 1 if args.fail_on_breaking and report.breaking else 0


def _vendor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--package", required=True, help="the import name of the copy")
    parser.add_argument("--out", type=Path, required=True, help="folder to put the copy in")
    _spec_option(parser)
    parser.add_argument("--force", action="store_true", help="replace an existing copy")


def _vendor(args: argparse.Namespace) -> int:
    result = vendor(args.spec, args.package, args.out, force=args.force)
    print(
        f"vendored {args.package} into {result.path.as_posix()} "
        f"(with {', '.join(result.subpackages) or 'no source folders'}); "
        f"requires {', '.join(result.requires)}"
        + (
            f"; its aio modules also {', '.join(result.aio_requires)}"
            if result.aio_requires
            else ""
        )
    )
    return 0
