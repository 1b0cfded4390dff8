"""The invariants of the design, one property-based test each."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

import srpp
from srpp import Contract, InvalidRuleSetError, Money, RiskLevel, RiskProfile, Tier
from srpp.rules import Compare, RuleSet, default_rules
from srpp.rules._check import walk

from . import reference
from .strategies import contracts, levels, rule_sets, tiers

STRENGTH = {"consider": 0, "should": 1}


def at_least_as_strong(before: srpp.Recommendation, after: srpp.Recommendation) -> bool:
    """Every instrument of ``before`` is in ``after``, at least as strong."""
    got = {i.id: i.strength for i in after.instruments}
    return all(i.id in got and got[i.id] >= i.strength for i in before.instruments)


class TestInvariants:
    @given(st.lists(contracts(), min_size=2, max_size=12), st.randoms())
    def test_1_results_do_not_depend_on_what_was_evaluated_before(
        self, cs: list[Contract], rnd: random.Random
    ) -> None:
        """Isolation and determinism: any order gives the same result per contract."""
        first = [srpp.recommend(c) for c in cs]
        order = list(range(len(cs)))
        rnd.shuffle(order)
        again = {i: srpp.recommend(cs[i]) for i in order}
        assert all(again[i] == first[i] for i in range(len(cs)))

    @given(contracts())
    def test_2_no_tier_at_the_high_risk_level_means_no_instruments_and_unknown_is_never_false(self, c: Contract) -> None:
        """Proportionality: no tier at the level, no instruments; unknown is never false."""
        r = srpp.recommend(c)
        highest = c.risk.highest
        if highest is None or highest < RiskLevel.MEDIUM_HIGH:
            assert r.instruments == ()
            if c.risk_known:
                assert r.high_risk is False
                assert any("proportionality" in n for n in r.notes)
            else:
                assert r.high_risk is None
                assert not any("proportionality" in n for n in r.notes)
                assert any("not a finding of low risk" in n for n in r.notes)

    @given(contracts(), tiers, levels)
    def test_3_raising_a_tier_never_removes_or_weakens_an_instrument(
        self, c: Contract, tier: Tier, level: RiskLevel
    ) -> None:
        """Monotonicity in risk."""
        current = c.risk[tier]
        raised = level if current is None else max(current, level)
        overrides = attrs.evolve(c.risk_overrides, **{tier.value: raised})
        assert at_least_as_strong(srpp.recommend(c), srpp.recommend(attrs.evolve(c, risk_overrides=overrides)))

    @given(contracts(), st.integers(0, 10**9), st.integers(0, 120))
    def test_3_raising_value_or_duration_never_removes_or_weakens_an_instrument(
        self, c: Contract, more: int, months: int
    ) -> None:
        """Monotonicity in value and duration."""
        assume(c.value is not None and c.duration_months is not None)
        assert c.value is not None and c.duration_months is not None
        bigger = attrs.evolve(c, value=Money(c.value.amount + more), duration_months=c.duration_months + months,
                              duration_days=None, start_date=None, end_date=None)
        before, after = srpp.recommend(c), srpp.recommend(bigger)
        assert at_least_as_strong(before, after)
        # and the self-assessment form never goes from full back to simplified
        if (a := before.get("self-assessment")) and dict(a.attributes)["form"] == "full":
            assert dict(after.get("self-assessment").attributes)["form"] == "full"  # type: ignore[union-attr]

    @given(contracts())
    def test_4_selection_criterion_implies_mature_market_clauses_and_dialogue(self, c: Contract) -> None:
        """A selection criterion only where the market is mature, with the clauses and the
        market dialogue it presupposes; should only for very high risk in a priority contract."""
        r = srpp.recommend(c)
        if "selection-criterion" in r:
            assert c.market_maturity is srpp.MarketMaturity.HIGH
            assert "contract-clauses" in r and "market-dialogue" in r
            if r.get("selection-criterion").strength is srpp.Strength.SHOULD:  # type: ignore[union-attr]
                assert r.priority and c.risk.highest is RiskLevel.VERY_HIGH

    @given(contracts())
    def test_5_self_assessment_exactly_when_contract_clauses(self, c: Contract) -> None:
        """Follow-up goes with the clauses, at the same strength."""
        r = srpp.recommend(c)
        assert ("self-assessment" in r) == ("contract-clauses" in r)
        if "self-assessment" in r:
            assert r.get("self-assessment").strength == r.get("contract-clauses").strength  # type: ignore[union-attr]

    @given(contracts())
    def test_6_conflict_minerals_clause_needs_minerals_and_high_raw_material(self, c: Contract) -> None:
        """No conflict-minerals clause without conflict minerals and raw material >= high."""
        if "conflict-minerals-clause" in srpp.recommend(c):
            assert c.conflict_minerals
            assert c.risk.raw_material is not None and c.risk.raw_material >= RiskLevel.HIGH

    @given(contracts())
    def test_7_every_instrument_names_its_rule_a_reason_and_a_source(self, c: Contract) -> None:
        """Traceability."""
        rs = default_rules()
        srpp_figures = {p.name for p in rs.parameters if p.basis == "srpp"}
        for i in srpp.recommend(c).instruments:
            assert i.rule in rs and i.reason.strip() and i.sources
            assert i.rule in i.rules
            # a rule that compares with a figure of srpp's own says so in its reason
            for rid in i.rules:
                rule = rs.rule(rid)
                params = {x.param for x in walk(rule.when) if isinstance(x, Compare)}
                if params & srpp_figures:
                    assert "srpp" in rule.reason, rid

    @given(contracts())
    def test_8_engine_agrees_with_the_independent_evaluator_on_the_default_rules(self, c: Contract) -> None:
        """Differential test against tests/reference.py."""
        rs = default_rules()
        r = srpp.recommend(c)
        fired, instruments = reference.evaluate(rs, reference.facts_of(rs, c))
        assert set(r.fired) == fired
        assert reference.summary(r) == instruments

    @given(rule_sets(), st.lists(contracts(), min_size=1, max_size=5))
    def test_8_engine_agrees_with_the_independent_evaluator_on_generated_rule_sets(
        self, rs: RuleSet, cs: list[Contract]
    ) -> None:
        """Differential test on random rule sets with chaining, any/all and parameters."""
        for c in cs:
            r = srpp.recommend(c, rules=rs)
            day = c.date or datetime.date.today()  # parameters are read for the contract's date
            fired, instruments = reference.evaluate(rs, reference.facts_of(rs, c), day)
            assert set(r.fired) == fired, (rs, c)
            assert reference.summary(r) == instruments

    @given(rule_sets(), rule_sets(max_rules=3), st.lists(contracts(), min_size=1, max_size=4))
    def test_9_adding_a_rule_never_removes_or_weakens_an_instrument(
        self, rs: RuleSet, other: RuleSet, cs: list[Contract]
    ) -> None:
        """Rules only add or strengthen."""
        extra = attrs.evolve(other.rules[-1], id="added-rule")
        try:
            bigger = rs.with_rules(extra)
        except InvalidRuleSetError:
            assume(False)  # the extra rule tests a fact only ``other`` derives, or closes a cycle
            raise
        for c in cs:
            assert at_least_as_strong(srpp.recommend(c, rules=rs), srpp.recommend(c, rules=bigger))

    @given(contracts(), st.sampled_from([Decimal("11.5"), Decimal("0.09"), Decimal("1")]))
    def test_a_value_in_another_currency_is_judged_by_its_nok_amount(self, c: Contract, rate: Decimal) -> None:
        """EUR at a rate gives the same result as the NOK amount it converts to."""
        assume(c.value is not None)
        assert c.value is not None
        eur = attrs.evolve(c, value=Money(c.value.amount, "EUR", rate))
        nok = attrs.evolve(c, value=Money(eur.value.nok))
        assert srpp.recommend(eur).instruments == srpp.recommend(nok).instruments

    @given(contracts())
    def test_the_recommendation_reports_the_contract_risk(self, c: Contract) -> None:
        """risk is the contract's risk per tier; high_risk says some tier is high or above."""
        r = srpp.recommend(c)
        assert r.risk == c.risk
        high = c.risk.highest is not None and c.risk.highest >= RiskLevel.MEDIUM_HIGH
        assert r.high_risk == (True if high else (False if c.risk_known else None))
        assert r.overridden == tuple(t for t in Tier if c.risk_overrides[t] is not None)


def test_risk_profile_strategy_covers_not_assessed_tiers() -> None:
    """A sanity check of the strategies: food products leave tiers not assessed."""
    assert RiskProfile(raw_material="high").component is None
