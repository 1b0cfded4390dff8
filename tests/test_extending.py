"""Downstream use: only public names, a new product, instrument, fact and rules."""

from __future__ import annotations

import pickle

import srpp
from srpp import Contract, InstrumentType, Money, Phase, Product, RiskProfile
from srpp.rules import AllOf, Compare, Fact, FactKind, Holds, Recommend, Rule, default_rules

DRONES = Product(
    id="drones", name="Drones", category="electronics_ict",
    risk=RiskProfile(raw_material="very_high", component="very_high", assembly="high"),
    conflict_minerals=True, source_url="https://example.org/our-assessment", source_version="2026",
)  # fmt: skip

AUDIT = InstrumentType(
    id="on-site-audit", phase=Phase.FOLLOW_UP, title="On-site audit",
    summary="Visit the assembly site with an independent auditor.",
    sources=("https://example.org/audit-policy",),
)  # fmt: skip


def is_drone_contract(contract: Contract) -> bool:
    return any(p.id == "drones" for p in contract.products)


def our_rules() -> srpp.RuleSet:
    return (
        default_rules()
        .with_instruments(AUDIT)
        .with_facts(Fact("drones", FactKind.BOOL, "the contract buys drones", is_drone_contract))
        .with_rules(
            Rule(
                "audit-drones",
                AllOf((Holds("high_risk"), Holds("drones"), Compare("value", ">=", 5_000_000))),
                Recommend("on-site-audit", "should"),
                "Our policy: large drone contracts get an on-site audit.",
                ("https://example.org/audit-policy",),
            )
        )
    )


def test_a_downstream_product_rule_and_instrument_reach_the_recommendation() -> None:
    """Everything through public names; srpp's files untouched."""
    catalogue = srpp.default_catalogue().with_products(DRONES)
    doc = {"products": ["drones"], "value": {"amount": 8_000_000}, "duration_months": 12}
    r = srpp.recommend(doc, rules=our_rules(), catalogue=catalogue)
    audit = r.get("on-site-audit")
    assert audit is not None and audit.strength is srpp.Strength.SHOULD
    assert audit.rule == "audit-drones" and "drones" in audit.reason
    assert r.instruments[-1].id == "on-site-audit" or r.instruments[-1].phase is Phase.FOLLOW_UP
    # the default rule set is untouched and knows nothing of audits
    assert "on-site-audit" not in srpp.recommend(doc, catalogue=catalogue)


def test_rule_sets_side_by_side_in_one_process() -> None:
    """The default and a downstream rule set, used alternately, never mix."""
    c = Contract((DRONES,), Money(8_000_000), 12)
    ours, default = our_rules(), default_rules()
    for _ in range(3):
        assert "on-site-audit" in srpp.recommend(c, rules=ours)
        assert "on-site-audit" not in srpp.recommend(c, rules=default)


def test_removing_and_replacing_default_rules() -> None:
    """A downstream policy without conflict-minerals clauses, and with a stricter priority."""
    rs = default_rules().without("conflict-minerals-clause").with_policy({"priority_duration": 12})
    r = srpp.recommend({"products": ["laptops"], "value": {"amount": 500_000}, "duration_months": 12}, rules=rs)
    assert "conflict-minerals-clause" not in r and r.priority


def test_a_downstream_rule_set_pickles_with_its_module_level_fact() -> None:
    """Rule sets travel between processes as data."""
    rs = our_rules()
    assert pickle.loads(pickle.dumps(rs)) == rs
