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
