"""runAsPassword and protectedParameters are stored but never come back; tokens are redacted."""

from __future__ import annotations

import pytest

PASSWORD = "Sup3r-S3cret-Pa55"
PROTECTED = "pr0tected-value"
SECRET_BODY = {
    "location": "westus",
    "properties": {
        "source": {"script": "echo"},
        "runAsUser": "alice",
        "runAsPassword": PASSWORD,
        "protectedParameters": [{"name": "key", "value": PROTECTED}],
    },
}


def _assert_clean(data: bytes) -> None:
    for secret in (PASSWORD, PROTECTED, "runAsPassword", "protectedParameters"):
        assert secret.encode() not in data


def test_secrets_never_echoed(arm):
    responses = []
    created = arm.put("cmd", SECRET_BODY)
    responses.append(created)
    operation_url = created.headers["Azure-AsyncOperation"]
    responses += [arm.poll(operation_url), arm.poll(operation_url)]
    responses += [arm.get("cmd"), arm.get("cmd", expand=True)]
    responses.append(arm.request("GET", arm.url()))
    responses.append(arm.request("GET", arm.url(query="&$expand=instanceView")))
    patched = arm.patch("cmd", {"properties": {"runAsPassword": "new-" + PASSWORD}})
    responses.append(patched)
    responses.append(arm.poll(patched.headers["Azure-AsyncOperation"]))
    responses.append(arm.put("cmd", SECRET_BODY))  # 409 while the PATCH is running
    for response in responses:
        assert response.status < 500
        _assert_clean(response.data)
    assert arm.get("cmd").json()["properties"]["runAsUser"] == "alice"


def test_secrets_are_stored(arm):
    arm.put("cmd", SECRET_BODY)
    [stored] = arm.emu.run_commands.values()
    assert stored["properties"]["runAsPassword"] == PASSWORD
    assert stored["properties"]["protectedParameters"][0]["value"] == PROTECTED


def test_recorded_requests_redact_authorization(arm):
    arm.put("cmd", SECRET_BODY)
    [recorded] = arm.emu.requests
    assert recorded.method == "PUT"
    assert recorded.path.endswith("/runCommands/cmd")
    assert recorded.query == {"api-version": "2024-07-01"}
    assert recorded.status == 201
    assert recorded.headers["Authorization"] == "REDACTED"
    assert arm.token not in repr(recorded)
    # The body is what the client sent (tests may assert on it) but repr never shows it.
    assert recorded.json()["properties"]["runAsPassword"] == PASSWORD
    assert PASSWORD not in repr(recorded)


def test_snapshot_is_read_only(arm):
    arm.put("cmd", SECRET_BODY)
    snapshot = arm.emu.run_commands
    with pytest.raises(TypeError):
        snapshot["x"] = {}  # type: ignore[index]
    next(iter(snapshot.values()))["properties"]["runAsUser"] = "mallory"
    assert arm.get("cmd").json()["properties"]["runAsUser"] == "alice"
