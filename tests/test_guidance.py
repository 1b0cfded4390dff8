"""DFØ's guidance as examples, one or more per product category: the exact instruments and
strengths the default rule set (DESIGN.md, "Default policy, version 2") gives."""

from __future__ import annotations

from typing import Any

import pytest

import srpp

SHOULD, CONSIDER = "should", "consider"


def rec(products: list[str], amount: int | None, months: int | None, **extra: Any) -> srpp.Recommendation:
    doc: dict[str, Any] = {"products": products, **extra}
    if amount is not None:
        doc["value"] = {"amount": amount}
    if months is not None:
        doc["duration_months"] = months
    return srpp.recommend(doc)


def got(r: srpp.Recommendation) -> list[tuple[str, str]]:
    """(id, strength) in the order of the recommendation."""
    return [(i.id, i.strength.value) for i in r.instruments]


# (case, products, NOK, months, extra keys, expected instruments in order)
CASES: list[tuple[str, list[str], int | None, int | None, dict[str, Any], list[tuple[str, str]]]] = [
    ("food: imported lettuce, NOK 2.5 M over 36 months (medium high is high-risk)",
     ["lettuce-imported", "cucumber-imported"], 2_500_000, 36, {},
     [("market-dialogue", SHOULD), ("contract-clauses", SHOULD), ("self-assessment", SHOULD)]),
    ("food: coffee for the canteen, small and short", ["coffee"], 300_000, 12, {},
     [("market-dialogue", CONSIDER), ("contract-clauses", SHOULD), ("self-assessment", SHOULD)]),
    ("ICT: NOK 150,000 one-off laptops: clauses should, dialogue only to consider",
     ["laptops"], 150_000, 1, {},
     [("market-dialogue", CONSIDER), ("contract-clauses", SHOULD), ("conflict-minerals-clause", CONSIDER),
      ("self-assessment", SHOULD)]),
    ("ICT: large framework, mature market, very high raw material: criterion should",
     ["laptops", "monitors"], 60_000_000, 48, {"market_maturity": "high"},
     [("market-dialogue", SHOULD), ("contract-clauses", SHOULD), ("selection-criterion", SHOULD),
      ("conflict-minerals-clause", CONSIDER), ("self-assessment", SHOULD)]),
    ("ICT: mature market but no priority contract: criterion to consider",
     ["mobile-phones"], 500_000, 12, {"market_maturity": "high"},
     [("market-dialogue", CONSIDER), ("contract-clauses", SHOULD), ("selection-criterion", CONSIDER),
      ("conflict-minerals-clause", CONSIDER), ("self-assessment", SHOULD)]),
    ("ICT: monitors (raw material high): no particular risk, criterion only to consider",
     ["monitors"], 5_000_000, 36, {"market_maturity": "high"},
     [("market-dialogue", SHOULD), ("contract-clauses", SHOULD), ("selection-criterion", CONSIDER),
      ("conflict-minerals-clause", CONSIDER), ("self-assessment", SHOULD)]),
    ("textiles: protective gloves", ["protective-gloves"], 2_000_000, 24, {},
     [("market-dialogue", SHOULD), ("contract-clauses", SHOULD), ("self-assessment", SHOULD)]),
    ("medical: disposable gloves below the Act", ["medical-disposable-gloves"], 90_000, 12, {}, []),
    ("furniture: office chairs", ["office-and-student-chairs"], 4_200_000, 48, {},
     [("market-dialogue", SHOULD), ("contract-clauses", SHOULD), ("self-assessment", SHOULD)]),
    ("office supplies: pens and markers, market of low maturity", ["pens-and-markers"], 400_000, 12,
     {"market_maturity": "low"},
     [("market-dialogue", CONSIDER), ("contract-clauses", SHOULD), ("self-assessment", SHOULD)]),
    ("play and sports equipment", ["play-and-sports-equipment"], 1_000_000, 36, {},
     [("market-dialogue", SHOULD), ("contract-clauses", SHOULD), ("self-assessment", SHOULD)]),
    ("conflict minerals, no value known yet (planning stage)", ["batteries"], None, 24, {},
     [("market-dialogue", SHOULD), ("contract-clauses", SHOULD), ("conflict-minerals-clause", CONSIDER),
      ("self-assessment", SHOULD)]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "products", "amount", "months", "extra", "expected"), CASES,
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_each_category_gets_exactly_the_instruments_of_the_design(
    case: str, products: list[str], amount: int | None, months: int | None, extra: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    """The instruments, their strengths and their order (phase, then catalogue order)."""
    assert got(rec(products, amount, months, **extra)) == expected


def test_the_self_assessment_form_is_full_only_above_the_figure() -> None:
    """NOK 50,000,000 is simplified, one krone more is full (srpp's reading)."""
    at = rec(["laptops"], 50_000_000, 12).get("self-assessment")
    above = rec(["laptops"], 50_000_001, 12).get("self-assessment")
    assert at is not None and above is not None
    assert (dict(at.attributes)["form"], dict(above.attributes)["form"]) == ("simplified", "full")


def test_the_self_assessment_carries_the_follow_up_steps_with_sources() -> None:
    """Six weeks, the OECD review, a meeting and a CAP, then escalation: each step sourced."""
    sa = rec(["coffee"], 2_000_000, 36).get("self-assessment")
    assert sa is not None
    text = " ".join(f"{s.when} {s.what}" for s in sa.steps)
    for words in ("six weeks", "OECD", "corrective action plan", "suspension", "replacement purchases",
                  "Terminate"):
        assert words in text, words
    assert all(s.source.startswith("https://anskaffelser.no/") for s in sa.steps)
    assert {t.url for t in sa.templates} >= {
        "https://anskaffelser.no/en/verktoy/maler/self-assessment-follow-contract-clauses-safeguarding-human-rights"}


def test_the_selection_criterion_names_clauses_2_1_to_2_3_and_its_dialogue_precondition() -> None:
    """What documentation to ask for, and that a supplier dialogue comes first."""
    sc = rec(["laptops"], 60_000_000, 48, market_maturity="high").get("selection-criterion")
    assert sc is not None
    notes = " ".join(sc.notes)
    assert "2.1 to 2.3" in notes and "dialogue" in notes
    assert any("etiske-kvalifikasjonskrav" in s for s in sc.sources)


def test_labels_are_offered_for_the_categories_bought_or_equivalent() -> None:
    """TCO Certified for ICT, FSC for furniture; none that do not fit."""
    ict = rec(["laptops"], 2_000_000, 36).get("contract-clauses")
    furniture = rec(["office-and-student-chairs"], 2_000_000, 36).get("contract-clauses")
    assert ict is not None and furniture is not None
    assert [x.name for x in ict.labels] == ["TCO Certified"]
    assert [x.name for x in furniture.labels] == ["FSC"]
    assert ict.to_dict()["labels"][0]["or_equivalent"] is True


def test_each_instrument_cites_the_category_page_of_the_products_bought() -> None:
    """The risk behind the advice is the product's own category page, not the ICT page."""
    r = rec(["coffee"], 2_000_000, 36)
    coffee = srpp.product("coffee")
    for i in r.instruments:
        assert coffee.source_url in i.sources
        assert not any("electronics-and-ict" in s for s in i.sources) or i.id == "market-dialogue" or (
            i.id in ("contract-clauses", "self-assessment"))


def test_high_risk_results_note_the_core_principles_and_the_file() -> None:
    """Core principles, and the assessment (also a decision not to act) on file."""
    notes = " ".join(rec(["coffee"], 2_000_000, 36).notes)
    assert "transparency, equal treatment" in notes and "decision not to use an instrument" in notes
    low = " ".join(rec(["laptops"], 2_000_000, 36, risk_overrides={
        "raw_material": "low", "component": "low", "assembly": "low"}).notes)
    assert "transparency" not in low


def test_srpp_figures_are_marked_in_reasons() -> None:
    """A reason that cites srpp's own cut-off says it is srpp's reading."""
    md = rec(["laptops"], 2_000_000, 36).get("market-dialogue")
    assert md is not None and "srpp's reading" in md.reason
