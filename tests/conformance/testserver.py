"""Install and run Microsoft's AutoRest test server (npm ``@microsoft.azure/autorest.testserver``).

The package is installed, pinned, into a cache folder of the project (never globally). The
server is started with a preload (``loopback.cjs``) that makes it listen on 127.0.0.1 only, on a
port the system picks; it is stopped by its process id, also at interpreter exit.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

PACKAGE = "@microsoft.azure/autorest.testserver"
VERSION = "3.3.51"
HERE = Path(__file__).resolve().parent
LOOPBACK_PRELOAD = HERE / "loopback.cjs"
_STARTED = re.compile(r"Started server on port (\d+)")


class TestServerError(RuntimeError):
    """The test server could not be installed or started."""


def install(cache: Path) -> Path:
    """The installed package folder; runs ``npm install`` only when the pinned version is absent."""
    package_dir = cache / "node_modules" / PACKAGE
    manifest = package_dir / "package.json"
    if manifest.is_file() and json.loads(manifest.read_text())["version"] == VERSION:
        return package_dir
    npm = shutil.which("npm")
    if npm is None:
        raise TestServerError("npm is required to install the AutoRest test server")
    cache.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(cache),
            "--no-audit",
            "--no-fund",
            "--no-save",
            "--ignore-scripts",
            f"{PACKAGE}@{VERSION}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not manifest.is_file():
        raise TestServerError(f"npm install {PACKAGE}@{VERSION} failed:\n{result.stderr[-2000:]}")
    return package_dir


class TestServer:
    """One running test server; ``base_url`` is ``http://127.0.0.1:<port>``."""

    __test__ = False  # not a pytest test class

    def __init__(self, package_dir: Path, log_file: Path, startup_timeout: float = 60.0) -> None:
        self.package_dir = package_dir
        self.log_file = log_file
        self.startup_timeout = startup_timeout
        self.pid: int | None = None
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise TestServerError("the test server is not running")
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        node = shutil.which("node")
        if node is None:
            raise TestServerError("node is required to run the AutoRest test server")
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        coverage = self.log_file.parent / "coverage"
        with self.log_file.open("wb") as log:
            self._process = subprocess.Popen(
                [
                    node,
                    "--require",
                    str(LOOPBACK_PRELOAD),
                    str(self.package_dir / "dist" / "cli" / "cli.js"),
                    "run",
                    "--port",
                    "0",
                    "--coverageDirectory",
                    str(coverage),
                ],
                cwd=self.log_file.parent,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid = self._process.pid
        atexit.register(self.stop)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise TestServerError(f"the test server exited early; see {self.log_file}")
            match = _STARTED.search(_plain(self.log_file.read_text(errors="replace")))
            if match and _accepts(int(match.group(1))):
                self.port = int(match.group(1))
                return self.base_url
            time.sleep(0.1)
        self.stop()
        raise TestServerError(f"the test server did not start in {self.startup_timeout:.0f} s")

    def stop(self) -> None:
        """Stop the server by its process id (SIGTERM, then SIGKILL after 10 s)."""
        process, self._process = self._process, None
        self.port = None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def __enter__(self) -> TestServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _plain(text: str) -> str:
    """The log without terminal colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
