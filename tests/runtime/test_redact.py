from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from vmss_runcommands.runtime.redact import (
    REDACTED,
    redact_json_bytes,
    redact_json_value,
    redact_url,
)

SECRETS = frozenset({"runAsPassword", "protectedParameters"})


def test_json_secret_values_are_masked_at_any_depth_and_case() -> None:
    body = {
        "location": "eastus",
        "properties": {
            "RUNASPASSWORD": "hunter2",
            "protectedParameters": [{"name": "key", "value": "p@ss"}],
            "nested": [{"runAsPassword": {"deep": "also-secret"}}],
            "runAsUser": "azureuser",
        },
    }
    shown = redact_json_bytes(json.dumps(body, indent=2).encode(), SECRETS)

    assert json.loads(shown) == {
        "location": "eastus",
        "properties": {
            "RUNASPASSWORD": "***",
            "protectedParameters": "***",
            "nested": [{"runAsPassword": "***"}],
            "runAsUser": "azureuser",
        },
    }
    assert "\n" not in shown and ": " not in shown  # compact re-dump


def test_non_json_text_is_returned_unchanged_apart_from_secrets() -> None:
    html = b"<html><body>502 Bad Gateway</body></html>"
    assert redact_json_bytes(html, SECRETS) == html.decode()


def test_truncated_json_with_a_cut_off_string_value_leaks_nothing() -> None:
    body = b'{"properties": {"runAsUser": "u", "runAsPassword": "hunter2-and-mo'
    shown = redact_json_bytes(body, SECRETS)
    assert "hunter2" not in shown
    assert '"runAsUser": "u"' in shown


def test_truncated_json_with_a_cut_off_array_value_leaks_nothing() -> None:
    body = b'{"protectedParameters" : [{"name": "a", "value": "p@ss-1"}, {"name": "b", "val'
    shown = redact_json_bytes(body, SECRETS)
    assert "p@ss-1" not in shown
    assert shown.startswith('{"protectedParameters" : "***"')


def test_fallback_masks_complete_values_and_keeps_what_follows() -> None:
    body = (
        b'junk {"runasPASSWORD":"x\\"y]}", "protectedParameters": [{"value": "]}{"}], '
        b'"other": 1, "runAsPassword": 12345, "tail": "kept"'
    )
    shown = redact_json_bytes(body, SECRETS)
    assert "x\\" not in shown and "]}{" not in shown and "12345" not in shown
    assert shown == (
        'junk {"runasPASSWORD":"***", "protectedParameters": "***", '
        '"other": 1, "runAsPassword": "***", "tail": "kept"'
    )


def test_sas_signatures_in_string_values_are_masked() -> None:
    body = json.dumps(
        {"properties": {"outputBlobUri": "https://a.blob.core.windows.net/c/o?sv=1&sig=abc%2Bdef"}}
    ).encode()
    shown = redact_json_bytes(body, frozenset())
    assert "abc%2Bdef" not in shown
    assert "sig=REDACTED" in shown


def test_redact_json_value_returns_copy() -> None:
    original = {"a": {"runAsPassword": "s"}}
    masked = redact_json_value(original, SECRETS)
    assert masked == {"a": {"runAsPassword": "***"}}
    assert original == {"a": {"runAsPassword": "s"}}


def test_redact_url_masks_every_query_value_but_api_version() -> None:
    url = (
        "https://management.azure.com/subs/x?api-version=2024-07-01&sig=secret&$skiptoken=abc&flag"
    )
    assert redact_url(url) == (
        "https://management.azure.com/subs/x"
        f"?api-version=2024-07-01&sig={REDACTED}&$skiptoken={REDACTED}&flag"
    )


def test_redact_url_masks_userinfo_password_and_fragment() -> None:
    assert redact_url("http://user:pw@proxy:8080/p#frag") == (
        f"http://user:{REDACTED}@proxy:8080/p#{REDACTED}"
    )
    assert redact_url("https://host/path") == "https://host/path"


# -- property-based: a secret inserted anywhere never survives ------------------------------

# Secret values only use letters that never occur elsewhere in generated documents, in "***" or
# in JSON punctuation, so any leaked fragment of a secret would be visible as one of them.
SECRET_ALPHABET = "QXZJK"
secret_values = st.text(alphabet=SECRET_ALPHABET, min_size=1, max_size=12)
plain_text = st.text(alphabet="abcdefghijklmnop 0123456789", max_size=8)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), plain_text)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(plain_text, children, max_size=4),
    ),
    max_leaves=12,
)
secret_payloads = st.one_of(
    secret_values,
    st.lists(
        st.fixed_dictionaries({"name": plain_text, "value": secret_values}), min_size=1, max_size=3
    ),
    st.fixed_dictionaries({"inner": secret_values}),
)


def _insert(document: Any, path: list[int], key: str, secret: Any) -> Any:
    """Place ``{key: secret}`` somewhere inside ``document`` following ``path`` choices."""
    if path and isinstance(document, dict) and document:
        keys = sorted(document)
        chosen = keys[path[0] % len(keys)]
        return {**document, chosen: _insert(document[chosen], path[1:], key, secret)}
    if path and isinstance(document, list) and document:
        index = path[0] % len(document)
        copy = list(document)
        copy[index] = _insert(copy[index], path[1:], key, secret)
        return copy
    return {"wrapper": document, key: secret}


@settings(max_examples=150, deadline=None)
@given(
    document=documents,
    path=st.lists(st.integers(min_value=0, max_value=10), max_size=6),
    key=st.sampled_from(["runAsPassword", "RUNASPASSWORD", "protectedParameters"]),
    secret=secret_payloads,
    cut=st.floats(min_value=0.0, max_value=1.0),
)
def test_property_secret_never_survives(
    document: Any, path: list[int], key: str, secret: Any, cut: float
) -> None:
    text = json.dumps(_insert(document, path, key, secret))
    for candidate in (text, text[: int(len(text) * cut)]):
        shown = redact_json_bytes(candidate.encode(), SECRETS)
        assert not set(shown) & set(SECRET_ALPHABET), (candidate, shown)
