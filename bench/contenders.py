"""The three contenders, in the order tables show them."""

from __future__ import annotations

from types import ModuleType

from . import anchor, floor, ours

ORDER = ("ours", "anchor", "floor")
MODULES: dict[str, ModuleType] = {"ours": ours, "anchor": anchor, "floor": floor}
LABELS = {
    "ours": "vmss-runcommands",
    "anchor": "azure-mgmt-compute",
    "floor": "floor (urllib3 + json)",
}
# The floor of the async workloads is bare aiohttp + json.
ASYNC_LABELS = {
    **LABELS,
    "floor": "floor (aiohttp + json)",
}


def present(skip_anchor: bool = False) -> dict[str, ModuleType]:
    """The contenders installed here (the anchor lives only in the bench environment)."""
    chosen = {}
    for name in ORDER:
        if name == "anchor" and skip_anchor:
            continue
        if MODULES[name].available():
            chosen[name] = MODULES[name]
    return chosen
