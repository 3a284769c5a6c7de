"""Developer tasks. `nox` runs lint, the generated-code check and the tests (what CI runs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.sessions = ["lint", "check_generated", "tests", "conformance"]
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
TYPECHECK_STAGE = ROOT / "build" / "typecheck"


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite, against the installed (non-editable) package."""
    session.install(".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on everything; mypy --strict and pyright --strict on the package as installed
    (generated + runtime); both checkers on the user programs of tests/typing (the README's
    snippets pass, the deliberately wrong programs fail where marked)."""
    session.install(".[test]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    # mypy checks the package under its import name, laid out as the wheel lays it out.
    if TYPECHECK_STAGE.exists():
        shutil.rmtree(TYPECHECK_STAGE)
    package = TYPECHECK_STAGE / "vmss_runcommands"
    shutil.copytree(ROOT / "generated", package, ignore=shutil.ignore_patterns("__pycache__"))
    for source, name in (
        ("runtime", "runtime"),
        ("emulator", "emulator"),
        ("workflows", "workflows"),
        ("cli", "cli"),
    ):
        shutil.copytree(ROOT / source, package / name, ignore=shutil.ignore_patterns("__pycache__"))
    session.run(
        "mypy",
        "--strict",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "-p",
        "vmss_runcommands",
        env={"MYPYPATH": str(TYPECHECK_STAGE)},
    )
    # [tool.pyright] in pyproject.toml points at the staged package.
    session.run("pyright", "--project", str(ROOT / "pyproject.toml"))
    session.run("python", str(ROOT / "tests" / "typing" / "check.py"))


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate generated/ from spec/."""
    session.install(".[codegen]")
    session.run("python", "-m", "codegen", "generate", *session.posargs)


@nox.session
def check_generated(session: nox.Session) -> None:
    """Fail, naming the files, when generated/ differs from what spec/ produces."""
    session.install(".[codegen]")
    session.run("python", "-m", "codegen", "generate", "--check")


@nox.session
def conformance(session: nox.Session) -> None:
    """Microsoft's AutoRest test server (from npm; needs node) against clients our generator
    makes from its Swagger files; rewrites docs/conformance.md (see tests/conformance/run.py)."""
    session.install(".[test]")
    session.run("python", "tests/conformance/run.py", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """Create, read, list and delete a run command against the embedded ARM emulator."""
    session.install(".")
    session.run("python", "examples/demo.py")


# The anchor of the benchmarks: the release whose figures docs/benchmarks.md compares against,
# called with api-version 2024-07-01. It is installed into the bench environment only.
BENCH_ANCHOR = "azure-mgmt-compute==39.0.0"


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks against azure-mgmt-compute and bare urllib3 / aiohttp floors; prints the
    tables and rewrites docs/benchmarks.md (`nox -s bench -- --quick` for a smoke run)."""
    # The aio extra brings aiohttp: our async client, the async floor and the anchor's aio
    # client (W3-async, W4) all run on it.
    session.install(".[codegen,aio]", BENCH_ANCHOR, "azure-identity", "trustme", "packaging")
    session.run("python", "-m", "bench", *session.posargs)
