"""README: pinning an api-version by argument. Verbatim; test_typing.py checks it still matches."""

from vmss_runcommands.emulator import ArmEmulator

credential, subscription_id = ArmEmulator().credential, "<subscription-id>"
from vmss_runcommands import API_VERSIONS, RunCommandsClient

assert "2024-07-01" in API_VERSIONS
client = RunCommandsClient(credential, subscription_id, api_version="2024-07-01")
# an api-version not in API_VERSIONS raises ValueError naming those that are
