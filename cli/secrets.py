"""Secret values on the command line, found so that no message repeats them."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from ..runtime.redact import mask_secret_values, mask_token_shapes

__all__ = ["MASK", "mask", "secret_values"]

MASK = "***"

_SINGLE_VALUE = frozenset({"--run-as-password", "--emulator-token"})
_MANY_VALUES = frozenset({"--protected-parameters"})
_SECRET_WORDS = ("password", "passwd", "token", "secret", "protected")


def _is_secret_option(option: str, known: frozenset[str]) -> bool:
    """A secret option, or one that looks like a misspelling of one (``--run-as-pasword``):
    argparse repeats unrecognised arguments, value included, in its error message."""
    lowered = option.lower()
    return (
        option in known
        or any(word in lowered for word in _SECRET_WORDS)
        or bool(difflib.get_close_matches(lowered, known, n=1, cutoff=0.75))
    )


_SAS_SIGNATURE = re.compile(r"(?i)([?&]sig=)([^&\s'\"]+)")


def secret_values(argv: Sequence[str]) -> list[str]:
    """Values given to secret options (``--run-as-password``, ``--emulator-token``, the
    values of ``--protected-parameters``), longest first."""
    found: list[str] = []
    collecting_many = False
    expecting_one = False
    for token in argv:
        if expecting_one:
            expecting_one = False
            if not token.startswith("-"):
                found.append(token)
                continue
        option, separator, inline = token.partition("=")
        if token.startswith("-"):
            collecting_many = option in _MANY_VALUES
            if not collecting_many and _is_secret_option(option, _SINGLE_VALUE | _MANY_VALUES):
                if separator:
                    found.append(inline)
                else:
                    expecting_one = True
            elif collecting_many and separator:
                found.append(inline.partition("=")[2] or inline)
            continue
        if collecting_many:
            found.append(token.partition("=")[2] if "=" in token else token)
    # The signature of a SAS URL given to any option (--script-uri, --output-blob-uri, ...),
    # masked by value too: a service may echo the URL percent-encoded, where no sig= shows.
    found += [match.group(2) for token in argv for match in _SAS_SIGNATURE.finditer(token)]
    return sorted({value for value in found if value}, key=len, reverse=True)


def mask(text: str, secrets: Sequence[str]) -> str:
    """``text`` with each secret value replaced by ``***`` wherever it stands as a word (after
    whitespace, a quote, ``=`` or a bracket) and wherever it stands written as JSON, inside
    JSON, percent-encoded or HTML-escaped (a service may echo it so), and SAS signatures,
    bearer tokens and JSON Web Tokens masked."""
    text = mask_token_shapes(mask_secret_values(text, secrets))
    for secret in secrets:
        pattern = re.compile(rf"(?<![^\s='\"\[(,]){re.escape(secret)}(?![^\s'\"\]),])")
        text = pattern.sub(MASK, text)
    return _SAS_SIGNATURE.sub(rf"\1{MASK}", text)
