"""Decision classes: the engine is asked once per class, and caching changes no result."""

from __future__ import annotations

import datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import srpp
from srpp import Contract, Money
from srpp.rules import RuleSet, default_rules

from . import reference
from .strategies import contracts, rule_sets


def _uncached(rs: RuleSet, c: Contract) -> srpp.Recommendation:
    """``recommend`` with every cache of decisions emptied first, so the engine is asked."""
    from srpp._recommend import _plan

    plan = _plan(rs)
    plan.decisions.clear()
    plan.engine._classes.clear()
    return srpp.recommend(c, rules=rs)


@given(rule_sets(), st.lists(contracts(), min_size=1, max_size=8), st.data())
def test_cached_and_uncached_evaluation_agree_on_generated_rule_sets(
    rs: RuleSet, cs: list[Contract], data: st.DataObject
) -> None:
    """Each contract's recommendation is the same whether its class was decided by another
    contract (cached) or by itself (uncached), and the engine's answer per class is its answer
    for every contract of the class."""
    # neighbours with other figures, often in the same class
    cs = cs + [
        attrs.evolve(c, value=Money(c.value.amount + data.draw(st.integers(1, 10**6))),
                     duration_months=c.duration_months + data.draw(st.integers(0, 3)),
                     duration_days=None, start_date=None, end_date=None)
        for c in cs
        if c.value is not None and c.duration_months is not None  # planning-stage ones have no figures
    ]  # fmt: skip
    cached = [srpp.recommend(c, rules=rs) for c in cs]
    engine = srpp._recommend._plan(rs).engine
    for c, r in zip(cs, cached, strict=True):
        encoded = engine.encode({f.name: f.extract(c) for f in engine.facts})
        assert engine.decide(encoded) == engine.evaluate(encoded)
        assert r == _uncached(rs, c), (rs, c)
        fired, _ = reference.evaluate(rs, reference.facts_of(rs, c), c.date or datetime.date.today())
        assert set(r.fired) == fired


def test_the_engine_is_asked_once_per_class(monkeypatch: pytest.MonkeyPatch) -> None:
    """1,000 contracts of the benchmark's kind need the engine once per distinct class."""
    from srpp._recommend import _plan

    rs = default_rules().with_policy(srpp.Policy({"priority_duration": 23}))  # a fresh plan
    engine = _plan(rs).engine
    calls = []
    evaluate = engine.evaluate
    monkeypatch.setattr(engine, "evaluate", lambda enc: calls.append(1) or evaluate(enc))
    cs = [
        Contract.from_dict({"products": [p], "value": {"amount": v}, "duration_months": m})
        for p in ("laptops", "mobile-phones", "coffee")
        for v in range(50_000, 60_000_000, 600_000)
        for m in (6, 12, 36, 48)
    ]
    keys = {engine.classify(engine.encode({f.name: f.extract(c) for f in engine.facts})) for c in cs}
    results = [srpp.recommend(c, rules=rs) for c in cs]
    assert len(calls) == len(keys) < len(cs) / 20
    assert results == [_uncached(rs, c) for c in cs]


def test_reasons_cite_each_contracts_own_figures() -> None:
    """Two contracts of one class share their decision, not their figures."""
    a, b = (
        srpp.recommend({"products": ["laptops"], "value": {"amount": v}, "duration_months": m})
        for v, m in ((24_000_000, 48), (30_000_000.5, 60))
    )
    assert a.fired == b.fired
    reason_a = a.get("market-dialogue").reason  # type: ignore[union-attr]
    reason_b = b.get("market-dialogue").reason  # type: ignore[union-attr]
    assert "NOK 24,000,000 (at least NOK 1,300,000, srpp's reading)" in reason_a
    assert "NOK 30,000,000.50 (at least NOK 1,300,000, srpp's reading)" in reason_b
    assert "48 months" in reason_a and "60 months" in reason_b
    assert dict(b.facts)["value"] == Decimal("30000000.50")


def test_the_cache_of_classes_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its bound, the oldest classes are forgotten; results stay the same."""
    from srpp import _recommend
    from srpp.rules import _engine

    monkeypatch.setattr(_engine, "MAX_CLASSES", 4)
    monkeypatch.setattr(_recommend, "MAX_CLASSES", 4)
    rs = default_rules().with_policy(srpp.Policy({"priority_duration": 25}))
    cs = [
        Contract.from_dict({"products": ["laptops"], "value": {"amount": v}, "duration_months": m})
        for v in (50_000, 100_000, 2_000_000, 60_000_000) for m in (12, 25, 40)
    ]  # fmt: skip
    first = [srpp.recommend(c, rules=rs) for c in cs]
    plan = _recommend._plan(rs)
    assert len(plan.decisions) <= 4 and len(plan.engine._classes) <= 4
    assert [srpp.recommend(c, rules=rs) for c in reversed(cs)] == first[::-1]


def test_amounts_in_reasons_read_as_the_language_module_writes_them() -> None:
    """The fast English form of an amount equals srpp._i18n.format_money's."""
    from srpp._i18n import format_money
    from srpp._recommend import _shower
    from srpp.rules import default_rules as rules

    show = _shower(next(f for f in rules().facts if f.name == "value"), "en")
    for amount in ("0", "0.01", "99999.99", "100000", "1300000.5", "24000000", "9999999999999.99"):
        value = Decimal(amount)
        assert show(value).endswith(format_money(value.quantize(Decimal("0.01")), "en")), amount
