"""Sovereign clouds by name: endpoint and token scope, and conflicts with base_url."""

from __future__ import annotations

from typing import Any

import pytest
from vmss_runcommands import RunCommandsClient
from vmss_runcommands.runtime.client import ArmClient
from vmss_runcommands.runtime.clouds import (
    AZURE_CHINA_CLOUD,
    AZURE_PUBLIC_CLOUD,
    AZURE_US_GOVERNMENT,
    cloud_by_name,
)


class Credential:
    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        raise AssertionError("no request is sent in these tests")


def arm(**kwargs: Any) -> ArmClient:
    return ArmClient(Credential(), "sub", api_version="2024-07-01", sdk_moniker="x/1", **kwargs)


@pytest.mark.parametrize(
    ("name", "cloud"),
    [
        ("AzureCloud", AZURE_PUBLIC_CLOUD),
        ("AzurePublicCloud", AZURE_PUBLIC_CLOUD),
        ("azurecloud", AZURE_PUBLIC_CLOUD),
        ("AZURE_PUBLIC_CLOUD", AZURE_PUBLIC_CLOUD),
        ("AzureChinaCloud", AZURE_CHINA_CLOUD),
        ("AzureUSGovernment", AZURE_US_GOVERNMENT),
        (" azureusgovernment ", AZURE_US_GOVERNMENT),
    ],
)
def test_clouds_are_found_by_name_ignoring_case(name: str, cloud: Any) -> None:
    assert cloud_by_name(name) is cloud


def test_unknown_cloud_names_are_rejected_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="AzureChinaCloud") as caught:
        cloud_by_name("AzureGermanCloud")
    assert "AzureGermanCloud" in str(caught.value)
    with pytest.raises(TypeError):
        cloud_by_name(None)


@pytest.mark.parametrize(
    ("cloud", "endpoint", "scope"),
    [
        (None, "https://management.azure.com", "https://management.azure.com/.default"),
        (
            "AzureChinaCloud",
            "https://management.chinacloudapi.cn",
            "https://management.chinacloudapi.cn/.default",
        ),
        (
            "AzureUSGovernment",
            "https://management.usgovcloudapi.net",
            "https://management.usgovcloudapi.net/.default",
        ),
    ],
)
def test_the_cloud_sets_the_endpoint_and_the_token_scope(
    cloud: str | None, endpoint: str, scope: str
) -> None:
    client = arm(cloud=cloud)
    assert client.base_url == endpoint
    assert client.pipeline.auth is not None
    assert client.pipeline.auth.scopes == (scope,)


def test_a_base_url_agreeing_with_the_cloud_is_accepted() -> None:
    client = arm(cloud="AzureChinaCloud", base_url="https://MANAGEMENT.chinacloudapi.cn/")
    assert client.base_url == "https://MANAGEMENT.chinacloudapi.cn"


@pytest.mark.parametrize(
    "base_url",
    [
        "https://management.azure.com",
        "https://management.chinacloudapi.cn:8443",
        "http://management.chinacloudapi.cn",
        "https://management.chinacloudapi.cn/other",
    ],
)
def test_a_base_url_contradicting_the_cloud_is_a_clear_error(base_url: str) -> None:
    with pytest.raises(ValueError, match="disagree") as caught:
        arm(cloud="AzureChinaCloud", base_url=base_url)
    assert "pass only one of them" in str(caught.value)


def test_the_generated_client_passes_the_cloud_through() -> None:
    client = RunCommandsClient(Credential(), "sub", cloud="AzureUSGovernment")
    assert "usgovcloudapi.net" in repr(client)
    with pytest.raises(ValueError, match="disagree"):
        RunCommandsClient(Credential(), "sub", cloud="AzureCloud", base_url="https://example.com")
