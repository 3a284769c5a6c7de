"""The AutoRest conformance run (what `nox -s conformance` does).

1. install the pinned AutoRest test server from npm into build/autorest-testserver/;
2. generate one client package per Swagger file below, as shipped, with our generator;
3. start the test server on 127.0.0.1 (a free port), run the translated acceptance scenarios
   (tests/conformance/scenarios_*.py) against it, stop it;
4. write docs/conformance.md (operations generated, scenarios passed, the test-server quirks);
5. exit 1 when a scenario of baseline.json no longer passes, a quirk unexpectedly passes, or a
   file generates fewer operations than baseline.json records.

``--update-baseline`` records the current passes as the new floor.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(HERE), str(ROOT)]

from generation import FileGeneration, generate_file  # noqa: E402
from testserver import VERSION, TestServer, install  # noqa: E402

# Swagger file -> (generated package, scenarios module translating AutoRest's tests for it)
FILES: dict[str, tuple[str, str]] = {
    "lro.json": ("autorest_lro", "scenarios_lro.py"),
    "paging.json": ("autorest_paging", "scenarios_paging.py"),
    "azure-special-properties.json": (
        "autorest_azure_special_properties",
        "scenarios_azure_special_properties.py",
    ),
    "head.json": ("autorest_head", "scenarios_head.py"),
    "model-flattening.json": ("autorest_model_flattening", "scenarios_model_flattening.py"),
    "body-complex.json": ("autorest_body_complex", "scenarios_body_complex.py"),
    "url.json": ("autorest_url", "scenarios_url.py"),
    "header.json": ("autorest_header", "scenarios_header.py"),
    "azure-parameter-grouping.json": (
        "autorest_azure_parameter_grouping",
        "scenarios_azure_parameter_grouping.py",
    ),
    "custom-baseUrl.json": ("autorest_custom_base_url", "scenarios_custom_base_url.py"),
    "non-string-enum.json": ("autorest_non_string_enums", "scenarios_non_string_enums.py"),
    "media_types.json": ("autorest_media_types", "scenarios_media_types.py"),
    "lro-parameterized-endpoints.json": (
        "autorest_lro_parameterized_endpoints",
        "scenarios_lro_parameterized_endpoints.py",
    ),
}
BASELINE = HERE / "baseline.json"


def exit_on_sigterm() -> None:
    """SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so the server is stopped by pid."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def main(argv: list[str] | None = None) -> int:
    exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, default=ROOT / "build" / "conformance")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "autorest-testserver")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "conformance.md")
    parser.add_argument("--update-baseline", action="store_true")
    args, pytest_args = parser.parse_known_args(argv)  # the rest goes to pytest

    started = time.perf_counter()
    package_dir = install(args.cache)
    swagger = package_dir / "swagger"
    clients, work = args.build / "clients", args.build / "specs"
    generations = []
    for name, (package, _) in FILES.items():
        t0 = time.perf_counter()
        generation = generate_file(swagger / name, package, clients, work)
        generations.append(generation)
        print(
            f"{name}: {len(generation.generated)}/{len(generation.operations)} operation(s) "
            f"generated ({time.perf_counter() - t0:.1f} s)"
            + (f"; package: {generation.package_error}" if generation.package_error else "")
        )
    results_file = args.build / "results.json"
    results_file.unlink(missing_ok=True)
    with TestServer(package_dir, args.build / "testserver.log") as server:
        print(f"AutoRest test server {VERSION} on {server.base_url} (pid {server.pid})")
        env = {
            **os.environ,
            "CONFORMANCE_BASE_URL": server.base_url,
            "CONFORMANCE_CLIENTS": str(clients.resolve()),
            "CONFORMANCE_RESULTS": str(results_file.resolve()),
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-o",
                "python_files=scenarios_*.py",
                "-p",
                "no:cacheprovider",
                *[str(HERE / module) for _, module in FILES.values()],
                *pytest_args,
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
    results: dict[str, dict[str, Any]] = (
        json.loads(results_file.read_text()) if results_file.is_file() else {}
    )
    if pytest_args:  # a partial run: neither the report nor the baseline describes it
        print(f"partial run ({' '.join(pytest_args)}): docs and baseline left as they are")
        return check_baseline(generations, results, partial=True)
    args.doc.write_text(report(generations, results), encoding="utf-8")
    print(f"wrote {args.doc.relative_to(ROOT)} ({time.perf_counter() - started:.0f} s in all)")
    if args.update_baseline:
        write_baseline(generations, results)
        return 0
    return check_baseline(generations, results)


def _module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0].rsplit("/", 1)[-1]


def _scenario(nodeid: str) -> str:
    return nodeid.split("::", 1)[1] if "::" in nodeid else nodeid


