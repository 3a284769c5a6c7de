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
