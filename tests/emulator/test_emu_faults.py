"""fail_next: scripted failures answered before normal processing."""

from __future__ import annotations

import pytest


def test_fail_next_with_count(arm):
    arm.emu.fail_next(503, "ServerBusy", "try later", count=2, headers={"Retry-After": "1"})
    for _ in range(2):
        response = arm.get("cmd")
        assert response.status == 503
        assert arm.error(response) == {"code": "ServerBusy", "message": "try later"}
        assert response.headers["Retry-After"] == "1"
        assert "x-ms-request-id" in response.headers
    assert arm.get("cmd").status == 404
    assert [r.status for r in arm.emu.requests] == [503, 503, 404]


def test_fail_next_with_raw_html_body(arm):
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    arm.emu.fail_next(502, body=page)
    response = arm.get("cmd")
    assert response.status == 502
    assert response.data == page
    assert response.headers["Content-Type"].startswith("text/html")


def test_fail_next_runs_before_auth_and_validation(arm):
    arm.emu.fail_next(500)
    response = arm.request("GET", arm.url("cmd"), auth=False)
    assert response.status == 500
    assert arm.error(response)["code"] == "InternalServerError"
    assert arm.emu.requests[0].headers.get("Authorization") is None


def test_fail_next_filters_on_method_and_path(arm):
    arm.emu.fail_next(429, "TooManyRequests", method="PUT", path_contains="/RUNCOMMANDS/b")
    assert arm.get("b").status == 404, "method does not match"
    assert arm.put("a", {"location": "westus"}).status == 201, "path does not match"
    assert arm.put("b", {"location": "westus"}).status == 429
    assert arm.put("b", {"location": "westus"}).status == 201


def test_fail_next_on_polls(arm):
    created = arm.put("cmd", {"location": "westus"})
    arm.emu.fail_next(500, path_contains="/operations/")
    operation_url = created.headers["Azure-AsyncOperation"]
    assert arm.poll(operation_url).status == 500
    assert arm.wait(created)["status"] == "Succeeded"


def test_fail_next_matches_decoded_paths(arm):
    arm.emu.fail_next(500, path_contains="run command/1")
    assert arm.get("run command/1").status == 500


def test_fail_next_rules_are_fifo(arm):
    arm.emu.fail_next(500)
    arm.emu.fail_next(502)
    assert [arm.get("x").status for _ in range(3)] == [500, 502, 404]


@pytest.mark.parametrize("kwargs", [{"status": 42}, {"status": 500, "count": 0}])
def test_fail_next_rejects_nonsense(emu, kwargs):
    with pytest.raises(ValueError):
        emu.fail_next(**kwargs)
