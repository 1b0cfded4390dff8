"""Hypothesis strategies for srpp's model, contract documents and rule sets (all bounded)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

import srpp
from srpp import Contract, MarketMaturity, Money, RiskLevel, RiskProfile, Tier
from srpp.rules import AllOf, AnyOf, Change, Compare, Derive, Holds, Parameter, Recommend, Recommended, Rule, RuleSet

levels = st.sampled_from(list(RiskLevel))
optional_levels = st.none() | levels
tiers = st.sampled_from(list(Tier))
maturities = st.sampled_from(list(MarketMaturity))
products = st.sampled_from(srpp.products())
risk_profiles = st.builds(RiskProfile, optional_levels, optional_levels, optional_levels)

# amounts around the policy thresholds matter most; keep them whole øre
amounts = st.one_of(
    st.integers(0, 200_000_000).map(Decimal),
    st.sampled_from([99_999, 100_000, 1_299_999, 1_300_000, 50_000_000, 50_000_001]).map(Decimal),
    st.decimals(0, 10**9, places=2, allow_nan=False, allow_infinity=False),
)
durations = st.integers(1, 120)
dates = st.dates(min_value=__import__("datetime").date(2020, 1, 1), max_value=__import__("datetime").date(2035, 12, 31))


@st.composite
def periods(draw: Any) -> dict[str, Any]:
    """A period given one of the ways a document may give it, or unknown (planning stage)."""
    way = draw(st.sampled_from(["months", "months", "months", "days", "dates", "unknown"]))
    if way == "months":
        return {"duration_months": draw(durations)}
    if way == "days":
        return {"duration_days": draw(st.integers(1, 3700))}
    if way == "dates":
        start = draw(dates)
        end = start + __import__("datetime").timedelta(days=draw(st.integers(0, 3700)))
        return {"start_date": start, "end_date": end}
    return {}


# CPV codes srpp has no risk data on (no product of the list, not reviewed): unknown risk
unrated_cpv = st.sampled_from(["03221200-8", "44000000-0", "34000000-7", "45000000-7"])


@st.composite
def contracts(draw: Any, catalogue: Any = None) -> Contract:
    """Valid contracts over the shipped (or given) products."""
    pool = list(catalogue) if catalogue is not None else list(srpp.products())
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique_by=lambda p: p.id))
    overrides = draw(st.none() | risk_profiles)
    unrated = draw(st.lists(unrated_cpv, max_size=1)) if catalogue is None else []
    return Contract(
        products=tuple(chosen),
        cpv=tuple(srpp.cpv(code) for code in unrated),
        value=draw(st.none() | st.builds(Money, amounts) | st.builds(Money, amounts)),
        **draw(periods()),
        date=draw(st.none() | dates),
        market_maturity=draw(maturities),
        contains_conflict_minerals=draw(st.none() | st.booleans()),
        risk_overrides=overrides or RiskProfile(),
        id=draw(st.none() | st.text("abc-0123", min_size=1, max_size=8)),
        title=draw(st.none() | st.text(max_size=20)),
    )


def contract_documents() -> st.SearchStrategy[dict[str, Any]]:
    """Valid contract documents."""
    return contracts().map(lambda c: c.to_dict())


# -- generated rule sets ------------------------------------------------------------------

_LEVEL_FACTS = ["raw_material", "component", "assembly", "highest_risk"]
_OPS = ["==", "!=", "<", "<=", ">", ">="]
_INSTRUMENTS = [i.id for i in srpp.instrument_types()]


def _compare() -> st.SearchStrategy[Compare]:
    return st.one_of(
        st.builds(Compare, st.sampled_from(_LEVEL_FACTS), st.sampled_from(_OPS),
                  st.sampled_from([lv.value for lv in RiskLevel])),
        st.builds(Compare, st.just("value"), st.sampled_from(_OPS),
                  st.sampled_from([0, 100_000, 1_300_000, 50_000_000])),
        st.builds(Compare, st.just("value"), st.sampled_from(_OPS), st.none(),
                  st.sampled_from(["p_money"])),
        st.builds(Compare, st.just("duration_months"), st.sampled_from(_OPS), st.integers(1, 60)),
        st.builds(Compare, st.just("market_maturity"), st.sampled_from(["==", "!="]),
                  st.sampled_from([m.value for m in MarketMaturity])),
        st.builds(Compare, st.just("conflict_minerals"), st.sampled_from(["==", "!="]), st.booleans()),
    )  # fmt: skip


@st.composite
def rule_sets(draw: Any, max_rules: int = 10) -> RuleSet:
    """Valid rule sets with chaining: later rules may test what earlier rules conclude."""
    n = draw(st.integers(1, max_rules))
    rules: list[Rule] = []
    derived: list[str] = []
    recommended: list[str] = []
    concluded: set[str] = set()
    tested: set[str] = set()
    for i in range(n):
        leaves: list[st.SearchStrategy[Any]] = [_compare(), st.just(Holds("conflict_minerals"))]
        if derived:
            leaves.append(st.sampled_from(derived).map(Holds))
        if recommended:
            leaves.append(st.builds(Recommended, st.sampled_from(recommended),
                                    st.sampled_from(["consider", "should"])))  # fmt: skip
        leaf = st.one_of(*leaves)
        cond = st.recursive(
            leaf,
            lambda inner: st.one_of(
                st.lists(inner, min_size=1, max_size=3).map(AllOf),
                st.lists(inner, min_size=1, max_size=3).map(AnyOf),
            ),
            max_leaves=5,
        )
        when = draw(cond)
        tested.update(_instruments_tested(when))
        allowed = [i for i in _INSTRUMENTS if i not in tested]
        if not allowed or draw(st.booleans()):
            name = f"d{i}"
            then: Any = Derive(name, f"derived fact {i}")
            derived.append(name)
        else:
            # an instrument no rule tests so far: concluding it cannot close a cycle
            iid = draw(st.sampled_from(allowed))
            attrs = {"form": draw(st.sampled_from(["simplified", "full"]))} if (
                iid == "self-assessment" and draw(st.booleans())) else {}  # fmt: skip
            then = Recommend(iid, draw(st.sampled_from(["consider", "should"])), attrs)
            concluded.add(iid)
            recommended[:] = sorted(concluded)
        rules.append(Rule(f"r{i}", when, then, f"generated rule {i}", ("https://example.org/src",)))
    if not rules:
        rules.append(Rule("r-base", Compare("value", ">=", 0), Recommend("market-dialogue", "should"),
                          "base", ("https://example.org/src",)))  # fmt: skip
    # p_money may change by date (a schedule), as a threshold a law changes does
    changes = draw(st.sampled_from([(), ((2027, 1, 1), 300_000), ((2025, 6, 1), 10**8)]))
    schedule = (Change(__import__("datetime").date(*changes[0]), changes[1]),) if changes else ()
    return RuleSet(rules, parameters=(
        Parameter("p_money", "money", draw(st.sampled_from([0, 1_300_000, 10**8])), schedule=schedule),))


def _instruments_tested(cond: Any) -> set[str]:
    if isinstance(cond, AllOf | AnyOf):
        return set().union(*(_instruments_tested(c) for c in cond.conditions))
    return {cond.instrument} if isinstance(cond, Recommended) else set()
