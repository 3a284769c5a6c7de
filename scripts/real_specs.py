"""Run the generator, as shipped, over real Azure resource-manager Swagger files.

For each entry file: ``codegen import`` of every operation (``--select '*'``) into a scratch
spec folder, a render of the package, an import of the package, and ``mypy --strict`` over it.
When the whole file fails, each operation is tried alone to count how many generate.

The files are not part of the project. ``--fetch`` downloads them (and every file they
``$ref``, transitively; examples are skipped) from GitHub raw URLs pinned to one commit;
``--specs`` points at a local checkout of the specification tree instead.

    python scripts/real_specs.py --fetch [--only storage] [--no-mypy]
    python scripts/real_specs.py --specs path/to/azure-rest-api-specs [--newest-stable]
    python scripts/real_specs.py --specs path/to/typespec-azure \
        --glob 'packages/samples/test/output/azure/resource-manager/**/openapi.json'
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from codegen.bundle import operation_ids  # noqa: E402
from codegen.generate import render_tree  # noqa: E402
from codegen.importer import import_api_version  # noqa: E402
from codegen.load import load_spec  # noqa: E402

# A public snapshot of the specification tree as Microsoft shipped it (July 2021).
REPOSITORY = "openapi-env-test/azure-rest-api-specs"
COMMIT = "57a7be857d79c80eb31eefa65173fc31a80b7449"
RAW = f"https://raw.githubusercontent.com/{REPOSITORY}/{COMMIT}/"

RM = "specification/{}/resource-manager/"
# family -> entry files, relative to the root of the specification tree.
FAMILIES: dict[str, tuple[str, ...]] = {
    "compute": tuple(
        RM.format("compute") + f"Microsoft.Compute/stable/{p}"
        for p in (
            "2021-03-01/runCommands.json",
            "2021-03-01/compute.json",
            "2021-03-01/cloudService.json",
            "2020-12-01/disk.json",
        )
    ),
    "storage": (RM.format("storage") + "Microsoft.Storage/stable/2021-04-01/storage.json",),
    "network": tuple(
        RM.format("network") + f"Microsoft.Network/stable/2021-02-01/{name}.json"
        for name in (
            "virtualNetwork",
            "networkSecurityGroup",
            "publicIpAddress",
            "networkInterface",
            "loadBalancer",
            "applicationGateway",
        )
    ),
    "keyvault": tuple(
        RM.format("keyvault") + f"Microsoft.KeyVault/stable/2019-09-01/{name}.json"
        for name in ("keyvault", "secrets", "keys")
    ),
    "resources": (
        RM.format("resources") + "Microsoft.Resources/stable/2021-04-01/resources.json",
        RM.format("resources") + "Microsoft.Resources/stable/2020-10-01/deploymentScripts.json",
    ),
    "web": tuple(
        RM.format("web") + f"Microsoft.Web/stable/2021-01-15/{name}.json"
        for name in ("AppServicePlans", "Certificates", "StaticSites", "WebApps")
    ),
    "containerservice": (
        RM.format("containerservice")
        + "Microsoft.ContainerService/stable/2021-05-01/managedClusters.json",
    ),
    "authorization": tuple(
        RM.format("authorization") + f"Microsoft.Authorization/stable/2015-07-01/{name}.json"
        for name in (
            "authorization-RoleAssignmentsCalls",
            "authorization-RoleDefinitionsCalls",
        )
    ),
    "sql": tuple(
        RM.format("sql") + f"Microsoft.Sql/{p}"
        for p in (
            "stable/2014-04-01/databases.json",
            "preview/2021-02-01-preview/Databases.json",
            "preview/2021-02-01-preview/Servers.json",
        )
    ),
    "eventgrid": (RM.format("eventgrid") + "Microsoft.EventGrid/stable/2020-06-01/EventGrid.json",),
    "monitor": tuple(
        RM.format("monitor") + f"Microsoft.Insights/stable/{p}"
        for p in (
            "2019-06-01/actionGroups_API.json",
            "2018-03-01/metricAlert_API.json",
            "2015-04-01/autoscale_API.json",
            "2021-04-01/dataCollectionRules_API.json",
        )
    ),
}

REF = re.compile(r'"\$ref"\s*:\s*"([^"#]+)(?:#[^"]*)?"')
MAX_FILE = 8 * 1024 * 1024


def fetch_tree(entries: list[str], cache: Path) -> None:
    """Download ``entries`` and every file they ``$ref`` (not examples) into ``cache``."""
    todo = list(entries)
    seen: set[str] = set()
    while todo:
        relative = todo.pop()
        if relative in seen:
            continue
        seen.add(relative)
        path = cache / relative
        if not path.is_file():
            with urllib.request.urlopen(RAW + relative, timeout=60) as response:
                body = response.read(MAX_FILE + 1)
            if len(body) > MAX_FILE:
                raise SystemExit(f"{relative}: larger than {MAX_FILE} bytes")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
        folder = Path(relative).parent
        for target in REF.findall(path.read_text(encoding="utf-8")):
            if "/examples/" in f"/{target}":
                continue
            todo.append(_normalise(folder / target))


def _normalise(path: Path) -> str:
    parts: list[str] = []
    for part in path.as_posix().split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


@dataclass
class Result:
    entry: str
    total: int
    generated: int
    seconds: float
    mypy: str
    error: str


def _config(entry: Path, package: str, select: str) -> str:
    return (
        f"package: {package}\n"
        f"distribution: {package.replace('_', '-')}\n"
        "client_name: RealClient\n"
        f"entry: {entry.name}\n"
        f"operations:\n  - {json.dumps(select)}\n"
    )


def _generate(entry: Path, work: Path, select: str, runtime: Path | None = None) -> Path:
    """Import and render ``entry`` into ``work``, with a copy of ``runtime`` (the project's
    by default); returns the folder holding the package."""
    spec_root = work / "spec"
    spec_root.mkdir(parents=True)
    package = f"real_{uuid.uuid4().hex[:8]}"
    (spec_root / "codegen.yaml").write_text(_config(entry, package, select))
    import_api_version(entry, spec_root, select=(select,))
    out = work / "out"
    render_tree(spec_root, out / package)
    runtime = runtime or ROOT / "runtime"
    shutil.copytree(
        runtime, out / package / "runtime", ignore=shutil.ignore_patterns("__pycache__")
    )
    return out / package


def _check(package: Path) -> str:
    """Import the package in a fresh interpreter, then run mypy --strict over it."""
    imported = subprocess.run(
        [sys.executable, "-c", f"import {package.name}"],
        cwd=package.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    if imported.returncode:
        return "import failed: " + imported.stderr.strip().splitlines()[-1]
    typed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", package.name],
        cwd=package.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    last = typed.stdout.strip().splitlines()[-1] if typed.stdout.strip() else typed.stderr
    return "clean" if typed.returncode == 0 else last


def run_entry(entry: Path, *, mypy: bool) -> Result:
    spec = load_spec(entry, follow_refs=False)
    ids = sorted(operation_ids(spec))
    with tempfile.TemporaryDirectory(prefix="real-specs-") as tmp:
        started = time.perf_counter()
        try:
            package = _generate(entry, Path(tmp), "*")
        except Exception as exc:  # every failure is a finding to record
            seconds = time.perf_counter() - started
            error = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:300]
            return Result(str(entry), len(ids), _count_alone(entry, ids), seconds, "-", error)
        seconds = time.perf_counter() - started
        return Result(str(entry), len(ids), len(ids), seconds, _check(package) if mypy else "-", "")


def _count_alone(entry: Path, ids: list[str]) -> int:
    count = 0
    for operation_id in ids:
        with tempfile.TemporaryDirectory(prefix="real-specs-") as tmp:
            try:
                _generate(entry, Path(tmp), operation_id)
            except Exception:  # counted, not raised
                continue
            count += 1
    return count


def newest(root: Path, kind: str = "stable") -> Iterator[Path]:
    """The newest ``kind`` (stable or preview) version of every file with operations of every
    resource provider of a local checkout, also where a provider splits its versions by service
    (``Microsoft.Compute/ComputeRP/stable/<version>``). A provider's newest version folder
    often holds only the files that changed (Resources 2024-08-01 has dataBoundaries.json, its
    resources.json is in 2024-07-01): each file counts in the newest version that has it."""
    for folder in sorted(root.glob(f"specification/*/resource-manager/**/{kind}")):
        if not folder.is_dir():
            continue
        latest: dict[str, Path] = {}
        for version in sorted(p for p in folder.iterdir() if p.is_dir()):
            for path in version.glob("*.json"):
                latest[path.name] = path
        for path in sorted(latest.values()):
            try:
                document = json.loads(path.read_text(encoding="utf-8-sig"))
            except ValueError:
                continue
            if isinstance(document, dict) and document.get("paths"):
                yield path


def older(root: Path, kind: str = "stable") -> Iterator[Path]:
    """Every file with operations of every ``kind`` version folder that is NOT the newest
    version holding that file name (what ``newest`` leaves out): the older api-versions."""
    for folder in sorted(root.glob(f"specification/*/resource-manager/**/{kind}")):
        if not folder.is_dir():
            continue
        versions = sorted(p for p in folder.iterdir() if p.is_dir())
        latest: dict[str, Path] = {}
        for version in versions:
            for path in version.glob("*.json"):
                latest[path.name] = path
        for version in versions:
            for path in sorted(version.glob("*.json")):
                if latest[path.name] != path and _has_paths(path):
                    yield path


def _has_paths(path: Path) -> bool:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except ValueError:
        return False
    return isinstance(document, dict) and bool(document.get("paths"))


def by_year(found: list[Path], quotas: list[str], seed: int) -> list[Path]:
    """``found`` cut down to ``--per-year`` quotas (``2017=60``, ``*=10``); all without any."""
    if not quotas:
        return found
    parsed = dict(q.split("=", 1) for q in quotas)
    return _by_year(found, {k: int(v) for k, v in parsed.items()}, seed)


def _by_year(found: list[Path], quotas: dict[str, int], seed: int) -> list[Path]:
    """At most ``quotas[year]`` files of each api-version year (``2017=60``), at random."""
    years: dict[str, list[Path]] = {}
    for path in found:
        years.setdefault(path.parent.name[:4], []).append(path)
    picked: list[Path] = []
    for year, paths in sorted(years.items()):
        quota = quotas.get(year, quotas.get("*", 0))
        picked += random.Random(f"{seed}-{year}").sample(paths, min(quota, len(paths)))
    return sorted(picked)


def _entries(root: Path, only: list[str]) -> Iterator[Path]:
    for family, entries in FAMILIES.items():
        if only and family not in only:
            continue
        for relative in entries:
            yield root / relative


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--specs", type=Path, help="root of a local specification checkout")
    source.add_argument("--fetch", action="store_true", help=f"download from {REPOSITORY}")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "real-specs", help="for --fetch"
    )
    parser.add_argument("--only", action="append", default=[], help="a family, repeatable")
    parser.add_argument("--no-mypy", action="store_true")
    parser.add_argument(
        "--newest-stable",
        action="store_const",
        const="stable",
        dest="newest",
        help="with --specs: every operations file of every provider's newest stable version",
    )
    parser.add_argument(
        "--newest-preview",
        action="store_const",
        const="preview",
        dest="newest",
        help="with --specs: the same for every provider's newest preview version",
    )
    parser.add_argument(
        "--older",
        choices=("stable", "preview"),
        help="with --specs: every operations file of every version but the newest that has it",
    )
    parser.add_argument(
        "--per-year",
        action="append",
        default=[],
        metavar="YEAR=N",
        help="with --older: at most N files of api-versions of YEAR (or *=N), at random (--seed)",
    )
    parser.add_argument(
        "--glob",
        action="append",
        default=[],
        help="with --specs: every file matching this pattern under it (TypeSpec's ARM samples);"
        " repeatable",
    )
    parser.add_argument(
        "--sample", type=int, help="only this many of the files, picked at random (--seed)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    root: Path = args.specs if args.specs else args.cache
    if args.fetch:
        fetch_tree([str(e.relative_to(root)) for e in _entries(root, args.only)], root)
    results: list[dict[str, Any]] = []
    print("| file | operations | seconds | mypy --strict | error |")
    print("| --- | --- | --- | --- | --- |")
    if args.glob:
        entries: Iterable[Path] = sorted({p for g in args.glob for p in root.glob(g)})
    elif args.newest:
        entries = newest(root, args.newest)
    elif args.older:
        entries = by_year(list(older(root, args.older)), args.per_year, args.seed)
    else:
        entries = _entries(root, args.only)
    if args.sample is not None:
        found = list(entries)
        entries = sorted(random.Random(args.seed).sample(found, min(args.sample, len(found))))
    for entry in entries:
        result = run_entry(entry, mypy=not args.no_mypy)
        name = entry.relative_to(root).as_posix().split("/resource-manager/")[-1]
        name = name.replace("/@azure-tools/typespec-autorest", "")
        print(
            f"| {name} | {result.generated}/{result.total} | {result.seconds:.1f} "
            f"| {result.mypy} | {result.error} |",
            flush=True,
        )
        results.append({**result.__dict__, "entry": name})
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
