"""Results as JSON, and as the Markdown tables printed and written to docs/benchmarks.md."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .contenders import ASYNC_LABELS, LABELS
from .stats import Summary, ratio
from .w1_footprint import Size
from .w2_models import CASES

ROOT = Path(__file__).resolve().parent.parent
VERSIONS_OF = (
    "vmss-runcommands",
    "attrs",
    "cattrs",
    "urllib3",
    "aiohttp",
    "azure-mgmt-compute",
    "azure-mgmt-core",
    "azure-core",
    "requests",
    "isodate",
    "trustme",
)

# Issue 11: deser <= 2x and build_ser <= 1.5x the json floor, the ARM-shaped cases too.
W2_LIMITS = {
    "deser": 2.0,
    "deser_read_iv": 4.0,
    "ser": 1.5,
    "build_ser": 1.5,
    "deser_arm": 2.0,
    "build_ser_arm": 1.5,
}
W3_LIMIT = 1.1
W3_ASYNC_FLOOR_LIMIT = 1.2
W3_ASYNC_ANCHOR_LIMIT = 1 / 3
# W4's client CPU per instance counts as flat when the largest fan-out costs at most this many
# times the smallest one's, per instance.
W4_FLAT_LIMIT = 1.2
W1_IMPORT_LIMIT = 1.3
PACKAGE_LIMIT_BYTES = 750_000  # one api-version with all 14 run-command operations (issue 10)
REGEN_LIMIT_SECONDS = 3.0
DEPS_BASELINE = "import attrs, cattrs, urllib3"

RERUN = """\
## How to rerun

`nox -s bench` (Python 3.10+, network access to the package index) builds its own environment
with this package and its `aio` extra (aiohttp), azure-mgmt-compute (pinned in `noxfile.py`),
azure-identity and trustme -- none of which become dependencies of the package or of the
tests -- runs every workload, prints these tables, writes the raw figures to `bench-results/`
and rewrites this page. It takes about ten minutes on 2 cores. `nox -s bench -- --quick` is a
smoke run (a few repeats, smaller W3-async and W4, this page left alone); `nox -s bench --
--only w3async,w4` runs some workloads only (the page is then left alone too);
`nox -s bench -- --help` lists the other options. `python -m bench.w3_async` and
`python -m bench.w4_fanout` run one workload each and print its figures. To see where our
side spends its time, profile it in the same environment from the repository root:
`.nox/bench/bin/python -m bench.profile w2 --case deser` (or `w3`, or `w3-async`).

Every figure is the median over repeats with the min-max range in brackets; the contenders run
interleaved in one process (W2, W3, W3-async) or one after another in rotating order (W1), so
compare ratios within a run rather than absolute times across machines. A wide range means the
machine was busy with other work during the run; the medians and ratios hold up better than
the ranges.
"""


WORKLOADS = """\
## What is measured

- **W1** a new `python -I -c` process importing the client and the run-command model, and the
  same plus constructing the client (and reaching its operation group), against `pass` and
  against importing the runtime's three dependencies: its wall time (what the target compares),
  its CPU time and its peak RSS. Installed size of the package and of its dependency closure,
  from each distribution's RECORD, without and with `__pycache__`.
- **W2** in process: `deser` (response bytes -> model), `deser_read_iv` (the response with an
  instanceView -> model, then every field read), `ser` (a prebuilt request model -> wire JSON),
  `build_ser` (build the request model from values, then wire JSON), and the same two for a
  response shaped like live ARM's -- `deser_arm` (a GET with its instanceView: statuses, 7-digit
  `+00:00` times, server-filled fields) and `build_ser_arm` (the PUT that created it, with an
  inline script and protected parameters); timed with the process's
  CPU clock, so a sample that lost the core to another process does not count the wait. Before
  timing, each contender's wire JSON is checked equal to the sample request and response, and
  the fields it reads equal to the sample's.
- **W3** Create Or Update end to end over HTTPS verified against a throw-away CA, against a
  stand-in server in its own process: PUT -> 201 `Creating` + `Azure-AsyncOperation` +
  `Retry-After: 0`; the status answers `InProgress`, then `Succeeded`; then the final GET. Client
  CPU per LRO is `time.process_time` of the client process. Every run is checked to have made
  exactly 1 PUT + 2 polls + 1 GET per LRO. Our client runs with every default on (retries,
  bearer auth with a fake credential, request ids, logging at WARNING) and `polling_interval=0`;
  so does azure-mgmt-compute; the floor is bare urllib3 + json with plain dicts, no retries or
  logging, and a pool sized for the 16 threads.
