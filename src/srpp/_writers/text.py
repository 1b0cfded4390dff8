"""Rules, recommendations and products in words: plain text and Markdown."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Any

from .._model import Phase, Product, Recommendation, RiskLevel, Tier
from ..rules._model import AllOf, AnyOf, Compare, Condition, Derive, Holds, Recommend, Recommended, Rule, RuleSet

_OPS = {"==": "is", "!=": "is not", "<": "below", "<=": "at most", ">": "above", ">=": "at least"}


def _constant(rs: RuleSet, cond: Compare) -> str:
    fact = rs.fact(cond.fact)
    if cond.param is not None:
        p = rs.parameter(cond.param)
        value: Any = p.value
        shown = f"NOK {value:,}" if p.kind == "money" else str(value).replace("_", " ")
        return f"{shown} [{p.name}]"
    if fact.kind.value == "money":
        return f"NOK {cond.value:,}"
    if isinstance(cond.value, bool):
        return "true" if cond.value else "false"
    return f"{cond.value} {fact.unit}".strip().replace("_", " ")


def condition_words(rs: RuleSet, cond: Condition) -> str:
    """A condition in words: ``raw-material risk at least high [high_risk_level]``."""
    if isinstance(cond, AllOf | AnyOf):
        joiner = " and " if isinstance(cond, AllOf) else " or "
        parts = [condition_words(rs, c) for c in cond.conditions]
        text = joiner.join(f"({p})" if " and " in p or " or " in p else p for p in parts)
        return text
    if isinstance(cond, Holds):
        d = rs.derived.get(cond.fact)
        return d.label if d is not None else rs.fact(cond.fact).label
    if isinstance(cond, Recommended):
        return f"{cond.instrument} is recommended (at least {cond.strength.value})"
    fact = rs.fact(cond.fact)
    return f"{fact.label} {_OPS.get(cond.op, cond.op)} {_constant(rs, cond)}"


def conclusion_words(rule: Rule) -> str:
    """A conclusion in words."""
    then = rule.then
    if isinstance(then, Derive):
        return f"conclude: {then.label}"
    assert isinstance(then, Recommend)
    extra = "".join(f", {k} {v}" for k, v in then.attributes)
    return f"recommend {then.instrument} ({then.strength.value}{extra})"


def rules_text(rs: RuleSet, markdown: bool = False) -> str:
    """Every rule of a rule set with its condition, conclusion, reason and sources."""
    out = []
    for r in rs.rules:
        if markdown:
            out.append(f"### `{r.id}`\n")
            out.append(f"- **When** {condition_words(rs, r.when)}")
            out.append(f"- **Then** {conclusion_words(r)}")
            out.append(f"- **Why** {r.reason}")
            out.append("- **Sources** " + ", ".join(f"<{s}>" for s in r.sources))
            out.append("")
        else:
            out.append(r.id)
            out.append(f"  when  {condition_words(rs, r.when)}")
            out.append(f"  then  {conclusion_words(r)}")
            out.append(f"  why   {r.reason}")
            for s in r.sources:
                out.append(f"  source {s}")
            out.append("")
    return "\n".join(out)


def parameters_text(rs: RuleSet, markdown: bool = False) -> str:
    """The parameters of a rule set with their values and sources."""
    out = []
    for p in rs.parameters:
        value = f"NOK {p.value:,}" if p.kind == "money" else str(p.value)
        if markdown:
            out.append(f"- `{p.name}` = {value}: {p.description} (source: <{p.source}>)")
        else:
            out.append(f"{p.name} = {value}\n  {p.description}\n  source {p.source}")
    return "\n".join(out)


def _level(level: RiskLevel | None) -> str:
    return level.label if level is not None else "not assessed"


def _money(amount: Any) -> str:
    text = f"{amount:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def recommendation_text(rec: Recommendation, markdown: bool = False) -> str:
    """A report a buyer reads: the contract, its risk, the instruments by phase, notes."""
    c = rec.contract
    name = " ".join(x for x in (c.id, c.title) if x) or "Contract"
    value = f"NOK {_money(c.value.nok)} excl. VAT"
    if c.value.currency != "NOK":
        value += f" ({c.value.currency} {_money(c.value.amount)} at {c.value.exchange_rate})"
    risk = ", ".join(f"{t.label} {_level(rec.risk[t])}" for t in Tier)
    facts = [
        ("Products", ", ".join(p.name for p in c.all_products) or "none on the high-risk list"),
        *([("CPV codes", "; ".join(f"{x.code} {x.label}" for x in c.cpv))] if c.cpv else []),
        ("Value", value),
        ("Duration", f"{c.duration_months} months"),
        ("Market maturity", c.market_maturity.value),
        ("Risk per tier", risk),
        ("High-risk", "yes" if rec.high_risk else "no"),
        ("Priority contract", "yes" if rec.priority else "no"),
    ]
    out: list[str] = []
    if markdown:
        out.append(f"## {name}\n")
        out += [f"- **{k}:** {v}" for k, v in facts]
    else:
        out.append(name)
        out.append("=" * len(name))
        width = max(len(k) for k, _ in facts)
        out += [f"{k + ':':<{width + 1}} {v}" for k, v in facts]
    for phase in Phase:
        items = [i for i in rec.instruments if i.phase is phase]
        if not items:
            continue
        title = phase.value.capitalize()
        out.append("")
        out.append(f"### {title}\n" if markdown else title)
        if not markdown:
            out.append("-" * len(title))
        for i in items:
            attrs = "".join(f", {k}: {v}" for k, v in i.attributes)
            if markdown:
                out.append(f"- **{i.id}** ({i.strength.value}{attrs})  ")
                out.append(f"  {i.reason}  ")
                out.append("  Sources: " + ", ".join(f"<{s}>" for s in i.sources))
            else:
                out.append(f"* {i.id} [{i.strength.value}{attrs}]")
                out += textwrap.wrap(f"why: {i.reason}", 88, initial_indent="    ", break_on_hyphens=False,
                                     subsequent_indent="         ")  # fmt: skip
                out += [f"    source: {s}" for s in i.sources]
    if not rec.instruments:
        out.append("")
        out.append("No instruments recommended." if not markdown else "**No instruments recommended.**")
    out.append("")
    out.append("### Notes\n" if markdown else "Notes")
    if not markdown:
        out.append("-----")
    if markdown:
        out += [f"- {n}" for n in rec.notes]
    else:
        out += [line for n in rec.notes for line in textwrap.wrap(n, 88, initial_indent="- ", subsequent_indent="  ", break_on_hyphens=False)]
    return "\n".join(out) + "\n"


def products_table(products: Iterable[Product], markdown: bool = False) -> str:
    """The risk table: one product a line, levels per tier, the date the source page shows,
    the date srpp read it and the source (numbered, the URLs listed below the table)."""
    head = ("id", "name (nb)", "category", "raw material", "component", "assembly",
            "conflict minerals", "page date", "read", "source")  # fmt: skip
    rows: list[tuple[str, ...]] = []
    urls: dict[str, int] = {}
    for p in products:
        n = urls.setdefault(p.source_url, len(urls) + 1)
        rows.append((p.id, p.name_nb or "-", p.category, _level(p.risk.raw_material),
                     _level(p.risk.component), _level(p.risk.assembly),
                     "yes" if p.conflict_minerals else "no",
                     p.source_date.isoformat() if p.source_date else "not shown",
                     p.read_date.isoformat() if p.read_date else "-", f"[{n}]"))  # fmt: skip
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        lines += ["", *(f"{n}. <{url}>" for url, n in urls.items())]
        return "\n".join(lines) + "\n"
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in (head, *rows)]
    lines += ["", "Sources:", *(f"[{n}] {url}" for url, n in urls.items())]
    return "\n".join(lines) + "\n"


def _strength_list(instruments: Iterable[Any]) -> str:
    return ", ".join(f"{i.id} ({i.strength.value})" for i in instruments) or "none"


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def portfolio_text(portfolio: Any, markdown: bool = False) -> str:
    """A ranking a buyer can act on: rank, contract, risk, value, shares, instruments."""
    head = ("rank", "contract", "high-risk", "priority", "value NOK", "months", "share", "cumulative",
            "instruments")  # fmt: skip
    rows = []
    for e in portfolio:
        c = e.contract
        rows.append((
            str(e.rank), " ".join(x for x in (c.id, c.title) if x) or "-",
            "yes" if e.high_risk else "no", "yes" if e.priority else "no", _money(c.value.nok),
            str(c.duration_months), _pct(e.share), _pct(e.cumulative_share),
            _strength_list(e.instruments),
        ))  # fmt: skip
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head) - 1)]
    lines = []
    for r in (head, *rows):
        cells = [c.ljust(w) if i in (1, 2, 3) else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells) + "  " + r[-1])
    risky = sum(1 for e in portfolio if e.high_risk)
    lines.append("")
    lines.append(f"{risky} of {len(portfolio)} contracts are high-risk, "
                 f"worth NOK {_money(portfolio.high_risk_spend)} together.")  # fmt: skip
    return "\n".join(lines) + "\n"


def portfolio_csv(portfolio: Any) -> str:
    """The ranking as CSV, one contract a row."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["rank", "id", "title", "high_risk", "priority", "value_nok", "duration_months",
                "share", "cumulative_share", "instruments"])  # fmt: skip
    for e in portfolio:
        c = e.contract
        w.writerow([e.rank, c.id or "", c.title or "", e.high_risk, e.priority, c.value.nok,
                    c.duration_months, f"{e.share:.6f}", f"{e.cumulative_share:.6f}",
                    ";".join(f"{i.id}:{i.strength.value}" for i in e.instruments)])  # fmt: skip
    return buf.getvalue()


