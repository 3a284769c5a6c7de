"""Executors chosen by name, for ``python -m vmss_runcommands.emulator --executor ...``.

- ``default``: succeed without running anything (the library default);
- ``exit-code=N``: every script ends with exit code N (try a CLI's exit statuses);
- ``script``: really run the script with ``/bin/sh`` in a subprocess, for local dry runs;
- ``package.module:function``: any callable taking the run command's wire JSON and returning
  an :class:`ExecutionResult`.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import tempfile
from collections.abc import Mapping
from typing import Any

from .execution import ExecutionResult, Executor, default_executor

__all__ = ["EXECUTOR_HELP", "exit_code_executor", "parse_executor", "script_executor"]

EXECUTOR_HELP = (
    "what running a script means: 'default' (nothing runs, it succeeds), 'exit-code=N' "
    "(it ends with exit code N), 'script' (run it with /bin/sh in a scratch directory: local "
    "dry runs only) or 'module:function' (a Python executor)"
)

# A run command's timeoutInSeconds of 0 means the service default (90 minutes); a local dry
# run is bounded much tighter.
_SCRIPT_DEFAULT_TIMEOUT = 60.0
_STREAM_LIMIT = 4096  # the service keeps the last 4 KB of each stream


def exit_code_executor(code: int) -> Executor:
    """Every script ends with ``code`` (and a line of output saying so)."""

    def run(run_command: Mapping[str, Any]) -> ExecutionResult:
        return ExecutionResult(
            exit_code=code,
            output=f"[emulator] script not executed; exit code {code} as configured",
            error="" if code == 0 else f"[emulator] exit code {code}",
        )

    return run


def script_executor(run_command: Mapping[str, Any]) -> ExecutionResult:
    """Run ``source.script`` with ``/bin/sh -c`` in an empty temporary directory.

    The subprocess gets only ``PATH``, ``HOME`` (the scratch directory) and the run command's
    parameters and protected parameters as environment variables, as the VM agent passes
    them; it is killed after ``timeoutInSeconds`` (60 s when 0). It runs as the user running
    the emulator: this is for trying scripts locally, not a security boundary.
    """
    properties = run_command.get("properties") or {}
    script = (properties.get("source") or {}).get("script")
    if not script:
        return ExecutionResult(
            exit_code=1,
            error="[emulator] the script executor runs only source.script",
            execution_state="Failed",
        )
    timeout = float(properties.get("timeoutInSeconds") or 0) or _SCRIPT_DEFAULT_TIMEOUT
    with tempfile.TemporaryDirectory(prefix="vmss-runcommand-") as scratch:
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": scratch}
        for key in ("parameters", "protectedParameters"):
            for item in properties.get(key) or []:
                environment[str(item["name"])] = str(item["value"])
        try:
            done = subprocess.run(
                ["/bin/sh", "-c", script],
                cwd=scratch,
                env=environment,
                capture_output=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return ExecutionResult(
                exit_code=-1,
                execution_state="TimedOut",
                execution_message=f"The script did not finish within {timeout:g} seconds.",
            )
    return ExecutionResult(
        exit_code=done.returncode,
        output=_tail(done.stdout),
        error=_tail(done.stderr),
    )


def _tail(data: bytes) -> str:
    return data[-_STREAM_LIMIT:].decode("utf-8", errors="replace")


def parse_executor(spec: str) -> Executor:
    """The executor a ``--executor`` value names.

    Raises:
        ValueError: an unknown name, a bad exit code, or a Python path that does not import
            or is not callable.
    """
    if spec == "default":
        return default_executor
    if spec == "script":
        return script_executor
    name, separator, value = spec.partition("=")
    if name == "exit-code" and separator:
        try:
            code = int(value)
        except ValueError:
            raise ValueError(
                f"--executor exit-code=N needs a whole number, not {value!r}"
            ) from None
        return exit_code_executor(code)
    module_name, colon, attribute = spec.partition(":")
    if not colon or not module_name or not attribute:
        raise ValueError(
            f"unknown executor {spec!r}: use default, exit-code=N, script or module:function"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"--executor {spec}: cannot import {module_name}: {exc}") from None
    function = getattr(module, attribute, None)
    if not callable(function):
        raise ValueError(f"--executor {spec}: {module_name} has no callable {attribute!r}")
    executor: Executor = function
    return executor
