"""Python names derived from wire names, the way AutoRest derives them."""

from __future__ import annotations

import keyword
import re

_ACRONYM_BOUNDARY = re.compile(r"([A-Z]+)([A-Z][a-z])")
# A plural acronym ("VMs" in VirtualMachineScaleSetVMs) is one word, as in azure-mgmt-compute.
_PLURAL_ACRONYM = re.compile(r"([A-Z]{2,})s(?=[A-Z_\d]|$)")
_WORD_BOUNDARY = re.compile(r"([a-z\d])([A-Z])")
_NOT_IDENTIFIER = re.compile(r"[^0-9a-zA-Z_]+")

# Names that would shadow attributes every generated model or client relies on.
_RESERVED = frozenset(
    {"to_dict", "from_dict", "self", "cls", "additional_properties", "wire_nulls"}
)


def snake_case(name: str) -> str:
    """``VirtualMachineScaleSetVMRunCommands`` -> ``virtual_machine_scale_set_vm_run_commands``."""
    text = _NOT_IDENTIFIER.sub("_", name.lstrip("$"))
    text = _PLURAL_ACRONYM.sub(r"\1S", text)
    text = _ACRONYM_BOUNDARY.sub(r"\1_\2", text)
    text = _WORD_BOUNDARY.sub(r"\1_\2", text)
    text = re.sub(r"_+", "_", text).strip("_").lower()
    if not text:
        raise ValueError(f"cannot derive a Python name from {name!r}")
    if text[0].isdigit():
        text = f"n_{text}"
    return text


def python_identifier(name: str) -> str:
    """A snake_case identifier that is not a keyword or a reserved name."""
    ident = snake_case(name)
    if keyword.iskeyword(ident) or ident in _RESERVED:
        ident = f"{ident}_"
    return ident


# AutoRest names a property by joining its words in camelCase, then snake-casing that: a word
# of digits is glued to the word before it (``field_56_zeros`` -> ``field56Zeros`` ->
# ``field56_zeros``).
_SEPARATOR_BEFORE_DIGITS = re.compile(r"(?<=[0-9A-Za-z])[^0-9A-Za-z]+(?=[0-9])")


def property_identifier(name: str) -> str:
    """A model property's Python name, as AutoRest derives it (see above)."""
    return python_identifier(_SEPARATOR_BEFORE_DIGITS.sub("", name))


# AutoRest splits a word after digits followed by letters: ``A2m`` is ``A2`` and ``m``.
_DIGITS_THEN_LETTERS = re.compile(r"(\d+)([a-zA-Z]+)")


# A value made only of symbols ("*" for any protocol in Microsoft.Network) is spelled out, as
# AutoRest does (``SecurityRuleProtocol.ASTERISK``).
_SYMBOL_NAMES = {
    "*": "ASTERISK",
    "+": "PLUS",
    "-": "MINUS",
    ".": "DOT",
    "/": "SLASH",
    "\\": "BACKSLASH",
    "#": "HASH",
    "@": "AT",
    "$": "DOLLAR",
    "%": "PERCENT",
    "&": "AMPERSAND",
    "=": "EQUALS",
    "?": "QUESTION",
    "!": "EXCLAMATION",
    "~": "TILDE",
    ":": "COLON",
    ",": "COMMA",
    ";": "SEMICOLON",
    "|": "PIPE",
    "^": "CARET",
    "<": "LESS_THAN",
    ">": "GREATER_THAN",
}


_ONES = [
    "ZERO",
    "ONE",
    "TWO",
    "THREE",
    "FOUR",
    "FIVE",
    "SIX",
    "SEVEN",
    "EIGHT",
    "NINE",
    "TEN",
    "ELEVEN",
    "TWELVE",
    "THIRTEEN",
    "FOURTEEN",
    "FIFTEEN",
    "SIXTEEN",
    "SEVENTEEN",
    "EIGHTEEN",
    "NINETEEN",
]
_TENS = ["_", "_", "TWENTY", "THIRTY", "FORTY", "FIFTY", "SIXTY", "SEVENTY", "EIGHTY", "NINETY"]
_SCALES = ((10**12, "TRILLION"), (10**9, "BILLION"), (10**6, "MILLION"), (1000, "THOUSAND"))


def _number_words(number: int) -> list[str]:
    if number < 20:
        return [_ONES[number]]
    if number < 100:
        tens, ones = divmod(number, 10)
        return [_TENS[tens], *([_ONES[ones]] if ones else [])]
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return [_ONES[hundreds], "HUNDRED", *(_number_words(rest) if rest else [])]
    for scale, word in _SCALES:
        if number >= scale:
            count, rest = divmod(number, scale)
            return [*_number_words(count), word, *(_number_words(rest) if rest else [])]
    raise AssertionError(number)


