"""The client's options and their defaults, defined once.

``ArmClient``, ``AsyncArmClient`` and the generated clients all take their keyword defaults from
:data:`CLIENT_DEFAULTS`, so a default is changed here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import urllib3

from .body import DEFAULT_MAX_RESPONSE_BODY
from .retry import RetryPolicy
from .transport import DEFAULT_POOL_MAXSIZE

__all__ = ["CLIENT_DEFAULTS", "ClientOptions"]


@attrs.frozen(kw_only=True)
class ClientOptions:
    """A client's connection and behaviour options (see the generated client for each)."""

    base_url: str | None = None
    cloud: str | None = None
    cloud_setting: str | None = None
    connection_verify: bool | str = True
    pool_manager: urllib3.PoolManager | None = None
    polling_interval: float = 30.0
    retry_policy: RetryPolicy | None = None
    user_agent: str | None = None
    connection_timeout: float = 30.0
    read_timeout: float = 300.0
    credential_scopes: Sequence[str] | None = None
    pool_maxsize: int = DEFAULT_POOL_MAXSIZE
    max_response_body: int = DEFAULT_MAX_RESPONSE_BODY


CLIENT_DEFAULTS = ClientOptions()
"""Every option at its default: the one source of the clients' keyword defaults."""
