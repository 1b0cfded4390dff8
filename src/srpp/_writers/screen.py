"""Screening rows (one per notice) as text, Markdown and CSV, written row by row."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

__all__ = ["CSV_COLUMNS", "csv_header", "csv_row", "markdown_header", "markdown_row", "text_row"]

CSV_COLUMNS = (
    "source", "format", "notice_id", "title", "buyer", "kind", "date", "cpv", "value",
    "currency", "duration_months", "high_risk", "priority", "instruments", "notice_codes",
    "declared", "gap", "error",
)  # fmt: skip


def _codes(codes: Mapping[str, Any] | None) -> str:
    if not codes:
        return ""
    return ", ".join(f"{term} {c}" for term in ("BT-06", "BT-775") for c in codes.get(term, ()))


def _declared(declared: Mapping[str, Mapping[str, list[str]]]) -> str:
    parts = []
    for lot, terms in declared.items():
        codes = [f"{term} {c}" for term, cs in terms.items() for c in cs]
        parts.append(f"{lot}: {', '.join(codes) if codes else 'none'}")
    return "; ".join(parts)


def _gap(gap: list[Mapping[str, Any]] | None) -> str:
    if gap is None:
        return "unknown"
    return "; ".join(
        f"{g['term']} {g['code']}" + (f" ({', '.join(g['lots'])})" if g["lots"] else "") for g in gap
    )


def _bool(value: bool | None) -> str:
    return "unknown" if value is None else "yes" if value else "no"


def _value(contract: Mapping[str, Any]) -> tuple[str, str]:
    value = contract.get("value")
    if not value:
        return "", ""
    return str(value.get("amount")), str(value.get("currency", "NOK"))


def _cells(row: Mapping[str, Any], months: int | None) -> dict[str, str]:
    notice = row["notice"]
    contract = row.get("contract", {})
    amount, currency = _value(contract)
    return {
        "source": notice.get("source") or "",
        "format": notice.get("format") or "",
        "notice_id": notice.get("id") or "",
        "title": notice.get("title") or "",
        "buyer": notice.get("buyer") or "",
        "kind": notice.get("kind") or "",
        "date": notice.get("date") or "",
        "cpv": " ".join(contract.get("cpv", [])),
        "value": amount,
        "currency": currency,
        "duration_months": "" if months is None else str(months),
        "high_risk": "" if "error" in row else _bool(row.get("high_risk")),
        "priority": "" if "error" in row else _bool(row.get("priority")),
        "instruments": " ".join(f"{i['id']}:{i['strength']}" for i in row.get("instruments", [])),
        "notice_codes": _codes(row.get("notice_codes")),
        "declared": _declared(notice.get("declared") or {}),
        "gap": "" if "error" in row else _gap(row.get("gap")),
        "error": row.get("error") or "",
    }


def csv_header() -> str:
    """The CSV header line."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(CSV_COLUMNS)
    return out.getvalue()


def csv_row(row: Mapping[str, Any], months: int | None = None) -> str:
    """One CSV line for one row document (``months``: the contract's period in months)."""
    cells = _cells(row, months)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([cells[c] for c in CSV_COLUMNS])
    return out.getvalue()


_MD_COLUMNS = ("notice", "buyer", "CPV", "value", "months", "high risk", "instruments", "gap")


def markdown_header() -> str:
    """The head of the Markdown table."""
    return "| " + " | ".join(_MD_COLUMNS) + " |\n|" + "---|" * len(_MD_COLUMNS) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_row(row: Mapping[str, Any], months: int | None = None) -> str:
    """One line of the Markdown table."""
    c = _cells(row, months)
    name = c["title"] or c["notice_id"] or c["source"]
    first = f"{name} ({c['source']})" if name != c["source"] else name
    if c["error"]:
        return f"| {_md(first)} | | | | | | | error: {_md(c['error'])} |\n"
    value = f"{c['currency']} {c['value']}" if c["value"] else "unknown"
    cells = [first, c["buyer"], c["cpv"], value, c["duration_months"] or "unknown",
             c["high_risk"], c["instruments"].replace(" ", ", "), c["gap"] or "none"]  # fmt: skip
    return "| " + " | ".join(_md(x) for x in cells) + " |\n"


def text_row(row: Mapping[str, Any], months: int | None = None) -> str:
    """A few lines of plain text for one row."""
    c = _cells(row, months)
    head = f"{c['source']}  [{c['format'] or '?'}{' ' + c['kind'] if c['kind'] else ''}"
    head += f", {c['date']}]" if c["date"] else "]"
    if c["error"]:
        return f"{head}\n  error: {c['error']}\n\n"
    lines = [head]
    who = " - ".join(x for x in (c["title"], c["buyer"]) if x)
    if who:
        lines.append(f"  {who}")
    value = f"{c['currency']} {c['value']}" if c["value"] else "value unknown"
    period = f"{c['duration_months']} months" if c["duration_months"] else "period unknown"
    lines.append(f"  CPV {c['cpv']}; {value}; {period}")
    for u in row["notice"].get("unread", ()):
        lines.append(f"  unread: {u['field']} = {u['given']!r} ({u['reason']})")
    lines.append(f"  high risk: {c['high_risk']}; priority: {c['priority']}")
    lines.append(f"  instruments: {c['instruments'].replace(' ', ', ') or 'none'}")
    if c["notice_codes"]:
        lines.append(f"  notice codes: {c['notice_codes']}")
    lines.append(f"  declared: {c['declared'] or 'no lots'}")
    lines.append(f"  gap: {c['gap'] or 'none'}")
    return "\n".join(lines) + "\n\n"
