"""What the tool prints: JSON documents (the default, like az) and tables for people.

Everything passes through :func:`masked` first: secret fields become ``***`` and SAS
signatures in URIs are hidden, whatever the service or the caller put there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

import attrs

from ..models import VirtualMachineRunCommand
from ..runtime.redact import redact_json_value
from ..workflows import FanOutSummary, InstanceOutcome, RunResult
from .secrets import MASK

__all__ = [
    "FanOutTable",
    "masked",
    "outcome_document",
    "resource_document",
    "resource_table",
    "result_document",
    "result_table",
    "summary_document",
    "table",
    "write_json",
]

_SAS_SIGNATURE = re.compile(r"(?i)([?&]sig=)[^&\s]+")
_DETAIL_WIDTH = 60


def _secret_wire_names(model: type) -> frozenset[str]:
    names = set()
    for field in attrs.fields(model):
        if field.metadata.get("secret"):
            names.add(str(field.metadata.get("wire", field.name)))
    return frozenset(names)


SECRET_WIRE_NAMES = _secret_wire_names(VirtualMachineRunCommand)


def masked(value: Any) -> Any:
    """A copy of a JSON-like value with secret fields and SAS signatures masked."""
    return _mask_signatures(redact_json_value(value, SECRET_WIRE_NAMES))


def _mask_signatures(value: Any) -> Any:
    if isinstance(value, str):
        return _SAS_SIGNATURE.sub(rf"\1{MASK}", value)
    if isinstance(value, dict):
        return {key: _mask_signatures(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask_signatures(item) for item in value]
    return value


def write_json(document: Any, stream: TextIO) -> None:
    stream.write(json.dumps(masked(document), indent=2, ensure_ascii=False, default=str))
    stream.write("\n")


# -- documents ------------------------------------------------------------------------------


def resource_document(resource: VirtualMachineRunCommand) -> dict[str, Any]:
    """The resource as az shows it: read-only fields included and ``properties`` flattened
    into the top level (so ``--query instanceView.exitCode`` reads as it does with az)."""
    wire: dict[str, Any] = masked(resource.to_dict(keep_readonly=True))
    properties = wire.pop("properties", None)
    document = dict(wire)
    if isinstance(properties, dict):
        document.update(properties)
    return document


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def result_document(result: RunResult) -> dict[str, Any]:
    resource = result.run_command
    return {
        "instanceId": result.instance_id,
        "name": result.run_command_name,
        "executionState": result.execution_state,
        "exitCode": result.exit_code,
        "output": result.output,
        "error": result.error,
        "executionMessage": result.execution_message,
        "startTime": _iso(result.start_time),
        "endTime": _iso(result.end_time),
        "provisioningState": _text(resource.provisioning_state) or None,
        "id": _text(resource.id) or None,
    }


def outcome_document(outcome: InstanceOutcome) -> dict[str, Any]:
    document: dict[str, Any] = {"instanceId": outcome.instance_id, "status": outcome.status}
    if outcome.result is not None:
        document.update(result_document(outcome.result))
        document["instanceId"] = outcome.instance_id
    if isinstance(outcome.error, TimeoutError) and outcome.continuation_token is not None:
        document["error"] = (
            "Timed out (--wait-timeout); the run command keeps running. Save this output "
            "to a FILE and wait for it again with: vmss-runcommands fan-out --resume FILE"
        )
    elif outcome.error is not None:
        document["error"] = _first_line(outcome.error)
    if outcome.error is not None:
        document["errorType"] = type(outcome.error).__name__
    if outcome.continuation_token is not None:
        # The run was accepted: `fan-out --resume` waits for it again with this token.
        document["continuationToken"] = outcome.continuation_token
    if outcome.attempts > 1:
        document["attempts"] = outcome.attempts
    return document


def summary_document(summary: FanOutSummary) -> dict[str, Any]:
    return {
        "succeeded": list(summary.succeeded),
        "failed": list(summary.failed),
        "errored": list(summary.errored),
        "notStarted": list(summary.not_started),
        "throttled": summary.throttled,
    }


# -- tables ---------------------------------------------------------------------------------


def table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain aligned table with a dashed rule under the header, as az prints one."""
    widths = [len(column) for column in columns]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = [
        _line(columns, widths),
        _line(["-" * width for width in widths], widths),
        *(_line(row, widths) for row in rows),
    ]
    return "\n".join(lines) + "\n"


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


