"""The guidance as examples: what srpp recommends for typical contracts."""

from __future__ import annotations

from typing import Any

import pytest

import srpp
from srpp import InvalidContractError, Strength
from srpp.rules import default_rules


def rec(**doc: Any) -> srpp.Recommendation:
    base: dict[str, Any] = {"products": ["laptops"], "value": {"amount": 2_000_000}, "duration_months": 12}
    base.update(doc)
    return srpp.recommend(base)


def strengths(r: srpp.Recommendation) -> dict[str, str]:
    return {i.id: i.strength.value for i in r.instruments}


class TestGuidanceExamples:
    def test_large_long_laptop_framework_in_a_mature_market(self) -> None:
        """Everything: dialogue, clauses, criterion (very high risk, priority, mature market) and
        self-assessment should; conflict-minerals clause consider; full form above NOK 50 M."""
        r = rec(value={"amount": 60_000_000}, duration_months=48, market_maturity="high")
        assert strengths(r) == {
            "market-dialogue": "should", "contract-clauses": "should",
            "selection-criterion": "should", "conflict-minerals-clause": "consider",
            "self-assessment": "should",
        }  # fmt: skip
        assert dict(r.get("self-assessment").attributes) == {"form": "full"}  # type: ignore[union-attr]
        assert r.high_risk and r.priority
        assert [i.phase.value for i in r.instruments] == ["planning", "tender", "tender", "tender", "follow-up"]
        assert [i.id for i in r.instruments][1:3] == ["contract-clauses", "selection-criterion"]

    def test_small_one_year_laptop_purchase(self) -> None:
        """Below srpp's priority cut-offs: clauses still should (DFØ), the dialogue is where
        proportionality belongs (consider); simplified form."""
        r = rec(value={"amount": 500_000}, duration_months=12)
        assert strengths(r) == {
            "market-dialogue": "consider", "contract-clauses": "should",
            "conflict-minerals-clause": "consider", "self-assessment": "should",
        }  # fmt: skip
        assert dict(r.get("self-assessment").attributes) == {"form": "simplified"}  # type: ignore[union-attr]
        assert r.high_risk and not r.priority

    def test_monitors_only(self) -> None:
        """Monitors: raw material high, so the conflict-minerals clause still applies."""
        r = rec(products=["monitors"], value={"amount": 800_000})
        assert r.risk.to_dict() == {"raw_material": "high", "component": "high", "assembly": "medium_high"}
        assert "conflict-minerals-clause" in r

    def test_a_low_risk_product_gets_nothing_and_a_note_why(self) -> None:
        """Proportionality: no tier at medium high or above, no instruments, and a note."""
        r = rec(products=["lettuce-imported"], value={"amount": 5_000_000}, duration_months=36,
                risk_overrides={"raw_material": "medium"})
        assert r.instruments == () and r.high_risk is False
        assert any("proportionality" in n for n in r.notes)

    def test_imported_lettuce_is_high_risk(self) -> None:
        """DFØ's food page: requirements shall be set for the listed foods, medium high too."""
        r = rec(products=["lettuce-imported"], value={"amount": 2_500_000}, duration_months=36)
        assert r.high_risk and strengths(r)["contract-clauses"] == "should"

    def test_a_buyer_override_can_raise_a_tier(self) -> None:
        """Lettuce assessed by the buyer as low is not high-risk; its own 'high' makes it so."""
        low = rec(products=["lettuce-imported"], risk_overrides={"raw_material": "low"})
        r = rec(products=["lettuce-imported"], risk_overrides={"raw_material": "high"})
        assert not low.high_risk and r.high_risk and "market-dialogue" in r

    def test_a_buyer_override_can_lower_tiers(self) -> None:
        """Laptops assessed by the buyer as medium everywhere: nothing recommended."""
        r = rec(risk_overrides={"raw_material": "medium", "component": "medium", "assembly": "medium"})
        assert r.instruments == ()

    def test_below_the_procurement_act_nothing_and_a_note(self) -> None:
        """NOK 99,999: outside the Act, no instruments, a note naming the threshold."""
        r = rec(value={"amount": 99_999})
        assert r.instruments == ()
        assert r.high_risk  # the risk is still reported
        assert any("100,000" in n and "Procurement Act" in n for n in r.notes)

    def test_exactly_at_the_thresholds(self) -> None:
        """NOK 100,000 is inside the Act; NOK 1,300,000 is a priority contract."""
        assert "market-dialogue" in rec(value={"amount": 100_000})
        assert rec(value={"amount": 1_300_000}).priority
        assert not rec(value={"amount": "1299999.99"}).priority

    def test_a_non_nok_contract_with_a_rate(self) -> None:
        """EUR 150,000 at 11.5 is NOK 1,725,000: a priority contract."""
        r = rec(value={"amount": 150_000, "currency": "EUR", "exchange_rate": 11.5})
        assert r.priority and strengths(r)["contract-clauses"] == "should"

    def test_a_non_nok_contract_without_a_rate_is_a_clear_error(self) -> None:
        """No guessing the rate."""
        with pytest.raises(InvalidContractError, match="exchange rate"):
            rec(value={"amount": 150_000, "currency": "EUR"})

    def test_the_rate_can_come_from_the_policy(self) -> None:
        """Policy(exchange_rates=...) supplies the rate."""
        doc = {"products": ["laptops"], "value": {"amount": 150_000, "currency": "EUR"}, "duration_months": 12}
        r = srpp.recommend(doc, policy=srpp.Policy(exchange_rates={"EUR": 11.5}))
        assert r.priority

    def test_every_condition_of_the_default_rule_set_true_at_once(self) -> None:
        """The contract that makes every condition true: the engine copes (no error 303)."""
        r = rec(products=["laptops", "monitors", "batteries"], value={"amount": 99_000_000},
                duration_months=120, market_maturity="high", contains_conflict_minerals=True,
                risk_overrides={"raw_material": "very_high", "component": "very_high", "assembly": "very_high"})  # fmt: skip
        assert set(r.fired) == {rule.id for rule in default_rules()}
        assert len(r.instruments) == 5

    def test_no_conflict_minerals_no_clause(self) -> None:
        """The contract can say its products contain none."""
        assert "conflict-minerals-clause" not in rec(contains_conflict_minerals=False)