def cpv_to_dict(code: Any) -> dict[str, Any]:
    """A looked-up CPV code as a document: which of the three cases it is, and why."""
    p = code.product
    return {
        "code": code.code,
        "label": code.label,
        "coverage": code.coverage.value,
        "reason": code.reason,
        "product": None if p is None else p.id,
        "mapped_by": code.mapped_by,
        "risk": None if p is None else p.risk.to_dict(),
        "source_url": None if p is None else p.source_url,
        "source_date": None if p is None or p.source_date is None else p.source_date.isoformat(),
    }


_COVERAGE_WORDS = {
    "product": "a product of DFØ's high-risk list",
    "no-product": "reviewed, holds no product of DFØ's high-risk list: adds no risk (high-risk: no)",
    "no-data": "no data: goods srpp cannot rate; assess their risk yourself (high-risk: unknown)",
}


def cpv_text(codes: Iterable[Any], markdown: bool = False) -> str:
    """Each code's label, which of the three cases it is and why, and a product's risk."""
    out = []
    for c in codes:
        p = c.product
        case = _COVERAGE_WORDS[c.coverage.value]
        via = f" [mapped by {c.mapped_by}]" if c.mapped_by and c.mapped_by != c.code else ""
        lines = [("case", f"{case}{via}"), ("why", c.reason)]
        if p is not None:
            lines.insert(1, ("product", f"{p.id} ({p.name})"))
            lines.append(("risk", ", ".join(f"{t.label} {_level(p.risk[t])}" for t in Tier)))
            lines.append(("source", _source(p)))
        if markdown:
            out.append(f"- **{c.code}** {c.label}\n" + "".join(f"  - {k}: {v}\n" for k, v in lines))
        else:
            out.append(f"{c.code}  {c.label}\n" + "".join(f"  {k + ':':<9}{v}\n" for k, v in lines))
    return "".join(out)


def _source(p: Product) -> str:
    """A product's source: URL, the date the page shows, the date srpp read it."""
    shown = f"dated {p.source_date.isoformat()}" if p.source_date else "shows no date"
    read = f", read {p.read_date.isoformat()}" if p.read_date else ""
    return f"{p.source_url} (the page {shown}{read})"
