"""Logging as an application configures it (WARNING and up), with records counted, not printed."""

from __future__ import annotations

import logging


class Tally(logging.Handler):
    """Formats every record, as a real handler would, then counts it instead of writing it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.setFormatter(logging.Formatter(logging.BASIC_FORMAT))
        self.count = 0
        self.last: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        # Handler.handle holds the handler's lock around emit: safe from many threads.
        self.last = self.format(record)
        self.count += 1

    def take(self) -> tuple[int, str | None]:
        """The records counted since the last call, and the latest one."""
        self.acquire()
        try:
            taken = self.count, self.last
            self.count, self.last = 0, None
        finally:
            self.release()
        return taken


def install() -> Tally:
    """Root logger at WARNING with the tally as its only handler."""
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    tally = Tally()
    root.addHandler(tally)
    return tally
