"""A PUT or PATCH whose answer was lost: read the resource, then send again or poll it.

A connection cut after the request went out leaves the client not knowing whether the service
took the write. Sending it blindly again could start the operation twice (a run command would
run its script twice); giving up leaves the user to find out. Instead the resource is read:

- absent (404): the write never took effect, so it is sent once more;
- present and still provisioning: the write (ours, or one under way) is running: poll it;
- present, finished, and holding what was sent: the write took effect: it is the result;
- present, finished, and different: the write never took effect: it is sent once more.

Nothing here knows an operation of the API: "holding what was sent" compares the JSON body
that was sent with the resource, field by field, leaving out the secret fields a service never
echoes (passwords, protected values) and normalizing what ARM normalizes (``location``).
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from .http import HttpResponse
from .lro_core import is_terminal_status, provisioning_state

__all__ = ["LostWriteDecision", "decide_lost_write", "holds_what_was_sent"]


class LostWriteDecision(Enum):
    """What to do after reading the resource of a write whose answer was lost."""

    SEND_AGAIN = "send again"
    POLL = "poll"


def decide_lost_write(
    sent: bytes | None, response: HttpResponse, secret_fields: frozenset[str]
) -> LostWriteDecision:
    """Decide from the GET of the resource (``200`` or ``404``) what to do with the write."""
    if response.status_code == 404:
        return LostWriteDecision.SEND_AGAIN
    try:
        resource = response.json() if response.body.strip() else None
    except (ValueError, RecursionError):
        resource = None
    if not isinstance(resource, dict):
        # Nothing readable to compare with: resending could run the operation twice, while
        # polling reads the resource until it says where it stands.
        return LostWriteDecision.POLL
    state = provisioning_state(resource)
    if state is not None and not is_terminal_status(state):
        return LostWriteDecision.POLL
    try:
        expected = json.loads(sent) if sent else None
    except (ValueError, RecursionError):
        expected = None
    if expected is None or holds_what_was_sent(
        expected, resource, frozenset(name.lower() for name in secret_fields)
    ):
        return LostWriteDecision.POLL
    return LostWriteDecision.SEND_AGAIN


def holds_what_was_sent(sent: Any, found: Any, secret_fields: frozenset[str]) -> bool:
    """Whether ``found`` (the resource read back) has every value of ``sent`` (the write).

    Keys only ``found`` has are fine (read-only fields, defaults); a key of ``sent`` missing
    from ``found`` is a difference, unless it is a secret field (lower-case names) or was sent
    as ``null``.
    """
    return _holds(sent, found, secret_fields, key="")


def _holds(sent: Any, found: Any, secret_fields: frozenset[str], *, key: str) -> bool:
    if isinstance(sent, dict):
        if not isinstance(found, dict):
            return False
        for name, value in sent.items():
            if name.lower() in secret_fields:
                continue
            if name not in found:
                if value is None:
                    continue
                return False
            if not _holds(value, found[name], secret_fields, key=name):
                return False
        return True
    if isinstance(sent, list):
        return (
            isinstance(found, list)
            and len(sent) == len(found)
            and all(_holds(a, b, secret_fields, key=key) for a, b in zip(sent, found, strict=True))
        )
    if key.lower() == "location" and isinstance(sent, str) and isinstance(found, str):
        # ARM answers "westus" for "West US".
        return sent.replace(" ", "").lower() == found.replace(" ", "").lower()
    return bool(sent == found and type(sent) is type(found)) or (
        _is_number(sent) and _is_number(found) and sent == found
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# pyright --strict (nox -s lint): JSON values narrowed from Any (dict[Unknown, Unknown]) are
# compared on purpose in this module; the public surface stays fully typed.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false
