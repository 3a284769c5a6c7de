"""Resource and long-running-operation state, behind one lock.

An operation completes on the first observation -- its status URL polled, or its resource
read (GET or list) -- after either ``polls_before_done`` earlier observations or
``operation_seconds`` of wall-clock time, whichever comes first. Counting observations keeps
tests deterministic; the clock makes time move on its own, as on the real service, so that a
client that started an operation and looks again later finds it finished.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal

from .errors import ArmError
from .execution import ExecutionResult, Executor
from .model import (
    RESOURCE_TYPE,
    execution_message,
    iso,
    merge_patch,
    pending_instance_view,
    running_instance_view,
    stuck_instance_view,
    terminal_instance_view,
    utc_now,
    wire_properties,
)

logger = logging.getLogger(__name__)

ResourceKey = tuple[str, str, str, str]
ParentKey = tuple[str, str, str]
OperationKind = Literal["Create", "Update", "Delete"]
IN_PROGRESS = "InProgress"
SUCCEEDED = "Succeeded"
FAILED = "Failed"
CANCELED = "Canceled"


@dataclass(frozen=True)
class ResourceRef:
    """A run command's address, with names spelled as in the request."""

    resource_group: str
    vmss: str
    instance_id: str
    name: str

    @property
    def key(self) -> ResourceKey:
        """Case-insensitive identity, as ARM compares resource ids."""
        return (
            self.resource_group.lower(),
            self.vmss.lower(),
            self.instance_id.lower(),
            self.name.lower(),
        )

    @property
    def parent_key(self) -> ParentKey:
        """Identity of the VM instance the run command belongs to."""
        return self.key[:3]

    def type_path(self) -> str:
        """``Microsoft.Compute/virtualMachineScaleSets/x/virtualMachines/0/runCommands/y``."""
        return (
            f"Microsoft.Compute/virtualMachineScaleSets/{self.vmss}/virtualMachines/"
            f"{self.instance_id}/runCommands/{self.name}"
        )


@dataclass(frozen=True)
class OperationRef:
    """Where an accepted long-running operation can be polled."""

    operation_id: str
    location: str


@dataclass(frozen=True)
class OperationStatus:
    """One poll's answer: the ARM operation-status body plus what kind of operation it is."""

    kind: OperationKind
    status: str
    body: dict[str, Any]

    @property
    def done(self) -> bool:
        """True once the status is terminal."""
        return self.status != IN_PROGRESS


@dataclass
class _RunCommand:
    ref: ResourceRef
    location: str
    tags: dict[str, Any] | None
    properties: dict[str, Any]
    provisioning_state: str
    instance_view: dict[str, Any]
    # asyncExecution: the finished view waits behind a "Running" one for a few reads.
    deferred_view: dict[str, Any] | None = None
    running_reads_left: int = 0
    running_until: float = 0.0
    active_operation: str | None = None


@dataclass
class _Operation:
    operation_id: str
    kind: OperationKind
    key: ResourceKey
    location: str
    started: datetime = field(default_factory=utc_now)
    started_at: float = field(default_factory=time.monotonic)
    polls: int = 0
    status: str = IN_PROGRESS
    ended: datetime | None = None
    error: dict[str, Any] | None = None
    executing: bool = False

    def body(self) -> dict[str, Any]:
        # Compute's key order: times, status, the error if any, and the operation id last.
        body: dict[str, Any] = {"startTime": iso(self.started)}
        if self.ended is not None:
            body["endTime"] = iso(self.ended)
        body["status"] = self.status
        if self.error is not None:
            body["error"] = copy.deepcopy(self.error)
        body["name"] = self.operation_id
        return body

    def snapshot(self) -> OperationStatus:
        return OperationStatus(self.kind, self.status, self.body())


@dataclass(frozen=True)
class _Execution:
    operation_id: str
    kind: OperationKind
    generation: int
    wire: dict[str, Any]


