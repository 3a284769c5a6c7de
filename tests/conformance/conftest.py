"""The conformance scenarios (scenarios_*.py) run only through `nox -s conformance`, which
starts the AutoRest test server; the default `pytest` run does not collect them (they do not
match python_files). Under that session this records each scenario's outcome for the report."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

_RESULTS: dict[str, dict[str, Any]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not os.environ.get("CONFORMANCE_RESULTS"):
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        outcome = report.outcome
        reason = ""
        if hasattr(report, "wasxfail"):
            outcome = "xfailed" if report.skipped else "xpassed"
            reason = str(report.wasxfail)
        elif report.failed:
            crash = getattr(report.longrepr, "reprcrash", None)
            reason = crash.message if crash is not None else str(report.longrepr)[-300:]
        _RESULTS[report.nodeid] = {"outcome": outcome, "reason": " ".join(reason.split())[:300]}


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = os.environ.get("CONFORMANCE_RESULTS")
    if target:
        Path(target).write_text(json.dumps(_RESULTS, indent=2, sort_keys=True), encoding="utf-8")
