"""The run-command resource shape: which properties exist, how they validate and render."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from .errors import ArmError
from .execution import ExecutionResult

RESOURCE_TYPE = "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommands"
RESOURCE_TYPE_PATH = "Microsoft.Compute/virtualMachineScaleSets/{vmss}/virtualMachines/{iid}"

# The real service stores these but never returns them in any response.
SECRET_PROPERTIES = frozenset({"runAsPassword", "protectedParameters"})
# Server-owned; silently dropped from request bodies like ARM does.
READ_ONLY_PROPERTIES = frozenset({"provisioningState", "instanceView"})
# Filled in on output when the client did not set them, as the service does. The service
# leaves treatFailureAsDeploymentFailure out when it was not sent; lenient mode fills it too.
DEFAULTS: Mapping[str, Any] = {
    "asyncExecution": False,
    "timeoutInSeconds": 0,
}
LENIENT_DEFAULTS: Mapping[str, Any] = {**DEFAULTS, "treatFailureAsDeploymentFailure": False}

Validator = Callable[[Any, str, bool], Any]


def normalize_location(location: str) -> str:
    """ARM's canonical location: ``"West US"`` -> ``"westus"``."""
    return "".join(location.split()).lower()


def utc_now() -> datetime:
    """Current time, timezone-aware."""
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """ISO-8601 in UTC as operation statuses spell it: 7 fractional digits and ``+00:00``
    (``2024-08-26T09:03:52.5630180+00:00``)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0+00:00"


def iso_seconds(moment: datetime) -> str:
    """ISO-8601 in UTC in whole seconds with ``+00:00``, as instance views spell times."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _bad(target: str, expected: str) -> ArmError:
    return ArmError(
        400,
        "InvalidParameter",
        f"The value of parameter '{target}' is invalid: expected {expected}.",
        target=target,
    )


def _string(value: Any, target: str, patch: bool) -> Any:
    if not isinstance(value, str):
        raise _bad(target, "a string")
    return value


def _boolean(value: Any, target: str, patch: bool) -> Any:
    if not isinstance(value, bool):
        raise _bad(target, "a boolean")
    return value


def _int32(value: Any, target: str, patch: bool) -> Any:
    # bool is an int subclass in Python but not a JSON integer.
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**31) <= value < 2**31:
        raise _bad(target, "a 32-bit integer")
    return value


def _object(fields: Mapping[str, Validator]) -> Validator:
    def validate(value: Any, target: str, patch: bool) -> Any:
        if not isinstance(value, dict):
            raise _bad(target, "an object")
        return _clean_fields(value, fields, target, patch)

    return validate


def _parameters(value: Any, target: str, patch: bool) -> Any:
    if not isinstance(value, list):
        raise _bad(target, "an array of {name, value} objects")
    cleaned = []
    for index, item in enumerate(value):
        where = f"{target}[{index}]"
        if not isinstance(item, dict):
            raise _bad(where, "an object with 'name' and 'value'")
        for required in ("name", "value"):
            if not isinstance(item.get(required), str):
                raise _bad(f"{where}.{required}", "a string")
        cleaned.append({"name": item["name"], "value": item["value"]})
    return cleaned


_MANAGED_IDENTITY = _object({"clientId": _string, "objectId": _string})

_SOURCE = _object(
    {
        "script": _string,
        "scriptUri": _string,
        "commandId": _string,
        "scriptUriManagedIdentity": _MANAGED_IDENTITY,
    }
)

# Order matches the service's output so bodies read like the REST reference examples.
PROPERTY_FIELDS: Mapping[str, Validator] = {
    "source": _SOURCE,
    "parameters": _parameters,
    "protectedParameters": _parameters,
    "asyncExecution": _boolean,
    "treatFailureAsDeploymentFailure": _boolean,
    "runAsUser": _string,
    "runAsPassword": _string,
    "timeoutInSeconds": _int32,
    "outputBlobUri": _string,
    "errorBlobUri": _string,
    "outputBlobManagedIdentity": _MANAGED_IDENTITY,
    "errorBlobManagedIdentity": _MANAGED_IDENTITY,
}