- **W3-async** the same LRO, many at once on one event loop: `vmss_runcommands.aio`, the
  anchor's `azure.mgmt.compute.aio` and a floor of bare aiohttp + json, each with one client
  whose pool holds as many connections as there are LROs in flight, opened (and the token
  cached) by a warm-up before the measured run. The anchor runs on azure-core's
  `AioHttpTransport` with the session azure-core makes by default, except that its connector
  trusts the throw-away CA: given `connection_verify=<CA path>` instead, azure-core builds an SSL
  context per request and aiohttp then reuses no connection (a TLS handshake per request, about
  3x the anchor's CPU here) -- a cost of custom CA bundles that applications using the system
  store do not pay. Same exchange checks as W3.
- **W4** one Create Or Update to each of N instances with one shared client: `async` runs them
  on one event loop with a bounded number in flight (workers that take the next instance as
  one finishes, as a fan-out bounds itself; they queue for the pool's connections), `threaded`
  runs the sync client on a thread pool. Each run is a new process with its own server, after a
  warm-up that opens the pool. Client CPU per instance should stay flat as N grows (the target
  compares the largest N with the smallest); peak RSS growth is the high-water mark over the
  run (reset to the current RSS first, on Linux) minus the RSS before it, per operation in
  flight. For `threaded` it is mostly the threads' stacks and the C allocator's per-thread
  arenas, which grow with the run: the Python objects alive stay the same (tracemalloc shows no
  growth from 2,000 to 5,000 instances). The server's own CPU time over the run shows which
  side set the pace; `async-floor` runs the W3-async floor (bare aiohttp + json) the same way,
  for the wall time the least an asyncio client reaches against the same server.
"""


AIO_TRANSPORT = """\
## The async transport: aiohttp or httpx

Measured once, not by `nox -s bench`: `python -m bench.aio_transports` sends 3,000 small JSON
GETs (an LRO poll's shape), 64 in flight on one event loop, against a stand-in asyncio server
in another process; client CPU per request, best of 3 (this machine, with other work running):

| client | client CPU per request | wall |
|---|---|---|
| aiohttp 3.14 | 78 us | 0.32 s |
| httpx 0.29 | 1,760 us | 12.2 s |

aiohttp is the `aio` extra's transport: it is what azure-core's async transport uses, and here
it costs a twentieth of httpx's client CPU.
"""


ANCHOR = """\
## The anchor

azure-mgmt-compute 39.0.0, the newest release when this suite was written. It is generated from
TypeSpec for a single api-version (2026-04-01) and sends api-version 2024-07-01 when a call
passes `api_version="2024-07-01"`, as the bench does (the stand-in server rejects any other);
the run-command request and response shapes are the same in both versions, which the wire
checks confirm. 33.1.0, the newest release that still ships a `v2024_07_01` folder
(msrest-style models), works too: set `BENCH_ANCHOR` in `noxfile.py` to
`azure-mgmt-compute==33.1.0` (it installs 78 MB of sources, so the run takes longer).
"""


@dataclass(frozen=True)
class Target:
    name: str
    measured: float
    limit: float
    unit: str

    @property
    def met(self) -> bool:
        return self.measured <= self.limit


def environment() -> dict[str, Any]:
    versions = {}
    for name in VERSIONS_OF:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": versions,
        "commit": _commit(),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _commit() -> str | None:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head} (with uncommitted changes)" if dirty else head


# -- targets ----------------------------------------------------------------------------------


def targets(results: dict[str, Any]) -> list[Target]:
    found: list[Target] = []
    w3 = results.get("w3") or {}
    if "ours" in w3 and "floor" in w3:
        for mode in ("sequential", "concurrent"):
            found.append(
                Target(
                    f"W3 {mode} client CPU per LRO, ours / floor",
                    ratio(w3["ours"][mode]["cpu_per_lro"], w3["floor"][mode]["cpu_per_lro"]),
                    W3_LIMIT,
                    "x",
                )
            )
    w3async = results.get("w3async") or {}
    if "ours" in w3async and "floor" in w3async:
        found.append(
            Target(
                "W3-async client CPU per LRO, ours / floor (aiohttp + json)",
                ratio(w3async["ours"]["cpu_per_lro"], w3async["floor"]["cpu_per_lro"]),
                W3_ASYNC_FLOOR_LIMIT,
                "x",
            )
        )
    if "ours" in w3async and "anchor" in w3async:
        found.append(
            Target(
                "W3-async client CPU per LRO, ours / azure-mgmt-compute aio",
                ratio(w3async["ours"]["cpu_per_lro"], w3async["anchor"]["cpu_per_lro"]),
                W3_ASYNC_ANCHOR_LIMIT,
                "x",
            )
        )
    for mode, sizes in (results.get("w4") or {}).items():
        if len(sizes) < 2 or mode.endswith("floor"):  # the floor is a reference, not a target
            continue
        ordered = sorted(sizes, key=int)
        smallest, largest = ordered[0], ordered[-1]
        found.append(
            Target(
                f"W4 {mode} client CPU per instance, "
                f"{int(largest):,} / {int(smallest):,} instances",
                ratio(sizes[largest]["cpu_per_instance"], sizes[smallest]["cpu_per_instance"]),
                W4_FLAT_LIMIT,
                "x",
            )
        )
    w1 = results.get("w1") or {}
    imports = w1.get("imports") or {}
    if "ours: import + construct" in imports and DEPS_BASELINE in imports:
        found.append(
            Target(
                f"W1 import + construct, ours / `{DEPS_BASELINE}`",
                ratio(imports["ours: import + construct"]["wall"], imports[DEPS_BASELINE]["wall"]),
                W1_IMPORT_LIMIT,
                "x",
            )
        )
    sizes = w1.get("sizes") or {}
    if "ours" in sizes:
        found.append(
            Target(
                "W1 our package installed (without __pycache__), MB",
                sizes["ours"]["package"].code / 1e6,
                PACKAGE_LIMIT_BYTES / 1e6,
                "MB",
            )
        )
    w2 = results.get("w2") or {}
    if "ours" in w2 and "floor" in w2:
        for case in CASES:
            found.append(
                Target(
                    f"W2 {case}, ours / floor time per op",
                    ratio(w2["ours"][case], w2["floor"][case]),
                    W2_LIMITS[case],
                    "x",
                )
            )
    regen = results.get("regen")
    if regen is not None:
        found.append(
            Target(
                "Regeneration (`codegen generate --check`), s",
                regen["wall"].median,
                REGEN_LIMIT_SECONDS,
                "s",
            )
        )
    return found


# -- Markdown ---------------------------------------------------------------------------------


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = [_row(header), _row(["---"] * len(header))]
    lines.extend(_row(row) for row in rows)
    return "\n".join(lines)


def _mb(size: int) -> str:
    return f"{size / 1e6:.2f}"


def _ratio_text(value: Summary | None, base: Summary | None) -> str:
    if value is None or base is None:
        return "-"
    return f"{ratio(value, base):.2f}x"


def targets_table(found: list[Target]) -> str:
    rows = []
    for target in found:
        limit = f"<= {target.limit:g}{'x' if target.unit == 'x' else ' ' + target.unit}"
        measured = (
            f"{target.measured:.2f}x"
            if target.unit == "x"
            else f"{target.measured:.3f} {target.unit}"
        )
        rows.append([target.name, measured, limit, "met" if target.met else "**not met**"])
    return _table(["target", "measured", "limit", ""], rows)


def w1_tables(w1: dict[str, Any], names: list[str]) -> str:
    imports = w1["imports"]
    pass_wall = imports["python -c pass"]["wall"]
    deps_wall = imports[DEPS_BASELINE]["wall"]
    deps_cpu = imports[DEPS_BASELINE]["cpu"]
    rows = []
    for label, figures in imports.items():
        rows.append(
            [
                f"`{label}`" if label in ("python -c pass", DEPS_BASELINE) else label,
                figures["wall"].text(1, 1000),
                f"{(figures['wall'].median - pass_wall.median) * 1000:.1f}",
                _ratio_text(figures["wall"], deps_wall),
                figures["cpu"].text(1, 1000),
                _ratio_text(figures["cpu"], deps_cpu),
                figures["rss"].text(1),
            ]
        )
    parts = [
        _table(
            [
                "cold process",
                "wall ms",
                "wall ms over `pass`",
                "wall / deps",
                "CPU ms",
                "CPU / deps",
                "peak RSS MiB",
            ],
            rows,
        ),
        f"deps = `{DEPS_BASELINE}`; `pass` = the interpreter alone.",
    ]
    sizes: dict[str, dict[str, Size]] = w1.get("sizes") or {}
    if sizes:
        size_rows = []
        for name in names:
            if name not in sizes:
                continue
            package, closure = sizes[name]["package"], sizes[name]["closure"]
            size_rows.append(
                [
                    LABELS[name],
                    f"{_mb(package.code)} / {_mb(package.total)}",
                    f"{_mb(closure.code)} / {_mb(closure.total)}",
                    ", ".join(closure.distributions),
                ]
            )
        parts.append(
            _table(
                [
                    "installed, MB (without / with __pycache__)",
                    "package",
                    "with dependency closure",
                    "closure",
                ],
                size_rows,
            )
        )
    return "\n\n".join(parts)


def w2_table(w2: dict[str, dict[str, Summary]], names: list[str]) -> str:
    header = ["case"]
    header += [f"{LABELS[name]} us/op (ops/s)" for name in names]
    header += [f"{name} / floor" for name in names if name != "floor"]
    header += ["target"]
    rows = []
    for case in CASES:
        row = [f"`{case}`"]
        for name in names:
            figure = w2[name][case]
            row.append(f"{figure.text(2, 1e6)} ({1 / figure.median:,.0f})")
        for name in names:
            if name != "floor":
                row.append(_ratio_text(w2[name][case], w2.get("floor", {}).get(case)))
        row.append(f"<= {W2_LIMITS[case]:g}x")
        rows.append(row)
    return _table(header, rows)


def w3_table(w3: dict[str, Any], names: list[str], threads: int, per_thread: int) -> str:
    header = ["figure"] + [LABELS[name] for name in names]
    header += [f"{name} / floor" for name in names if name != "floor"]
    rows = []
    concurrent = f"{threads} threads x {per_thread}"
    for mode, lead in (("sequential", "sequential"), ("concurrent", concurrent)):
        for key, what, scale in (
            ("cpu_per_lro", "client CPU ms/LRO", 1000.0),
            ("wall_per_lro", "wall ms/LRO", 1000.0),
        ):
            row = [f"{lead}, {what}"]
            row += [w3[name][mode][key].text(2, scale) for name in names]
            row += [
                _ratio_text(w3[name][mode][key], w3.get("floor", {}).get(mode, {}).get(key))
                for name in names
                if name != "floor"
            ]
            rows.append(row)
        for key, what in (
            ("connections", "TLS connections opened per run"),
            ("log_records", "log records (WARNING+) per run"),
        ):
            row = [f"{lead}, {what}"]
            row += [f"{w3[name][mode][key].median:.0f}" for name in names]
            row += ["" for name in names if name != "floor"]
            rows.append(row)
    return _table(header, rows)


def w3async_table(w3async: dict[str, Any], names: list[str]) -> str:
    header = ["figure"] + [ASYNC_LABELS[name] for name in names]
    header += [f"{name} / floor" for name in names if name != "floor"]
    if "ours" in names and "anchor" in names:
        header.append("ours / anchor")
    rows = []
    for key, what, scale in (
        ("cpu_per_lro", "client CPU ms/LRO", 1000.0),
        ("wall_per_lro", "wall ms/LRO", 1000.0),
    ):
        row = [what]
        row += [w3async[name][key].text(3, scale) for name in names]
        row += [
            _ratio_text(w3async[name][key], w3async.get("floor", {}).get(key))
            for name in names
            if name != "floor"
        ]
        if "ours" in names and "anchor" in names:
            row.append(_ratio_text(w3async["ours"][key], w3async["anchor"][key]))
        rows.append(row)
    for key, what in (
        ("connections", "TLS connections opened per run"),
        ("log_records", "log records (WARNING+) per run"),
    ):
        row = [what] + [f"{w3async[name][key].median:.0f}" for name in names]
        row += ["" for name in names if name != "floor"]
        if "ours" in names and "anchor" in names:
            row.append("")
        rows.append(row)
    return _table(header, rows)


def w4_table(w4: dict[str, dict[str, Any]]) -> str:
    rows = []
    for mode, sizes in w4.items():
        smallest = sizes[min(sizes, key=int)]["cpu_per_instance"]
        for size in sorted(sizes, key=int):
            row = sizes[size]
            rows.append(
                [
                    mode,
                    f"{int(size):,}",
                    f"{row['in_flight']:,}",
                    row["cpu_per_instance"].text(3, 1000.0),
                    _ratio_text(row["cpu_per_instance"], smallest),
                    row["rss_kib_per_in_flight"].text(1),
                    row["wall"].text(2),
                    row["server_cpu"].text(2),
                ]
            )
    return _table(
        [
            "mode",
            "instances",
            "in flight",
            "client CPU ms/instance",
            "per instance / smallest",
            "peak RSS growth KiB per in-flight op",
            "wall s",
            "server CPU s",
        ],
        rows,
    )


def tables(results: dict[str, Any]) -> str:
    names = results["contenders"]
    parts = ["## Targets", targets_table(targets(results))]
    if results.get("w1"):
        parts += ["## W1 import and footprint", w1_tables(results["w1"], names)]
    if results.get("w2"):
        parts += ["## W2 models, in process", w2_table(results["w2"], names)]
    if results.get("w3"):
        settings = results["settings"]["w3"]
        parts += [
            "## W3 end-to-end Create Or Update",
            f"{settings['sequential_lros']} sequential LROs and {settings['threads']} threads x "
            f"{settings['per_thread']} LROs on one shared client, after a warm-up; "
            f"{settings['repeats']} repeats.",
            w3_table(results["w3"], names, settings["threads"], settings["per_thread"]),
        ]
    if results.get("w3async"):
        settings = results["settings"]["w3async"]
        parts += [
            "## W3-async: LROs on one event loop",
            f"{settings['lros']:,} LROs with {settings['in_flight']} in flight on one event loop "
            f"and one client (its pool open and token cached by a warm-up of "
            f"{settings['in_flight']} LROs); {settings['repeats']} repeats, the contenders in "
            "rotating order.",
            w3async_table(results["w3async"], [n for n in names if n in results["w3async"]]),
        ]
    if results.get("w4"):
        settings = results["settings"]["w4"]
        parts += [
            "## W4 fan-out",
            "One Create Or Update to each of N instances with one shared client (a pool of "
            f"{settings['pool']} connections): `async` has up to {settings['async_in_flight']} in "
            f"flight on one event loop, `threaded` runs them on {settings['threads']} threads, "
            "`async-floor` is bare aiohttp + json run as `async`. "
            "Each run is a fresh process "
            f"with its own server; {settings['repeats']} repeat(s). Wall time near the server's "
            "CPU time means the server set the pace; near the client's CPU time, the client did.",
            w4_table(results["w4"]),
        ]
    if results.get("regen"):
        regen = results["regen"]
        stale = any(code != 0 for code in regen["exit_codes"])
        parts += [
            "## Regeneration",
            f"`python -m codegen generate --check` (load, generate, format with ruff, compare): "
            f"{regen['wall'].text(2)} s wall"
            + (" -- note: generated/ was reported stale in this run." if stale else "."),
        ]
    return "\n\n".join(parts)


def machine_text(meta: dict[str, Any]) -> str:
    packages = ", ".join(f"{name} {version}" for name, version in meta["packages"].items())
    memory = f", {meta['memory_gib']} GiB" if meta.get("memory_gib") else ""
    commit = f"; commit {meta['commit']}" if meta.get("commit") else ""
    return (
        "## Machine\n\n"
        f"{meta['date']}; {meta['cpu']}, {meta['cores']} cores{memory}; {meta['platform']}; "
        f"{meta['python']}{commit}.\n\nPackages: {packages}."
    )


def markdown(results: dict[str, Any]) -> str:
    return (
        "# Benchmarks\n\n"
        "vmss-runcommands against Microsoft's azure-mgmt-compute (the anchor) and against the "
        "floor: bare urllib3 + json (bare aiohttp + json for the async workloads) doing the same "
        "HTTP exchanges. This page is written by `nox -s bench`; do not edit it by hand.\n\n"
        f"{RERUN}\n{machine_text(results['meta'])}\n\n{tables(results)}\n\n{WORKLOADS}\n"
        f"{AIO_TRANSPORT}\n{ANCHOR}"
    )


def as_json(value: Any) -> Any:
    """The results with every Summary and Size spelled out."""
    if isinstance(value, Summary | Size):
        return value.as_json()
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return value
