"""Screening rows (one per notice) as text, Markdown and CSV, written row by row.

Every format speaks the language it is given (``"en"`` or ``"nb"``), as the HTML screening
page does: labels, yes/no, amounts (``3 100 000 kr``) and dates (``20.06.2025``) through the
gettext catalogue and Babel. Ids and codes (instrument ids, eForms codes, CPV codes, lot ids)
are the same in every language.

CSV comes in two kinds (as the portfolio's, see docs/i18n.md):

- plain (``excel=False``): RFC 4180, ``,`` separators, the document's ids as column names,
  ``true`` / ``false`` (an empty cell when unknown), plain numbers; the same in every language;
- for Excel (``excel=True``): a byte-order mark, CRLF line ends, column names and ``yes`` /
  ``no`` in the language, and for Norwegian ``;`` separators and decimal commas.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .._i18n import N_, format_date, format_money, gettext, ngettext, yes_no
from .._model import Strength
from .._words import strength_word
from .text import csv_cell, csv_flag, inline, md_cell, safe_text

__all__ = ["CSV_COLUMNS", "csv_header", "csv_row", "markdown_header", "markdown_row", "text_row"]

CSV_COLUMNS = (
    "source", "format", "notice_id", "title", "buyer", "kind", "date", "cpv", "value",
    "currency", "duration_months", "high_risk", "priority", "instruments", "notice_codes",
    "declared", "gap", "error",
)  # fmt: skip

# the column names of the Excel CSV, in the language (the plain CSV uses the ids above)
_EXCEL_COLUMNS = (
    N_("source"), N_("format"), N_("notice"), N_("title"), N_("buyer"), N_("kind"), N_("date"),
    N_("CPV"), N_("amount"), N_("currency"), N_("months"), N_("high-risk"), N_("priority"),
    N_("instruments"), N_("notice codes"), N_("declared"), N_("gap"), N_("error"),
)  # fmt: skip


def _codes(codes: Mapping[str, Any] | None) -> str:
    if not codes:
        return ""
    return ", ".join(f"{term} {c}" for term in ("BT-06", "BT-775") for c in codes.get(term, ()))


def _declared(declared: Mapping[str, Mapping[str, list[str]]], language: str) -> str:
    none = gettext(N_("none"), language)
    parts = []
    for lot, terms in declared.items():
        codes = [f"{term} {c}" for term, cs in terms.items() for c in cs]
        parts.append(f"{lot}: {', '.join(codes) if codes else none}")
    return "; ".join(parts)


def _gap(gap: list[Mapping[str, Any]] | None, language: str) -> str:
    if gap is None:
        return gettext(N_("unknown"), language)
    return "; ".join(
        f"{g['term']} {g['code']}" + (f" ({', '.join(g['lots'])})" if g["lots"] else "") for g in gap
    )


def _instruments(instruments: list[Mapping[str, Any]], language: str) -> str:
    """``market-dialogue (should), contract-clauses (should)``, as the portfolio lists them."""
    return ", ".join(f"{i['id']} ({_strength(i['strength'], language)})" for i in instruments)


def _strength(value: str, language: str) -> str:
    try:
        return strength_word(Strength(value), language)
    except ValueError:  # a strength srpp does not know: as written
        return value


def _amount(value: Mapping[str, Any] | None) -> Decimal | None:
    if not value or value.get("amount") in (None, ""):
        return None
    try:
        return Decimal(str(value["amount"]))
    except InvalidOperation:
        return None


def _date(text: str, language: str) -> str:
    try:
        return format_date(datetime.date.fromisoformat(text), language)
    except ValueError:
        return text


def _cells(row: Mapping[str, Any], months: int | None, language: str) -> dict[str, Any]:
    notice = row["notice"]
    contract = row.get("contract", {})
    value = contract.get("value") or {}
    judged = "error" not in row
    return {
        "source": notice.get("source") or "",
        "format": notice.get("format") or "",
        "notice_id": notice.get("id") or "",
        "title": notice.get("title") or "",
        "buyer": notice.get("buyer") or "",
        "kind": notice.get("kind") or "",
        "date": notice.get("date") or "",
        "cpv": " ".join(contract.get("cpv", [])),
        "value": _amount(value),
        "currency": str(value.get("currency", "NOK")) if value else "",
        "duration_months": months,
        "high_risk": row.get("high_risk") if judged else None,
        "priority": row.get("priority") if judged else None,
        "judged": judged,
        "instruments": row.get("instruments", []),
        "notice_codes": _codes(row.get("notice_codes")),
        "declared": notice.get("declared") or {},
        "gap": row.get("gap") if judged else [],
        "error": row.get("error") or "",
    }


def _csv_line(cells: list[Any], excel: bool, language: str) -> str:
    out = io.StringIO()
    if excel:
        writer = csv.writer(out, delimiter=";" if language == "nb" else ",", lineterminator="\r\n")
    else:
        writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in cells])
    return out.getvalue()


def csv_header(excel: bool = False, language: str = "en") -> str:
    """The CSV header line: the ids (plain), or names in ``language`` after a byte-order
    mark (``excel=True``)."""
    if not excel:
        return _csv_line(list(CSV_COLUMNS), False, language)
    return "\ufeff" + _csv_line([gettext(c, language) for c in _EXCEL_COLUMNS], True, language)


def csv_row(row: Mapping[str, Any], months: int | None = None, excel: bool = False, language: str = "en") -> str:
    """One CSV line for one row document (``months``: the contract's period in months)."""
    c = _cells(row, months, language)
    if excel:
        def flag(value: bool | None) -> str:
            return "" if not c["judged"] else yes_no(value, language)

        amount = "" if c["value"] is None else f"{c['value']:f}"
        cells = [
            c["source"], c["format"], c["notice_id"], c["title"], c["buyer"], c["kind"], c["date"], c["cpv"],
            amount.replace(".", ",") if language == "nb" else amount, c["currency"],
            "" if months is None else months, flag(c["high_risk"]), flag(c["priority"]),
            _instruments(c["instruments"], language), c["notice_codes"], _declared(c["declared"], language),
            "" if not c["judged"] else _gap(c["gap"], language), c["error"],
        ]  # fmt: skip
        return _csv_line(cells, True, language)
    cells = [
        c["source"], c["format"], c["notice_id"], c["title"], c["buyer"], c["kind"], c["date"], c["cpv"],
        "" if c["value"] is None else f"{c['value']:f}", c["currency"], "" if months is None else months,
        csv_flag(c["high_risk"]), csv_flag(c["priority"]),
        " ".join(f"{i['id']}:{i['strength']}" for i in c["instruments"]), c["notice_codes"],
        _declared(c["declared"], "en"), "" if not c["judged"] else _gap(c["gap"], "en"), c["error"],
    ]  # fmt: skip
    return _csv_line(cells, False, language)


_MD_COLUMNS = (N_("notice"), N_("buyer"), N_("CPV"), N_("amount"), N_("months"), N_("high-risk"),
               N_("instruments"), N_("gap"))  # fmt: skip


def markdown_header(language: str = "en") -> str:
    """The head of the Markdown table, in ``language``."""
    names = [gettext(c, language) for c in _MD_COLUMNS]
    return "| " + " | ".join(names) + " |\n|" + "---|" * len(names) + "\n"


def _money(c: Mapping[str, Any], language: str) -> str:
    return "" if c["value"] is None else format_money(c["value"], language, c["currency"] or "NOK")


def markdown_row(row: Mapping[str, Any], months: int | None = None, language: str = "en") -> str:
    """One line of the Markdown table, in ``language``."""
    c = _cells(row, months, language)
    unknown, none = gettext(N_("unknown"), language), gettext(N_("none"), language)
    name = c["title"] or c["notice_id"] or c["source"]
    first = f"{name} ({c['source']})" if name != c["source"] else name
    if c["error"]:
        error = gettext(N_("error"), language)
        return f"| {md_cell(first)} | | | | | | | {error}: {md_cell(c['error'])} |\n"
    cells = [first, c["buyer"], c["cpv"], _money(c, language) or unknown,
             unknown if months is None else str(months), yes_no(c["high_risk"], language),
             _instruments(c["instruments"], language), _gap(c["gap"], language) or none]  # fmt: skip
    return "| " + " | ".join(md_cell(x) for x in cells) + " |\n"


def text_row(row: Mapping[str, Any], months: int | None = None, language: str = "en") -> str:
    """A few lines of plain text for one row, in ``language``: what came from the notice is
    kept on its line and control characters are shown as escapes (``\\x1b``, see
    :func:`~srpp._writers.text.safe_text`)."""
    c = {k: inline(v) if isinstance(v, str) else v for k, v in _cells(row, months, language).items()}
    return safe_text(_text_row(row, c, months, language))


def _text_row(row: Mapping[str, Any], c: Mapping[str, Any], months: int | None, language: str) -> str:

    def _(message: str) -> str:
        return gettext(message, language)

    head = f"{c['source']}  [{c['format'] or '?'}{' ' + c['kind'] if c['kind'] else ''}"
    head += f", {_date(c['date'], language)}]" if c["date"] else "]"
    if c["error"]:
        error = _("error")
        return f"{head}\n  {error}: {c['error']}\n\n"
    lines = [head]
    who = " - ".join(x for x in (c["title"], c["buyer"]) if x)
    if who:
        lines.append(f"  {who}")
    value = _money(c, language) or _("value unknown")
    if months is None:
        period = _("period unknown")
    else:
        period = ngettext("{n} month", "{n} months", months, language).format(n=months)
    labels = {k: _(k) for k in (N_("high-risk"), N_("priority"), N_("instruments"), N_("notice codes"),
                                N_("declared"), N_("gap"))}  # fmt: skip
    none = _("none")
    lines.append(f"  CPV {c['cpv']}; {value}; {period}")
    unread = _("unread")
    for u in row["notice"].get("unread", ()):
        lines.append(inline(f"  {unread}: {u['field']} = {u['given']!r} ({u['reason']})"))
    high_risk, priority = yes_no(c["high_risk"], language), yes_no(c["priority"], language)
    lines.append(f"  {labels['high-risk']}: {high_risk}; {labels['priority']}: {priority}")
    lines.append(f"  {labels['instruments']}: {_instruments(c['instruments'], language) or none}")
    if c["notice_codes"]:
        lines.append(f"  {labels['notice codes']}: {c['notice_codes']}")
    no_lots = _("no lots")
    lines.append(f"  {labels['declared']}: {_declared(c['declared'], language) or no_lots}")
    lines.append(f"  {labels['gap']}: {_gap(c['gap'], language) or none}")
    return "\n".join(lines) + "\n\n"
