"""Fan-out scaling: client CPU per instance for 10, 100 and 1,000 instances, 32 in flight.

The emulator runs in its own process (``python -m vmss_runcommands.emulator``), so
``time.process_time()`` here counts the client alone: the worker threads, the pollers, the
HTTP pool and the model decoding. Flat CPU per instance as the count grows means the fan-out
adds no per-instance cost that depends on how many instances there are.

Run with ``python examples/fan_out_scaling.py`` once the package is installed (``--counts``
and ``--in-flight`` change the workload).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from typing import Any, NamedTuple

from vmss_runcommands import RunCommandsClient
from vmss_runcommands.models import VirtualMachineRunCommand, VirtualMachineRunCommandScriptSource
from vmss_runcommands.workflows import Throttle, fan_out


class _Token(NamedTuple):
    token: str
    expires_on: int


class PrintedTokenCredential:
    """The token the emulator process printed at start-up."""

    def __init__(self, token: str) -> None:
        self._token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> _Token:
        return _Token(self._token, int(time.time()) + 3600)


def start_emulator() -> tuple[subprocess.Popen[str], dict[str, str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "vmss_runcommands.emulator", "--retry-after", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    printed: dict[str, str] = {}
    while "token" not in printed:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the emulator exited before printing its token")
        key, _, value = line.partition(": ")
        printed[key.strip()] = value.strip()
    return process, printed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--in-flight", type=int, default=32)
    options = parser.parse_args()

    emulator, printed = start_emulator()
    try:
        throttle = Throttle()
        client = RunCommandsClient(
            PrintedTokenCredential(printed["token"]),
            printed["subscription_id"],
            base_url=printed["base_url"],
            polling_interval=0,
            retry_policy=throttle.retry_policy(),
            pool_maxsize=options.in_flight,
        )
        body = VirtualMachineRunCommand(
            location="westus",
            source=VirtualMachineRunCommandScriptSource(script="echo hello"),
        )
        # Warm-up: connections, token, first-use costs stay out of the figures.
        fan_out(client, "rg", "vmss", ["warm-up"], "scale", body, polling_interval=0).wait()
        print(f"{'instances':>9}  {'wall s':>7}  {'CPU s':>6}  {'CPU ms/instance':>15}  ok")
        for count in options.counts:
            ids = [str(n) for n in range(count)]
            cpu, wall = time.process_time(), time.perf_counter()
            summary = fan_out(
                client,
                "rg",
                "vmss",
                ids,
                f"scale-{count}",
                body,
                max_in_flight=options.in_flight,
                throttle=throttle,
                polling_interval=0,
            ).wait()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(
                f"{count:>9}  {wall:>7.2f}  {cpu:>6.2f}  {cpu * 1000 / count:>15.2f}  "
                f"{len(summary.succeeded)}/{count}"
            )
        client.close()
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)


if __name__ == "__main__":
    main()
