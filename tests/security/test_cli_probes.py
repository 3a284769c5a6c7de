"""The command-line tool against a hostile endpoint: a token it took from the environment (so
not one of the command line's own secret values) and the password it sent never come back out
at ``--debug``, in the error it prints, or in its output, whatever the server echoes them in."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
from hostile import HostileServer, Request

TOKEN = "cli-probe-token-7a5c31"
PASSWORD = "cli-probe-Password-6210"


def echo_everything(status_line: str) -> object:
    def handle(conn: socket.socket, request: Request) -> None:
        sent = request.header("authorization") or ""
        body = {
            "error": {
                "code": "Echo",
                "message": f"saw {sent} and {request.body.decode(errors='replace')}",
            }
        }
        data = json.dumps(body).encode()
        head = (
            f"{status_line.format(sent=sent)}\r\nContent-Type: application/json\r\n"
            f'WWW-Authenticate: Bearer error="invalid_token", seen="{sent}"\r\n'
            f"Content-Length: {len(data)}\r\n\r\n"
        )
        conn.sendall(head.encode("latin-1") + data)

    return handle


def run_cli(server: HostileServer, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "VMSS_"))}
    environment["VMSS_RUNCOMMANDS_ENDPOINT"] = server.base_url
    environment["VMSS_RUNCOMMANDS_TOKEN"] = TOKEN
    return subprocess.run(
        [sys.executable, "-m", "vmss_runcommands", *args, "--debug"],
        capture_output=True,
        text=True,
        input="",
        env=environment,
        timeout=120,
        check=False,
    )


GROUP = ["-g", "rg", "--vmss-name", "ss", "--instance-id", "0", "--name", "rc"]


@pytest.mark.parametrize(
    "status_line", ["HTTP/1.1 400 {sent}", "HTTP/1.1 500 Internal Server Error", "HTTP/9 {sent}"]
)
def test_the_cli_shows_no_echoed_token_or_password(status_line: str, good: HostileServer) -> None:
    good.handler = echo_everything(status_line)
    created = run_cli(
        good,
        "create",
        *GROUP,
        "--script",
        "echo hi",
        "-l",
        "westus",
        "--run-as-user",
        "ops",
        "--run-as-password",
        PASSWORD,
    )
    shown = run_cli(good, "show", *GROUP)
    requests = good.requests
    assert any(r.header("authorization") == f"Bearer {TOKEN}" for r in requests)  # it was sent
    assert any(PASSWORD in r.body.decode() for r in requests)
    for done in (created, shown):
        assert done.returncode != 0
        assert "Request:" in done.stderr  # the --debug log was on
        for secret in (TOKEN, PASSWORD):
            assert secret not in done.stdout and secret not in done.stderr, secret


def test_a_response_with_the_token_in_a_malformed_header_stays_out_of_the_cli(
    good: HostileServer,
) -> None:
    def handle(conn: socket.socket, request: Request) -> None:
        sent = request.header("authorization")
        body = json.dumps({"name": "rc", "location": "westus", "properties": {}}).encode()
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n{sent}\r\n\r\n"
        conn.sendall(head.encode("latin-1") + body)

    good.handler = handle
    done = run_cli(good, "show", *GROUP)
    assert good.requests
    assert TOKEN not in done.stdout and TOKEN not in done.stderr
