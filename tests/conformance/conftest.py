"""The conformance scenarios (scenarios_*.py) run only through `nox -s conformance`, which
starts the AutoRest test server; the default `pytest` run does not collect them (they do not
match python_files). Under that session this records each scenario's outcome for the report."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

_RESULTS: dict[str, dict[str, Any]] = {}
_ROOT = Path(__file__).resolve().parent.parent.parent


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
        _RESULTS[report.nodeid] = {"outcome": outcome, "reason": _stable(reason)[:300]}


def _stable(text: str) -> str:
    """The reason without what changes from run to run or machine to machine (addresses,
    request ids, the port, the checkout's path)."""
    text = " ".join(text.split()).replace(f"{_ROOT}/", "")
    text = re.sub(r"0x[0-9a-fA-F]+", "0x...", text)
    text = re.sub(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", "<uuid>", text)
    return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>", text)


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = os.environ.get("CONFORMANCE_RESULTS")
    if target:
        Path(target).write_text(json.dumps(_RESULTS, indent=2, sort_keys=True), encoding="utf-8")
