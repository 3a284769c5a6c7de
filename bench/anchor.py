"""azure-mgmt-compute doing each workload's job, through the code paths its operations use.

Two generations are supported, found by what is installed:

- TypeSpec-generated, single-API releases (37+; 39.0.0 is the pinned anchor): models with
  ``_deserialize`` / ``SdkJSONEncoder``; api-version 2024-07-01 is passed on each call.
- multi-API releases that still ship ``v2024_07_01`` (up to 33.1.0): msrest-style models with a
  ``Serializer`` / ``Deserializer``; the client is built with ``api_version="2024-07-01"``.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from collections.abc import Callable
from typing import Any

from . import samples
from .credential import FakeCredential

NAME = "anchor"
DISTRIBUTION = "azure-mgmt-compute"


def _multi_api() -> bool:
    """Whether the installed release ships the v2024_07_01 folder (33.x and older)."""
    try:
        return importlib.util.find_spec("azure.mgmt.compute.v2024_07_01") is not None
    except ModuleNotFoundError:
        return False


def available() -> bool:
    try:
        return importlib.util.find_spec("azure.mgmt.compute") is not None
    except ModuleNotFoundError:
        return False


def _models_module() -> str:
    return "azure.mgmt.compute.v2024_07_01.models" if _multi_api() else "azure.mgmt.compute.models"


def import_code() -> str:
    return (
        "from azure.mgmt.compute import ComputeManagementClient\n"
        f"from {_models_module()} import VirtualMachineRunCommand\n"
    )


def construct_code() -> str:
    # The operation group is part of construction: the multi-API client imports it on first use.
    api_version = ", api_version='2024-07-01'" if _multi_api() else ""
    return (
        import_code() + "class Credential:\n"
        "    def get_token(self, *scopes, **kwargs): raise AssertionError\n"
        f"ComputeManagementClient(Credential(), '00000000-0000-0000-0000-000000000000'"
        f"{api_version}).virtual_machine_scale_set_vm_run_commands\n"
    )


class Models:
    def __init__(self) -> None:
        models = importlib.import_module(_models_module())
        self._m = models
        self._deserialize: Callable[[Any], Any]
        self._serialize: Callable[[Any], str]
        self._as_wire: Callable[[Any], Any]
        if _multi_api():
            serialization = importlib.import_module("azure.mgmt.compute._serialization")
            Serializer, Deserializer = serialization.Serializer, serialization.Deserializer
            client_models = {k: v for k, v in vars(models).items() if isinstance(v, type)}
            serializer = Serializer(client_models)
            deserializer = Deserializer(client_models)
            # As the operation does: Serializer.body, then azure-core's json.dumps of the dict.
            self._serialize = lambda model: json.dumps(
                serializer.body(model, "VirtualMachineRunCommand")
            )
            self._deserialize = lambda data: deserializer("VirtualMachineRunCommand", data)
            self._as_wire = lambda model: serializer.body(
                model, "VirtualMachineRunCommand", keep_readonly=True
            )
        else:
            model_base = importlib.import_module("azure.mgmt.compute._utils.model_base")
            encoder, _deserialize = model_base.SdkJSONEncoder, model_base._deserialize
            model_type = models.VirtualMachineRunCommand
            self._serialize = lambda model: json.dumps(model, cls=encoder, exclude_readonly=True)
            self._deserialize = lambda data: _deserialize(model_type, data)
            self._as_wire = lambda model: json.loads(json.dumps(model, cls=encoder))
        self.prebuilt = self.build()

    def deser(self, raw: bytes) -> Any:
        return self._deserialize(json.loads(raw))

    def deser_read_iv(self, raw: bytes) -> list[Any]:
        model = self._deserialize(json.loads(raw))
        return samples.read_every_field(model)

    def ser(self) -> str:
        return self._serialize(self.prebuilt)

    def build_ser(self) -> str:
        return self._serialize(self.build())

    def deser_arm(self, raw: bytes) -> Any:
        return self._deserialize(json.loads(raw))

    def build_ser_arm(self) -> str:
        return self._serialize(samples.build_arm_request(self._m))

    def build(self) -> Any:
        """The sample request, built from values as a caller builds it."""
        m = self._m
        return m.VirtualMachineRunCommand(
            location="West US",
            source=m.VirtualMachineRunCommandScriptSource(
                script_uri="https://mystorageaccount.blob.core.windows.net/scriptcontainer/MyScript.ps1",
                script_uri_managed_identity=m.RunCommandManagedIdentity(
                    object_id="4231e4d2-33e4-4e23-96b2-17888afa6072"
                ),
            ),
            parameters=[
                m.RunCommandInputParameter(name="param1", value="value1"),
                m.RunCommandInputParameter(name="param2", value="value2"),
            ],
            async_execution=False,
            treat_failure_as_deployment_failure=True,
            run_as_user="user1",
            run_as_password="<runAsPassword>",
            timeout_in_seconds=3600,
            output_blob_uri="https://mystorageaccount.blob.core.windows.net/myscriptoutputcontainer/MyScriptoutput.txt",
            error_blob_uri="https://mystorageaccount.blob.core.windows.net/mycontainer/MyScriptError.txt",
            output_blob_managed_identity=m.RunCommandManagedIdentity(
                client_id="22d35efb-0c99-4041-8c5b-6d24db33a69a"
            ),
            error_blob_managed_identity=m.RunCommandManagedIdentity(),
        )

    def wire(self, model: Any) -> Any:
        return self._as_wire(model)


class Lro:
    """One shared client with its defaults (retries, auth, request ids, logging, tracing hooks)."""

    def __init__(self, base_url: str, ca_path: str, credential: FakeCredential) -> None:
        compute = importlib.import_module("azure.mgmt.compute")
        settings: dict[str, Any] = {
            "base_url": base_url,
            "connection_verify": ca_path,
            "polling_interval": 0,
        }
        self._call_settings: dict[str, Any] = {}
        if _multi_api():
            settings["api_version"] = samples.API_VERSION
        else:
            # Single-API releases take the api-version per call.
            self._call_settings["api_version"] = samples.API_VERSION
        self._client = compute.ComputeManagementClient(
            credential, samples.SUBSCRIPTION_ID, **settings
        )
        self._operations = self._client.virtual_machine_scale_set_vm_run_commands
        self._body = Models().build()

    def run(self, name: str) -> str:
        poller = self._operations.begin_create_or_update(
            samples.RESOURCE_GROUP,
            samples.VMSS_NAME,
            samples.INSTANCE_ID,
            name,
            self._body,
            **self._call_settings,
        )
        return str(poller.result().provisioning_state)

    def close(self) -> None:
        self._client.close()
