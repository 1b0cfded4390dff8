"""Recommendations and portfolios as self-contained HTML pages (the ``html`` extra).

Two pages, each one file that needs no network when opened (styles, charts and fonts are
inline, and a Content-Security-Policy forbids loading anything else):

- the *case record* of one or more recommendations (:func:`recommendation_html`), to print
  and file: the contract, its risk per tier with DFØ's rating and any override, each
  instrument with its reason, sources and follow-up steps, notice codes, notes, provenance,
  and blank fields the buyer fills in by hand;
- the *portfolio page* (:func:`portfolio_html`): headline figures, a chart of spend by
  category and high-risk status, a heat map of risk per tier and contract, the ranked table
  and a case record for every contract.

Pages are rendered with Jinja2 (autoescaping on) from templates in ``templates/``, whose
texts are marked with Jinja2's i18n extension (``{% trans %}``) so Babel extracts them.
Charts are drawn by matplotlib's SVG backend with text as paths, so no font is needed.

The data come from ``Recommendation.to_dict()``; keys a result does not carry (say, no
``provenance``) are simply not shown.
"""

from __future__ import annotations

import datetime
import functools
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from .._errors import SrppError
from .._i18n import N_
from .._model import Recommendation
from .._words import product_name

__all__ = ["MissingExtraError", "portfolio_html", "recommendation_html", "screen_html"]

_TIERS = ("raw_material", "component", "assembly")
#: The heat map shows at most this many contracts, the first in rank order; the case records
#: give every contract's risk per tier.
HEAT_MAP_ROWS = 60
_LEVELS = ("low", "medium", "medium_high", "high", "very_high")
# A sequential palette from light to dark (ColorBrewer YlOrRd, 5 classes); every cell of the
# heat map also carries its level in words, so colour is never the only cue.
_LEVEL_COLOURS = {
    "low": "#ffffb2",
    "medium": "#fecc5c",
    "medium_high": "#fd8d3c",
    "high": "#f03b20",
    "very_high": "#bd0026",
    None: "#ffffff",
}


class MissingExtraError(SrppError, ImportError):
    """The ``html`` extra (Jinja2 and matplotlib) is not installed."""


def _require(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"HTML output needs {module.split('.')[0]}: install srpp with the html extra "
            "(pip install 'srpp-norway[html]')"
        ) from None


def _translations(language: str) -> Any:
    """The gettext translations of ``language`` (srpp's shipped catalogues)."""
    from .._i18n import translations

    return translations(language)


@functools.cache
def _environment(language: str = "en") -> Any:
    jinja2 = _require("jinja2")
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("srpp._writers", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.ChainableUndefined,
    )
    env.install_gettext_translations(_translations(language), newstyle=True)
    env.filters["nok"] = functools.partial(_nok, language=language)
    env.filters["pct"] = functools.partial(_pct, language=language)
    env.filters["words"] = _words
    env.filters["step_text"] = _step_text
    env.filters["tr"] = functools.partial(_tr, language=language)
    return env


def _tr(text: Any, language: str) -> str:
    """A text from srpp's data (instrument titles, notes ...) in ``language`` where the
    catalogue has it; as written otherwise (a reason carries the contract's own figures)."""
    from .._i18n import gettext

    return gettext(str(text), language) if text else ""


# -- formatting ------------------------------------------------------------------------------


def _nok(amount: Any, language: str = "en") -> str:
    """An amount as the language writes it: ``24,000,000`` (en), ``24 000 000`` (nb); øre
    only when there are some."""
    from .._i18n import format_decimal

    if amount is None or amount == "":
        return ""
    value = Decimal(str(amount))
    whole = value == value.to_integral_value()
    return format_decimal(value, language, digits=0 if whole else 2)


def _pct(x: Any, language: str = "en") -> str:
    """A share with one decimal: ``12.3%`` (en), ``12,3 %`` (nb)."""
    from .._i18n import format_percent

    return "" if x is None else format_percent(float(x), language)


def _words(value: Any) -> str:
    """A document value in words: ``medium_high`` -> ``medium high``."""
    if value is None:
        return ""
    return str(value).replace("_", " ")