def number_member_name(value: int | float) -> str:
    """The member name of an integer or number enum value, as AutoRest spells it: the number
    in words, a fraction's digits glued to the last word (``429`` ->
    ``FOUR_HUNDRED_TWENTY_NINE``, ``200.4`` -> ``TWO_HUNDRED4``); ``MINUS_`` before a
    negative one."""
    text = str(int(value)) if float(value).is_integer() else repr(value)
    sign, text = ("MINUS_", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = text.partition(".")
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(f"cannot derive a Python name from {value!r}")
    return sign + "_".join(_number_words(int(whole))) + fraction


def enum_member_name(value: str) -> str:
    """``TimedOut`` -> ``TIMED_OUT``; ``Standard_LRS`` -> ``STANDARD_LRS``;
    ``Standard_A2m_v2`` -> ``STANDARD_A2_M_V2``; ``*`` -> ``ASTERISK``; ``""`` -> ``EMPTY``
    (as AutoRest derives them)."""
    if not _NOT_IDENTIFIER.sub("", value).strip("_"):
        return _symbols_name(value)
    return snake_case(_DIGITS_THEN_LETTERS.sub(r"\1_\2", value)).upper()


def _symbols_name(value: str) -> str:
    text = value.strip()
    if not text:
        return "EMPTY"
    unknown = sorted({c for c in text if c not in _SYMBOL_NAMES and c != "_"})
    if unknown:
        raise ValueError(
            f"cannot derive an enum member name from {value!r}: name its values with x-ms-enum"
        )
    return "_".join(_SYMBOL_NAMES[c] for c in text if c != "_")


def class_name(name: str) -> str:
    """A PascalCase class name; the spec's own names are kept when already valid."""
    if name.isidentifier() and name[0].isupper():
        return name
    # Dotted and dashed names (TypeSpec's ``Azure.Core.Foundations.Error``) join their parts.
    cleaned = _NOT_IDENTIFIER.sub("_", name)
    text = "".join(part[:1].upper() + part[1:] for part in cleaned.split("_") if part)
    if not text:
        raise ValueError(f"cannot derive a class name from {name!r}")
    return text if text[0].isalpha() else f"Model{text}"


# Names the generated models and operations modules bind themselves (imports and module
# constants), plus Python's keywords and the builtins their annotations use: a definition
# called one of these ("RetryPolicy" in Microsoft.EventGrid, "Mapping", "None") would replace
# the binding or not parse, so its class takes AutoRest's "Model" suffix.
_MODULE_NAMES = frozenset(
    {
        "Any",
        "ArmClient",
        "CODEC",
        "ClosedEnum",
        "ClosedFloatEnum",
        "ClosedIntEnum",
        "Codec",
        "ExtensibleEnum",
        "ExtensibleFloatEnum",
        "ExtensibleIntEnum",
        "ItemPaged",
        "LROPoller",
        "Mapping",
        "PathParam",
        "Raw",
        "RequestOptions",
        "RetryPolicy",
        "Sequence",
        "attrs",
        "datetime",
        "enum",
    }
)
_BUILTIN_TYPES = frozenset({"list", "dict", "str", "int", "float", "bool", "bytes", "object"})


def model_class_name(name: str) -> str:
    """The class of a model or enum definition: :func:`class_name`, with ``Model`` appended
    when that would clash with what the generated modules bind or with a keyword."""
    text = class_name(name)
    if text in _MODULE_NAMES or keyword.iskeyword(text) or text in _BUILTIN_TYPES:
        return f"{text}Model"
    return text


def module_name_for_api_version(api_version: str) -> str:
    """``2024-07-01`` -> ``v2024_07_01``; ``2024-07-01-preview`` -> ``v2024_07_01_preview``;
    ``1.0.0`` -> ``v1_0_0``; a version that already starts with a letter keeps it (``v2``,
    ``unversioned``)."""
    text = _NOT_IDENTIFIER.sub("_", api_version).strip("_").lower()
    if not text:
        raise ValueError(f"cannot derive a module name from api-version {api_version!r}")
    if not text[0].isalpha() or keyword.iskeyword(text):
        text = f"v{text}"
    return text


_VERSION_NUMBERS = re.compile(r"^v?(\d+(?:[-._]\d+)*)(?:[-._]?(.*))?$")


def api_version_order(version: str) -> tuple[tuple[int, ...], int, str]:
    """Sort key putting the newest api-version last: by the leading numbers (a date's year, month
    and day; ``1.0.0``'s parts), then a stable version after its previews on the same numbers
    (``2024-07-01-preview`` < ``2024-07-01``), then the suffix. A version without numbers sorts
    first. Works on module names too (``v2024_07_01_preview``)."""
    found = _VERSION_NUMBERS.match(version)
    if found is None:
        return ((), 0, version)
    numbers = tuple(int(n) for n in re.split(r"[-._]", found.group(1)))
    suffix = found.group(2) or ""
    return (numbers, 0 if suffix else 1, suffix)
