"""Rules, recommendations and products in words: plain text and Markdown."""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .._i18n import N_, format_date, format_decimal, format_money, format_percent, gettext, ngettext, yes_no
from .._model import Phase, Product, Provenance, Recommendation, RiskLevel, Tier
from .._words import (
    attribute_word,
    level_word,
    maturity_word,
    phase_word,
    product_name,
    strength_word,
    tier_word,
    translator,
)
from ..rules._model import AllOf, AnyOf, Compare, Condition, Derive, Holds, Recommend, Recommended, Rule, RuleSet

# -- output that cannot be turned against its reader ---------------------------------------
#
# Ids, titles, reasons and notes come from documents and rule files. Before they reach a
# terminal, a Markdown file or a spreadsheet: control characters (terminal escape sequences,
# carriage returns that overwrite a line) and bidirectional overrides are shown as escapes,
# lone surrogates (which no encoder can write) become U+FFFD, Markdown table cells escape
# ``|`` and line breaks, and CSV cells that a spreadsheet would run as a formula are
# neutralised (OWASP's rule: a leading ``'`` before ``= + - @``, tab or carriage return).

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROLS_INLINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _shown(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in "\n\r\t\u2028\u2029":
        return " "
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def safe_text(text: str) -> str:
    """Text for a terminal or a file: line breaks and tabs kept, every other control
    character and bidirectional override shown as an escape (``\\x1b``), lone surrogates
    replaced by U+FFFD."""
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub(_shown, text))


def inline(text: str) -> str:
    """A value on one line of a report: like :func:`safe_text`, line breaks become spaces."""
    return _SURROGATES.sub("\ufffd", _CONTROLS_INLINE.sub(_shown, text))


def md_cell(text: str) -> str:
    """A Markdown table cell: one line, ``|`` escaped."""
    return inline(text).replace("\\", "\\\\").replace("|", "\\|")


def _safe(fn: Any) -> Any:
    """Make a writer's whole output :func:`safe_text`, whatever reached it."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        return safe_text(fn(*args, **kwargs))

    return wrapper


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a leading ``'`` when a string starts like a
    formula (OWASP), control characters other than line breaks shown as escapes."""
    if not isinstance(value, str):
        return value
    formula = value.startswith(_FORMULA)
    value = _SURROGATES.sub("\ufffd", _CONTROLS.sub(_shown, value))
    return "'" + value if formula else value


# a comparison in words, per operator: "{fact} is at least {value}"
_COMPARE_WORDS = {
    "==": N_("{fact} is {value}"),
    "!=": N_("{fact} is not {value}"),
    "<": N_("{fact} is below {value}"),
    "<=": N_("{fact} is at most {value}"),
    ">": N_("{fact} is above {value}"),
    ">=": N_("{fact} is at least {value}"),
}


def _figure(kind: str, value: Any, language: str, unit: str = "") -> str:
    """A rule's constant or a parameter's value in words: an amount, a level, a number."""
    if kind == "money":
        return format_money(Decimal(value), language)
    if kind == "level":
        return level_word(RiskLevel(value), language)
    if kind == "choice":
        return gettext(str(value).replace("_", " "), language)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{format_decimal(value, language)} {gettext(unit, language)}".strip()
    return str(value).replace("_", " ")


def _constant(rs: RuleSet, cond: Compare, language: str = "en") -> str:
    fact = rs.fact(cond.fact)
    if cond.param is not None:
        p = rs.parameter(cond.param)
        return f"{_figure(p.kind, p.value, language, fact.unit)} [{p.name}]"
    return _figure(fact.kind.value, cond.value, language, fact.unit)


def fact_words(fact: Any, holds: bool, language: str = "en") -> str:
    """A boolean fact that holds, or does not, in words: ``the value is known`` /
    ``the value is not known yet``; a fact without words for its negation reads
    ``<label>: no``."""
    label = gettext(fact.label, language)
    if holds:
        return label
    if fact.label_false:
        return gettext(fact.label_false, language)
    return gettext(N_("{fact}: no"), language).format(fact=label)