def _step_text(step: Any) -> str:
    """A follow-up step as text, whatever shape the step has (text or a small document)."""
    if isinstance(step, Mapping):
        parts = [
            str(step[k])
            for k in ("title", "what", "text", "summary", "description", "when", "deadline")
            if step.get(k)
        ]
        return (
            ": ".join(parts[:1]) + (" (" + "; ".join(parts[1:]) + ")" if parts[1:] else "")
            if parts
            else ""
        )
    return str(step)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "contract"


# -- the data the templates see --------------------------------------------------------------


def _instrument_titles() -> dict[str, Any]:
    from .._catalogue import instrument_types

    return {t.id: t for t in instrument_types()}


def _category_names(language: str) -> dict[str, str]:
    from .._catalogue import categories

    return {c.id: _tr(c.name, language) for c in categories()}


def case_data(rec: Any, anchor: str, language: str = "en") -> dict[str, Any]:
    """What a case record shows for one recommendation, as plain data.

    ``rec`` is a :class:`~srpp.Recommendation`; its document (``to_dict()``) is the base, and
    what the document does not carry but the templates show (product names and categories,
    DFØ's rating per tier before the buyer's overrides) is added from the objects.
    """
    doc: dict[str, Any] = dict(rec.to_dict())
    contract = rec.contract
    titles = _instrument_titles()
    cats = _category_names(language)
    products = list(getattr(contract, "all_products", ()) or ())
    dfo: dict[str, str | None] = {}
    for tier in _TIERS:
        levels = [getattr(p.risk, tier) for p in products if getattr(p.risk, tier) is not None]
        dfo[tier] = max(levels).value if levels else None
    overrides = getattr(contract, "risk_overrides", None)
    overridden = doc.get("overridden")
    if overridden is None:  # results without the key: every tier the buyer assessed
        overridden = [
            t for t in _TIERS if overrides is not None and getattr(overrides, t) is not None
        ]
    risk = doc.get("risk") or {}
    tiers = [
        {
            "id": t,
            "level": risk.get(t),
            "dfo": dfo.get(t),
            "overridden": t in overridden,
        }
        for t in _TIERS
    ]
    instruments = []
    for i in doc.get("instruments") or []:
        kind = titles.get(i.get("id"))
        extra = {
            k: v
            for k, v in i.items()
            if k
            not in {
                "id",
                "phase",
                "strength",
                "rule",
                "rules",
                "reason",
                "sources",
                "steps",
                "templates",
                "title",
                "summary",
                "label",
            }
            and isinstance(v, str | int | float)
        }
        instruments.append(
            {
                **i,
                "title": i.get("title") or i.get("label") or (kind.title if kind else i.get("id")),
                "summary": i.get("summary") or (kind.summary if kind else ""),
                "attributes": extra,
            }
        )
    phases = []
    for phase in ("planning", "tender", "follow-up"):
        items = [i for i in instruments if i.get("phase") == phase]
        if items:
            phases.append({"id": phase, "instruments": items})
    others = [i for i in instruments if i.get("phase") not in {"planning", "tender", "follow-up"}]
    if others:
        phases.append({"id": "other", "instruments": others})
    c = doc.get("contract") or {}
    cpv = [{"code": x.code, "label": x.label} for x in getattr(contract, "cpv", ())]
    return {
        **doc,
        "anchor": anchor,
        "name": " ".join(str(x) for x in (c.get("id"), c.get("title")) if x) or None,
        "products": [
            {
                "id": p.id,
                "name": product_name(p, language),
                "category": cats.get(p.category, p.category),
                "source_url": p.source_url,
                "source_version": p.source_version,
            }
            for p in products
        ],
        "cpv": cpv,
        "tiers": tiers,
        "phases": phases,
        "any_override": any(t["overridden"] for t in tiers),
        "value": c.get("value"),
        "duration": _duration(contract, language),
        "date": _date_text(c["date"], language) if c.get("date") else None,
        "months": getattr(contract, "duration_months", None),
        "value_nok": getattr(getattr(contract, "value", None), "nok", None),
        "provenance_items": _provenance_items(doc.get("provenance"), language),
        "notice_terms": _notice_terms(doc.get("notice_codes")),
    }


