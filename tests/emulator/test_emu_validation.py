"""Every front-door and body validation error, answered as a CloudError."""

from __future__ import annotations

import pytest

VALID = {"location": "westus", "properties": {"source": {"script": "echo"}}}


def test_missing_token_is_401_with_challenge(arm):
    response = arm.request("GET", arm.url("cmd"), auth=False)
    assert response.status == 401
    assert arm.error(response)["code"] == "AuthenticationFailed"
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith(
        'Bearer authorization_uri="https://login.microsoftonline.com/common", '
        'error="invalid_token", error_description="'
    )


def test_malformed_authorization_is_401(arm):
    response = arm.request("GET", arm.url("cmd"), auth=False, headers={"Authorization": "Basic x"})
    assert response.status == 401
    assert arm.error(response)["code"] == "AuthenticationFailed"


def test_unknown_token_is_401(arm):
    headers = {"Authorization": "Bearer emulator-not-issued-here"}
    response = arm.request("GET", arm.url("cmd"), auth=False, headers=headers)
    assert response.status == 401
    assert arm.error(response)["code"] == "InvalidAuthenticationToken"
    assert "WWW-Authenticate" in response.headers


def test_expired_token_is_401_and_a_new_token_works(arm):
    calls = arm.emu.credential.calls
    arm.emu.credential.expire_all()
    response = arm.get("cmd")
    assert response.status == 401
    assert arm.error(response)["code"] == "ExpiredAuthenticationToken"
    arm.token = arm.emu.credential.get_token("https://management.azure.com/.default").token
    assert arm.emu.credential.calls == calls + 1
    assert arm.get("cmd").status == 404


def test_short_lived_tokens(emu):
    emu.credential.token_lifetime = -1
    token = emu.credential.get_token("scope")
    assert emu.credential.check(token.token).value == "expired"


def test_credential_requires_a_scope(emu):
    with pytest.raises(ValueError):
        emu.credential.get_token()


def test_missing_api_version_is_400(arm):
    response = arm.request("GET", arm.url("cmd").split("?")[0])
    assert response.status == 400
    assert arm.error(response)["code"] == "MissingApiVersionParameter"


def test_unsupported_api_version_is_400_naming_supported_ones(arm):
    response = arm.request("GET", arm.url("cmd").replace("2024-07-01", "2020-01-01"))
    assert response.status == 400
    error = arm.error(response)
    assert error["code"] == "InvalidApiVersionParameter"
    assert "2024-07-01" in error["message"]


def test_extra_api_versions_are_accepted(make_emulator, arm_for):
    arm = arm_for(make_emulator(api_versions=("2024-07-01", "2024-11-01")))
    assert arm.request("GET", arm.url("x").replace("2024-07-01", "2024-11-01")).status == 404


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe", b"[1, 2]", b'"text"'])
def test_body_must_be_a_json_object(arm, body):
    headers = {"Content-Type": "application/json"}
    response = arm.request("PUT", arm.url("cmd"), body=body, headers=headers)
    assert response.status == 400
    assert arm.error(response)["code"] == "InvalidRequestContent"


def test_unsupported_media_type_is_415(arm):
    headers = {"Content-Type": "text/plain"}
    response = arm.request("PUT", arm.url("cmd"), body=b"{}", headers=headers)
    assert response.status == 415


@pytest.mark.parametrize("body", [{}, {"location": ""}, {"location": None, "properties": {}}])
def test_location_is_required(arm, body):
    response = arm.put("cmd", body)
    assert response.status == 400
    error = arm.error(response)
    assert (error["code"], error["target"]) == ("LocationRequired", "location")


@pytest.mark.parametrize(
    ("properties", "target"),
    [
        ({"source": "echo hi"}, "properties.source"),
        ({"source": {"script": 1}}, "properties.source.script"),
        ({"asyncExecution": "yes"}, "properties.asyncExecution"),
        ({"timeoutInSeconds": True}, "properties.timeoutInSeconds"),
        ({"parameters": [{"name": "a"}]}, "properties.parameters[0].value"),
        ("not an object", "properties"),
    ],
)
def test_property_types_are_validated(arm, properties, target):
    response = arm.put("cmd", {"location": "westus", "properties": properties})
    assert response.status == 400
    error = arm.error(response)
    assert (error["code"], error["target"]) == ("InvalidParameter", target)
    assert arm.emu.run_commands == {}


def test_bad_expand_is_400(arm):
    response = arm.request("GET", arm.url("cmd", query="&$expand=everything"))
    assert response.status == 400
    error = arm.error(response)
    assert (error["code"], error["target"]) == ("InvalidParameter", "$expand")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/subscriptions/{sub}/resourceGroups/rg",
        "/subscriptions/{sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"
        "/runCommands/x",
        "/subscriptions/{sub}/resourceGroups/rg/providers/Microsoft.Compute/"
        "virtualMachineScaleSets/ss/virtualMachines//runCommands/x",
    ],
)
def test_unknown_path_is_404(arm, path):
    url = f"{arm.emu.base_url}{path.format(sub=arm.emu.subscription_id)}?api-version=2024-07-01"
    response = arm.request("GET", url)
    assert response.status == 404
    assert arm.error(response)["code"] == "InvalidResourceType"


def test_wrong_subscription_is_404(arm):
    url = arm.url("cmd").replace(arm.emu.subscription_id, "11111111-1111-1111-1111-111111111111")
    response = arm.request("GET", url)
    assert response.status == 404
    assert arm.error(response)["code"] == "SubscriptionNotFound"


def test_unsupported_method_is_405(arm):
    response = arm.request("POST", arm.url("cmd"), json_body=VALID)
    assert response.status == 405
    assert arm.error(response)["code"] == "MethodNotAllowed"
    assert response.headers["Allow"] == "GET, PUT, PATCH, DELETE"
    assert arm.request("PUT", arm.url(), json_body=VALID).status == 405


def test_conflict_while_in_progress_is_409(arm):
    assert arm.put("cmd", VALID).status == 201
    response = arm.put("cmd", VALID)
    assert response.status == 409
    assert arm.error(response)["code"] == "OperationNotAllowed"
    assert "because a 'Create' operation" in arm.error(response)["message"]


def test_conflict_names_an_update_in_progress_in_plain_english(arm):
    assert arm.put("cmd", VALID).status == 201
    while arm.get("cmd").json()["properties"]["provisioningState"] != "Succeeded":
        pass
    assert arm.request("PATCH", arm.url("cmd"), json_body={"properties": {}}).status == 200
    message = arm.error(arm.request("DELETE", arm.url("cmd")))["message"]
    assert "because an 'Update' operation" in message


@pytest.mark.parametrize(
    "kwargs",
    [
        {"host": "0.0.0.0"},
        {"host": "192.168.1.10"},
        {"host": "example.com"},
        {"polls_before_done": -1},
        {"page_size": 0},
        {"api_versions": ()},
    ],
)
def test_constructor_rejects_bad_settings(kwargs):
    from vmss_runcommands.emulator import ArmEmulator

    with pytest.raises(ValueError):
        ArmEmulator(**kwargs)
