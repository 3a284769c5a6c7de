"""A live status line on a terminal (elapsed time and state, or a progress bar); nothing at
all when the stream is not a terminal, so pipes and logs stay clean."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

from ..workflows import FanOutProgress

__all__ = ["StatusLine", "progress_text"]

_REFRESH_SECONDS = 0.2
_SPINNER = "|/-\\"
_CLEAR_LINE = "\r\x1b[2K"
_BAR_WIDTH = 24


class StatusLine:
    """Redraws ``describe()`` with the elapsed time every 0.2 s from a background thread.

    Use as a context manager; :meth:`write` prints a line above the status line.
    """

    def __init__(self, stream: TextIO, describe: Callable[[], str], *, enabled: bool) -> None:
        self._stream = stream
        self._describe = describe
        self._enabled = enabled
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._frame = 0

    @staticmethod
    def wanted(stream: TextIO) -> bool:
        """Whether ``stream`` is an interactive terminal."""
        isatty = getattr(stream, "isatty", None)
        return bool(isatty and isatty())

    def __enter__(self) -> StatusLine:
        if self._enabled:
            self._thread = threading.Thread(target=self._run, name="status-line", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._clear()

    def write(self, text: str, stream: TextIO) -> None:
        """Print ``text`` to ``stream`` without tearing the status line."""
        with self._lock:
            if self._enabled:
                self._stream.write(_CLEAR_LINE)
                self._stream.flush()
            stream.write(text)
            stream.flush()

    def _run(self) -> None:
        while not self._stop.wait(_REFRESH_SECONDS):
            self._draw()

    def _draw(self) -> None:
        elapsed = time.monotonic() - self._started
        spinner = _SPINNER[self._frame % len(_SPINNER)]
        self._frame += 1
        text = f"{spinner} {elapsed:6.1f}s  {self._describe()}"
        width = max(10, self._columns() - 1)
        with self._lock:
            self._stream.write(_CLEAR_LINE + text[:width])
            self._stream.flush()

    def _columns(self) -> int:
        # The status stream's own terminal: stdout may well be a pipe.
        try:
            columns = os.get_terminal_size(self._stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            columns = 0
        return columns or shutil.get_terminal_size().columns

    def _clear(self) -> None:
        if self._enabled:
            with self._lock:
                self._stream.write(_CLEAR_LINE)
                self._stream.flush()


def progress_text(progress: FanOutProgress) -> str:
    """``[#####.....] 340/1000  ok 330  failed 8  errored 2  in flight 32``."""
    filled = _BAR_WIDTH * progress.done // progress.total if progress.total else _BAR_WIDTH
    bar = "#" * filled + "." * (_BAR_WIDTH - filled)
    return (
        f"[{bar}] {progress.done}/{progress.total}  ok {progress.succeeded}  "
        f"failed {progress.failed}  errored {progress.errored}  in flight {progress.in_flight}"
    )