class RunCommandStore:
    """Run commands of every VMSS VM, and the operations changing them.

    All state sits behind one lock; the executor (user code) runs outside it so that it may call
    back into the emulator without deadlocking.
    """

    def __init__(
        self,
        *,
        subscription_id: str,
        executor: Executor,
        polls_before_done: int,
        operation_seconds: float | None = None,
        lenient: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._subscription_id = subscription_id
        self._executor = executor
        self._polls_before_done = polls_before_done
        self._operation_seconds = operation_seconds
        self._lenient = lenient
        self._clock = clock
        self._resources: dict[ResourceKey, _RunCommand] = {}
        self._operations: dict[str, _Operation] = {}
        # Bumped by reset() so an execution finishing afterwards does not resurrect state.
        self._generation = 0
        self._lock = threading.Lock()

    # -- rendering ------------------------------------------------------------------------

    def _resource_id(self, ref: ResourceRef) -> str:
        return (
            f"/subscriptions/{self._subscription_id}/resourceGroups/{ref.resource_group}"
            f"/providers/{ref.type_path()}"
        )

    def _wire(
        self, rc: _RunCommand, *, include_secrets: bool, instance_view: dict[str, Any] | None
    ) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "name": rc.ref.name,
            "id": self._resource_id(rc.ref),
            "type": RESOURCE_TYPE,
            "location": rc.location,
        }
        if rc.tags is not None:
            wire["tags"] = dict(rc.tags)
        properties = wire_properties(
            rc.properties, include_secrets=include_secrets, lenient=self._lenient
        )
        properties["provisioningState"] = rc.provisioning_state
        if instance_view is not None:
            view = copy.deepcopy(instance_view)
            if not self._lenient:
                view.pop("statuses", None)  # the service does not return them
            properties["instanceView"] = view
        wire["properties"] = properties
        return wire

    def _public(self, rc: _RunCommand, *, expand: bool) -> dict[str, Any]:
        return self._wire(
            rc,
            include_secrets=False,
            instance_view=self._read_instance_view(rc) if expand else None,
        )

    def _read_instance_view(self, rc: _RunCommand) -> dict[str, Any]:
        # Each read of a Running asyncExecution view brings the script closer to its end.
        # Time moves it too: after operation_seconds the script has finished anyway.
        if rc.deferred_view is not None:
            overdue = self._operation_seconds is not None and self._clock() >= rc.running_until
            if rc.running_reads_left > 0 and not overdue:
                rc.running_reads_left -= 1
            else:
                rc.instance_view, rc.deferred_view = rc.deferred_view, None
        return rc.instance_view

    # -- lookups --------------------------------------------------------------------------

    def _require(self, ref: ResourceRef) -> _RunCommand:
        rc = self._resources.get(ref.key)
        if rc is None:
            raise ArmError(
                404,
                "ResourceNotFound",
                f"The Resource '{ref.type_path()}' under resource group "
                f"'{ref.resource_group}' was not found. "
                "For more details please go to https://aka.ms/ARMResourceNotFoundFix",
            )
        return rc

    def _ensure_idle(self, rc: _RunCommand, method: str) -> None:
        if rc.active_operation is None:
            return
        busy = self._operations[rc.active_operation]
        article = "an" if str(busy.kind)[:1] in "AEIOU" else "a"
        raise ArmError(
            409,
            "OperationNotAllowed",
            f"Operation '{method}' is not allowed on run command '{rc.ref.name}' because "
            f"{article} '{busy.kind}' operation ({busy.operation_id}) is still in progress. "
            "Retry after it completes.",
        )

    def _start(self, kind: OperationKind, rc: _RunCommand) -> OperationRef:
        operation = _Operation(
            str(uuid.uuid4()), kind, rc.ref.key, rc.location, started_at=self._clock()
        )
        self._operations[operation.operation_id] = operation
        rc.active_operation = operation.operation_id
        return OperationRef(operation.operation_id, rc.location)

    # -- operations -----------------------------------------------------------------------

    def put(
        self,
        ref: ResourceRef,
        *,
        location: str,
        tags: dict[str, Any] | None,
        properties: dict[str, Any],
    ) -> tuple[bool, dict[str, Any], OperationRef]:
        """Create or replace; returns (created, response body, operation)."""
        with self._lock:
            rc = self._resources.get(ref.key)
            created = rc is None
            if rc is None:
                rc = _RunCommand(
                    ref=ref,
                    location=location,
                    tags=tags,
                    properties=properties,
                    provisioning_state="Creating",
                    instance_view=pending_instance_view(),
                )
                self._resources[ref.key] = rc
            else:
                self._ensure_idle(rc, "PUT")
                if rc.location != location:
                    raise ArmError(
                        409,
                        "InvalidResourceLocation",
                        f"The resource '{rc.ref.name}' already exists in location "
                        f"'{rc.location}' in resource group '{rc.ref.resource_group}'. "
                        f"A resource with the same name cannot be created in location "
                        f"'{location}'. Please select a new resource name.",
                        target="location",
                    )
                rc.tags = tags
                rc.properties = properties
                rc.provisioning_state = "Updating"
                rc.instance_view = pending_instance_view()
                rc.deferred_view = None
            operation = self._start("Create" if created else "Update", rc)
            return created, self._public(rc, expand=False), operation

    def patch(
        self,
        ref: ResourceRef,
        *,
        tags: dict[str, Any] | None,
        properties: dict[str, Any],
    ) -> tuple[dict[str, Any], OperationRef]:
        """Merge-patch tags and properties; returns (response body, operation)."""
        with self._lock:
            rc = self._require(ref)
            self._ensure_idle(rc, "PATCH")
            if tags is not None:
                merged_tags = merge_patch(rc.tags, tags)
                rc.tags = merged_tags
            rc.properties = merge_patch(rc.properties, properties)
            rc.provisioning_state = "Updating"
            rc.instance_view = pending_instance_view()
            rc.deferred_view = None
            operation = self._start("Update", rc)
            return self._public(rc, expand=False), operation

    def delete(self, ref: ResourceRef) -> OperationRef | None:
        """Start deleting; ``None`` when there is nothing to delete."""
        with self._lock:
            rc = self._resources.get(ref.key)
            if rc is None:
                return None
            if rc.active_operation is not None:
                busy = self._operations[rc.active_operation]
                if busy.kind == "Delete":
                    # A retried DELETE joins the deletion already under way.
                    return OperationRef(busy.operation_id, busy.location)
                self._ensure_idle(rc, "DELETE")
            rc.provisioning_state = "Deleting"
            return self._start("Delete", rc)

    def get(self, ref: ResourceRef, *, expand: bool) -> dict[str, Any]:
        """The public body of one run command; counts as a poll of its running operation."""
        self._observe(lambda key: key == ref.key, only=ref.key)
        with self._lock:
            return self._public(self._require(ref), expand=expand)

    def list(self, parent: ParentKey, *, expand: bool) -> list[dict[str, Any]]:
        """Public bodies of a VM's run commands, ordered by name; counts as a poll of each
        listed run command's running operation."""
        self._observe(lambda key: key[:3] == parent)
        with self._lock:
            found = [rc for key, rc in self._resources.items() if key[:3] == parent]
            found.sort(key=lambda rc: (rc.ref.name.lower(), rc.ref.name))
            return [self._public(rc, expand=expand) for rc in found]

    def _observe(
        self, selects: Callable[[ResourceKey], bool], *, only: ResourceKey | None = None
    ) -> None:
        with self._lock:
            if only is not None:  # one resource: a lookup, not a scan of every resource
                found = self._resources.get(only)
                candidates = [] if found is None else [(only, found)]
            else:
                candidates = list(self._resources.items())
            executions = [
                execution
                for execution in (
                    self._count_poll(self._operations[rc.active_operation])
                    for key, rc in candidates
                    if rc.active_operation is not None and selects(key)
                )
                if execution is not None
            ]
        for execution in executions:
            self._execute(execution)

    def has_operation(self, operation_id: str, location: str) -> bool:
        """Whether the operation exists (in that location)."""
        with self._lock:
            operation = self._operations.get(operation_id)
            return operation is not None and operation.location == location

    def poll(self, operation_id: str, location: str) -> OperationStatus:
        """Count one poll of an operation and complete it once it was polled enough."""
        with self._lock:
            operation = self._operations.get(operation_id)
            if operation is None or operation.location != location:
                raise ArmError(
                    404,
                    "OperationNotFound",
                    f"The operation '{operation_id}' was not found in location '{location}'.",
                )
            execution = self._count_poll(operation)
            if execution is None:
                return operation.snapshot()
        return self._execute(execution)

    def _count_poll(self, operation: _Operation) -> _Execution | None:
        """Caller holds the lock. The execution to run (outside the lock) when this poll
        completes a create or update; ``None`` when there is nothing to run."""
        if operation.status != IN_PROGRESS:
            return None
        operation.polls += 1
        if operation.executing:
            return None
        overdue = (
            self._operation_seconds is not None
            and self._clock() - operation.started_at >= self._operation_seconds
        )
        if operation.polls <= self._polls_before_done and not overdue:
            return None
        rc = self._resources[operation.key]
        if operation.kind == "Delete":
            del self._resources[operation.key]
            self._finish(operation, SUCCEEDED)
            return None
        operation.executing = True
        return _Execution(
            operation.operation_id,
            operation.kind,
            self._generation,
            self._wire(rc, include_secrets=True, instance_view=None),
        )

    def _execute(self, execution: _Execution) -> OperationStatus:
        started = utc_now()
        result, platform_error = self._run_executor(execution.wire)
        ended = utc_now()
        with self._lock:
            operation = self._operations.get(execution.operation_id)
            if operation is None or execution.generation != self._generation:
                # reset() ran while the script was executing; nothing left to update.
                body = {"status": CANCELED, "name": execution.operation_id}
                return OperationStatus(execution.kind, CANCELED, body)
            operation.executing = False
            if operation.status != IN_PROGRESS:
                # An injected fault ended the operation while the script was running.
                return operation.snapshot()
            rc = self._resources[operation.key]
            self._complete_run(operation, rc, result, platform_error, started, ended)
            return operation.snapshot()

    def _run_executor(self, wire: Mapping[str, Any]) -> tuple[ExecutionResult, str | None]:
        try:
            result = self._executor(wire)
            if not isinstance(result, ExecutionResult):
                raise TypeError(f"executor returned {type(result).__name__}, not ExecutionResult")
        except Exception as exc:
            # The executor is test code; its bug must fail the operation, not the server.
            logger.exception("run-command executor raised")
            message = f"[emulator] executor raised {type(exc).__name__}: {exc}"
            return ExecutionResult(exit_code=1, execution_message=message), message
        return result, None

    def _complete_run(
        self,
        operation: _Operation,
        rc: _RunCommand,
        result: ExecutionResult,
        platform_error: str | None,
        started: datetime,
        ended: datetime,
    ) -> None:
        asynchronous = bool(rc.properties.get("asyncExecution"))
        treat_failure = bool(rc.properties.get("treatFailureAsDeploymentFailure"))
        # asyncExecution provisions as soon as the script starts, so its outcome cannot fail it.
        failed = platform_error is not None or (
            result.failed and treat_failure and not asynchronous
        )
        finished = terminal_instance_view(result, started, ended, provisioned=not failed)
        if not self._lenient and _empty_source(rc.properties):
            # What the service did with an empty source: provisioning succeeded and the
            # view stays "Running" with exit code 0, the failure only in executionMessage.
            rc.instance_view = stuck_instance_view(started)
            rc.deferred_view = None
            rc.provisioning_state = SUCCEEDED
            self._finish(operation, SUCCEEDED)
            return
        if asynchronous and platform_error is None and self._polls_before_done > 0:
            rc.instance_view = running_instance_view(started)
            rc.deferred_view = finished
            rc.running_reads_left = self._polls_before_done
            rc.running_until = self._clock() + (self._operation_seconds or 0.0)
        else:
            rc.instance_view = finished
            rc.deferred_view = None
        rc.provisioning_state = FAILED if failed else SUCCEEDED
        if not failed:
            self._finish(operation, SUCCEEDED)
            return
        self._finish(operation, FAILED, self._failure(rc, result, platform_error))

    def _failure(
        self, rc: _RunCommand, result: ExecutionResult, platform_error: str | None
    ) -> dict[str, Any]:
        where = f"instance '{rc.ref.instance_id}' of scale set '{rc.ref.vmss}'"
        if platform_error is not None:
            message = f"Run command '{rc.ref.name}' could not be run on {where}: {platform_error}"
        else:
            message = (
                f"Run command '{rc.ref.name}' failed on {where}: the script finished with "
                f"execution state '{result.state}' and exit code {result.exit_code}, and "
                "treatFailureAsDeploymentFailure is true. See the run command's instance view "
                "for its output and error streams."
            )
        detail = {
            "code": "RunCommandScriptFailed" if platform_error is None else "ExecutorError",
            "target": "instanceView",
            "message": execution_message(result),
        }
        return {"code": "VMExtensionProvisioningError", "message": message, "details": [detail]}

    def _finish(
        self, operation: _Operation, status: str, error: dict[str, Any] | None = None
    ) -> None:
        operation.status = status
        operation.ended = utc_now()
        operation.error = error
        rc = self._resources.get(operation.key)
        if rc is not None and rc.active_operation == operation.operation_id:
            rc.active_operation = None

    # -- fault injection ------------------------------------------------------------------

    def end_operation(self, operation_id: str, outcome: str, error: dict[str, Any]) -> bool:
        """End a running operation as ``Failed`` or ``Canceled`` with ``error``, as if the
        platform had; the resource's provisioning state follows. ``False`` if not running."""
        if outcome not in (FAILED, CANCELED):
            raise ValueError(f"outcome must be {FAILED!r} or {CANCELED!r}, not {outcome!r}")
        with self._lock:
            operation = self._operations.get(operation_id)
            if operation is None or operation.status != IN_PROGRESS:
                return False
            rc = self._resources.get(operation.key)
            if rc is not None:
                rc.provisioning_state = outcome
                if operation.kind != "Delete":
                    state = "Canceled" if outcome == CANCELED else "Failed"
                    rc.instance_view = {
                        **rc.instance_view,
                        "executionState": state,
                        "executionMessage": str(error.get("message", "")),
                    }
                    rc.deferred_view = None
            self._finish(operation, outcome, error)
            return True

    def forget_operation(self, operation_id: str) -> bool:
        """Drop an operation: its status URL answers 404 from now on; the resource stays as
        it is and accepts new operations. ``False`` if there was no such operation."""
        with self._lock:
            operation = self._operations.pop(operation_id, None)
            if operation is None:
                return False
            rc = self._resources.get(operation.key)
            if rc is not None and rc.active_operation == operation_id:
                rc.active_operation = None
            return True

    # -- test helpers ---------------------------------------------------------------------

    def snapshot(self) -> Mapping[ResourceKey, Mapping[str, Any]]:
        """Every stored run command, secrets and current instance view included."""
        with self._lock:
            return MappingProxyType(
                {
                    key: self._wire(rc, include_secrets=True, instance_view=rc.instance_view)
                    for key, rc in sorted(self._resources.items())
                }
            )

    def reset(self) -> None:
        """Forget every resource and operation."""
        with self._lock:
            self._resources.clear()
            self._operations.clear()
            self._generation += 1


def _empty_source(properties: Mapping[str, Any]) -> bool:
    """A ``source`` was sent and names no script (no source at all runs the executor)."""
    source = properties.get("source")
    return isinstance(source, dict) and not any(key in source for key in _SCRIPT_KEYS)


_SCRIPT_KEYS = ("script", "scriptUri", "commandId")
