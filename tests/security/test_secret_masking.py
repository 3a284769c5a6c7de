"""SAS signatures never show in a model's repr/str, and urllib3's own log lines never show a
query value."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from lro_script_server import Reply, ScriptServer, script_server
from vmss_runcommands.models import (
    RunCommandManagedIdentity,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.runtime.http import HttpRequest
from vmss_runcommands.runtime.log_redaction import URLLIB3_LOGGERS
from vmss_runcommands.runtime.retry import RetryPolicy
from vmss_runcommands.runtime.transport import Urllib3Transport

SIGS = ("s1gnature-0ne", "s1gnature-tw0", "s1gnature-thr33", "s1gnature-f0ur")


def blob(container: str, sig: str, name: str = "sig") -> str:
    return f"https://acct.blob.core.windows.net/{container}/x.txt?sv=2022-11-02&{name}={sig}&sp=rw"


def test_sas_signatures_in_url_fields_are_masked_in_repr_and_str() -> None:
    command = VirtualMachineRunCommand(
        location="westus",
        source=VirtualMachineRunCommandScriptSource(
            script_uri=blob("scripts", SIGS[0]),
            script_uri_managed_identity=RunCommandManagedIdentity(client_id="c"),
        ),
        output_blob_uri=blob("out", SIGS[1]),
        error_blob_uri=blob("err", SIGS[2], name="SIG"),
    )
    for shown in (repr(command), str(command), repr(command.source), f"{[command]}"):
        for sig in SIGS[:3]:
            assert sig not in shown
        assert "sig=REDACTED" in shown or "SIG=REDACTED" in shown
    assert "sv=2022-11-02" in repr(command)  # the rest of the URL still helps debugging
    wire = command.to_dict()  # what is sent keeps the signature, of course
    assert wire["properties"]["outputBlobUri"] == blob("out", SIGS[1])


def test_sas_signatures_in_unknown_fields_are_masked_in_repr() -> None:
    command = VirtualMachineRunCommand.from_dict(
        {"location": "westus", "futureBlobUri": blob("f", SIGS[3])}
    )
    assert SIGS[3] not in repr(command)
    assert command.to_dict()["futureBlobUri"] == blob("f", SIGS[3])


@pytest.fixture
def server() -> Iterator[ScriptServer]:
    with script_server() as running:
        yield running


def test_urllib3_log_lines_never_show_query_values(
    server: ScriptServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.reply(Reply(503, {"error": {"code": "Busy"}}), Reply(200, {"ok": True}))
    transport = Urllib3Transport(retry_policy=RetryPolicy(sleep=lambda _: None))
    url = f"{server.base}/c/x?api-version=2024-07-01&sig={SIGS[0]}&$skiptoken={SIGS[1]}"
    assert transport.send(HttpRequest("GET", url)).status_code == 200
    urllib3_lines = [r.getMessage() for r in caplog.records if r.name.startswith("urllib3")]
    assert any('"GET /c/x?' in line for line in urllib3_lines)  # urllib3 did log the request
    for line in urllib3_lines:
        assert SIGS[0] not in line and SIGS[1] not in line
    assert any("api-version=2024-07-01&sig=REDACTED" in line for line in urllib3_lines)


def test_urllib3_tracebacks_are_masked_too(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    try:
        raise ConnectionError(f"broken: {blob('c', SIGS[2])}")
    except ConnectionError:
        logging.getLogger("urllib3.connectionpool").exception("failed %s", blob("c", SIGS[3]))
    shown = caplog.text
    assert "broken:" in shown and "failed" in shown
    assert SIGS[2] not in shown and SIGS[3] not in shown


def test_every_urllib3_logger_is_filtered_once() -> None:
    import vmss_runcommands.runtime as runtime_package
    from vmss_runcommands.runtime.log_redaction import install_urllib3_log_redaction

    assert runtime_package is not None
    install_urllib3_log_redaction()  # a second install (e.g. a vendored copy) adds nothing
    for name in URLLIB3_LOGGERS:
        filters = logging.getLogger(name).filters
        assert sum(getattr(f, "masks_query_values", False) for f in filters) == 1


def test_a_protected_parameter_shows_its_name_only_wherever_it_is_printed() -> None:
    from vmss_runcommands.models import RunCommandInputParameter

    protected = [RunCommandInputParameter(name="API_KEY", value="protected-v4lue")]
    command = VirtualMachineRunCommand(location="westus", protected_parameters=protected)
    assert command.protected_parameters is not None
    for shown in (
        repr(command),
        repr(command.protected_parameters),
        str(command.protected_parameters[0]),
        f"{command.protected_parameters}",
    ):
        assert "protected-v4lue" not in shown
    assert "API_KEY" in repr(command.protected_parameters)
    assert command.protected_parameters[0].value == "protected-v4lue"  # still readable
    assert command.to_dict()["properties"]["protectedParameters"][0]["value"] == "protected-v4lue"