def condition_words(rs: RuleSet, cond: Condition, language: str = "en") -> str:
    """A condition in words: ``raw-material risk is at least high [high_risk_level]``."""
    if isinstance(cond, AllOf | AnyOf):
        joiner = gettext(N_("and"), language) if isinstance(cond, AllOf) else gettext(N_("or"), language)
        parts = [
            f"({condition_words(rs, c, language)})" if isinstance(c, AllOf | AnyOf) else condition_words(rs, c, language)
            for c in cond.conditions
        ]
        return f" {joiner} ".join(parts)
    if isinstance(cond, Holds):
        d = rs.derived.get(cond.fact)
        return gettext(d.label, language) if d is not None else fact_words(rs.fact(cond.fact), True, language)
    if isinstance(cond, Recommended):
        return gettext(N_("{instrument} is recommended (at least {strength})"), language).format(
            instrument=cond.instrument, strength=strength_word(cond.strength, language)
        )
    fact = rs.fact(cond.fact)
    if fact.kind.value == "bool" and isinstance(cond.value, bool) and cond.op in ("==", "!="):
        # a test of a yes/no fact reads as the fact or its negation, never "... is false"
        return fact_words(fact, cond.value == (cond.op == "=="), language)
    return gettext(_COMPARE_WORDS[cond.op], language).format(
        fact=gettext(fact.label, language), value=_constant(rs, cond, language)
    )


def conclusion_words(rule: Rule, language: str = "en") -> str:
    """A conclusion in words: ``conclude: the purchase is high-risk``,
    ``recommend self-assessment (consider, form: full)``."""
    then = rule.then
    if isinstance(then, Derive):
        return gettext(N_("conclude: {fact}"), language).format(fact=gettext(then.label, language))
    assert isinstance(then, Recommend)
    extra = "".join(f", {attribute_word(k, language)}: {attribute_word(v, language)}" for k, v in then.attributes)
    return gettext(N_("recommend {instrument} ({strength})"), language).format(
        instrument=then.instrument, strength=strength_word(then.strength, language) + extra
    )


@_safe
def rules_text(rs: RuleSet, markdown: bool = False, language: str = "en") -> str:
    """Every rule of a rule set with its condition, conclusion, reason and sources, in
    ``language`` (ids, parameter names and URLs as they are)."""
    _ = translator(language)
    when, then, why, sources, source = _("when"), _("then"), _("why"), _("Sources"), _("source")
    width = max(len(when), len(then), len(why), len(source))
    out = []
    for r in rs.rules:
        reason = _(r.reason)
        if markdown:
            out.append(f"### `{r.id}`\n")
            out.append(f"- **{when.capitalize()}** {condition_words(rs, r.when, language)}")
            out.append(f"- **{then.capitalize()}** {conclusion_words(r, language)}")
            out.append(f"- **{why.capitalize()}** {reason}")
            out.append(f"- **{sources}** " + ", ".join(f"<{s}>" for s in r.sources))
            out.append("")
        else:
            out.append(r.id)
            out.append(f"  {when:<{width}} {condition_words(rs, r.when, language)}")
            out.append(f"  {then:<{width}} {conclusion_words(r, language)}")
            out.append(f"  {why:<{width}} {reason}")
            for s in r.sources:
                out.append(f"  {source:<{width}} {s}")
            out.append("")
    return "\n".join(out)


@_safe
def parameters_text(rs: RuleSet, markdown: bool = False, language: str = "en") -> str:
    """The parameters of a rule set with their values, basis and sources, in ``language``:
    amounts and dates as the language writes them (``24 000 000 kr``, ``30.11.2026``)."""
    _ = translator(language)
    source = _("source")
    out = []
    for p in rs.parameters:
        value = _parameter_value(p, p.value, language)
        basis = _(p.basis_words)
        if p.source_date:
            basis += ", " + _parameter_date(p.source_date, language)
        changes = []
        for c in p.schedule:
            change = _("from {date}: {value}").format(
                date=format_date(c.since, language), value=_parameter_value(p, c.value, language)
            )
            changes.append(change + (f" ({c.source})" if c.source else ""))
        description = _(p.description)
        if markdown:
            out.append(f"- `{p.name}` = {value} ({basis}): {description} ({source}: <{p.source}>)")
            out += [f"  - {c}" for c in changes]
        else:
            out.append(f"{p.name} = {value}  [{basis}]\n  {description}\n  {source} {p.source}")
            out += [f"  {c}" for c in changes]
    return "\n".join(out)


def _parameter_value(p: Any, value: Any, language: str = "en") -> str:
    return _figure(p.kind, value, language)


def _parameter_date(text: str, language: str) -> str:
    """An ISO date of a source as the language writes it (as given if it is not a date)."""
    import datetime

    try:
        return format_date(datetime.date.fromisoformat(text), language)
    except ValueError:
        return text


def _level(level: RiskLevel | None, language: str = "en") -> str:
    return level_word(level, language)


