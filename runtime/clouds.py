"""The Azure clouds an ARM client can be pointed at by name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AzureCloud:
    """One Azure cloud: its canonical name and its Resource Manager endpoint.

    The token scope is not stored: it is derived from the endpoint, as for any ``base_url``.
    """

    name: str
    resource_manager: str


AZURE_PUBLIC_CLOUD = AzureCloud("AzureCloud", "https://management.azure.com")
AZURE_CHINA_CLOUD = AzureCloud("AzureChinaCloud", "https://management.chinacloudapi.cn")
AZURE_US_GOVERNMENT = AzureCloud("AzureUSGovernment", "https://management.usgovcloudapi.net")

# Azure CLI / msrestazure names first, then azure-core's AzureClouds member names.
_BY_NAME = {
    "azurecloud": AZURE_PUBLIC_CLOUD,
    "azurepubliccloud": AZURE_PUBLIC_CLOUD,
    "azure_public_cloud": AZURE_PUBLIC_CLOUD,
    "azurechinacloud": AZURE_CHINA_CLOUD,
    "azure_china_cloud": AZURE_CHINA_CLOUD,
    "azureusgovernment": AZURE_US_GOVERNMENT,
    "azureusgovernmentcloud": AZURE_US_GOVERNMENT,
    "azure_us_government": AZURE_US_GOVERNMENT,
}

CLOUD_NAMES = ("AzureCloud", "AzurePublicCloud", "AzureChinaCloud", "AzureUSGovernment")
"""The names documented for ``cloud=``; matching ignores case."""


def cloud_by_name(name: object) -> AzureCloud:
    """The cloud called ``name`` (case-insensitive); ``ValueError`` listing the known names."""
    if not isinstance(name, str):
        raise TypeError(f"cloud must be a str such as 'AzureCloud', not {type(name).__name__}")
    cloud = _BY_NAME.get(name.strip().lower())
    if cloud is None:
        raise ValueError(f"Unknown cloud {name!r}; use one of {', '.join(CLOUD_NAMES)}")
    return cloud
