"""What changed between two api-versions, in the client's terms, and whether it breaks callers.

Both sides are compared as built IR (``ApiVersion``), so the report names Python classes,
fields and methods rather than JSON pointers, and a change that does not reach the client (a
reworded description, a moved definition) is not reported at all.

A change is *breaking* when code written against the old client can fail with the new one:
something it uses is gone or renamed, something it must now pass is new, a type it relies on
changed, a value it may receive is no longer accepted (a closed enum), or the service's answer
it relied on is no longer accepted (a success status removed). Everything else is additive.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from .ir import ApiVersion, EnumType, Field, Model, Operation, Parameter

KINDS = ("client", "operation", "parameter", "status", "model", "field", "enum", "enum value")


@dataclass(frozen=True)
class Change:
    kind: str  # one of KINDS
    subject: str  # the Python name: Model.field, group.method(parameter), Enum.MEMBER
    change: str  # "added", "removed" or "changed"
    detail: str
    breaking: bool


@dataclass(frozen=True)
class Report:
    old: str
    new: str
    changes: tuple[Change, ...]

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.breaking)

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "summary": {"changes": len(self.changes), "breaking": len(self.breaking)},
            "changes": [asdict(c) for c in self.changes],
        }

    def to_text(self) -> str:
        head = (
            f"api-version {self.old} -> {self.new}: {len(self.changes)} change(s), "
            f"{len(self.breaking)} breaking"
        )
        if not self.changes:
            return f"{head}\n  no change in the client's API"
        width = max(len(c.kind) for c in self.changes)
        lines = [head]
        for c in self.changes:
            flag = "BREAKING" if c.breaking else ""
            lines.append(f"  {flag:8}  {c.change:7}  {c.kind:{width}}  {c.subject}: {c.detail}")
        return "\n".join(lines)


def diff_api_versions(old: ApiVersion, new: ApiVersion) -> Report:
    changes = [
        *_client(old, new),
        *_operations(old, new),
        *_models(old, new),
        *_enums(old, new),
    ]
    changes.sort(key=lambda c: (not c.breaking, KINDS.index(c.kind), c.subject, c.change))
    return Report(old.api_version, new.api_version, tuple(changes))


# -- client and operations ------------------------------------------------------------------


def _client(old: ApiVersion, new: ApiVersion) -> Iterator[Change]:
    if old.client_name != new.client_name:
        yield Change("client", new.client_name, "changed", f"renamed from {old.client_name}", True)


def _operation_index(api: ApiVersion) -> dict[str, tuple[str, Operation]]:
    return {
        op.operation_id: (f"{group.attribute}.{op.method_name}", op)
        for group in api.groups
        for op in group.operations
    }


def _operations(old: ApiVersion, new: ApiVersion) -> Iterator[Change]:
    before, after = _operation_index(old), _operation_index(new)
    for operation_id in sorted(before.keys() - after.keys()):
        subject, op = before[operation_id]
        yield Change("operation", subject, "removed", f"{op.http_method} {op.path}", True)
    for operation_id in sorted(after.keys() - before.keys()):
        subject, op = after[operation_id]
        yield Change("operation", subject, "added", f"{op.http_method} {op.path}", False)
    for operation_id in sorted(before.keys() & after.keys()):
        (old_subject, old_op), (subject, op) = before[operation_id], after[operation_id]
        yield from _operation(old_subject, old_op, subject, op)


def _operation(old_subject: str, old: Operation, subject: str, new: Operation) -> Iterator[Change]:
    if old_subject != subject:
        yield Change("operation", subject, "changed", f"was {old_subject}", True)
    if (old.http_method, old.path) != (new.http_method, new.path):
        yield Change(
            "operation",
            subject,
            "changed",
            f"request {old.http_method} {old.path} -> {new.http_method} {new.path}",
            False,
        )
    old_returns, new_returns = _returns(old), _returns(new)
    if old_returns != new_returns:
        yield Change(
            "operation",
            subject,
            "changed",
            f"returns {old_returns} -> {new_returns}",
            old_returns != "None",
        )
    old_via = old.long_running.final_state_via if old.long_running else None
    new_via = new.long_running.final_state_via if new.long_running else None
    if old.long_running and new.long_running and old_via != new_via:
        yield Change(
            "operation", subject, "changed", f"final-state-via {old_via} -> {new_via}", False
        )
    for status in sorted(set(old.success_statuses) - set(new.success_statuses)):
        yield Change("status", f"{subject} {status}", "removed", "no longer a success", True)
    for status in sorted(set(new.success_statuses) - set(old.success_statuses)):
        yield Change("status", f"{subject} {status}", "added", "a new success status", False)
    yield from _parameters(subject, old, new)


def _returns(op: Operation) -> str:
    result = op.paging.item_type if op.paging else op.result
    name = result.annotation if result is not None else "None"
    if op.long_running:
        return f"LROPoller[{name}]"
    if op.paging:
        return f"ItemPaged[{name}]"
    return name


def _caller_parameters(op: Operation) -> dict[tuple[str, str], tuple[Parameter, bool]]:
    """Parameters a caller sees, keyed by (location, wire name), with 'positional'."""
    positional = {id(p) for p in op.positional_parameters}
    everything = (*op.path_parameters, *op.query_parameters, *op.header_parameters)
    found = {
        (p.location, p.wire_name): (p, id(p) in positional)
        for p in (*everything, *((op.body,) if op.body else ()))
        if not p.client_level
    }
    return found


def _parameters(subject: str, old: Operation, new: Operation) -> Iterator[Change]:
    before, after = _caller_parameters(old), _caller_parameters(new)
    for key in sorted(before.keys() - after.keys()):
        p, _ = before[key]
        detail = f"{p.location} parameter {p.wire_name}"
        if p.constant is not None:
            yield Change("parameter", f"{subject}({p.python_name})", "removed", detail, False)
        else:
            yield Change("parameter", f"{subject}({p.python_name})", "removed", detail, True)
    for key in sorted(after.keys() - before.keys()):
        p, positional = after[key]
        where = f"{subject}({p.python_name})"
        if p.constant is not None:
            detail = f"{p.location} constant {p.wire_name}={p.constant!r}, sent for the caller"
            yield Change("parameter", where, "added", detail, False)
        else:
            needed = p.required or positional
            detail = (
                f"{'required' if needed else 'optional'} {p.location} parameter, {p.annotation}"
            )
            yield Change("parameter", where, "added", detail, needed)
    for key in sorted(before.keys() & after.keys()):
        (o, o_positional), (n, n_positional) = before[key], after[key]
        where = f"{subject}({n.python_name})"
        if o.python_name != n.python_name:
            yield Change("parameter", where, "changed", f"renamed from {o.python_name}", True)
        if o.type != n.type:
            yield Change(
                "parameter", where, "changed", f"type {o.annotation} -> {n.annotation}", True
            )
        if o_positional != n_positional:
            detail = "now positional" if n_positional else "now keyword-only"
            yield Change("parameter", where, "changed", detail, True)
        if o.required != n.required and n.constant is None:
            detail = "now required" if n.required else "now optional"
            yield Change("parameter", where, "changed", detail, n.required)
        if o.constant != n.constant:
            yield Change(
                "parameter",
                where,
                "changed",
                f"constant {o.constant!r} -> {n.constant!r}",
                o.constant is None or n.constant is None,
            )


# -- models and enums -----------------------------------------------------------------------


def _models(old: ApiVersion, new: ApiVersion) -> Iterator[Change]:
    before = {m.name: m for m in old.models}
    after = {m.name: m for m in new.models}
    for name in sorted(before.keys() - after.keys()):
        yield Change("model", name, "removed", f"{len(before[name].fields)} field(s)", True)
    for name in sorted(after.keys() - before.keys()):
        yield Change("model", name, "added", f"{len(after[name].fields)} field(s)", False)
    for name in sorted(before.keys() & after.keys()):
        yield from _fields(before[name], after[name])


def _describe(f: Field) -> str:
    notes = ["required" if f.required else "optional"]
    if f.read_only:
        notes.append("read-only")
    if f.secret:
        notes.append("secret")
    return f"{f.type.annotation}, {', '.join(notes)}"


def _fields(old: Model, new: Model) -> Iterator[Change]:
    before = {f.python_name: f for f in old.fields}
    after = {f.python_name: f for f in new.fields}
    for name in sorted(before.keys() - after.keys()):
        yield Change("field", f"{new.name}.{name}", "removed", _describe(before[name]), True)
    for name in sorted(after.keys() - before.keys()):
        f = after[name]
        yield Change(
            "field", f"{new.name}.{name}", "added", _describe(f), f.required and not f.read_only
        )
    for name in sorted(before.keys() & after.keys()):
        o, n = before[name], after[name]
        where = f"{new.name}.{name}"
        if o.type != n.type:
            detail = f"type {o.type.annotation} -> {n.type.annotation}"
            yield Change("field", where, "changed", detail, True)
        if o.required != n.required:
            detail = "now required" if n.required else "now optional"
            yield Change("field", where, "changed", detail, n.required and not n.read_only)
        if o.read_only != n.read_only:
            detail = "now read-only: never sent" if n.read_only else "now writable"
            yield Change("field", where, "changed", detail, n.read_only)
        if o.secret != n.secret:
            detail = "now secret: hidden from repr and logs" if n.secret else "no longer secret"
            yield Change("field", where, "changed", detail, False)
        old_wire = ".".join((*o.flattened_from, o.wire_name))
        new_wire = ".".join((*n.flattened_from, n.wire_name))
        if old_wire != new_wire:
            yield Change("field", where, "changed", f"wire name {old_wire} -> {new_wire}", False)


def _enum_summary(enum: EnumType) -> str:
    kind = "extensible" if enum.extensible else "closed"
    return f"{kind}: {', '.join(m.value for m in enum.members)}"


def _enums(old: ApiVersion, new: ApiVersion) -> Iterator[Change]:
    before = {e.name: e for e in old.enums}
    after = {e.name: e for e in new.enums}
    for name in sorted(before.keys() - after.keys()):
        yield Change("enum", name, "removed", _enum_summary(before[name]), True)
    for name in sorted(after.keys() - before.keys()):
        yield Change("enum", name, "added", _enum_summary(after[name]), False)
    for name in sorted(before.keys() & after.keys()):
        yield from _enum(before[name], after[name])


def _enum(old: EnumType, new: EnumType) -> Iterator[Change]:
    if old.extensible != new.extensible:
        if new.extensible:
            yield Change("enum", new.name, "changed", "now extensible", False)
        else:
            detail = "now closed: values outside the list are rejected"
            yield Change("enum", new.name, "changed", detail, True)
    before = {m.value: m for m in old.members}
    after = {m.value: m for m in new.members}
    for value in sorted(before.keys() - after.keys()):
        member = before[value]
        yield Change("enum value", f"{new.name}.{member.name}", "removed", repr(value), True)
    for value in sorted(after.keys() - before.keys()):
        member = after[value]
        if new.extensible:
            detail = f"{value!r}"
        else:
            detail = f"{value!r}; the enum is closed, so clients built before reject it"
        yield Change("enum value", f"{new.name}.{member.name}", "added", detail, not new.extensible)
    for value in sorted(before.keys() & after.keys()):
        if before[value].name != after[value].name:
            yield Change(
                "enum value",
                f"{new.name}.{after[value].name}",
                "changed",
                f"renamed from {before[value].name}",
                True,
            )