def _money(amount: Any, language: str = "en") -> str:
    """An amount without its currency: whole amounts without decimals, others with two."""
    whole = Decimal(amount) == Decimal(amount).to_integral_value()
    return format_decimal(amount, language, digits=0 if whole else 2)


def _value_text(c: Any, language: str) -> str:
    """The value in words; "not known yet" at the planning stage."""
    _ = translator(language)
    if c.value is None:
        return _("not known yet")
    value = _("{amount} excl. VAT").format(amount=format_money(c.value.nok, language))
    if c.value.currency != "NOK":
        value += " ({money} {at} {rate})".format(
            money=format_money(c.value.amount, language, c.value.currency), at=_("at"),
            rate=format_decimal(c.value.exchange_rate or 0, language),
        )  # fmt: skip
    return value


def _duration_text(c: Any, language: str) -> str:
    """The period in months, with the days or dates it was given as; "not known yet"."""
    _ = translator(language)
    if c.duration_months is None:
        return _("not known yet")
    months = ngettext("{n} month", "{n} months", c.duration_months, language).format(n=c.duration_months)
    if c.start_date is not None and c.end_date is not None:
        return f"{months} ({c.start_date.isoformat()} – {c.end_date.isoformat()})"
    if c.duration_days is not None:
        days = ngettext("{n} day", "{n} days", c.duration_days, language).format(n=c.duration_days)
        return f"{months} ({days})"
    return months


def tier_text(rec: Recommendation, tier: Tier, language: str = "en") -> str:
    """A tier's level in words; a tier the buyer assessed says so and shows DFØ's rating:
    ``very high (your assessment; DFØ: medium)``."""
    level = _level(rec.risk[tier], language)
    if tier in rec.overridden:
        listed = _level(rec.contract.listed_risk[tier], language)
        return translator(language)("{level} (your assessment; DFØ: {listed})").format(
            level=level, listed=listed
        )
    return level


def risk_text(rec: Recommendation, language: str = "en") -> str:
    """Every tier with its level, upstream first; tiers the buyer assessed are marked."""
    return ", ".join(f"{tier_word(t, language)} {tier_text(rec, t, language)}" for t in Tier)


def _instrument_details(i: Any, markdown: bool, language: str) -> list[str]:
    """What the buyer needs to act on an instrument: notes, templates, labels, steps."""
    _ = translator(language)
    lines = [_("note") + f": {n}" for n in i.notes]
    lines += [_("template") + f": {t.name} <{t.url}>" for t in i.templates]
    lines += [_("label") + f": " + _("{name} or equivalent").format(name=x.name) for x in i.labels]
    lines += [_("step {n}").format(n=n) + f" ({s.when}): {s.what}" for n, s in enumerate(i.steps, 1)]
    if markdown:
        return [f"  - {line}" for line in lines]
    out = []
    for line in lines:
        out += textwrap.wrap(line, 88, initial_indent="    ", subsequent_indent="      ",
                             break_on_hyphens=False, break_long_words=False)  # fmt: skip
    return out


