"""PUT / poll / GET / PATCH / DELETE lifecycles, as ARM runs them."""

from __future__ import annotations

import re

RUN_COMMAND_TYPE = "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommands"
# Signed, and carrying the service's api-version rather than the client's.
OPERATION_URL = re.compile(
    r"^http://127\.0\.0\.1:\d+/subscriptions/0{8}-0{4}-0{4}-0{4}-0{12}/providers/"
    r"Microsoft\.Compute/locations/westus/operations/[0-9a-f-]{36}"
    r"\?p=[\w-]{2000,}&api-version=2024-11-01&t=\d+&c=[\w-]+&s=[\w-]+&h=[\w-]+$"
)
STATUS_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$")

BODY = {
    "location": "West US",
    "tags": {"team": "infra"},
    "properties": {
        "source": {"script": "echo hello"},
        "parameters": [{"name": "p1", "value": "v1"}],
        "timeoutInSeconds": 60,
        "someFutureProperty": {"ignored": True},
    },
}


def test_put_poll_get_lifecycle(arm):
    created = arm.put("cmd", BODY)
    assert created.status == 201
    body = created.json()
    assert body["name"] == "cmd"
    assert body["type"] == RUN_COMMAND_TYPE
    assert body["location"] == "westus"
    assert body["tags"] == {"team": "infra"}
    assert body["id"] == (
        f"/subscriptions/{arm.emu.subscription_id}/resourceGroups/rg/providers/"
        "Microsoft.Compute/virtualMachineScaleSets/ss/virtualMachines/0/runCommands/cmd"
    )
    assert body["properties"]["provisioningState"] == "Creating"
    assert body["properties"]["source"] == {"script": "echo hello"}
    assert "someFutureProperty" not in body["properties"]
    assert OPERATION_URL.match(created.headers["Azure-AsyncOperation"])

    operation_url = created.headers["Azure-AsyncOperation"]
    first = arm.poll(operation_url).json()
    assert first["status"] == "InProgress"
    assert first["name"] in operation_url
    assert STATUS_TIME.match(first["startTime"])
    assert "endTime" not in first
    # Reading the resource counts like a poll: this second look completes the operation.
    assert arm.get("cmd").json()["properties"]["provisioningState"] == "Succeeded"

    second = arm.poll(operation_url).json()
    assert second["status"] == "Succeeded"
    assert STATUS_TIME.match(second["endTime"])
    # A finished operation keeps answering its terminal status.
    assert arm.poll(operation_url).json()["status"] == "Succeeded"

    final = arm.get("cmd")
    assert final.status == 200
    properties = final.json()["properties"]
    assert properties["provisioningState"] == "Succeeded"
    # asyncExecution is filled in by the service when not sent; this flag is not.
    assert properties["asyncExecution"] is False
    assert "treatFailureAsDeploymentFailure" not in properties
    assert "instanceView" not in properties


def test_put_existing_answers_200_updating(arm):
    arm.create("cmd")
    again = arm.put("CMD", {"location": "westus", "properties": {"source": {"script": "b"}}})
    assert again.status == 200
    body = again.json()
    assert body["properties"]["provisioningState"] == "Updating"
    assert body["name"] == "cmd", "names keep the spelling they were created with"
    assert "tags" not in body, "PUT replaces the whole resource"
    assert arm.wait(again)["status"] == "Succeeded"


def test_polls_before_done_zero_completes_on_first_poll(make_emulator, arm_for):
    arm = arm_for(make_emulator(polls_before_done=0))
    response = arm.put("cmd", BODY)
    assert arm.poll(response.headers["Azure-AsyncOperation"]).json()["status"] == "Succeeded"


def test_polls_before_done_counts_every_poll(make_emulator, arm_for):
    arm = arm_for(make_emulator(polls_before_done=3))
    url = arm.put("cmd", BODY).headers["Azure-AsyncOperation"]
    statuses = [arm.poll(url).json()["status"] for _ in range(4)]
    assert statuses == ["InProgress", "InProgress", "InProgress", "Succeeded"]


def test_segments_are_case_insensitive_and_percent_decoded(arm):
    name = "run command/ä"
    assert arm.put(name, BODY, rg="My RG").status == 201
    url = arm.url(name, rg="MY rg").replace("/resourceGroups/", "/RESOURCEGROUPS/")
    url = url.replace("/runCommands/", "/runcommands/")
    fetched = arm.request("GET", url)
    assert fetched.status == 200
    assert fetched.json()["name"] == name
    assert "/resourceGroups/My RG/" in fetched.json()["id"]
    assert ("my rg", "ss", "0", name) in arm.emu.run_commands


def test_conflict_while_operation_in_progress(arm):
    arm.put("cmd", BODY)
    for response in (arm.put("cmd", BODY), arm.patch("cmd", {}), arm.delete("cmd")):
        assert response.status == 409
        assert arm.error(response)["code"] == "OperationNotAllowed"


def test_put_in_another_location_is_rejected(arm):
    arm.create("cmd")
    response = arm.put("cmd", {"location": "eastus"})
    assert response.status == 409
    assert arm.error(response)["code"] == "InvalidResourceLocation"