def report(generations: list[FileGeneration], results: dict[str, dict[str, Any]]) -> str:
    by_module: dict[str, dict[str, dict[str, Any]]] = {}
    for nodeid, result in results.items():
        by_module.setdefault(_module_of(nodeid), {})[_scenario(nodeid)] = result
    lines = [
        "# Conformance: the AutoRest test server",
        "",
        "Written by `nox -s conformance` (tests/conformance/run.py); do not edit by hand.",
        "",
        f"The session installs `@microsoft.azure/autorest.testserver@{VERSION}` from npm,",
        "generates a client from each Swagger file below **as shipped** with this project's",
        "generator, and",
        "runs our translation of the AutoRest Python generator's acceptance tests against the",
        "server (listening on 127.0.0.1 only). An operation counts as generated when it builds on",
        "its own and the package of all such operations renders and imports. A scenario is one",
        "translated test; those a test-server quirk breaks are strict expected failures, listed",
        "with their reason below; they are the only failures allowed.",
        "",
        "| Swagger file | operations generated | scenarios passed | test-server quirks | failing |",
        "| --- | --- | --- | --- | --- |",
    ]
    totals = Counter[str]()
    for generation in generations:
        module = FILES[generation.spec][1]
        scenarios = by_module.get(module, {})
        outcomes = Counter(r["outcome"] for r in scenarios.values())
        generated = len(generation.generated) if not generation.package_error else 0
        row = {
            "ops": generated,
            "ops_total": len(generation.operations),
            "passed": outcomes["passed"],
            "total": len(scenarios),
            "quirks": outcomes["xfailed"],
            "failing": len(scenarios) - outcomes["passed"] - outcomes["xfailed"],
        }
        totals.update(row)
        lines.append(
            f"| {generation.spec} | {row['ops']} / {row['ops_total']} | "
            f"{row['passed']} / {row['total']} | {row['quirks']} | {row['failing']} |"
        )
    lines.append(
        f"| **all** | {totals['ops']} / {totals['ops_total']} | "
        f"{totals['passed']} / {totals['total']} | {totals['quirks']} | {totals['failing']} |"
    )
    lines += ["", "## Test-server quirks (expected failures)", ""]
    quirks = [
        (nodeid, r["reason"]) for nodeid, r in sorted(results.items()) if r["outcome"] == "xfailed"
    ]
    if not quirks:
        lines.append("None.")
    for nodeid, reason in quirks:
        lines.append(
            f"- `{_module_of(nodeid)}::{_scenario(nodeid)}`: "
            f"{reason.removeprefix('test-server quirk: ')}"
        )
    lines += ["", "## What still fails", ""]
    for generation in generations:
        module = FILES[generation.spec][1]
        failing = {
            name: r
            for name, r in sorted(by_module.get(module, {}).items())
            if r["outcome"] not in ("passed", "xfailed")
        }
        if not generation.failures and not generation.package_error and not failing:
            continue
        lines += [f"### {generation.spec}", ""]
        if generation.package_error:
            lines.append(f"- the package does not render or import: {generation.package_error}")
        reasons = Counter(generation.failures.values())
        for reason, count in reasons.most_common():
            lines.append(f"- {count} operation(s) not generated: {_clip(reason)}")
        for name, result in failing.items():
            lines.append(f"- scenario `{name}` {result['outcome']}: {_clip(result['reason'])}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _clip(text: str, limit: int = 200) -> str:
    text = text.replace("|", "\\|").replace("`", "'")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def write_baseline(generations: list[FileGeneration], results: dict[str, dict[str, Any]]) -> None:
    baseline = {
        "generated": {g.spec: (0 if g.package_error else len(g.generated)) for g in generations},
        "passing": sorted(n for n, r in results.items() if r["outcome"] == "passed"),
    }
    BASELINE.write_text(json.dumps(baseline, indent=2) + "\n", encoding="utf-8")
    print(f"recorded {len(baseline['passing'])} passing scenario(s) in {BASELINE.name}")


def check_baseline(
    generations: list[FileGeneration],
    results: dict[str, dict[str, Any]],
    *,
    partial: bool = False,
) -> int:
    if not results:
        print("error: no scenario ran", file=sys.stderr)
        return 1
    baseline = json.loads(BASELINE.read_text()) if BASELINE.is_file() else {}
    problems = []
    for g in generations:
        floor = baseline.get("generated", {}).get(g.spec, 0)
        have = 0 if g.package_error else len(g.generated)
        if have < floor:
            problems.append(f"{g.spec}: {have} operation(s) generated, {floor} before")
    for nodeid in baseline.get("passing", []):
        outcome = results.get(nodeid, {}).get("outcome", "missing")
        if outcome == "missing" and partial:
            continue
        if outcome != "passed":
            problems.append(f"{nodeid}: {outcome} (passed before)")
    for nodeid, result in sorted(results.items()):
        if result["outcome"] == "failed" and "XPASS(strict)" in result["reason"]:
            problems.append(f"{nodeid}: a listed quirk passes now; drop its quirk marker")
    new = sorted(
        n
        for n, r in results.items()
        if r["outcome"] == "passed" and n not in set(baseline.get("passing", []))
    )
    if new:
        print(f"{len(new)} scenario(s) pass that baseline.json does not list yet:")
        for nodeid in new:
            print(f"  {nodeid}")
        print("record them with `nox -s conformance -- --update-baseline`")
    for problem in problems:
        print(f"regression: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
