"""``python -m bench``: run the workloads, print the tables, save the figures.

Meant to run through ``nox -s bench``, whose environment holds the anchor; run directly, it
measures whatever contenders are installed in the running interpreter.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import logs, regen, report, w1_footprint, w2_models, w3_async, w3_lro, w4_fanout
from .contenders import present

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = ("w1", "w2", "w3", "w3async", "w4", "regen")


@dataclass(frozen=True)
class Settings:
    w1_repeats: int
    w2_repeats: int
    w2_seconds: float
    w3_repeats: int
    w3_sequential: int
    w3_threads: int
    w3_per_thread: int
    w3_warmup: int
    w3async_repeats: int
    w3async_lros: int
    w3async_in_flight: int
    w4_sizes: tuple[int, ...]
    w4_repeats: int
    regen_repeats: int


FULL = Settings(
    w1_repeats=12,
    # Many short samples: the median then shrugs off bursts of load from other processes.
    w2_repeats=15,
    w2_seconds=0.05,
    w3_repeats=5,
    w3_sequential=300,
    w3_threads=16,
    w3_per_thread=50,
    w3_warmup=30,
    w3async_repeats=5,
    w3async_lros=1000,
    w3async_in_flight=64,
    w4_sizes=(100, 1_000, 10_000),
    w4_repeats=3,
    regen_repeats=3,
)
QUICK = Settings(
    w1_repeats=3,
    w2_repeats=3,
    w2_seconds=0.02,
    w3_repeats=2,
    w3_sequential=30,
    w3_threads=16,
    w3_per_thread=3,
    w3_warmup=5,
    w3async_repeats=2,
    w3async_lros=200,
    w3async_in_flight=64,
    w4_sizes=(100, 1_000),
    w4_repeats=1,
    regen_repeats=1,
)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few repeats; a smoke run")
    parser.add_argument(
        "--only",
        default=",".join(WORKLOADS),
        help=f"comma-separated workloads to run, of {', '.join(WORKLOADS)} (default: all)",
    )
    parser.add_argument("--skip-anchor", action="store_true", help="leave azure-mgmt-compute out")
    parser.add_argument(
        "--results-dir", type=Path, default=ROOT / "bench-results", help="where the JSON goes"
    )
    parser.add_argument(
        "--docs",
        type=Path,
        default=ROOT / "docs" / "benchmarks.md",
        help="the Markdown page a full run rewrites",
    )
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite the Markdown page")
    arguments = parser.parse_args(argv)
    chosen = {w.strip() for w in arguments.only.split(",") if w.strip()}
    unknown = chosen - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workloads {sorted(unknown)}; choose from {', '.join(WORKLOADS)}")
    arguments.workloads = chosen
    return arguments


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    # Every contender runs with its loggers at WARNING, as an application would configure them.
    tally = logs.install()
    settings = QUICK if arguments.quick else FULL
    contenders = present(skip_anchor=arguments.skip_anchor)
    if "anchor" not in contenders and not arguments.skip_anchor:
        _say("azure-mgmt-compute is not installed here: run `nox -s bench`, or pass --skip-anchor")
        return 2
    names = list(contenders)
    results: dict[str, Any] = {
        "meta": report.environment(),
        "contenders": names,
        "settings": {
            "quick": arguments.quick,
            "w1": {"repeats": settings.w1_repeats},
            "w2": {"repeats": settings.w2_repeats, "seconds_per_sample": settings.w2_seconds},
            "w3": {
                "repeats": settings.w3_repeats,
                "sequential_lros": settings.w3_sequential,
                "threads": settings.w3_threads,
                "per_thread": settings.w3_per_thread,
                "warmup_lros": settings.w3_warmup,
            },
            "w3async": {
                "repeats": settings.w3async_repeats,
                "lros": settings.w3async_lros,
                "in_flight": settings.w3async_in_flight,
            },
            "w4": {
                "sizes": list(settings.w4_sizes),
                "repeats": settings.w4_repeats,
                "threads": w4_fanout.THREADS,
                "async_in_flight": w4_fanout.ASYNC_IN_FLIGHT,
                "pool": w4_fanout.POOL,
            },
        },
    }
    started = time.perf_counter()
    aio_available = importlib.util.find_spec("aiohttp") is not None
    if "w1" in arguments.workloads:
        _say("W1: cold-process imports and installed sizes ...")
        results["w1"] = {
            "imports": w1_footprint.run(contenders, repeats=settings.w1_repeats),
            "sizes": w1_footprint.sizes(contenders),
        }
    if "w2" in arguments.workloads:
        _say("W2: models ...")
        results["w2"] = w2_models.run(
            contenders, repeats=settings.w2_repeats, target_seconds=settings.w2_seconds
        )
    if "w3" in arguments.workloads:
        _say("W3: end-to-end LROs over TLS ...")
        with tempfile.TemporaryDirectory() as folder:
            results["w3"] = w3_lro.run(
                contenders,
                Path(folder),
                repeats=settings.w3_repeats,
                sequential_lros=settings.w3_sequential,
                threads=settings.w3_threads,
                per_thread=settings.w3_per_thread,
                warmup_lros=settings.w3_warmup,
                tally=tally,
            )
    if not aio_available and arguments.workloads & {"w3async", "w4"}:
        _say("W3-async and W4 skipped: aiohttp (the aio extra) is not installed here")
    if "w3async" in arguments.workloads and aio_available:
        _say("W3-async: LROs on one event loop over TLS ...")
        with tempfile.TemporaryDirectory() as folder:
            results["w3async"] = w3_async.run(
                contenders,
                Path(folder),
                repeats=settings.w3async_repeats,
                lros=settings.w3async_lros,
                in_flight=settings.w3async_in_flight,
                tally=tally,
            )
    if "w4" in arguments.workloads and aio_available:
        _say("W4: fan-out, async and threaded ...")
        results["w4"] = w4_fanout.run(sizes=settings.w4_sizes, repeats=settings.w4_repeats)
    if "regen" in arguments.workloads:
        if regen.available():
            _say("Regeneration ...")
            wall, codes = regen.run(repeats=settings.regen_repeats)
            results["regen"] = {"wall": wall, "exit_codes": codes}
        else:
            _say("Regeneration skipped: the codegen extra is not installed here")
    results["elapsed_seconds"] = time.perf_counter() - started

    print(report.tables(results))
    _save(results, arguments.results_dir)
    complete = arguments.workloads == set(WORKLOADS) and all(
        name in results for name in ("regen", "w3async", "w4")
    )
    if arguments.no_docs or arguments.quick or not complete or arguments.skip_anchor:
        _say(f"{arguments.docs.name} left alone (only a complete full run rewrites it)")
    else:
        arguments.docs.write_text(report.markdown(results), encoding="utf-8")
        _say(f"wrote {arguments.docs.name}")
    return 0


def _save(results: dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(report.as_json(results), indent=2) + "\n"
    for name in (f"bench-{stamp}.json", "latest.json"):
        (folder / name).write_text(text, encoding="utf-8")
    _say(f"figures saved to {folder.name}/latest.json")


if __name__ == "__main__":
    sys.exit(main())
