"""The floor: bare urllib3 + json doing the same exchanges with plain dicts.

No retries, no logging, no request ids, no models: the least any client must do. The token is a
fixed header because the stand-in requires one.
"""

from __future__ import annotations

import json
import ssl
from typing import Any

from . import samples
from .credential import FakeCredential

NAME = "floor"
DISTRIBUTION = "urllib3"


def available() -> bool:
    return True


def import_code() -> str:
    return "import json, urllib3\n"


def construct_code() -> str:
    return (
        "import json, ssl, urllib3\nurllib3.PoolManager(ssl_context=ssl.create_default_context())\n"
    )


_TERMINAL = frozenset({"succeeded", "failed", "canceled"})


class Models:
    def __init__(self) -> None:
        self.prebuilt = self.build()

    def deser(self, raw: bytes) -> Any:
        return json.loads(raw)

    def deser_read_iv(self, raw: bytes) -> list[Any]:
        data = json.loads(raw)
        properties = data["properties"]
        view = properties["instanceView"]
        return [
            data["name"],
            data["id"],
            data["type"],
            data["location"],
            properties["source"]["scriptUri"],
            [(p["name"], p["value"]) for p in properties["parameters"]],
            properties["asyncExecution"],
            properties["treatFailureAsDeploymentFailure"],
            properties["runAsUser"],
            properties["timeoutInSeconds"],
            properties["provisioningState"],
            properties["outputBlobUri"],
            properties["errorBlobUri"],
            view["executionState"],
            view["executionMessage"],
            view["exitCode"],
            view["output"],
            view["error"],
            view["startTime"],
            view["endTime"],
            [
                (s["code"], s["level"], s["displayStatus"], s["message"], s["time"])
                for s in view["statuses"]
            ],
        ]

    def ser(self) -> bytes:
        return json.dumps(self.prebuilt, separators=(",", ":")).encode()

    def build_ser(self) -> bytes:
        return json.dumps(self.build(), separators=(",", ":")).encode()

    def build(self) -> dict[str, Any]:
        """The sample request, built from values."""
        return {
            "location": "West US",
            "properties": {
                "source": {
                    "scriptUri": "https://mystorageaccount.blob.core.windows.net/scriptcontainer/MyScript.ps1",
                    "scriptUriManagedIdentity": {
                        "objectId": "4231e4d2-33e4-4e23-96b2-17888afa6072"
                    },
                },
                "parameters": [
                    {"name": "param1", "value": "value1"},
                    {"name": "param2", "value": "value2"},
                ],
                "asyncExecution": False,
                "treatFailureAsDeploymentFailure": True,
                "runAsUser": "user1",
                "runAsPassword": "<runAsPassword>",
                "timeoutInSeconds": 3600,
                "outputBlobUri": "https://mystorageaccount.blob.core.windows.net/myscriptoutputcontainer/MyScriptoutput.txt",
                "errorBlobUri": "https://mystorageaccount.blob.core.windows.net/mycontainer/MyScriptError.txt",
                "outputBlobManagedIdentity": {"clientId": "22d35efb-0c99-4041-8c5b-6d24db33a69a"},
                "errorBlobManagedIdentity": {},
            },
        }

    def deser_arm(self, raw: bytes) -> Any:
        return json.loads(raw)

    def build_ser_arm(self) -> bytes:
        body = {
            "location": "westus2",
            "properties": {
                "source": {"script": samples.ARM_SCRIPT},
                "parameters": [
                    {"name": "retainDays", "value": "14"},
                    {"name": "compress", "value": "true"},
                ],
                "protectedParameters": [{"name": "storageKey", "value": "<storageKey>"}],
                "asyncExecution": False,
                "timeoutInSeconds": 600,
                "treatFailureAsDeploymentFailure": False,
            },
        }
        return json.dumps(body, separators=(",", ":")).encode()

    def wire(self, model: Any) -> Any:
        return model


class Lro:
    """One shared PoolManager sized for the 16 threads, so the floor never re-handshakes."""

    def __init__(self, base_url: str, ca_path: str, credential: FakeCredential) -> None:
        import urllib3

        self._pool = urllib3.PoolManager(
            ssl_context=ssl.create_default_context(cafile=ca_path), maxsize=16, retries=False
        )
        self._url_prefix = (
            f"{base_url}/subscriptions/{samples.SUBSCRIPTION_ID}/resourceGroups/"
            f"{samples.RESOURCE_GROUP}/providers/Microsoft.Compute/virtualMachineScaleSets/"
            f"{samples.VMSS_NAME}/virtualMachines/{samples.INSTANCE_ID}/runCommands/"
        )
        token = credential.get_token(f"{base_url}/.default").token
        self._get_headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._put_headers = {**self._get_headers, "Content-Type": "application/json"}
        self._body = Models().build()

    def run(self, name: str) -> str:
        url = f"{self._url_prefix}{name}?api-version={samples.API_VERSION}"
        pool = self._pool
        response = pool.request(
            "PUT",
            url,
            body=json.dumps(self._body, separators=(",", ":")).encode(),
            headers=self._put_headers,
        )
        if response.status not in (200, 201):
            raise RuntimeError(f"PUT answered {response.status}")
        json.loads(response.data)
        status_url = response.headers["Azure-AsyncOperation"]
        while True:
            response = pool.request("GET", status_url, headers=self._get_headers)
            if response.status != 200:
                raise RuntimeError(f"poll answered {response.status}")
            status = json.loads(response.data)["status"]
            if status.lower() in _TERMINAL:
                break
        if status.lower() != "succeeded":
            raise RuntimeError(f"operation ended {status}")
        response = pool.request("GET", url, headers=self._get_headers)
        if response.status != 200:
            raise RuntimeError(f"final GET answered {response.status}")
        return str(json.loads(response.data)["properties"]["provisioningState"])

    def close(self) -> None:
        self._pool.clear()
