"""fan-out's JSON document, and ``fan-out --resume FILE`` reading one back.

The document names the scale set and the run command, and for each instance its status; an
instance whose run the service accepted but that did not finish (errored after starting, or
in flight at Ctrl-C) carries the continuation token that resumes waiting for it. Resuming
waits again for those, starts the instances that never started, and copies the finished ones:
no script runs twice.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..workflows import FanOutSummary, InstanceOutcome
from . import render
from .parser import UsageError
from .targets import check_target

__all__ = ["FanOutPlan", "fan_out_document", "fan_out_plan", "read_resume_file"]

_MAX_RESUME_BYTES = 64 * 1024 * 1024
_FINISHED = ("succeeded", "failed")


@dataclass
class FanOutPlan:
    """What a fan-out works on: new instances to start, accepted ones to wait for again."""

    resource_group: str
    vmss_name: str
    name: str
    to_start: list[str]
    tokens: dict[str, str] = field(default_factory=dict)
    carried: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def instance_ids(self) -> list[str]:
        return [*self.tokens, *self.to_start]


def read_resume_file(args: argparse.Namespace) -> None:
    """Read and check ``--resume FILE`` into ``args.resume_plan`` (a usage error naming what
    is wrong otherwise)."""
    path = args.resume
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read(_MAX_RESUME_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"argument --resume: cannot read {path}: {exc.strerror or exc}") from None
    if len(text) > _MAX_RESUME_BYTES:
        raise UsageError(f"argument --resume: {path} is larger than a fan-out output can be")
    try:
        document = json.loads(text)
        plan = _plan_from(document)
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise UsageError(
            f"argument --resume: {path} is not the JSON output of a fan-out ({exc})"
        ) from None
    for option, value, expected in (
        ("--resource-group", args.resource_group, plan.resource_group),
        ("--vmss-name", args.vmss_name, plan.vmss_name),
    ):
        if value is not None and value.lower() != expected.lower():
            raise UsageError(f"{option} {value} differs from {expected} in {path}")
    if args.instance_ids is not None:
        raise UsageError("--resume takes the instances from the file; leave out --instance-ids")
    has_source = args.script is not None or args.script_uri is not None or args.command_id
    if plan.to_start and not has_source:
        raise UsageError(
            f"{len(plan.to_start)} instance(s) in {path} had not started: give the same "
            "--script (or --script-uri, --command-id) and settings again to start them"
        )
    args.resource_group, args.vmss_name, args.name = (
        plan.resource_group,
        plan.vmss_name,
        plan.name,
    )
    args.resume_plan = plan


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string")
    return value


def _plan_from(document: Any) -> FanOutPlan:
    if not isinstance(document, dict):
        raise ValueError("expected a JSON object")
    where = document["fanOut"]
    plan = FanOutPlan(
        resource_group=_text(where["resourceGroup"], "fanOut.resourceGroup"),
        vmss_name=_text(where["vmssName"], "fanOut.vmssName"),
        name=_text(where["name"], "fanOut.name"),
        to_start=[],
    )
    for index, entry in enumerate(document["instances"]):
        instance_id = _text(entry["instanceId"], f"instances[{index}].instanceId")
        status = entry.get("status")
        token = entry.get("continuationToken")
        if status in _FINISHED:
            plan.carried.append(entry)
        elif token is not None:
            plan.tokens[instance_id] = _text(token, f"instances[{index}].continuationToken")
        else:
            # Refused before the service accepted it (a 4xx, a throttled start): never ran.
            plan.to_start.append(instance_id)
    for index, entry in enumerate(document.get("inFlight") or []):
        instance_id = _text(entry["instanceId"], f"inFlight[{index}].instanceId")
        token = entry.get("continuationToken")
        if token is None:
            # Its first request was on its way: it may run, so it is never sent again.
            plan.unknown.append(instance_id)
        else:
            plan.tokens[instance_id] = _text(token, f"inFlight[{index}].continuationToken")
    for index, instance_id in enumerate(document.get("notStarted") or []):
        plan.to_start.append(_text(instance_id, f"notStarted[{index}]"))
    return plan


def fan_out_plan(args: argparse.Namespace) -> FanOutPlan:
    """The plan of this fan-out: from --resume, or every --instance-ids to start."""
    plan: FanOutPlan | None = getattr(args, "resume_plan", None)
    if plan is not None:
        return plan
    check_target(args)
    return FanOutPlan(args.resource_group, args.vmss_name, args.name, list(args.instance_ids))


def fan_out_document(
    plan: FanOutPlan,
    instance_ids: Sequence[str],
    outcomes: Sequence[InstanceOutcome],
    summary: FanOutSummary,
    in_flight: Mapping[str, str | None],
    interrupted: bool,
) -> dict[str, Any]:
    """The JSON output: where, a summary, every finished instance in the given order (those
    carried over from --resume first), then -- when interrupted -- what was in flight (with
    tokens) and what had not started."""
    order = {instance_id: position for position, instance_id in enumerate(instance_ids)}
    finished = sorted(outcomes, key=lambda outcome: order[outcome.instance_id])
    instances = [*plan.carried, *(render.outcome_document(outcome) for outcome in finished)]
    instances += [
        {
            "instanceId": instance_id,
            "status": "errored",
            "error": "its first request was on its way when the fan-out was interrupted; it "
            "may have run: check it with `vmss-runcommands show --instance-view`",
        }
        for instance_id in plan.unknown
    ]
    by_status: dict[str, list[str]] = {"succeeded": [], "failed": [], "errored": []}
    for entry in instances:
        by_status.setdefault(str(entry.get("status")), []).append(str(entry["instanceId"]))
    document: dict[str, Any] = {
        "fanOut": {
            "resourceGroup": plan.resource_group,
            "vmssName": plan.vmss_name,
            "name": plan.name,
        },
        "summary": {
            "succeeded": by_status["succeeded"],
            "failed": by_status["failed"],
            "errored": by_status["errored"],
            "inFlight": list(in_flight),
            "notStarted": list(summary.not_started),
            "throttled": summary.throttled,
            "interrupted": interrupted,
        },
        "instances": instances,
    }
    if interrupted:
        document["inFlight"] = [
            {"instanceId": instance_id, "continuationToken": token}
            for instance_id, token in in_flight.items()
        ]
        document["notStarted"] = list(summary.not_started)
    return document
