"""How a failed long-running operation's resource is summarized: a callback from the caller.

The runtime knows no operation, so it cannot know which part of a failed resource explains the
failure. The code that starts the operation passes a :data:`FailureDescriber` (as azure-core
takes a deserialization callback); the core appends its summary to the error message and keeps
its detail, redacted, on :attr:`OperationFailedError.detail`. :func:`summarize_nested` builds
one from plain data -- the path of wire names to a nested object and the fields to show -- so
generated code passes values, not logic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

__all__ = ["FailureDescriber", "FailureDetail", "summarize_nested"]

STREAM_CHARS = 1000
"""Characters of a text stream (such as a script's error output) shown in a message."""


@dataclass(frozen=True)
class FailureDetail:
    """What a describer found in a failed resource body."""

    summary: str
    """Appended to the error message; empty when there is nothing to say."""
    detail: Mapping[str, Any] | None = None
    """The part of the body the summary came from, kept on the error after redaction."""


FailureDescriber = Callable[[Any], "FailureDetail | None"]
"""Given a failed resource's decoded JSON body, a :class:`FailureDetail` or ``None``."""


def summarize_nested(
    path: Sequence[str], fields: Sequence[str], *, stream: str | None = None
) -> FailureDescriber:
    """A describer reading the object at ``path`` and showing ``fields`` of it.

    The first ARM status entry (``statuses``) of level ``Error`` is shown too, and ``stream``
    names a text field shown cut to :data:`STREAM_CHARS`. Values are shown with ``repr`` so
    hostile text cannot forge the rest of the message.
    """
    path = tuple(path)
    fields = tuple(fields)

    def describe(body: Any) -> FailureDetail | None:
        node: Any = body
        for key in path:
            node = cast(dict[str, Any], node).get(key) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            return None
        view = cast(dict[str, Any], node)
        parts = [f"{key}={view[key]!r}" for key in fields if view.get(key) is not None]
        statuses: Any = view.get("statuses")
        if isinstance(statuses, list):
            entries: list[Any] = cast(Any, statuses)  # pyright narrows to list[Unknown]
            for entry in entries:
                if not isinstance(entry, dict):
                    continue
                status = cast(dict[str, Any], entry)
                if str(status.get("level", "")).lower() == "error":
                    parts.append(f"status={status.get('code')!r}: {status.get('message')!r}")
                    break
        text: Any = view.get(stream) if stream is not None else None
        if isinstance(text, str) and text:
            shown = text[:STREAM_CHARS]
            suffix = "... (truncated)" if len(text) > len(shown) else ""
            parts.append(f"{stream}={shown!r}{suffix}")
        return FailureDetail(", ".join(parts), view)

    return describe