_RESOURCE_COLUMNS = ("Name", "Location", "ProvisioningState", "ExecutionState", "ExitCode")


def resource_table(resources: Sequence[VirtualMachineRunCommand]) -> str:
    rows = []
    for resource in resources:
        view = resource.instance_view
        rows.append(
            [
                _text(resource.name),
                _text(resource.location),
                _text(resource.provisioning_state),
                "" if view is None else _text(view.execution_state),
                "" if view is None else _text(view.exit_code),
            ]
        )
    text = table(_RESOURCE_COLUMNS, rows)
    if len(resources) == 1 and resources[0].instance_view is not None:
        view = resources[0].instance_view
        text += _streams(_text(view.output), _text(view.error))
    return text


def result_table(result: RunResult) -> str:
    duration = result.duration
    row = [
        result.instance_id,
        result.run_command_name,
        result.execution_state,
        _text(result.exit_code),
        "" if duration is None else f"{duration.total_seconds():.1f}s",
    ]
    text = table(("InstanceId", "Name", "ExecutionState", "ExitCode", "Duration"), [row])
    return text + _streams(result.output, result.error)


def _streams(output: str, error: str) -> str:
    text = ""
    for title, stream in (("output", output), ("error", error)):
        if stream:
            text += f"\n--- {title} ---\n{stream}"
            if not stream.endswith("\n"):
                text += "\n"
    return _SAS_SIGNATURE.sub(rf"\1{MASK}", text)


class FanOutTable:
    """Rows printed as instances finish; the id column is sized from the ids up front."""

    def __init__(self, instance_ids: Sequence[str]) -> None:
        width = max([len("InstanceId"), *(len(i) for i in instance_ids)])
        self._widths = [width, len("succeeded"), len("ExecutionState"), len("ExitCode")]

    def header(self) -> str:
        columns = ("InstanceId", "Status", "ExecutionState", "ExitCode", "Detail")
        rule = ["-" * width for width in self._widths] + ["-" * len("Detail")]
        return _line(columns, [*self._widths, 0]) + "\n" + _line(rule, [*self._widths, 0]) + "\n"

    def row(self, outcome: InstanceOutcome) -> str:
        result = outcome.result
        if result is None:
            state, exit_code = "", ""
            detail = _first_line(outcome.error) if outcome.error is not None else ""
        else:
            state, exit_code = result.execution_state, _text(result.exit_code)
            detail = result.error if not result.succeeded and result.error else result.output
            detail = detail.strip().splitlines()[-1] if detail.strip() else ""
        if len(detail) > _DETAIL_WIDTH:
            detail = detail[: _DETAIL_WIDTH - 3] + "..."
        detail = _SAS_SIGNATURE.sub(rf"\1{MASK}", detail)
        cells = [outcome.instance_id, outcome.status, state, exit_code, detail]
        return _line(cells, [*self._widths, 0]) + "\n"

    @staticmethod
    def footer(summary: FanOutSummary) -> str:
        parts = [
            f"{len(summary.succeeded)} succeeded",
            f"{len(summary.failed)} failed",
            f"{len(summary.errored)} errored",
        ]
        if summary.not_started:
            parts.append(f"{len(summary.not_started)} not started")
        lines = ["", ", ".join(parts) + "."]
        for title, ids in (("failed", summary.failed), ("errored", summary.errored)):
            if ids:
                lines.append(f"{title}: {' '.join(ids)}")
        return "\n".join(lines) + "\n"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _text(value: object) -> str:
    return "" if value is None else str(value)