def _clean_fields(
    value: Mapping[str, Any], fields: Mapping[str, Validator], target: str, patch: bool
) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, item in value.items():
        validator = fields.get(key)
        if validator is None:
            continue  # unknown and read-only keys are ignored, as ARM does
        if item is None:
            # In a merge patch null deletes the key; in a PUT it is the same as absent.
            if patch:
                cleaned[key] = None
            continue
        cleaned[key] = validator(item, f"{target}.{key}", patch)
    return cleaned


def clean_properties(value: Any, *, patch: bool = False) -> dict[str, Any]:
    """Validate a request's ``properties`` and keep only the writable, known keys.

    Raises:
        ArmError: 400 ``InvalidParameter`` naming the offending property.
    """
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad("properties", "an object")
    return _clean_fields(value, PROPERTY_FIELDS, "properties", patch)


def clean_tags(value: Any, *, patch: bool = False) -> dict[str, Any] | None:
    """Validate ``tags`` (an object of strings; null values allowed only in a patch)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad("tags", "an object of string values")
    for key, item in value.items():
        if item is None and patch:
            continue
        if not isinstance(item, str):
            raise _bad(f"tags.{key}", "a string")
    return dict(value)


def merge_patch(target: Mapping[str, Any] | None, patch: Mapping[str, Any]) -> dict[str, Any]:
    """RFC 7396 JSON merge patch: objects merge recursively, null deletes, the rest replaces."""
    merged = copy.deepcopy(dict(target or {}))
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_patch(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def wire_properties(
    properties: Mapping[str, Any], *, include_secrets: bool, lenient: bool = False
) -> dict[str, Any]:
    """Stored properties in output order with defaults applied; secrets only on request."""
    defaults = LENIENT_DEFAULTS if lenient else DEFAULTS
    rendered: dict[str, Any] = {}
    for key in PROPERTY_FIELDS:
        if key in SECRET_PROPERTIES and not include_secrets:
            continue
        if key in properties:
            rendered[key] = copy.deepcopy(properties[key])
        elif key in defaults:
            rendered[key] = defaults[key]
    return rendered


# -- instance views ---------------------------------------------------------------------------


def pending_instance_view() -> dict[str, Any]:
    """What the instance view says between the PUT and the script starting."""
    return {"executionState": "Pending", "executionMessage": "", "statuses": []}


def _provisioning_status(succeeded: bool, moment: datetime, message: str) -> dict[str, Any]:
    if succeeded:
        return {
            "code": "ProvisioningState/succeeded",
            "level": "Info",
            "displayStatus": "Provisioning succeeded",
            "time": iso_seconds(moment),
        }
    return {
        "code": "ProvisioningState/failed",
        "level": "Error",
        "displayStatus": "Provisioning failed",
        "message": message,
        "time": iso_seconds(moment),
    }


def running_instance_view(started: datetime) -> dict[str, Any]:
    """An asyncExecution script that has started: provisioning is already done."""
    return {
        "executionState": "Running",
        "executionMessage": "",
        "output": "",
        "error": "",
        "startTime": iso_seconds(started),
        "statuses": [_provisioning_status(True, started, "")],
    }


def stuck_instance_view(started: datetime) -> dict[str, Any]:
    """The service's answer to a run command without a script: ``Running`` with exit code 0,
    forever, and the failure said only in ``executionMessage``."""
    return {
        "executionState": "Running",
        "executionMessage": (
            "Execution failed: the run command has no script; give source.script or "
            "source.scriptUri."
        ),
        "exitCode": 0,
        "output": "",
        "error": "",
        "startTime": iso_seconds(started),
        "statuses": [],
    }


def execution_message(result: ExecutionResult) -> str:
    """The executor's message, or one derived from the outcome when it gave none."""
    if result.execution_message:
        return result.execution_message
    if result.failed:
        return (
            f"Script execution finished with state '{result.state}' "
            f"and exit code {result.exit_code}."
        )
    return ""


def terminal_instance_view(
    result: ExecutionResult, started: datetime, ended: datetime, *, provisioned: bool
) -> dict[str, Any]:
    """The instance view once the script has finished."""
    message = execution_message(result)
    return {
        "executionState": result.state,
        "executionMessage": message,
        "exitCode": result.exit_code,
        "output": result.output,
        "error": result.error,
        "startTime": iso_seconds(started),
        "endTime": iso_seconds(ended),
        "statuses": [_provisioning_status(provisioned, ended, message)],
    }
