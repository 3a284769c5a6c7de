"""Handwritten runtime shared by every generated api-version: HTTP, auth, polling, errors.

Nothing in this package knows about a particular operation of the API; the generated code
describes operations and calls into it.
"""

from .log_redaction import install_urllib3_log_redaction

install_urllib3_log_redaction()