@_safe
def recommendation_text(rec: Recommendation, markdown: bool = False, language: str | None = None) -> str:
    """A report a buyer reads: the contract, its risk, the instruments by phase, notes.

    In the recommendation's language (:func:`srpp.recommend` makes its reasons and notes in
    one); ``language``, if given, must be that language.
    """
    language = _language_of(rec, language)
    _ = translator(language)
    c = rec.contract
    name = inline(" ".join(x for x in (c.id, c.title) if x)) or _("Contract")
    high_risk = yes_no(rec.high_risk, language)
    if rec.high_risk is None:
        high_risk += ": " + _("srpp has no risk data for part of it; assess it yourself")
    priority = yes_no(rec.priority, language)
    if rec.priority is None:
        priority += ": " + _("neither the value nor the period is known yet")
    facts = [
        (_("Products"), ", ".join(product_name(p, language) for p in c.all_products)
         or _("none on the high-risk list")),
        *([(_("CPV codes"), "; ".join(f"{x.code} {x.label}" for x in c.cpv))] if c.cpv else []),
        (_("Value"), _value_text(c, language)),
        (_("Duration"), _duration_text(c, language)),
        (_("Market maturity"), maturity_word(c.market_maturity, language)),
        (_("Risk per tier"), risk_text(rec, language)),
        (_("High-risk"), high_risk),
        (_("Priority contract"), priority),
    ]  # fmt: skip
    out: list[str] = []
    if markdown:
        out.append(f"## {name}\n")
        out += [f"- **{k}:** {v}" for k, v in facts]
    else:
        out.append(name)
        out.append("=" * len(name))
        width = max(len(k) for k, _v in facts)
        out += [f"{k + ':':<{width + 1}} {v}" for k, v in facts]
    for phase in Phase:
        items = [i for i in rec.instruments if i.phase is phase]
        if not items:
            continue
        title = phase_word(phase, language)
        out.append("")
        out.append(f"### {title}\n" if markdown else title)
        if not markdown:
            out.append("-" * len(title))
        for i in items:
            attrs = "".join(
                f", {attribute_word(k, language)}: {attribute_word(v, language)}" for k, v in i.attributes
            )
            strength = strength_word(i.strength, language)
            title = _instrument_title(i.id, language)
            if markdown:
                out.append(f"- **{i.id}** ({strength}{attrs})" + (f": {title}  " if title else "  "))
                out.append(f"  {i.reason}  ")
                sources = _("Sources")
                out.append(f"  {sources}: " + ", ".join(f"<{s}>" for s in i.sources))
            else:
                why, source = _("why"), _("source")
                out.append(f"* {i.id} [{strength}{attrs}]")
                if title:
                    out.append(f"    {title}")
                out += textwrap.wrap(f"{why}: {i.reason}", 88, initial_indent="    ", break_on_hyphens=False,
                                     subsequent_indent=" " * (6 + len(why)))  # fmt: skip
                out += [f"    {source}: {s}" for s in i.sources]
            out += _instrument_details(i, markdown, language)
    if not rec.instruments:
        none = _("No instruments recommended.")
        out.append("")
        out.append(none if not markdown else f"**{none}**")
    notes = _("Notes")
    out.append("")
    out.append(f"### {notes}\n" if markdown else notes)
    if not markdown:
        out.append("-" * len(notes))
    if markdown:
        out += [f"- {n}" for n in rec.notes]
    else:
        out += [line for n in rec.notes for line in textwrap.wrap(n, 88, initial_indent="- ", subsequent_indent="  ", break_on_hyphens=False)]
    if rec.provenance is not None:
        out += provenance_lines(rec.provenance, markdown, language)
    return "\n".join(out) + "\n"


def provenance_lines(p: Provenance, markdown: bool = False, language: str = "en") -> list[str]:
    """The provenance section of a report: srpp, rule set, data, policy and date, one a line."""
    _ = translator(language)
    data = dict(p.data)
    products = dict(data.get("products", ()))
    cpv = dict(data.get("cpv", ()))
    listed = _("products {version}").format(version=products.get("version", "?"))
    if products.get("own"):
        listed += " + " + _("own products: {ids}").format(ids=", ".join(products["own"]))
    rates = [
        _("exchange rate {currency} = {rate} NOK").format(currency=c, rate=format_decimal(r, language))
        for c, r in p.exchange_rates
    ]
    rows = [
        ("srpp", p.srpp),
        (_("Rule set"), f"{p.rules} ({p.digest})"),
        (_("Data"), f"{listed}; {cpv.get('version', '?')}"),
        (_("Policy"), ", ".join([*(f"{k} = {v}" for k, v in p.policy), *rates]) or _("the rule set's own values")),
        (_("Date"), format_date(p.date, language)),
    ]
    title = _("Provenance")
    if markdown:
        return ["", f"### {title}\n", *(f"- **{k}:** {v}" for k, v in rows)]
    width = max(len(k) for k, _v in rows)
    return ["", title, "-" * len(title), *(f"{k + ':':<{width + 1}} {v}" for k, v in rows)]


def _instrument_title(instrument_id: str, language: str) -> str:
    """The title of a shipped instrument type in ``language`` ("" for one srpp does not ship)."""
    from .._catalogue import instrument_types

    for itype in instrument_types():
        if itype.id == instrument_id:
            return gettext(itype.title, language)
    return ""


def _language_of(rec: Recommendation, language: str | None) -> str:
    if language is not None and language != rec.language:
        raise ValueError(
            f"the recommendation's words are in {rec.language!r}, not {language!r}: "
            f"recommend it with language={language!r} for a report in that language"
        )
    return rec.language


