"""From the connection options to a client: cloud or endpoint, credential, subscription."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .. import RunCommandsClient
from ..runtime.clouds import cloud_by_name
from ..workflows import Throttle
from .parser import ENDPOINT_VARIABLE, TOKEN_VARIABLE, UsageError

__all__ = ["CLOUD_NAMES", "Connection", "StaticTokenCredential", "cloud_endpoint", "connect"]

# --cloud takes az's short names; the client knows each cloud by its full one.
CLOUD_NAMES = {"public": "AzureCloud", "china": "AzureChinaCloud", "usgov": "AzureUSGovernment"}
_AUTHORITY_HOSTS = {
    "public": "login.microsoftonline.com",
    "china": "login.chinacloudapi.cn",
    "usgov": "login.microsoftonline.us",
}
# Azure answers long-running operations with Retry-After; this only applies when it does not.
_CLOUD_POLLING_INTERVAL = 5.0
_EMULATOR_POLLING_INTERVAL = 0.1
_STATIC_TOKEN_LIFETIME = 3600


class AuthenticationSetupError(Exception):
    """No credential can be built (azure-identity missing); exit as an authentication error."""


class _AccessToken(NamedTuple):
    token: str
    expires_on: int


class StaticTokenCredential:
    """Hands out one bearer token given on the command line (``--emulator-token``)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        **kwargs: Any,
    ) -> _AccessToken:
        return _AccessToken(self._token, int(time.time()) + _STATIC_TOKEN_LIFETIME)

    def __repr__(self) -> str:
        return "StaticTokenCredential(token=***)"


@dataclass
class Connection:
    """A client and what to release after it; ``emulator`` tells messages what to suggest."""

    client: RunCommandsClient
    endpoint: str
    polling_interval: float
    emulator: bool
    throttle: Throttle | None = None
    _closers: list[Callable[[], object]] = field(default_factory=list)

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()


def connect(args: argparse.Namespace, *, concurrency: int = 1) -> Connection:
    """The client the options describe; for ``concurrency`` > 1 its pool keeps that many
    connections and its retries report throttling to a shared :class:`Throttle`."""
    if args.emulator:
        if args.endpoint or args.emulator_token:
            raise UsageError(
                "--emulator starts its own emulator; leave out --endpoint and --emulator-token"
            )
        return _embedded_emulator(args, concurrency)
    # The options win over the variables `python -m vmss_runcommands.emulator` prints.
    endpoint_option = args.endpoint or os.environ.get(ENDPOINT_VARIABLE) or None
    token = args.emulator_token or os.environ.get(TOKEN_VARIABLE) or None
    if token and not endpoint_option:
        raise UsageError(
            f"--emulator-token (or {TOKEN_VARIABLE}) needs --endpoint (or {ENDPOINT_VARIABLE}): "
            "the emulator's address"
        )
    endpoint = endpoint_option or cloud_endpoint(args.cloud)
    closers: list[Callable[[], object]] = []
    if token:
        from ..emulator import DEFAULT_SUBSCRIPTION_ID

        credential: Any = StaticTokenCredential(token)
        subscription = (
            args.subscription or os.environ.get("AZURE_SUBSCRIPTION_ID") or DEFAULT_SUBSCRIPTION_ID
        )
        interval = _EMULATOR_POLLING_INTERVAL
    else:
        subscription = args.subscription or os.environ.get("AZURE_SUBSCRIPTION_ID", "")
        if not subscription.strip():
            raise UsageError(
                "no subscription: pass --subscription or set AZURE_SUBSCRIPTION_ID "
                "(`az account show --query id -o tsv` prints yours)"
            )
        credential = _azure_credential(args.cloud)
        closers.append(credential.close)
        interval = _CLOUD_POLLING_INTERVAL
    return _connection(
        credential,
        subscription,
        endpoint,
        polling_interval=interval,
        emulator=bool(token),
        concurrency=concurrency,
        closers=closers,
    )


def cloud_endpoint(cloud: str) -> str:
    """The Resource Manager endpoint of a ``--cloud`` choice."""
    return cloud_by_name(CLOUD_NAMES[cloud]).resource_manager


def _embedded_emulator(args: argparse.Namespace, concurrency: int) -> Connection:
    from ..emulator import DEFAULT_SUBSCRIPTION_ID, ArmEmulator

    emulator = ArmEmulator(subscription_id=args.subscription or DEFAULT_SUBSCRIPTION_ID).start()
    return _connection(
        emulator.credential,
        emulator.subscription_id,
        emulator.base_url,
        polling_interval=_EMULATOR_POLLING_INTERVAL,
        emulator=True,
        concurrency=concurrency,
        closers=[emulator.stop],
    )


def _connection(
    credential: Any,
    subscription: str,
    endpoint: str,
    *,
    polling_interval: float,
    emulator: bool,
    concurrency: int,
    closers: list[Callable[[], object]],
) -> Connection:
    throttle = Throttle() if concurrency > 1 else None
    try:
        client = RunCommandsClient(
            credential,
            subscription,
            base_url=endpoint,
            polling_interval=polling_interval,
            user_agent="vmss-runcommands-cli",
            retry_policy=None if throttle is None else throttle.retry_policy(),
            pool_maxsize=max(concurrency, 1),
        )
    except (TypeError, ValueError) as exc:
        for closer in reversed(closers):
            closer()
        raise UsageError(f"--endpoint or --subscription: {exc}") from None
    connection = Connection(
        client=client,
        endpoint=endpoint,
        polling_interval=polling_interval,
        emulator=emulator,
        throttle=throttle,
    )
    connection._closers.extend(closers)
    connection._closers.append(client.close)
    return connection


def _azure_credential(cloud: str) -> Any:
    try:
        from azure.identity import DefaultAzureCredential
    except ImportError:
        raise AuthenticationSetupError(
            "azure-identity is not installed, so no Azure credential is available. Install it "
            '(the identity extra) with: pip install "azure-identity>=1.15" -- or try the tool '
            "with --emulator"
        ) from None
    return DefaultAzureCredential(authority=_AUTHORITY_HOSTS[cloud])
