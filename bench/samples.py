"""The wire samples every workload uses, read from the files in ``bench/fixtures/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
RESOURCE_GROUP = "myResourceGroup"
VMSS_NAME = "myvmScaleSet"
INSTANCE_ID = "0"
API_VERSION = "2024-07-01"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_bytes())


def compact(value: Any) -> bytes:
    """JSON as a service sends it: no indentation."""
    return json.dumps(value, separators=(",", ":")).encode()


REQUEST: dict[str, Any] = load("create_request.json")
RESPONSE: dict[str, Any] = load("create_response.json")
RESPONSE_INSTANCE_VIEW: dict[str, Any] = load("get_response_instance_view.json")
RESPONSE_BYTES = compact(RESPONSE)
RESPONSE_INSTANCE_VIEW_BYTES = compact(RESPONSE_INSTANCE_VIEW)

# Shaped like live ARM: a GET with $expand=instanceView of a script that ran -- server-filled
# timeoutInSeconds 0, whole-second start/end times and 7-digit status times, all with +00:00,
# a statuses array -- and the PUT that created it (inline script, protected parameters).
ARM_RESPONSE: dict[str, Any] = load("arm_get_response.json")
ARM_RESPONSE_BYTES = compact(ARM_RESPONSE)
ARM_REQUEST: dict[str, Any] = load("arm_create_request.json")
ARM_SCRIPT = "#!/bin/bash\nset -eu\nlogrotate --force /etc/logrotate.d/app\ndf -h /var/log\n"


def build_arm_request(models: Any) -> Any:
    """The ARM-shaped request, built from values with the classes of ``models`` (this
    package's models module or azure-mgmt-compute's: the names are the same)."""
    parameter = models.RunCommandInputParameter
    return models.VirtualMachineRunCommand(
        location="westus2",
        source=models.VirtualMachineRunCommandScriptSource(script=ARM_SCRIPT),
        parameters=[
            parameter(name="retainDays", value="14"),
            parameter(name="compress", value="true"),
        ],
        protected_parameters=[parameter(name="storageKey", value="<storageKey>")],
        async_execution=False,
        timeout_in_seconds=600,
        treat_failure_as_deployment_failure=False,
    )


def read_every_field(model: Any) -> list[Any]:
    """Touch every field of a run command read with its instance view: the same attribute
    names in this package and in azure-mgmt-compute, so one reader serves both contenders."""
    source = model.source
    view = model.instance_view
    return [
        model.name,
        model.id,
        model.type,
        model.location,
        source.script_uri,
        [(p.name, p.value) for p in model.parameters],
        model.async_execution,
        model.treat_failure_as_deployment_failure,
        model.run_as_user,
        model.timeout_in_seconds,
        model.provisioning_state,
        model.output_blob_uri,
        model.error_blob_uri,
        view.execution_state,
        view.execution_message,
        view.exit_code,
        view.output,
        view.error,
        view.start_time,
        view.end_time,
        [(s.code, s.level, s.display_status, s.message, s.time) for s in view.statuses],
    ]
