"""Child process of the kill test.

``start BASE_URL SUBSCRIPTION``: begin a create, print its continuation token, then wait for
the result (the parent kills it first). ``resume BASE_URL SUBSCRIPTION``: read a token from
stdin, resume the operation and print the final resource as JSON.
The bearer token comes from the ``LRO_CHILD_BEARER`` environment variable.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, NamedTuple

from vmss_runcommands import RunCommandsClient
from vmss_runcommands.models import VirtualMachineRunCommand, VirtualMachineRunCommandScriptSource

RG, VMSS, INSTANCE, NAME = "rg", "vmss", "0", "survivor"
PASSWORD = "kill-test-password-0f9e"


class _Token(NamedTuple):
    token: str
    expires_on: int


class StaticCredential:
    """A credential holding one token minted by the parent's emulator."""

    def __init__(self, token: str) -> None:
        self._token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> _Token:
        return _Token(self._token, int(time.time()) + 3600)


def main(argv: list[str]) -> int:
    mode, base_url, subscription_id = argv[1:4]
    credential = StaticCredential(os.environ["LRO_CHILD_BEARER"])
    client = RunCommandsClient(credential, subscription_id, base_url=base_url)
    ops = client.virtual_machine_scale_set_vm_run_commands
    if mode == "start":
        command = VirtualMachineRunCommand(
            location="westus",
            source=VirtualMachineRunCommandScriptSource(script="echo survive"),
            run_as_user="ops",
            run_as_password=PASSWORD,
        )
        # An hour between polls: this process only ever sends the PUT before it is killed.
        poller = ops.begin_create_or_update(
            RG, VMSS, INSTANCE, NAME, command, polling_interval=3600
        )
        print(poller.continuation_token(), flush=True)
        poller.result()
        return 1
    token = sys.stdin.readline().strip()
    poller = ops.begin_create_or_update(
        RG, VMSS, INSTANCE, NAME, None, continuation_token=token, polling_interval=0
    )
    print(json.dumps(poller.result().to_dict(keep_readonly=True)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