def test_patch_merges_tags_and_properties(arm):
    created = arm.put(
        "cmd",
        {
            "location": "westus",
            "tags": {"a": "1", "b": "2"},
            "properties": {
                "source": {
                    "scriptUri": "https://x/s.sh",
                    "scriptUriManagedIdentity": {"clientId": "c"},
                },
                "runAsUser": "alice",
                "timeoutInSeconds": 10,
            },
        },
    )
    arm.wait(created)
    patched = arm.patch(
        "cmd",
        {
            "tags": {"b": None, "c": "3"},
            "properties": {
                "source": {"scriptUriManagedIdentity": {"objectId": "o"}},
                "runAsUser": None,
            },
        },
    )
    assert patched.status == 200
    assert patched.headers["Azure-AsyncOperation"]
    body = patched.json()
    assert body["properties"]["provisioningState"] == "Updating"
    assert body["tags"] == {"a": "1", "c": "3"}
    assert body["properties"]["source"] == {
        "scriptUri": "https://x/s.sh",
        "scriptUriManagedIdentity": {"clientId": "c", "objectId": "o"},
    }
    assert "runAsUser" not in body["properties"]
    assert body["properties"]["timeoutInSeconds"] == 10
    assert arm.wait(patched)["status"] == "Succeeded"
    assert arm.get("cmd").json()["properties"]["provisioningState"] == "Succeeded"


def test_patch_missing_is_404(arm):
    response = arm.patch("nope", {"tags": {}})
    assert response.status == 404
    assert arm.error(response)["code"] == "ResourceNotFound"


def test_get_missing_is_404_with_arm_message(arm):
    response = arm.get("nope", vmss="x")
    assert response.status == 404
    error = arm.error(response)
    assert error["code"] == "ResourceNotFound"
    assert error["message"].startswith(
        "The Resource 'Microsoft.Compute/virtualMachineScaleSets/x/virtualMachines/0/"
        "runCommands/nope' under resource group 'rg' was not found."
    )


def test_delete_lifecycle(make_emulator, arm_for):
    # Four looks before the deletion completes: the GETs below count like polls.
    arm = arm_for(make_emulator(polls_before_done=3))
    arm.create("cmd")
    accepted = arm.delete("cmd")
    assert accepted.status == 202
    assert accepted.data == b""
    assert "Content-Type" not in accepted.headers
    assert "Retry-After" not in accepted.headers
    location = accepted.headers["Location"]
    assert re.search(
        r"/locations/westus/operations/[0-9a-f-]{36}\?monitor=true&p=[\w-]+&api-version=", location
    )
    assert OPERATION_URL.match(accepted.headers["Azure-AsyncOperation"])
    assert arm.get("cmd").json()["properties"]["provisioningState"] == "Deleting"
    # A retried DELETE joins the deletion under way instead of conflicting.
    assert arm.delete("cmd").headers["Location"] == location

    polling = arm.poll(location)
    assert polling.status == 202
    assert polling.data == b""
    assert "Retry-After" not in polling.headers
    assert arm.get("cmd").status == 200, "removed only when the operation completes"

    done = arm.poll(location)
    assert done.status == 200
    assert done.data == b""
    assert arm.get("cmd").status == 404
    assert arm.emu.run_commands == {}


def test_reading_the_resource_advances_its_operation_like_a_poll(make_emulator, arm_for):
    arm = arm_for(make_emulator(polls_before_done=2))
    arm.put("cmd", BODY)  # never polled through its status URL
    assert arm.get("cmd").json()["properties"]["provisioningState"] == "Creating"
    assert arm.get("cmd").json()["properties"]["provisioningState"] == "Creating"
    [listed] = arm.request("GET", arm.url()).json()["value"]  # the third look completes it
    assert listed["properties"]["provisioningState"] == "Succeeded"
    # Nothing is left running, so a new write is accepted rather than refused with 409.
    assert arm.put("cmd", BODY).status == 200
    assert arm.get("cmd").json()["properties"]["provisioningState"] == "Updating"

    arm = arm_for(make_emulator(polls_before_done=0))
    arm.put("cmd", BODY)
    assert arm.delete("cmd").status == 409  # the create is still running: nobody looked
    assert arm.get("cmd").json()["properties"]["provisioningState"] == "Succeeded"
    assert arm.delete("cmd").status == 202
    assert arm.get("cmd").status == 404  # this look completed the deletion


def test_delete_operation_also_answers_status_json(arm):
    arm.create("cmd")
    status_url = arm.delete("cmd").headers["Azure-AsyncOperation"]
    assert arm.poll(status_url).json()["status"] == "InProgress"
    assert arm.poll(status_url).json()["status"] == "Succeeded"


def test_delete_missing_is_204(arm):
    response = arm.delete("nope")
    assert response.status == 204
    assert response.data == b""


def test_unknown_operation_is_404(arm):
    url = (
        f"{arm.emu.base_url}/subscriptions/{arm.emu.subscription_id}/providers/"
        "Microsoft.Compute/locations/westus/operations/does-not-exist?api-version=2024-07-01"
    )
    response = arm.poll(url)
    assert response.status == 404
    assert arm.error(response)["code"] == "OperationNotFound"


def test_reset_forgets_everything(arm):
    arm.create("cmd")
    arm.emu.fail_next(500)
    arm.emu.reset()
    assert arm.emu.run_commands == {}
    assert arm.emu.requests == []
    assert arm.get("cmd").status == 404, "the scripted failure was dropped, tokens still work"
