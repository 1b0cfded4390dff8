"""The one parser of amounts of money for the whole of srpp (pure: no I/O).

Amounts arrive as JSON numbers, as Python ints and Decimals, and as text written the way a
Norwegian buyer writes them: ``"1 000 000"`` or ``"1 000 000,50"``, grouped by a normal space,
a no-break space (U+00A0) or a narrow no-break space (U+202F), with a decimal comma. Text that
could mean two different amounts, such as ``"150.000"`` (a hundred and fifty thousand in Norway,
a hundred and fifty in England) or ``"1,000"``, is rejected with a message saying how to write
it unambiguously. Exponents, underscores, digits other than ASCII 0-9, ``NaN`` and infinities
are rejected too, although :class:`decimal.Decimal` would accept them.

Every reader of amounts (contract documents, notices, catalogues, ``Money("...")``) calls
:func:`parse_amount`; nothing else in srpp parses an amount.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from ._errors import InvalidAmountError
from ._i18n import gettext

__all__ = ["parse_amount"]

#: Characters that may group thousands: space, no-break space, narrow no-break space.
GROUP_SPACES = " \u00a0\u202f"

_DIGITS = "[0-9]"
_SPACE = f"[{GROUP_SPACES}]"
# plain digits, optionally with a decimal part after a point or a comma
_PLAIN = re.compile(rf"(?P<int>{_DIGITS}+)(?:(?P<sep>[.,])(?P<frac>{_DIGITS}+))?")
# digits grouped in threes by one kind of space, optionally with a decimal part
_GROUPED = re.compile(
    rf"(?P<int>{_DIGITS}{{1,3}}(?:{_SPACE}{_DIGITS}{{3}})+)"
    rf"(?:(?P<sep>[.,])(?P<frac>{_DIGITS}+))?"
)
# thousands grouped by points or commas, English ("1,000,000.5") or German ("1.000.000,5") style
_MARK_GROUPED = re.compile(
    rf"{_DIGITS}{{1,3}}(?:(?P<mark>[.,]){_DIGITS}{{3}})(?:(?P=mark){_DIGITS}{{3}})*"
    rf"(?:(?!(?P=mark))[.,](?P<dec>{_DIGITS}+))?"
)


def _show(value: object) -> str:
    return repr(value) if not isinstance(value, str) else f'"{value}"'


def _spaced(digits: str) -> str:
    """``"1500000"`` -> ``"1 500 000"``."""
    head = len(digits) % 3 or 3
    return " ".join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])


def parse_amount(value: object) -> Decimal:
    """An amount as an exact :class:`~decimal.Decimal`, from a number or from text.

    Accepted: ints and finite floats and Decimals (not bools); text of ASCII digits, optionally
    with a leading minus, grouped in threes by spaces (normal, U+00A0 or U+202F) or not grouped, with an optional decimal part after a comma or a point.
    Surrounding whitespace is ignored. The sign and size are not judged here (the money's
    own checks do that), so ``"-5"`` parses to ``Decimal("-5")``.

    Raises:
        InvalidAmountError: ``value`` is not a number or is text that is not an amount or is
            ambiguous; the message says what was given and how to write it.

    >>> parse_amount("1 000 000,50")
    Decimal('1000000.50')
    >>> parse_amount(24_000_000)
    Decimal('24000000')
    >>> parse_amount("150.000")
    Traceback (most recent call last):
      ...
    srpp.InvalidAmountError: "150.000" is ambiguous: ...
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        kind = "null" if value is None else type(value).__name__
        raise InvalidAmountError(gettext("must be a number, got {kind} {value}").format(kind=kind, value=repr(value)))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidAmountError(gettext("must be a finite number, got {value}").format(value=repr(value)))
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidAmountError(gettext("must be a finite number, got {value}").format(value=value))
        return value
    return _parse_text(value)


def _parse_text(text: str) -> Decimal:
    body = text.strip(" \t\r\n" + GROUP_SPACES)
    sign = ""
    if body.startswith("-"):
        sign, body = "-", body[1:]
    plain = _PLAIN.fullmatch(body)
    if plain is not None:
        whole, sep, frac = plain["int"], plain["sep"], plain["frac"]
        if sep is not None and len(frac) == 3 and len(whole) <= 3 and whole[0] != "0":
            raise InvalidAmountError(_ambiguous(text, sign, whole, sep, frac))
        return Decimal(f"{sign}{whole}.{frac}" if sep else f"{sign}{whole}")
    grouped = _GROUPED.fullmatch(body)
    if grouped is not None:
        whole = "".join(c for c in grouped["int"] if c not in GROUP_SPACES)
        frac = grouped["frac"]
        return Decimal(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}")
    marked = _MARK_GROUPED.fullmatch(body)
    if marked is not None:
        dec = marked["dec"]
        whole = "".join(c for c in body[: len(body) - len(dec) - 1 if dec else None] if c.isdigit())
        spaced = f"{sign}{_spaced(whole)}" + (f",{dec}" if dec else "")
        message = gettext(
            "{text} groups thousands with points or commas, which Norwegian and English read "
            'differently; write "{spaced}" (spaces between thousands, a decimal comma) or {plain}'
        )
        undotted = f"{sign}{whole}" + (f".{dec}" if dec else "")
        raise InvalidAmountError(message.format(text=_show(text), spaced=spaced, plain=undotted))
    message = gettext('must be a number like 1500000, "1 500 000" or "1 500 000,50", got {text}')
    raise InvalidAmountError(message.format(text=_show(text)) + _hint(body))


def _ambiguous(text: str, sign: str, whole: str, sep: str, frac: str) -> str:
    thousands = f"{sign}{whole}{frac}"
    fraction = Decimal(f"{sign}{whole}.{frac}").normalize()
    as_decimal = f"{fraction:f}"
    if "." in as_decimal:
        as_decimal = gettext('"{comma}" (or {point})').format(comma=as_decimal.replace(".", ","), point=as_decimal)
    if sep == ".":
        message = gettext(
            "{text} is ambiguous: a point before three digits groups thousands in some languages "
            'and marks decimals in others; write "{spaced}" (or {thousands}) if it is thousands, '
            "or {decimal} if the digits after the point are decimals"
        )
    else:
        message = gettext(
            "{text} is ambiguous: a comma before three digits groups thousands in some languages "
            'and marks decimals in others; write "{spaced}" (or {thousands}) if it is thousands, '
            "or {decimal} if the digits after the comma are decimals"
        )
    spaced = sign + _spaced(thousands.lstrip("-"))
    return message.format(text=_show(text), spaced=spaced, thousands=thousands, decimal=as_decimal)


def _hint(body: str) -> str:
    if body.lower().lstrip("+") in {"nan", "snan", "inf", "infinity"}:
        return gettext("; an amount must be a finite number")
    if any(c in "eE" for c in body) and any(c.isdigit() for c in body):
        return gettext("; write the digits out instead of an exponent")
    if "_" in body:
        return gettext("; group thousands with spaces, not underscores")
    if any(c.isdigit() and not ("0" <= c <= "9") for c in body):
        return gettext("; use the digits 0-9")
    if any(c.isalpha() for c in body):
        return gettext("; give the number alone (the currency goes in value.currency)")
    if any(c in GROUP_SPACES for c in body):
        return gettext("; group digits in threes from the right")
    return ""
