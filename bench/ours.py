"""vmss-runcommands doing each workload's job, through the same calls a user's code makes."""

from __future__ import annotations

import json
from typing import Any

from . import samples
from .credential import FakeCredential

NAME = "ours"
DISTRIBUTION = "vmss-runcommands"

IMPORT = (
    "from vmss_runcommands import RunCommandsClient\n"
    "from vmss_runcommands.models import VirtualMachineRunCommand\n"
)


def available() -> bool:
    return True


def import_code() -> str:
    return IMPORT


def construct_code() -> str:
    return (
        IMPORT + "class Credential:\n"
        "    def get_token(self, *scopes, **kwargs): raise AssertionError\n"
        "RunCommandsClient(Credential(), '00000000-0000-0000-0000-000000000000')"
        ".virtual_machine_scale_set_vm_run_commands\n"
    )


class Models:
    """The four W2 cases. Serialization goes through the function the operation itself calls."""

    def __init__(self) -> None:
        from vmss_runcommands import models
        from vmss_runcommands.models import (
            RunCommandInputParameter,
            RunCommandManagedIdentity,
            VirtualMachineRunCommand,
            VirtualMachineRunCommandScriptSource,
        )
        from vmss_runcommands.runtime.serialization import serialize_body
        from vmss_runcommands.v2024_07_01.models import CODEC

        self._model = VirtualMachineRunCommand
        self._source = VirtualMachineRunCommandScriptSource
        self._identity = RunCommandManagedIdentity
        self._parameter = RunCommandInputParameter
        self._codec = CODEC
        self._serialize_body = serialize_body
        self._models = models
        self.prebuilt = self.build()

    def deser(self, raw: bytes) -> Any:
        return self._model.from_dict(json.loads(raw))

    def deser_read_iv(self, raw: bytes) -> list[Any]:
        # Any: the fields are known to be present, as in the other contenders' reads.
        model: Any = self._model.from_dict(json.loads(raw))
        return samples.read_every_field(model)

    def ser(self) -> bytes:
        return self._serialize_body(self.prebuilt, self._model, self._codec, "run_command")

    def build_ser(self) -> bytes:
        return self._serialize_body(self.build(), self._model, self._codec, "run_command")

    def build(self) -> Any:
        """The sample request, built from values as a caller builds it."""
        identity = self._identity
        return self._model(
            location="West US",
            source=self._source(
                script_uri="https://mystorageaccount.blob.core.windows.net/scriptcontainer/MyScript.ps1",
                script_uri_managed_identity=identity(
                    object_id="4231e4d2-33e4-4e23-96b2-17888afa6072"
                ),
            ),
            parameters=[
                self._parameter(name="param1", value="value1"),
                self._parameter(name="param2", value="value2"),
            ],
            async_execution=False,
            treat_failure_as_deployment_failure=True,
            run_as_user="user1",
            run_as_password="<runAsPassword>",
            timeout_in_seconds=3600,
            output_blob_uri="https://mystorageaccount.blob.core.windows.net/myscriptoutputcontainer/MyScriptoutput.txt",
            error_blob_uri="https://mystorageaccount.blob.core.windows.net/mycontainer/MyScriptError.txt",
            output_blob_managed_identity=identity(client_id="22d35efb-0c99-4041-8c5b-6d24db33a69a"),
            error_blob_managed_identity=identity(),
        )

    def deser_arm(self, raw: bytes) -> Any:
        return self._model.from_dict(json.loads(raw))

    def build_ser_arm(self) -> bytes:
        model = samples.build_arm_request(self._models)
        return self._serialize_body(model, self._model, self._codec, "run_command")

    def wire(self, model: Any) -> Any:
        """A deserialized model back in wire form, read-only fields kept (for the checks)."""
        return model.to_dict(keep_readonly=True)


class Lro:
    """One shared client with every default feature on: retries, auth, request ids, logging."""

    def __init__(self, base_url: str, ca_path: str, credential: FakeCredential) -> None:
        from vmss_runcommands import RetryPolicy, RunCommandsClient

        self._client = RunCommandsClient(
            credential,
            samples.SUBSCRIPTION_ID,
            base_url=base_url,
            connection_verify=ca_path,
            # The stand-in answers Retry-After: 0; the interval is what the poller falls back on.
            polling_interval=0,
            retry_policy=RetryPolicy(),
        )
        self._operations = self._client.virtual_machine_scale_set_vm_run_commands
        self._body = Models().build()

    def run(self, name: str) -> str:
        poller = self._operations.begin_create_or_update(
            samples.RESOURCE_GROUP, samples.VMSS_NAME, samples.INSTANCE_ID, name, self._body
        )
        return str(poller.result().provisioning_state)

    def close(self) -> None:
        self._client.close()
