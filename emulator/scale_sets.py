"""The scale sets the emulator knows: only their names and regions, which is what a client
reads to default a run command's location."""

from __future__ import annotations

import threading
from typing import Any

from .model import normalize_location

__all__ = ["DEFAULT_REGION", "ScaleSets"]

DEFAULT_REGION = "westus"
SCALE_SET_TYPE = "Microsoft.Compute/virtualMachineScaleSets"


class ScaleSets:
    """Scale sets by (resource group, name), case-insensitive.

    Every scale set exists: one that was not added is in ``default_region``, so tests need
    not declare the scale sets they run commands on; :meth:`add` places one elsewhere. With
    ``declared_only``, only the added ones exist, as on Azure.
    """

    def __init__(
        self, default_region: str = DEFAULT_REGION, *, declared_only: bool = False
    ) -> None:
        self.default_region = normalize_location(default_region)
        self.declared_only = declared_only
        self._regions: dict[tuple[str, str], tuple[str, str, str, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def add(
        self,
        resource_group: str,
        name: str,
        location: str,
        tags: dict[str, str] | None = None,
    ) -> None:
        """Declare (or move) a scale set in ``location``."""
        if not resource_group or not name or not location.strip():
            raise ValueError("resource_group, name and location must not be empty")
        with self._lock:
            self._regions[(resource_group.lower(), name.lower())] = (
                resource_group,
                name,
                normalize_location(location),
                dict(tags or {}),
            )

    def exists(self, resource_group: str, name: str) -> bool:
        """Whether requests may address this scale set (always, unless ``declared_only``)."""
        if not self.declared_only:
            return True
        with self._lock:
            return (resource_group.lower(), name.lower()) in self._regions

    def region(self, resource_group: str, name: str) -> str:
        """The scale set's region."""
        with self._lock:
            found = self._regions.get((resource_group.lower(), name.lower()))
        return self.default_region if found is None else found[2]

    def body(self, subscription_id: str, resource_group: str, name: str) -> dict[str, Any]:
        """The GET answer: id, name, type, location and tags (the emulator models no more)."""
        with self._lock:
            found = self._regions.get((resource_group.lower(), name.lower()))
        if found is not None:
            resource_group, name, location, tags = found
        else:
            location, tags = self.default_region, {}
        body: dict[str, Any] = {
            "name": name,
            "id": (
                f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"
                f"/providers/{SCALE_SET_TYPE}/{name}"
            ),
            "type": SCALE_SET_TYPE,
            "location": location,
        }
        if tags:
            body["tags"] = tags
        return body