class TestRecommendationDocument:
    def test_the_document_has_the_keys_of_the_design(self) -> None:
        """contract, risk, high_risk, priority, instruments, notes."""
        doc = rec(value={"amount": 24_000_000}, duration_months=48).to_dict()
        assert {"contract", "risk", "high_risk", "priority", "instruments", "notes"} <= set(doc)
        for i in doc["instruments"]:
            assert {"id", "phase", "strength", "rule", "reason", "sources"} <= set(i)
        sa = next(i for i in doc["instruments"] if i["id"] == "self-assessment")
        assert sa["form"] == "simplified"

    def test_reasons_cite_the_facts(self) -> None:
        """The conflict-minerals reason names the raw-material risk."""
        r = rec()
        assert "raw-material risk is very high" in r.get("conflict-minerals-clause").reason  # type: ignore[union-attr]

    def test_the_seed_disclaimers_are_always_there(self) -> None:
        """Both disclaimers of the guidance, on every recommendation."""
        for r in (rec(), rec(products=["lettuce-imported"])):
            assert any("differ" in n for n in r.notes)
            assert any("imported to Norway" in n for n in r.notes)

    def test_bad_arguments_are_type_errors(self) -> None:
        """Not a contract, not a rule set, not a policy."""
        with pytest.raises(TypeError, match="contract must be"):
            srpp.recommend(42)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="rules must be"):
            srpp.recommend(rec().contract, rules="default")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="policy must be"):
            srpp.recommend(rec().contract, policy=3)  # type: ignore[arg-type]

    def test_policy_numbers_change_results(self) -> None:
        """Raising the priority value makes a NOK 2 million contract no priority."""
        c = rec().contract
        assert srpp.recommend(c).priority
        assert not srpp.recommend(c, policy={"priority_value": 3_000_000}).priority
        assert srpp.recommend(c).get("contract-clauses").strength is Strength.SHOULD  # type: ignore[union-attr]


class TestPlanningStageAndUnknownRisk:
    def test_a_market_dialogue_notice_without_value_or_period_is_judged_on_what_is_known(self) -> None:
        """Network equipment, no value, no period: inside the Act by assumption, priority unknown."""
        r = srpp.recommend({"cpv": ["32420000-3"], "title": "Network equipment"})
        assert r.high_risk is True and r.priority is None
        assert "market-dialogue" in r and "contract-clauses" in r
        assert dict(r.get("self-assessment").attributes)["form"] == "simplified"  # type: ignore[union-attr]
        planning = [n for n in r.notes if "planning stage" in n]
        assert len(planning) == 2
        assert "Procurement Act" in planning[0] and "priority contract" in planning[0]
        assert "the value is not known yet" in r.get("market-dialogue").reason  # type: ignore[union-attr]

    def test_a_known_small_value_is_outside_the_act_but_an_unknown_one_is_not(self) -> None:
        """Only a value known to be below the threshold takes the contract out of the Act."""
        small = srpp.recommend({"products": ["laptops"], "value": {"amount": 50_000}, "duration_months": 12})
        unknown = srpp.recommend({"products": ["laptops"], "duration_months": 12})
        assert small.instruments == () and unknown.instruments != ()
        assert unknown.priority is False  # judged on the period alone

    def test_a_cpv_code_without_risk_data_is_unknown_never_low(self) -> None:
        """Building materials by CPV: high_risk None, no instruments, a note asking to assess it."""
        r = srpp.recommend({"cpv": ["44000000-0"], "value": {"amount": 4_200_000}, "duration_months": 36})
        assert r.high_risk is None and r.instruments == ()
        assert any("not a finding of low risk" in n for n in r.notes)
        assert not any("proportionality" in n for n in r.notes)
        assert r.to_dict()["high_risk"] is None

    def test_a_reviewed_code_without_a_product_is_not_high_risk(self) -> None:
        """Construction work: reviewed, holds no product of the list, so high_risk is false."""
        r = srpp.recommend({"cpv": ["45000000-7"], "value": {"amount": 4_200_000}, "duration_months": 36})
        assert r.high_risk is False and r.instruments == ()

    def test_the_buyers_assessment_of_every_tier_makes_the_risk_known(self) -> None:
        """Overriding every tier answers the note's question."""
        doc = {"cpv": ["44000000-0"], "value": {"amount": 4_200_000}, "duration_months": 36,
               "risk_overrides": {"raw_material": "high", "component": "medium", "assembly": "low"}}
        r = srpp.recommend(doc)
        assert r.high_risk is True and r.overridden == (srpp.Tier.RAW_MATERIAL, srpp.Tier.COMPONENT, srpp.Tier.ASSEMBLY)

    def test_an_override_is_marked_in_the_report(self) -> None:
        """assembly very high (your assessment; DFØ: medium high)."""
        from srpp._writers.text import recommendation_text

        r = srpp.recommend({"products": ["laptops"], "value": {"amount": 150_000}, "duration_months": 12,
                            "risk_overrides": {"assembly": "very_high"}})
        assert r.to_dict()["overridden"] == ["assembly"]
        assert "assembly very high (your assessment; DFØ: medium high)" in recommendation_text(r)
