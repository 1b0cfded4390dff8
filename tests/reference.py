"""An independent evaluator of srpp rule sets, in plain Python, for differential tests.

It shares no evaluation code with srpp: it reads the declarative rules and iterates them
to a fixed point, comparing Python values (levels by rank, money as exact Decimals).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from srpp import RiskLevel, Strength
from srpp.rules import AllOf, AnyOf, Compare, Derive, FactKind, Holds, Recommend, Recommended, RuleSet

_RANK = {s: i for i, s in enumerate(("consider", "should"))}


def _constant(rs: RuleSet, cond: Compare, day: datetime.date | None = None) -> Any:
    if cond.param is not None:
        p = rs.parameter(cond.param)
        # a schedule: the last change on or before the day, else the base value
        raw = p.value
        for change in p.schedule:
            if day is not None and change.since <= day:
                raw = change.value
    else:
        raw = cond.value
    kind = rs.fact(cond.fact).kind
    if kind is FactKind.LEVEL:
        return list(RiskLevel).index(RiskLevel(raw))
    if kind is FactKind.MONEY:
        return Decimal(raw)
    if kind is FactKind.CHOICE:
        return raw
    return raw


def _value(rs: RuleSet, name: str, facts: dict[str, Any]) -> Any:
    v = facts.get(name)
    if isinstance(v, RiskLevel):
        return list(RiskLevel).index(v)
    return v


def _holds(rs: RuleSet, cond: Any, facts: dict[str, Any], derived: set[str], strengths: dict[str, int],
           day: datetime.date | None = None) -> bool:
    if isinstance(cond, AllOf):
        return all(_holds(rs, c, facts, derived, strengths, day) for c in cond.conditions)
    if isinstance(cond, AnyOf):
        return any(_holds(rs, c, facts, derived, strengths, day) for c in cond.conditions)
    if isinstance(cond, Holds):
        if cond.fact in derived:
            return True
        return facts.get(cond.fact) is True
    if isinstance(cond, Recommended):
        return cond.instrument in strengths and strengths[cond.instrument] >= _RANK[cond.strength.value]
    a = _value(rs, cond.fact, facts)
    if a is None:
        return False
    b = _constant(rs, cond, day)
    if cond.op == "==":
        return bool(a == b)
    if cond.op == "!=":
        return bool(a != b)
    if cond.op == "<":
        return bool(a < b)
    if cond.op == "<=":
        return bool(a <= b)
    if cond.op == ">":
        return bool(a > b)
    return bool(a >= b)


def evaluate(
    rs: RuleSet, facts: dict[str, Any], day: datetime.date | None = None
) -> tuple[set[str], dict[str, tuple[str, dict[str, str]]]]:
    """The rule ids that fire, and ``{instrument: (strength, attributes)}`` they conclude,
    with every parameter read for ``day`` (its base value when ``None``)."""
    fired: set[str] = set()
    derived: set[str] = set()
    strengths: dict[str, int] = {}
    changed = True
    while changed:
        changed = False
        for rule in rs.rules:
            if rule.id in fired or not _holds(rs, rule.when, facts, derived, strengths, day):
                continue
            fired.add(rule.id)
            changed = True
            if isinstance(rule.then, Derive):
                derived.add(rule.then.fact)
            else:
                assert isinstance(rule.then, Recommend)
                rank = _RANK[rule.then.strength.value]
                strengths[rule.then.instrument] = max(rank, strengths.get(rule.then.instrument, -1))
    instruments: dict[str, tuple[str, dict[str, str]]] = {}
    for iid, rank in strengths.items():
        itype = rs.instrument(iid)
        attrs = {}
        for spec in itype.attributes:
            best = 0
            for rule in rs.rules:
                if rule.id in fired and isinstance(rule.then, Recommend) and rule.then.instrument == iid:
                    for name, value in rule.then.attributes:
                        if name == spec.name:
                            best = max(best, spec.choices.index(value))
            attrs[spec.name] = spec.choices[best]
        instruments[iid] = (("consider", "should")[rank], attrs)
    return fired, instruments


def facts_of(rs: RuleSet, contract: Any) -> dict[str, Any]:
    """Every fact of the rule set's vocabulary for a contract."""
    return {f.name: f.extract(contract) for f in rs.facts}


def summary(recommendation: Any) -> dict[str, tuple[str, dict[str, str]]]:
    """A recommendation in the evaluator's terms."""
    return {
        i.id: (i.strength.value, dict(i.attributes)) for i in recommendation.instruments
    }


__all__ = ["Strength", "evaluate", "facts_of", "summary"]
