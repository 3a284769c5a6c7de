"""The keyword options of the clients :meth:`ArmEmulator.client` and
:meth:`ArmEmulator.async_client` build, typed for a user's type checker.

Type checkers only: nothing here is imported at run time, so the emulator still imports no
client. tests/emulator/test_emu_clients.py keeps the keys equal to the clients' keywords.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

import urllib3

from ..runtime.retry import RetryPolicy

__all__ = ["AsyncClientOptions", "ClientOptions"]


class AsyncClientOptions(TypedDict, total=False):
    """Keywords of ``vmss_runcommands.aio.RunCommandsClient`` (see its docstring)."""

    api_version: str | None
    base_url: str | None
    cloud: str | None
    cloud_setting: str | None
    connection_verify: bool | str
    polling_interval: float
    retry_policy: RetryPolicy | None
    user_agent: str | None
    connection_timeout: float
    read_timeout: float
    credential_scopes: Sequence[str] | None
    pool_maxsize: int
    max_response_body: int


class ClientOptions(AsyncClientOptions, total=False):
    """Keywords of ``vmss_runcommands.RunCommandsClient``: the async ones and a pool."""

    pool_manager: urllib3.PoolManager | None