def _duration(contract: Any, language: str) -> str | None:
    """The period as the text report writes it (``18 months (2026-01-01 – 2027-06-30)``,
    ``14 months (400 days)``), or ``None`` when it is not known."""
    from .text import _duration_text

    if getattr(contract, "duration_months", None) is None:
        return None
    return str(_duration_text(contract, language))


def _notice_terms(codes: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """``[("BT-06", [("soc-obj", "Fulfilment of social objectives")]), ...]`` from the
    recommendation's ``notice_codes`` (business terms are the keys that hold lists)."""
    if not isinstance(codes, Mapping):
        return []
    found = codes.get("labels")
    labels: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    return [
        (str(term), [(str(c), str(labels.get(c) or "")) for c in values])
        for term, values in codes.items()
        if isinstance(values, list | tuple) and values
    ]


# the provenance document's keys in words (a key srpp does not know is shown as it is)
_PROVENANCE_LABELS = {
    "rules.name": N_("Rule set"),
    "rules.digest": N_("Rule set, checksum"),
    "data.products.version": N_("Risk data, version"),
    "data.products.read": N_("Risk data, read"),
    "data.products.digest": N_("Risk data, checksum"),
    "data.products.own": N_("Own products"),
    "data.cpv.version": N_("CPV mapping, version"),
    "data.cpv.digest": N_("CPV mapping, checksum"),
    "policy": N_("Policy"),
    "date": N_("Date"),
}
# the versions of DFØ's pages that products.json names (shown after each rating's source)
_SOURCE_VERSIONS = (
    N_("EN, seed page"), N_("NO, 2018 page"), N_("NO, 2020 page"), N_("NO, 2021 page"),
    N_("NO, current high-risk list"),
)


def _provenance_items(provenance: Any, language: str) -> list[tuple[str, str]]:
    """The provenance list of a case record: ``(label, value)`` in ``language``."""
    items = []
    for key, value in _flatten(provenance):
        if key.startswith("policy."):
            label = _tr(_PROVENANCE_LABELS["policy"], language) + ": " + key.removeprefix("policy.")
        else:
            label = _tr(_PROVENANCE_LABELS[key], language) if key in _PROVENANCE_LABELS else key
        if key == "policy" and value == "default":
            text = _tr(N_("the rule set's own values"), language)
        elif key in ("date", "data.products.read"):
            text = _date_text(value, language)
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            text = _number_text(value, language)
        else:
            text = str(value)
        items.append((label, text))
    return items


def _date_text(value: Any, language: str) -> str:
    """An ISO date as the language writes it (``23.03.2023`` in Norwegian); any other text as
    it is."""
    try:
        return _format_date(datetime.date.fromisoformat(str(value)), language)
    except ValueError:
        return str(value)


def _number_text(value: int | float | Decimal, language: str) -> str:
    """A policy's figure (``11,5`` in Norwegian), with every decimal it was given with."""
    from .._i18n import format_decimal

    exponent = Decimal(str(value)).as_tuple().exponent
    digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_decimal(Decimal(str(value)), language, digits=digits)


def _format_date(day: datetime.date, language: str) -> str:
    from .._i18n import format_date

    return format_date(day, language)


def _flatten(value: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """A nested document as ``(dotted key, value)`` pairs, for the provenance list: a list
    as text, other values as they are."""
    if isinstance(value, Mapping):
        if prefix == "policy" and not value:  # no parameter changed
            yield prefix, "default"
        for k, v in value.items():
            yield from _flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(value, list | tuple):
        yield prefix, ", ".join(str(v) for v in value)
    elif value is not None:
        yield prefix, value


def _anchors(recs: Sequence[Any], prefix: str = "case") -> list[str]:
    seen: set[str] = set()
    out = []
    for n, r in enumerate(recs, 1):
        ident = getattr(r.contract, "id", None)
        base = f"{prefix}-{_slug(ident)}" if ident else f"{prefix}-{n}"
        anchor, k = base, 1
        while anchor in seen:
            k += 1
            anchor = f"{base}-{k}"
        seen.add(anchor)
        out.append(anchor)
    return out


def _page_common(title: str, language: str) -> dict[str, Any]:
    from .. import __version__
    from .._i18n import format_date

    return {
        "title": title,
        "language": language,
        "version": __version__,
        "generated": format_date(datetime.date.today(), language),
        "tiers": _TIERS,
        "levels": _LEVELS,
    }


def recommendation_html(
    recommendations: Recommendation | Iterable[Any], *, language: str = "en"
) -> str:
    """The case record of each recommendation as one self-contained HTML page.

    Args:
        recommendations: A :class:`~srpp.Recommendation` or several.
        language: ``"en"`` or ``"nb"`` (Norwegian bokmål): the page's words, numbers and
            ``lang`` attribute. Reasons carry the figures of the contract and stay as the
            recommendation gives them.

    Returns:
        The HTML document as text.

    Raises:
        MissingExtraError: Jinja2 is not installed (install ``srpp-norway[html]``).

    >>> import srpp
    >>> page = recommendation_html(srpp.recommend({"id": "A-1", "products": ["laptops"],
    ...     "value": {"amount": 2_000_000}, "duration_months": 36}))
    >>> page.startswith("<!DOCTYPE html>"), 'id="case-a-1"' in page
    (True, True)
    """
    from .._model import Recommendation as _Rec

    recs = [recommendations] if isinstance(recommendations, _Rec) else list(recommendations)
    cases = [case_data(r, a, language) for r, a in zip(recs, _anchors(recs), strict=True)]
    if len(cases) == 1 and cases[0]["name"]:
        title = cases[0]["name"]
    else:
        title = None
    return str(
        _environment(language)
        .get_template("recommend.html")
        .render(
            **_page_common(title or "", language),
            cases=cases,
            page_name=title,
        )
    )


def portfolio_html(portfolio: Any, *, language: str = "en") -> str:
    """The portfolio page: headline figures, two charts, the ranked table and case records.

    Args:
        portfolio: A :class:`~srpp.Portfolio`.
        language: ``"en"`` or ``"nb"`` (Norwegian bokmål): the page's words, numbers and
            ``lang`` attribute. Reasons carry the figures of the contract and stay as the
            recommendation gives them.

    Returns:
        The HTML document as text. Figures are NOK excluding VAT; shares are of the
        portfolio's high-risk spend (see :class:`~srpp.PortfolioEntry`).

    Raises:
        MissingExtraError: Jinja2 or matplotlib is not installed (install ``srpp-norway[html]``).
    """
    entries = list(portfolio)
    recs = [e.recommendation for e in entries]
    anchors = _anchors(recs)
    cases = [case_data(r, a, language) for r, a in zip(recs, anchors, strict=True)]
    rows = []
    for e, case in zip(entries, cases, strict=True):
        rows.append({**e.to_dict(), "case": case})
    spend = [_value(e) for e in entries]
    total = sum(spend, Decimal(0))
    risky_spend = sum((v for e, v in zip(entries, spend, strict=True) if e.high_risk), Decimal(0))
    figures = {
        "contracts": len(entries),
        "high_risk": sum(1 for e in entries if e.high_risk is True),
        "unknown": sum(1 for e in entries if e.high_risk is None),
        "total_spend": total,
        "high_risk_spend": risky_spend,
        "high_risk_share": float(risky_spend / total) if total else None,
        "with_instruments": sum(1 for e in entries if e.instruments),
    }
    charts = {
        "spend": _chart_spend(entries, cases, "chart-spend", language) if rows else None,
        "heat": _chart_heat(rows[:HEAT_MAP_ROWS], "chart-heat", language) if rows else None,
        "heat_rows": min(len(rows), HEAT_MAP_ROWS),
    }
    return str(
        _environment(language)
        .get_template("portfolio.html")
        .render(
            **_page_common("", language),
            rows=rows,
            cases=cases,
            figures=figures,
            charts=charts,
        )
    )


def screen_html(rows: Iterable[Any], *, language: str = "en") -> str:
    """The screening of published notices as one self-contained HTML page.

    Args:
        rows: :class:`srpp.ScreenRow` values, as :func:`srpp.screen` yields them; the page
            holds them all, so they are gathered first.
        language: ``"en"`` or ``"nb"`` (Norwegian bokmål).

    Returns:
        The HTML document as text: figures, a row per notice with the eForms codes a lot
        lacks (or why the notice could not be judged), and a case record per judged notice.

    Raises:
        MissingExtraError: Jinja2 is not installed (install ``srpp-norway[html]``).
    """
    items = list(rows)
    judged = [r for r in items if getattr(r, "recommendation", None) is not None]
    anchors = iter(_anchors([r.recommendation for r in judged], prefix="notice"))
    cases = []
    views = []
    for r in items:
        doc = r.to_dict()
        case = None
        if r.recommendation is not None:
            case = case_data(r.recommendation, next(anchors), language)
            notice = doc.get("notice") or {}
            case["name"] = notice.get("title") or notice.get("id") or case["name"]
            cases.append(case)
        notice = doc.get("notice") or {}
        date = _date_text(notice["date"], language) if notice.get("date") else ""
        views.append({"doc": doc, "notice": notice, "date": date, "error": doc.get("error"), "case": case})
    figures = {
        "notices": len(items),
        "high_risk": sum(1 for v in views if not v["error"] and v["doc"].get("high_risk") is True),
        "unknown": sum(1 for v in views if not v["error"] and v["doc"].get("high_risk") is None),
        "gaps": sum(1 for v in views if not v["error"] and v["doc"].get("gap")),
        "errors": sum(1 for v in views if v["error"]),
    }
    return str(
        _environment(language)
        .get_template("screen.html")
        .render(**_page_common("", language), rows=views, cases=cases, figures=figures)
    )


def _value(entry: Any) -> Decimal:
    value = getattr(entry.contract, "value", None)
    return Decimal(0) if value is None else Decimal(value.nok)


# -- charts ----------------------------------------------------------------------------------


def _svg(fig: Any, ident: str, title: str, desc: str) -> Any:
    """A matplotlib figure as inline SVG markup: ids prefixed, a title and a description."""
    markupsafe = _require("markupsafe")
    matplotlib = _require("matplotlib")
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": ident}):
        fig.savefig(
            buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight"
        )
    text = buf.getvalue()
    text = re.sub(r"<\?xml[^>]*\?>\s*", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text)
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)
    # ids are unique per SVG only: prefix them so two charts can share a page
    text = re.sub(r'\bid="([^"]+)"', rf'id="{ident}-\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{ident}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{ident}-\1)", text)
    text = re.sub(r'\s(width|height)="[^"]*pt"', "", text, count=2)
    esc = markupsafe.escape
    head = (
        f'<svg id="{ident}" class="chart" role="img" aria-labelledby="{ident}-title {ident}-desc"'
        f' focusable="false"'
    )
    text = text.replace("<svg", head, 1)
    end = text.index(">", text.index("<svg")) + 1
    text = (
        text[:end] + f'<title id="{ident}-title">{esc(title)}</title>'
        f'<desc id="{ident}-desc">{esc(desc)}</desc>' + text[end:]
    )
    return markupsafe.Markup(text.strip())


def _figure(width: float, height: float) -> Any:
    figure = _require("matplotlib.figure")
    return figure.Figure(figsize=(width, height), dpi=72, layout="constrained")


def _chart_spend(
    entries: Sequence[Any], cases: Sequence[Mapping[str, Any]], ident: str, language: str
) -> Any:
    """Stacked bars: spend per category, split into high-risk, not high-risk and unknown."""
    _ = _translations(language).gettext
    groups: dict[str, dict[str, Decimal]] = {}
    for e, case in zip(entries, cases, strict=True):
        names = sorted({p["category"] for p in case["products"]})
        category = (
            names[0]
            if len(names) == 1
            else (_("Several categories") if names else _("Not on the list"))
        )
        status = "high" if e.high_risk is True else ("unknown" if e.high_risk is None else "not")
        bucket = groups.setdefault(
            category, {"high": Decimal(0), "not": Decimal(0), "unknown": Decimal(0)}
        )
        bucket[status] += _value(e)
    order = sorted(groups, key=lambda k: sum(groups[k].values()))
    fig = _figure(7.5, 0.55 * len(order) + 1.4)
    ax = fig.add_subplot()
    left = [0.0] * len(order)
    styles = [
        ("high", _("High-risk"), "#bd0026", "//"),
        ("not", _("Not high-risk"), "#9ecae1", ""),
        ("unknown", _("Risk unknown"), "#d9d9d9", ".."),
    ]
    drawn = False
    for key, label, colour, hatch in styles:
        widths = [float(groups[k][key]) / 1e6 for k in order]
        if not any(widths):
            continue
        drawn = True
        ax.barh(
            order,
            widths,
            left=left,
            color=colour,
            hatch=hatch,
            edgecolor="#333333",
            linewidth=0.6,
            label=label,
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    from .._i18n import format_decimal

    def millions(x: float) -> str:
        return format_decimal(round(x, 1), language, digits=1)

    ticker = _require("matplotlib.ticker")
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _pos: format_decimal(x, language)))
    for y, total in enumerate(left):
        ax.annotate(
            millions(total),
            (total, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    ax.set_xlabel(_("Spend, million NOK excl. VAT"))
    ax.set_xlim(0, max(left or [1]) * 1.15 or 1)
    ax.spines[["top", "right"]].set_visible(False)
    if drawn:
        ax.legend(loc="lower right", frameon=False, fontsize=9)
    ax.tick_params(labelsize=9)
    desc = "; ".join(
        f"{k}: "
        + ", ".join(
            f"{lab} {millions(float(groups[k][key]) / 1e6)}"
            for key, lab, _c, _h in styles
            if groups[k][key]
        )
        for k in reversed(order)
    )
    return _svg(
        fig,
        ident,
        _("Spend by category and high-risk status"),
        _("Million NOK excl. VAT per category") + ". " + desc,
    )


def _chart_heat(rows: Sequence[Mapping[str, Any]], ident: str, language: str) -> Any:
    """A heat map: one row per contract, one column per tier, each cell its risk in words."""
    _ = _translations(language).gettext
    tier_names = {  # the tier words of every report, capitalised as column heads
        "raw_material": _("raw material").capitalize(),
        "component": _("component").capitalize(),
        "assembly": _("assembly").capitalize(),
    }
    level_names = {
        "low": _("low"),
        "medium": _("medium"),
        "medium_high": _("medium high"),
        "high": _("high"),
        "very_high": _("very high"),
        None: _("not assessed"),
    }
    colors = _require("matplotlib.colors")
    fig = _figure(7.5, 0.32 * len(rows) + 1.0)
    ax = fig.add_subplot()
    labels = []
    for y, row in enumerate(rows):
        case = row["case"]
        labels.append(f"{row['rank']}. {case['name'] or ''}"[:48])
        for x, tier in enumerate(case["tiers"]):
            level = tier["level"]
            face = _LEVEL_COLOURS.get(level, "#ffffff")
            ax.add_patch(_rect(x, y, face))
            text = level_names.get(level, str(level)) + (" *" if tier["overridden"] else "")
            ax.text(
                x + 0.5,
                y + 0.5,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color=ink(colors.to_rgb(face)),
            )
    ax.set_xlim(0, len(_TIERS))
    ax.set_ylim(len(rows), 0)
    ax.set_xticks([x + 0.5 for x in range(len(_TIERS))], [tier_names[t] for t in _TIERS])
    ax.xaxis.tick_top()
    ax.set_yticks([y + 0.5 for y in range(len(rows))], labels)
    ax.tick_params(length=0, labelsize=8)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    desc = "; ".join(
        f"{lab}: "
        + ", ".join(
            f"{tier_names[t['id']]} {level_names.get(t['level'], t['level'])}"
            for t in row["case"]["tiers"]
        )
        for lab, row in zip(labels, rows, strict=True)
    )
    return _svg(fig, ident, _("Risk per supply-chain tier and contract"), desc)


def luminance(rgb: Sequence[float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour given as three floats in [0, 1]."""

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Sequence[float], b: Sequence[float]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink(face: Sequence[float]) -> str:
    """Black or white, whichever reads better on ``face``."""
    return "#ffffff" if contrast(face, (1, 1, 1)) > contrast(face, (0, 0, 0)) else "#000000"


def _rect(x: float, y: float, face: str) -> Any:
    patches = _require("matplotlib.patches")
    return patches.Rectangle((x, y), 1, 1, facecolor=face, edgecolor="#ffffff", linewidth=1.5)
