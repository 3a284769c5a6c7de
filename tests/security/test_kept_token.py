"""What a client keeps of its bearer token between requests (the header it sends, the
credentials taken from it for masking) shows in nothing a debugger, ``vars()`` or a traceback
rendered with its locals displays: the pipeline's and the token policy's attributes."""

from __future__ import annotations

from typing import Any

import surfaces
from hostile import TOKEN, FakeCredential, HostileServer, reply
from vmss_runcommands.runtime.retry import RetryPolicy


def _attributes_shown(value: object, depth: int = 2) -> str:
    """``repr`` of every attribute of ``value`` and, ``depth`` levels down, of theirs (the
    members of a dict or tuple too)."""
    if depth < 0:
        return ""
    shown = [repr(value)]
    if hasattr(value, "__dict__"):
        for item in vars(value).values():
            children: list[Any] = [item]
            if isinstance(item, dict):
                children = list(item.values())
            elif isinstance(item, tuple):
                children = list(item)
            shown.append(repr(item))
            shown += [_attributes_shown(child, depth - 1) for child in children]
    return "\n".join(shown)


def test_the_token_kept_between_requests_shows_in_no_attribute(
    good: HostileServer, surface: str
) -> None:
    good.handler = reply(200, b'{"name": "rc"}')
    client = surfaces.make_client(
        surface,
        FakeCredential(),
        "sub",
        base_url=good.base_url,
        retry_policy=RetryPolicy.no_retries(),
    )
    try:
        operations = client.virtual_machine_scale_set_vm_run_commands
        for _ in range(2):  # the second request uses what the first one kept
            operations.get("rg", "ss", "0", "rc")
        pipeline = surfaces.unwrap(client)._client.pipeline
        shown = _attributes_shown(pipeline) + _attributes_shown(pipeline.auth)
    finally:
        client.close()
    assert good.requests[-1].header("authorization") == f"Bearer {TOKEN}"  # it was sent
    assert "Bearer" in shown or "token" in shown  # the attributes were looked at
    assert TOKEN not in shown


def test_a_closed_client_keeps_nothing_of_its_token_and_a_new_one_is_got_after(
    good: HostileServer, surface: str
) -> None:
    good.handler = reply(200, b'{"name": "rc"}')
    credential = FakeCredential()
    client = surfaces.make_client(
        surface,
        credential,
        "sub",
        base_url=good.base_url,
        retry_policy=RetryPolicy.no_retries(),
    )
    operations = client.virtual_machine_scale_set_vm_run_commands
    pipeline = surfaces.unwrap(client)._client.pipeline
    operations.get("rg", "ss", "0", "rc")
    operations.get("rg", "ss", "0", "rc")
    assert pipeline.auth._cached is not None  # kept between requests, while open
    client.close()
    assert pipeline.auth._cached is None
    assert getattr(pipeline.auth, "_header", None) is None
    sync_rules = getattr(pipeline, "_rules", pipeline)
    assert sync_rules._token_credentials is None
    assert credential.calls == 1
    if surface == "sync":  # (the async facade's event loop ends with it)
        # Used again after closing (a transport may be), it gets a token anew.
        operations.get("rg", "ss", "0", "rc")
        client.close()
        assert credential.calls == 2
        assert good.requests[-1].header("authorization") == f"Bearer {TOKEN}"
