"""A new user's sync program, run against the emulator by test_typing.py: CRUD, pollers
resumed from tokens, paging by page, the exception tree, extensible enums and secrets, all
with the types a checker sees."""

from __future__ import annotations

import datetime
import logging

from typing_extensions import assert_type
from vmss_runcommands import (
    AzureError,
    ErrorDetail,
    HttpResponseError,
    ItemPaged,
    LROPoller,
    OperationFailedError,
    PipelineResponse,
    PollingTimeoutError,
    ResourceExistsError,
    ResourceNotFoundError,
    RetryPolicy,
    RunCommandsClient,
    ServiceRequestError,
    __version__,
    send_null,
)
from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.models import (
    ExecutionState,
    InstanceViewStatus,
    RunCommandInputParameter,
    RunCommandManagedIdentity,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandInstanceView,
    VirtualMachineRunCommandScriptSource,
    VirtualMachineRunCommandUpdate,
)

log = logging.getLogger("user")
print(__version__)


def make_command(script: str, *, secret: str | None = None) -> VirtualMachineRunCommand:
    return VirtualMachineRunCommand(
        location="westeurope",
        source=VirtualMachineRunCommandScriptSource(script=script),
        parameters=[RunCommandInputParameter(name="A", value="1")],
        protected_parameters=[RunCommandInputParameter(name="KEY", value="s3cret")],
        run_as_user="azureuser",
        run_as_password=secret,
        timeout_in_seconds=600,
        async_execution=False,
        treat_failure_as_deployment_failure=False,
        output_blob_managed_identity=RunCommandManagedIdentity(client_id="abc"),
        tags={"team": "ops"},
    )


def state_word(view: VirtualMachineRunCommandInstanceView) -> str:
    state = view.execution_state
    assert_type(state, ExecutionState | str | None)
    if state is None:
        return "unknown"
    if state == ExecutionState.SUCCEEDED:
        return "ok"
    if state in (ExecutionState.FAILED, ExecutionState.TIMED_OUT, "Canceled"):
        return "failed"
    return str(state)  # a value this version does not list yet


def started(view: VirtualMachineRunCommandInstanceView) -> datetime.datetime | None:
    assert_type(view.start_time, datetime.datetime | None)
    assert_type(view.exit_code, int | None)
    assert_type(view.statuses, list[InstanceViewStatus] | None)
    return view.start_time


def names(pages: ItemPaged[VirtualMachineRunCommand]) -> list[str]:
    out: list[str] = []
    for page in pages.by_page():
        for item in page:
            assert_type(item, VirtualMachineRunCommand)
            assert_type(item.name, str | None)
            out.append(item.name or "")
    return out


def remaining_budget(response: PipelineResponse) -> None:
    log.info("budget %s", response.http_response.headers.get("x-ms-ratelimit-remaining-resource"))


def main(client: RunCommandsClient) -> int:
    ops = client.virtual_machine_scale_set_vm_run_commands
    poller = ops.begin_create_or_update("rg", "ss", "0", "n", make_command("echo hi"))
    assert_type(poller, LROPoller[VirtualMachineRunCommand])
    assert_type(poller.status(), str)
    assert_type(poller.done(), bool)
    token = poller.continuation_token()
    assert_type(token, str)
    resumed = ops.begin_create_or_update("rg", "ss", "0", "n", continuation_token=token)
    try:
        created = resumed.result(timeout=60)
    except PollingTimeoutError as error:
        log.warning("still running, resume with %s", error)
        return 124
    except OperationFailedError as error:
        log.error("failed: %s", error.status_code)
        return 1
    assert_type(created, VirtualMachineRunCommand)
    assert_type(created.provisioning_state, str | None)

    got = ops.get("rg", "ss", "0", "n", expand="instanceView", raw_response_hook=remaining_budget)
    if got.instance_view is not None:
        print(state_word(got.instance_view), started(got.instance_view))

    update = VirtualMachineRunCommandUpdate(timeout_in_seconds=30)
    send_null(update, "run_as_user")
    updated = ops.begin_update("rg", "ss", "0", "n", update).result()
    assert_type(updated, VirtualMachineRunCommand)

    print(names(ops.list("rg", "ss", "0", expand="instanceView")))
    wire = created.to_dict()
    again = VirtualMachineRunCommand.from_dict(wire)
    assert_type(again, VirtualMachineRunCommand)
    print(repr(again))  # no secrets here

    delete = ops.begin_delete("rg", "ss", "0", "n")
    assert_type(delete.result(), None)
    try:
        ops.get("rg", "ss", "0", "n")
    except ResourceNotFoundError as error:
        detail = error.error
        assert_type(detail, ErrorDetail | None)
        if detail is not None:
            assert_type(detail.code, str | None)
            assert_type(detail.message, str | None)
        assert_type(error.status_code, int | None)
    except ResourceExistsError:
        return 2
    except HttpResponseError as error:
        assert_type(error.reason, str | None)
        return 125
    except ServiceRequestError:
        return 125
    except AzureError as error:
        assert_type(error.message, str)
        return 125
    return 0


with ArmEmulator() as emu, emu.client(retry_policy=RetryPolicy(total=2)) as user_client:
    raise SystemExit(main(user_client))