@_safe
def products_table(products: Iterable[Product], markdown: bool = False, language: str = "en") -> str:
    """The risk table: one product a line, levels per tier, the date the source page shows,
    the date srpp read it and the source (numbered, the URLs listed below the table).

    Names, categories and dates are in ``language`` (a product's ``name_nb`` in Norwegian;
    ``15.10.2021`` in Norwegian, ISO dates in English).
    """
    from .._catalogue import categories

    _ = translator(language)
    category_names = {c.id: _(c.name) for c in categories()}
    head = ("id", _("name"), _("category"), _("raw material"), _("component"), _("assembly"),
            _("conflict minerals"), _("page date"), _("read"), _("source"))  # fmt: skip
    rows: list[tuple[str, ...]] = []
    urls: dict[str, int] = {}
    for p in products:
        n = urls.setdefault(p.source_url, len(urls) + 1)
        rows.append((p.id, product_name(p, language), category_names.get(p.category, p.category),
                     _level(p.risk.raw_material, language), _level(p.risk.component, language),
                     _level(p.risk.assembly, language), yes_no(p.conflict_minerals, language),
                     format_date(p.source_date, language) if p.source_date else _("not shown"),
                     format_date(p.read_date, language) if p.read_date else "-", f"[{n}]"))  # fmt: skip
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows]
        lines += ["", *(f"{n}. <{url}>" for url, n in urls.items())]
        return "\n".join(lines) + "\n"
    rows = [tuple(inline(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in (head, *rows)]
    lines += ["", _("Sources:"), *(f"[{n}] {url}" for url, n in urls.items())]
    return "\n".join(lines) + "\n"


def _strength_list(instruments: Iterable[Any], language: str = "en") -> str:
    listed = ", ".join(f"{i.id} ({strength_word(i.strength, language)})" for i in instruments)
    return listed or gettext(N_("none"), language)


def _pct(x: float, language: str = "en") -> str:
    return format_percent(x, language)


@_safe
def portfolio_text(portfolio: Any, markdown: bool = False, language: str = "en") -> str:
    """A ranking a buyer can act on: rank, contract, risk, value, shares, instruments."""
    _ = translator(language)
    head = (_("rank"), _("contract"), _("high-risk"), _("priority"), _("value NOK"), _("months"),
            _("share"), _("cumulative"), _("instruments"))  # fmt: skip
    rows = []
    for e in portfolio:
        c = e.contract
        rows.append((
            str(e.rank), inline(" ".join(x for x in (c.id, c.title) if x)) or "-",
            yes_no(e.high_risk, language), yes_no(e.priority, language),
            _money(c.value.nok, language) if c.value is not None else "-",
            str(c.duration_months or "-"), _pct(e.share, language), _pct(e.cumulative_share, language),
            _strength_list(e.instruments, language),
        ))  # fmt: skip
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head) - 1)]
    lines = []
    for r in (head, *rows):
        cells = [c.ljust(w) if i in (1, 2, 3) else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells) + "  " + r[-1])
    risky = sum(1 for e in portfolio if e.high_risk)
    lines.append("")
    lines.append(
        ngettext(
            "{risky} of {n} contract is high-risk, worth {amount} together.",
            "{risky} of {n} contracts are high-risk, worth {amount} together.",
            len(portfolio), language,
        ).format(risky=risky, n=len(portfolio), amount=format_money(portfolio.high_risk_spend, language))
    )  # fmt: skip
    # not every high-risk contract: one below the Procurement Act's threshold gets none
    lines.append(
        _("Contracts to assess for SRPP instruments (the rules recommend some for them): {assess} of {n}.")
        .format(assess=portfolio.to_assess, n=len(portfolio))
    )
    return "\n".join(lines) + "\n"


