"""urllib3's own log records, with query values masked before any handler sees them.

urllib3 logs each request line (``"GET /path?query HTTP/1.1" 200``), its retries and its
redirects at DEBUG, full URLs included; with DEBUG logging turned on for the root logger a SAS
signature or a skip token would reach the log. A filter on each urllib3 logger rewrites the
record in place: the message with every query value except ``api-version`` masked, and the
traceback text likewise, bearer tokens and signatures masked, and the header lines urllib3
quotes when it cannot parse them left out. The runtime's own log lines are already redacted
where they are made.
"""

from __future__ import annotations

import logging
import re

from .redact import mask_free_text, mask_query_values

__all__ = ["URLLIB3_LOGGERS", "QueryValueFilter", "install_urllib3_log_redaction"]

URLLIB3_LOGGERS = (
    "urllib3",
    "urllib3.connection",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
    "urllib3.http2.connection",
    "urllib3.contrib.pyopenssl",
)
"""Every logger urllib3 2.x logs to (a logger's filters do not apply to its children)."""

_MARKER = "masks_query_values"


class QueryValueFilter(logging.Filter):
    """Rewrites a record's message and traceback with query values masked; drops nothing."""

    masks_query_values = True

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging module's to report, not ours
            return True
        masked = _masked(message)
        if masked != message:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = _masked(text)
        return True


# urllib3 quotes header lines it could not parse ("unparsed data: '...'"): bytes the server
# sent, which a hostile one fills with the token it was sent. Never shown.
_UNPARSED_DATA = re.compile(r"(unparsed data: ).*", re.DOTALL)


def _masked(text: str) -> str:
    return mask_free_text(mask_query_values(_UNPARSED_DATA.sub(r"\1(not shown)", text)))


def install_urllib3_log_redaction() -> None:
    """Add the filter to every urllib3 logger, once (also across vendored copies)."""
    for name in URLLIB3_LOGGERS:
        logger = logging.getLogger(name)
        if not any(getattr(existing, _MARKER, False) for existing in logger.filters):
            logger.addFilter(QueryValueFilter())
