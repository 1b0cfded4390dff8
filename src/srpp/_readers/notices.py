"""Published procurement notices: what the eForms and OCDS readers share.

A reader turns one notice (one procedure) into a :class:`Notice`: a contract document of
the version 2 shape (plain data, validated later by :meth:`srpp.Contract.from_dict`) plus
what the notice says about itself. The rules that pick the CPV codes, the value and the
period are the same for both formats and live here:

- CPV: the main codes of the procedure and of every lot, each once; supplementary codes,
  malformed ids and codes that are not in CPV 2008 are set aside (and listed).
- Value: the procedure's estimate, else the sum of the lots (only when every lot gives one,
  in one currency), else the awarded or contract total; at each level a framework
  maximum replaces the estimate where the notice gives one. In the notice's currency.
- Period: the longest lot's, as the notice gives it (a duration, or start and end dates).

Whatever a notice does not say stays out of the document (unknown), never guessed.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from .._errors import InvalidNoticeError, Problem
from .._model import MAX_AMOUNT
from .._i18n import gettext
from .source import Limits

__all__ = [
    "MAX_NOTICE_BYTES",
    "Amount",
    "Notice",
    "Period",
    "choose_cpv",
    "choose_period",
    "choose_value",
    "iso_date",
]

MAX_NOTICE_BYTES = 64 * 1024 * 1024
"""The largest notice file read (64 MiB); a larger one is refused, not read."""

_CPV = re.compile(r"^(\d{8})(?:-(\d))?$")
# a float-formatted id such as "45233130.0" (seen in OCDS's own sample data)
_FLOAT_ID = re.compile(r"^(\d{8})\.0+$")
_DAYS_PER_MONTH = Decimal("30.4375")


@attrs.frozen
class Amount:
    """An amount of money as a notice states it, before any exchange rate."""

    amount: Decimal
    currency: str


@attrs.frozen
class Period:
    """A contract period as a notice states it: months, days, or start and end dates."""

    months: int | None = None
    days: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def length_days(self) -> Decimal:
        """The length in days, to compare periods given in different ways."""
        if self.months is not None:
            return self.months * _DAYS_PER_MONTH
        if self.days is not None:
            return Decimal(self.days)
        assert self.start is not None and self.end is not None
        return Decimal((self.end - self.start).days + 1)

    def to_document(self) -> dict[str, Any]:
        """The period in the contract document: one of the three ways."""
        if self.months is not None:
            return {"duration_months": self.months}
        if self.days is not None:
            return {"duration_days": self.days}
        assert self.start is not None and self.end is not None
        return {"start_date": self.start.isoformat(), "end_date": self.end.isoformat()}


@attrs.frozen
class Notice:
    """One published notice, read: its contract document and what it says of itself.

    Attributes:
        document: The contract document (version 2 shape: ``id``, ``title``, ``cpv``, and
            ``value``, a period and ``date`` when the notice gives them).
        id: The notice's own identifier (eForms BT-701, the OCDS release or record id).
        title: The procedure's title.
        buyer: The buyer's name (several joined by "; ").
        format: ``"eforms"`` or ``"ocds"``.
        kind: The kind of notice (eForms notice type such as ``cn-standard``; OCDS release
            tags such as ``tender`` or ``award+contract``).
        date: The notice's issue or release date (ISO), when it gives a valid one.
        source: Where it was read from (a file path, with ``#n`` for the n-th notice of
            a file that holds several).
        declared: Per lot, the strategic-procurement (BT-06) and social-objective (BT-775)
            codes the notice declares: ``{"LOT-0001": {"BT-06": [...], "BT-775": [...]}}``.
        subtype: The eForms notice subtype (``16``, ``E3``, ``N16``), if any.
        set_aside: CPV codes read but not used, each with the reason.
        unread: Values present in the notice but unreadable (an amount that is not a
            non-negative number, an amount without its currency), each as ``(field, what
            was there, why)``, the field an OCDS path (``tender.value.amount``) or an
            eForms business term with its element (``BT-27 cbc:EstimatedOverall...``).
            The notice is still read, without that value.
        merged_from: For an OCDS process whose releases several files of one screening
            hold: the other files whose releases were compiled into this notice (``source``
            is the first file).
    """

    document: Mapping[str, Any]
    id: str | None
    title: str | None
    buyer: str | None
    format: str
    kind: str | None
    date: str | None
    source: str
    declared: Mapping[str, Mapping[str, tuple[str, ...]]] = attrs.Factory(dict)
    subtype: str | None = None
    set_aside: tuple[tuple[str, str], ...] = ()
    unread: tuple[tuple[str, str, str], ...] = ()
    merged_from: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The ``notice`` object of a screening row."""
        doc: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "buyer": self.buyer,
            "format": self.format,
            "kind": self.kind,
            "date": self.date,
            "source": self.source,
            "declared": {
                lot: {term: list(codes) for term, codes in terms.items()}
                for lot, terms in self.declared.items()
            },
        }
        if self.subtype is not None:
            doc["subtype"] = self.subtype
        if self.set_aside:
            doc["cpv_set_aside"] = [{"code": c, "reason": r} for c, r in self.set_aside]
        if self.merged_from:
            doc["merged_from"] = list(self.merged_from)
        if self.unread:
            doc["unread"] = [{"field": f, "given": g, "reason": r} for f, g, r in self.unread]
        return doc


