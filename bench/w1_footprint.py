"""W1: cold-process import (and import + construct) wall time and peak RSS; installed sizes.

Each statement runs in a new ``python -I -c`` process from an empty folder (so nothing in the
source tree shadows the installed packages); byte-code caches are warm, as after any install.
CPU time (user + system) comes from ``os.wait4``; it moves less than wall time on a busy
machine. Peak RSS is the child's ``VmHWM`` from ``/proc/self/status``, read as its last act:
``ru_maxrss`` would also count the pages of this (large) process the child shared before exec.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from types import ModuleType

from .stats import Summary, rotated

BASELINES = {
    "python -c pass": "pass\n",
    "import attrs, cattrs, urllib3": "import attrs, cattrs, urllib3\n",
}


class StatementFailed(RuntimeError):
    """A measured statement exited non-zero: its timing would be of an error path."""


def statements(contenders: dict[str, ModuleType]) -> dict[str, str]:
    """Label -> code, baselines first."""
    chosen = dict(BASELINES)
    for name, module in contenders.items():
        chosen[f"{name}: import"] = module.import_code()
        chosen[f"{name}: import + construct"] = module.construct_code()
    return chosen


# Appended to every statement: print the process's peak RSS in KiB.
_PEAK_RSS = (
    "\nwith open('/proc/self/status') as _status:\n"
    "    print(next(l for l in _status if l.startswith('VmHWM:')).split()[1])\n"
)


def _measure(code: str, folder: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS in MiB of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-I", "-c", code + _PEAK_RSS],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Both outputs are small enough for the pipes' buffers, so waiting first cannot block.
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.stdout is not None and process.stderr is not None
    with process.stdout, process.stderr:
        output, errors = process.stdout.read(), process.stderr.read()
    if process.returncode != 0:
        raise StatementFailed(f"{code!r} failed:\n{errors.decode(errors='replace')}")
    return elapsed, usage.ru_utime + usage.ru_stime, int(output.split()[-1]) / 1024.0


def run(contenders: dict[str, ModuleType], *, repeats: int) -> dict[str, dict[str, Summary]]:
    """Per statement: ``wall`` and ``cpu`` seconds and ``rss`` MiB; interleaved in each repeat."""
    chosen = statements(contenders)
    samples: dict[str, dict[str, list[float]]] = {
        label: {"wall": [], "cpu": [], "rss": []} for label in chosen
    }
    with tempfile.TemporaryDirectory() as folder:
        for code in chosen.values():
            _measure(code, folder)  # warm the byte-code and file caches
        for turn in range(repeats):
            for label in rotated(list(chosen), turn):
                wall, cpu, peak = _measure(chosen[label], folder)
                samples[label]["wall"].append(wall)
                samples[label]["cpu"].append(cpu)
                samples[label]["rss"].append(peak)
    return {
        label: {kind: Summary.of(values) for kind, values in figures.items()}
        for label, figures in samples.items()
    }


# -- installed size ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    """Bytes a set of distributions installed: code and data, and their byte-code caches."""

    code: int
    pycache: int
    distributions: tuple[str, ...]

    @property
    def total(self) -> int:
        return self.code + self.pycache

    def as_json(self) -> dict[str, object]:
        return {
            "code_bytes": self.code,
            "pycache_bytes": self.pycache,
            "total_bytes": self.total,
            "distributions": list(self.distributions),
        }


def _distribution(name: str) -> metadata.Distribution:
    """The installed one (a source checkout on sys.path may also carry an egg-info)."""
    for dist in metadata.distributions(name=name):
        if any(f.name == "RECORD" for f in dist.files or []):
            return dist
    return metadata.distribution(name)


def _one(dist: metadata.Distribution) -> tuple[int, int]:
    code = pycache = 0
    for entry in dist.files or []:
        parts = entry.parts
        # Metadata and files outside site-packages (console scripts) are not the package.
        if parts[0] == ".." or parts[0].endswith(".dist-info"):
            continue
        path = entry.locate()
        if not os.path.isfile(path):
            continue
        size = os.path.getsize(path)
        if "__pycache__" in parts:
            pycache += size
        else:
            code += size
    return code, pycache


def _requirements(dist: metadata.Distribution) -> list[str]:
    from packaging.requirements import Requirement

    names = []
    for text in dist.requires or []:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        names.append(requirement.name)
    return names


def installed_size(name: str, *, closure: bool) -> Size:
    """The distribution alone, or with every distribution it requires (extras left out)."""
    seen: dict[str, metadata.Distribution] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        key = current.lower().replace("_", "-")
        if key in seen:
            continue
        dist = _distribution(current)
        seen[key] = dist
        if closure:
            pending.extend(_requirements(dist))
    code = pycache = 0
    for dist in seen.values():
        more_code, more_pycache = _one(dist)
        code += more_code
        pycache += more_pycache
    return Size(code, pycache, tuple(sorted(seen)))


def sizes(contenders: dict[str, ModuleType]) -> dict[str, dict[str, Size]]:
    return {
        name: {
            "package": installed_size(module.DISTRIBUTION, closure=False),
            "closure": installed_size(module.DISTRIBUTION, closure=True),
        }
        for name, module in contenders.items()
    }