def portfolio_csv(portfolio: Any, excel: bool = False, language: str = "en") -> str:
    """The ranking as CSV, one contract a row.

    Plain (``excel=False``): RFC 4180 with ``,`` separators, ids as column names, ``true`` /
    ``false`` (an empty cell when unknown, as ``srpp screen``'s CSV) and decimal points, the
    same in every language. For Excel (``excel=True``): what
    a spreadsheet in ``language`` opens in columns: a byte-order mark (so Excel reads UTF-8 and
    keeps æøå), CRLF line ends, column names and yes/no in the language, and for Norwegian
    ``;`` separators and decimal commas (Norwegian Excel's list separator is ``;`` because
    its decimal mark is ``,``).
    """
    import csv
    import io

    buf = io.StringIO()
    cols = ("rank", "id", "title", "high_risk", "priority", "value_nok", "duration_months", "share",
            "cumulative_share", "instruments")  # fmt: skip
    if not excel:
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for e in portfolio:
            c = e.contract
            w.writerow([csv_cell(x) for x in (
                e.rank, c.id or "", c.title or "", csv_flag(e.high_risk), csv_flag(e.priority),
                "" if c.value is None else c.value.nok, c.duration_months or "", f"{e.share:.6f}",
                f"{e.cumulative_share:.6f}", ";".join(f"{i.id}:{i.strength.value}" for i in e.instruments))])  # fmt: skip
        return buf.getvalue()
    _ = translator(language)
    comma = language == "nb"
    w = csv.writer(buf, delimiter=";" if comma else ",", lineterminator="\r\n")

    def number(text: str) -> str:
        return text.replace(".", ",") if comma else text

    w.writerow([_("rank"), "id", _("title"), _("high-risk"), _("priority"), _("value NOK"), _("months"),
                _("share"), _("cumulative"), _("instruments")])  # fmt: skip
    for e in portfolio:
        c = e.contract
        w.writerow([csv_cell(x) for x in (
            e.rank, c.id or "", c.title or "", yes_no(e.high_risk, language),
            yes_no(e.priority, language), "" if c.value is None else number(f"{c.value.nok:f}"),
            c.duration_months or "", number(f"{e.share:.6f}"), number(f"{e.cumulative_share:.6f}"),
            _strength_list(e.instruments, language))])  # fmt: skip
    return "\ufeff" + buf.getvalue()


def csv_flag(flag: bool | None) -> str:
    """``true`` / ``false`` (JSON's words, which pandas and spreadsheets read as booleans),
    or an empty cell when unknown."""
    return "" if flag is None else "true" if flag else "false"


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
    "product": N_("a product of DFØ's high-risk list"),
    "no-product": N_("reviewed, holds no product of DFØ's high-risk list: adds no risk (high-risk: no)"),
    "no-data": N_("no data: goods srpp cannot rate; assess their risk yourself (high-risk: unknown)"),
}


@_safe
def cpv_text(codes: Iterable[Any], markdown: bool = False, language: str = "en") -> str:
    """Each code's label, which of the three cases it is and why, and a product's risk and
    source. Labels are CPV's English ones; the mapping's reasons are srpp's English notes."""
    _ = translator(language)
    out = []
    for c in codes:
        p = c.product
        case = _(_COVERAGE_WORDS[c.coverage.value])
        # the call stays outside the f-string: Babel finds calls inside f-strings only on 3.12+
        mapped_by = _("mapped by")
        via = f" [{mapped_by} {c.mapped_by}]" if c.mapped_by and c.mapped_by != c.code else ""
        lines = [(_("case"), f"{case}{via}"), (_("why"), cpv_reason(c, language))]
        if p is not None:
            lines.insert(1, (_("product"), f"{p.id} ({product_name(p, language)})"))
            risk = ", ".join(f"{tier_word(t, language)} {_level(p.risk[t], language)}" for t in Tier)
            lines.append((_("risk"), risk))
            lines.append((_("source"), _source(p, language)))
        width = max(len(k) for k, _v in lines) + 2
        if markdown:
            out.append(f"- **{c.code}** {c.label}\n" + "".join(f"  - {k}: {v}\n" for k, v in lines))
        else:
            out.append(f"{c.code}  {c.label}\n" + "".join(f"  {k + ':':<{width}}{v}\n" for k, v in lines))
    return "".join(out)


def cpv_reason(code: Any, language: str = "en") -> str:
    """Why a CPV code is in its case, in ``language``: srpp's mapping notes and reasons are
    in the catalogue; a reason naming a product names it in the language."""
    from .._cpv import LISTED_PRODUCT_REASON, OWN_PRODUCT_REASON

    if language == "en":
        return str(code.reason)
    p = code.product
    if p is not None:
        name = product_name(p, language)
        if code.reason == LISTED_PRODUCT_REASON.format(product=p.name):
            return gettext(LISTED_PRODUCT_REASON, language).format(product=name)
        if code.reason == OWN_PRODUCT_REASON.format(product=p.name, listed=code.mapped_by):
            return gettext(OWN_PRODUCT_REASON, language).format(product=name, listed=code.mapped_by)
    return gettext(code.reason, language)


def _source(p: Product, language: str = "en") -> str:
    """A product's source: URL, the date the page shows, the date srpp read it."""
    _ = translator(language)
    if p.source_date:
        shown = _("the page is dated {date}").format(date=format_date(p.source_date, language))
    else:
        shown = _("the page shows no date")
    read = ", " + _("read {date}").format(date=format_date(p.read_date, language)) if p.read_date else ""
    return f"{p.source_url} ({shown}{read})"