def notice_error(source: str, *problems: str) -> InvalidNoticeError:
    """An error about the notice read from ``source``."""
    return InvalidNoticeError([Problem(source, p) for p in problems])


def iso_date(text: object) -> datetime.date | None:
    """The date at the start of an ISO date or date-time (``2020-06-01+02:00``,
    ``2010-07-01T00:00:00Z``); ``None`` for anything else (placeholders included)."""
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def decimal_or_none(value: object) -> Decimal | None:
    """A finite, non-negative number from a notice, or ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def _given(value: object) -> str:
    """What a notice gave, as it was, a long number shortly (``1.000e+300``, not 301 digits)."""
    given = value.strip() if isinstance(value, str) else repr(value)
    if len(given) > 20 and isinstance(value, int | float | str | Decimal) and not isinstance(value, bool):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return given
        if number.is_finite():
            return f"{number:.3e}"
    return given


def amount_or_unread(
    value: object, field: str, unread: list[tuple[str, str, str]]
) -> Decimal | None:
    """:func:`decimal_or_none` of a value the notice gives; one that is present (not
    ``None``) but not a finite, non-negative number below 1e13 (:data:`srpp._model.MAX_AMOUNT`,
    the largest amount srpp judges) is added to ``unread`` as ``(field, what was there, why)``,
    so it is reported, not silently unknown."""
    if value is None:
        return None
    number = decimal_or_none(value)
    if number is not None and number >= MAX_AMOUNT:  # no amount srpp can judge: unread too
        reason = gettext("1e13 or more, above the largest amount srpp reads; the value is read as unknown")
        unread.append((field, _given(value), reason))
        return None
    if number is None:
        given = _given(value)
        reason = gettext("not a number; the value is read as unknown")
        if isinstance(value, int | float | str | Decimal) and not isinstance(value, bool):
            try:
                parsed = Decimal(str(value).strip())
            except InvalidOperation:
                parsed = None
            if parsed is not None and not parsed.is_finite():
                reason = gettext("not a finite number; the value is read as unknown")
            elif parsed is not None and parsed < 0:
                reason = gettext("a negative amount; the value is read as unknown")
        unread.append((field, given, reason))
    return number


def choose_cpv(codes: Iterable[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """The main CPV codes to use, each once, and those set aside with the reason.

    ``"45233130.0"`` is read as ``45233130``; a code without its check digit is kept
    without it (the CPV module completes it).
    """
    from .._cpv import cpv_problem, is_supplementary

    used: list[str] = []
    seen: set[str] = set()
    aside: list[tuple[str, str]] = []
    for raw in codes:
        code = raw.strip()
        if is_supplementary(code):
            aside.append((code, gettext("a supplementary code (not a main CPV code)")))
            continue
        m = _FLOAT_ID.match(code)
        if m:
            code = m.group(1)
        m = _CPV.match(code)
        if m is None:
            aside.append((raw, gettext("not a CPV code (8 digits, a dash, a check digit)")))
            continue
        problem = cpv_problem(code)
        if problem is not None:
            aside.append((raw, problem))
            continue
        if m.group(1) not in seen:
            seen.add(m.group(1))
            used.append(code)
    return used, aside


def total(
    amounts: Sequence[Amount | None], field: str = "", unread: list[tuple[str, str, str]] | None = None
) -> Amount | None:
    """The sum of amounts in one currency; ``None`` if any is missing or currencies differ.

    A sum of 1e13 or more is ``None`` too, added to ``unread`` (when given) under ``field``.
    """
    if not amounts or any(a is None for a in amounts):
        return None
    currencies = {a.currency for a in amounts if a is not None}
    if len(currencies) != 1:
        return None
    summed = sum((a.amount for a in amounts if a is not None), Decimal(0))
    if summed >= MAX_AMOUNT:
        if unread is not None:
            reason = gettext(
                "a sum of 1e13 or more, above the largest amount srpp reads; the value is read as unknown"
            )
            unread.append((field, _given(str(summed)), reason))
        return None
    return Amount(summed, currencies.pop())


def choose_value(*levels: Amount | None) -> Amount | None:
    """The first amount known, in the order given (procedure, lots, awards)."""
    return next((a for a in levels if a is not None), None)


def choose_period(periods: Iterable[Period | None]) -> Period | None:
    """The longest period given; ``None`` if none is."""
    known = [p for p in periods if p is not None]
    return max(known, key=lambda p: p.length_days) if known else None


def contract_document(
    *,
    id: str | None,
    title: str | None,
    cpv: list[str],
    value: Amount | None,
    period: Period | None,
    date: datetime.date | None,
) -> dict[str, Any]:
    """The contract document (version 2 shape) for what a notice says."""
    doc: dict[str, Any] = {}
    if id:
        doc["id"] = id
    if title:
        doc["title"] = title
    doc["cpv"] = cpv
    if value is not None:
        amount = value.amount
        doc["value"] = {
            "amount": int(amount) if amount == amount.to_integral_value() else float(amount),
            "currency": value.currency,
        }
    if period is not None:
        doc.update(period.to_document())
    if date is not None:
        doc["date"] = date.isoformat()
    return doc


NOTICE_LIMITS = Limits(max_bytes=MAX_NOTICE_BYTES, max_item_bytes=MAX_NOTICE_BYTES, max_depth=64)
"""The reading layer's bounds for notice files: a file up to :data:`MAX_NOTICE_BYTES`, a
JSON value nested up to 64 levels (OCDS packages of records nest about a dozen), integers
of up to 40 digits; ``NaN`` and ``Infinity`` are not JSON."""


def read_bytes(path: str) -> bytes:
    """A notice file's bytes (``"-"``: standard input), through srpp's reading layer
    (:mod:`srpp._readers.source`), refusing one larger than :data:`MAX_NOTICE_BYTES`.

    Raises:
        InvalidNoticeError: The file cannot be opened or read, or is too large; the
            problem's field is the file (``<stdin>`` for standard input).
    """
    from .source import ReadError, TooLarge, cannot_read, open_binary, read_bounded

    name = "<stdin>" if path == "-" else path
    try:
        stream, name = open_binary(path)
        try:
            return read_bounded(stream, MAX_NOTICE_BYTES)
        except OSError as exc:
            raise cannot_read(exc) from None
        finally:
            if path != "-":
                stream.close()
    except TooLarge:
        message = gettext("larger than {size} MiB; not read").format(size=MAX_NOTICE_BYTES // (1024 * 1024))
        raise notice_error(name, message) from None
    except ReadError as exc:
        raise notice_error(name, exc.message) from None


def parse_json(data: bytes, source: str) -> Any:
    """One JSON document of a notice file, through the reading layer: UTF-8 (a byte-order
    mark accepted; UTF-16 and other encodings refused, naming the byte and line), bounded
    by :data:`NOTICE_LIMITS`.

    Raises:
        ReadError: Why the text is not one JSON document (with its line and column), for
            the reader to try it as JSON Lines or to report it.
    """
    from .source import decode, parse

    return parse(decode(data), NOTICE_LIMITS)


def read_notices(data: bytes, source: str, shared: Any = None) -> Iterator[Notice | InvalidNoticeError]:
    """Every notice in one file's bytes: eForms XML (one) or OCDS JSON (one or more).

    Errors come back in place of the notice they are about, so one bad notice does not
    hide the others. ``shared``: OCDS releases other files of the same screening hold too
    (:class:`srpp._readers.ocds.SharedReleases`).
    """
    from .eforms import read_eforms
    from .ocds import read_ocds

    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark (XML allows it)
        head = data[:64].decode("utf-16", errors="ignore").lstrip("\ufeff \t\r\n")[:1].encode()
    if head == b"<":
        try:
            yield read_eforms(data, source)
        except InvalidNoticeError as exc:
            yield exc
    elif head in (b"{", b"["):
        yield from read_ocds(data, source, shared)
    elif not head:
        yield notice_error(source, gettext("empty: no notice in it"))
    else:
        message = gettext("neither eForms XML (starts with '<') nor OCDS JSON (starts with '{' or '[')")
        yield notice_error(source, message)
