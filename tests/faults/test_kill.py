"""The kill test: an LRO started in one process survives that process being killed."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from lro_child import INSTANCE, NAME, PASSWORD, RG, VMSS
from vmss_runcommands import RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator

CHILD = Path(__file__).with_name("lro_child.py")


def _child_env(bearer: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(entry for entry in sys.path if entry)
    env["LRO_CHILD_BEARER"] = bearer
    return env


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    """The first line the process prints; "" if it prints none within ``timeout``."""
    lines: list[str] = []
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0].strip() if lines else ""


def test_a_killed_process_s_operation_is_finished_by_another_from_its_token() -> None:
    with ArmEmulator(polls_before_done=1, retry_after=0) as emu:
        bearer = emu.credential.get_token("https://management.azure.com/.default").token
        env = _child_env(bearer)
        args = [emu.base_url, emu.subscription_id]
        first = subprocess.Popen(
            [sys.executable, str(CHILD), "start", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            token = _first_line(first, timeout=60)
        finally:
            first.kill()
            _, errors = first.communicate(timeout=30)
        assert token, errors
        assert first.returncode != 0  # killed while waiting, not finished
        # The PUT, and perhaps the immediate first poll before the kill landed.
        before = emu.requests
        assert (before[0].method, before[0].status) == ("PUT", 201)
        assert all("/operations/" in r.path for r in before[1:]) and len(before) <= 2

        second = subprocess.run(
            [sys.executable, str(CHILD), "resume", *args],
            input=token + "\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert second.returncode == 0, second.stderr
        resumed = json.loads(second.stdout)

        with RunCommandsClient(emu.credential, emu.subscription_id, base_url=emu.base_url) as c:
            stored = c.virtual_machine_scale_set_vm_run_commands.get(RG, VMSS, INSTANCE, NAME)
        assert resumed == stored.to_dict(keep_readonly=True)
        assert resumed["properties"]["provisioningState"] == "Succeeded"
        assert resumed["name"] == NAME

        methods = [r.method for r in emu.requests]
        assert methods.count("PUT") == 1
        # Both processes spoke for the same operation: one client request id throughout.
        lro_requests = emu.requests[:-1]  # the last one is the check above
        assert len({r.headers["x-ms-client-request-id"] for r in lro_requests}) == 1
        # The token carries neither the password nor the bearer token.
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        for secret in (PASSWORD, bearer):
            assert secret not in token and secret not in decoded
