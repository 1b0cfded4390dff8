"""``recommend``: from a contract to its instruments, through the compiled rule set."""

from __future__ import annotations

import functools
import re
import threading
import weakref
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ._model import (
    Contract,
    Instrument,
    InstrumentType,
    Recommendation,
    RiskLevel,
    Strength,
)
from .rules import default_rules
from .rules._check import walk
from .rules._engine import Compiled, compiled
from .rules._facts import Fact, FactKind
from .rules._model import AllOf, AnyOf, Compare, Condition, Derive, Holds, Policy, Recommend, Recommended, Rule, RuleSet

__all__ = ["recommend"]

_OP_WORDS = {">=": "at least", ">": "above", "<=": "at most", "<": "below", "!=": "not", "==": ""}
_BRACES = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def _show(fact: Fact, value: Any) -> str:
    """A fact value in words, as a reason cites it."""
    if isinstance(value, RiskLevel):
        return value.label
    if fact.kind is FactKind.MONEY:
        amount = Decimal(value)
        text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
        return f"NOK {text}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value} {fact.unit}".strip()


class _Outcome:
    """What the engine concluded for one contract, as the explanations need it."""

    __slots__ = ("derived", "encoded", "explained", "fired", "strengths", "values")

    def __init__(self, values: Mapping[str, Any], encoded: Mapping[str, int | bool], fired: list[int]) -> None:
        self.values = values
        self.encoded = encoded
        self.fired = fired
        self.derived: set[str] = set()
        self.strengths: dict[str, Strength] = {}
        self.explained: dict[str, list[str]] = {}  # derived fact -> its explanation


class _Plan:
    """Everything about a rule set that does not depend on the contract, computed once.

    It keeps no reference to the rule set itself, so a cache keyed weakly on the rule set
    lets both go when the caller drops the rule set.
    """

    def __init__(self, rs: RuleSet) -> None:
        self.engine: Compiled = compiled(rs)
        self.facts = {f.name: f for f in rs.facts}
        self.params = {p.name: p for p in rs.parameters}
        self.types: dict[str, InstrumentType] = {i.id: i for i in rs.instruments}
        # attribute -> its choices, weakest first, per instrument type
        self.choices = {i.id: {a.name: a.choices for a in i.attributes} for i in rs.instruments}
        self.rules = rs.rules
        self.derived_labels = {name: d.label for name, d in rs.derived.items()}
        self.absent_notes = [
            (name, self._fill(d.absent_note)) for name, d in rs.derived.items() if d.absent_note
        ]
        self.notes = tuple(self._fill(n) for n in rs.notes)
        # per comparison: the encoded constant to test, and the constant in words
        self.compares: dict[Compare, tuple[int | bool, Any, str]] = {}
        for rule in rs.rules:
            for cond in walk(rule.when):
                if isinstance(cond, Compare) and cond not in self.compares:
                    fact = self.facts[cond.fact]
                    raw = self.params[cond.param].value if cond.param is not None else cond.value
                    constant = fact.decode(raw)
                    words = _OP_WORDS[cond.op]
                    suffix = f" ({words} {_show(fact, constant)})" if words else ""
                    self.compares[cond] = (fact.encode_constant(raw), constant, suffix)

    def _fill(self, text: str) -> str:
        def value(m: re.Match[str]) -> str:
            p = self.params.get(m.group(1))
            if p is None:
                return m.group(0)
            if p.kind == "money":
                return f"{p.value:,}"
            return str(p.value).replace("_", " ")

        return _BRACES.sub(value, text)

    def holds(self, cond: Condition, out: _Outcome) -> bool:
        """Whether a part of a fired rule's condition held, to cite only the parts that did."""
        if isinstance(cond, AllOf):
            return all(self.holds(c, out) for c in cond.conditions)
        if isinstance(cond, AnyOf):
            return any(self.holds(c, out) for c in cond.conditions)
        if isinstance(cond, Holds):
            return cond.fact in out.derived or out.values.get(cond.fact) is True
        if isinstance(cond, Recommended):
            got = out.strengths.get(cond.instrument)
            return got is not None and got >= cond.strength
        assert isinstance(cond, Compare)
        a = out.encoded.get(cond.fact)
        if a is None:
            return False
        b = self.compares[cond][0]
        return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[cond.op]

    def explain(self, cond: Condition, out: _Outcome) -> list[str]:
        """The facts that made a condition hold, in words."""
        if isinstance(cond, AllOf | AnyOf):
            return [
                phrase
                for c in cond.conditions
                if self.holds(c, out)
                for phrase in self.explain(c, out)
            ]
        if isinstance(cond, Holds):
            if cond.fact not in self.derived_labels:
                return [self.facts[cond.fact].label]
            found = out.explained.get(cond.fact)
            if found is None:
                found = out.explained[cond.fact] = self._explain_derived(cond.fact, out)
            return found
        if isinstance(cond, Recommended):
            return [f"{cond.instrument} is recommended ({out.strengths[cond.instrument].value})"]
        assert isinstance(cond, Compare)
        fact = self.facts[cond.fact]
        actual = out.values[cond.fact]
        _, constant, suffix = self.compares[cond]
        text = f"{fact.label} is {_show(fact, actual)}"
        return [text + suffix if actual != constant else text]

    def _explain_derived(self, name: str, out: _Outcome) -> list[str]:
        label = self.derived_labels[name]
        for i in out.fired:  # the first fired rule deriving the fact explains it
            rule = self.rules[i]
            if isinstance(rule.then, Derive) and rule.then.fact == name:
                inner = self.explain(rule.when, out)
                return [f"{label} because {' and '.join(inner)}"] if inner else [label]
        return [label]

    def reason(self, rule: Rule, out: _Outcome) -> str:
        phrases = self.explain(rule.when, out)
        return f"{rule.reason} ({'; '.join(phrases)})" if phrases else rule.reason

    def recommend(self, contract: Contract) -> Recommendation:
        values = {f.name: f.extract(contract) for f in self.engine.facts}
        encoded = self.engine.encode(values)
        out = _Outcome(values, encoded, self.engine.evaluate(encoded))
        deciding: dict[str, Rule] = {}
        contributing: dict[str, list[Rule]] = {}
        chosen: dict[str, dict[str, str]] = {}
        strengths = out.strengths
        for i in out.fired:
            rule = self.rules[i]
            then = rule.then
            if isinstance(then, Derive):
                out.derived.add(then.fact)
                continue
            assert isinstance(then, Recommend)
            iid = then.instrument
            contributing.setdefault(iid, []).append(rule)
            if iid not in strengths or then.strength > strengths[iid]:
                strengths[iid] = then.strength
                deciding[iid] = rule
            mine, choices = chosen.setdefault(iid, {}), self.choices[iid]
            for name, value in then.attributes:
                if name not in mine or choices[name].index(value) > choices[name].index(mine[name]):
                    mine[name] = value
        instruments = []
        for iid, strength in strengths.items():
            itype = self.types[iid]
            rule = deciding[iid]
            reason = self.reason(rule, out)
            mine = chosen[iid]
            # a rule that set an attribute above its default explains that too
            for other in contributing[iid]:
                if other is not rule and any(
                    mine.get(n) == v and v != self.choices[iid][n][0]
                    for n, v in other.then.attributes  # type: ignore[union-attr]
                ):
                    reason += " " + self.reason(other, out)
            instruments.append(
                Instrument(
                    id=iid, phase=itype.phase, strength=strength, rule=rule.id, reason=reason,
                    sources=tuple(dict.fromkeys((*rule.sources, *itype.sources))),
                    attributes=tuple((a.name, mine.get(a.name, a.default)) for a in itype.attributes),
                    rules=tuple(r.id for r in contributing[iid]),
                )  # fmt: skip
            )
        instruments.sort(key=lambda ins: (ins.phase.rank, ins.id))
        notes = list(self.notes)
        absent = [note for name, note in self.absent_notes if name not in out.derived]
        notes += absent
        if not instruments and not absent:
            notes.append("No rule of the rule set recommends an instrument for this contract.")
        return Recommendation(
            contract=contract,
            risk=contract.risk,
            high_risk="high_risk" in out.derived,
            priority="priority" in out.derived,
            instruments=tuple(instruments),
            notes=tuple(notes),
            facts=tuple((f.name, values[f.name]) for f in self.engine.facts),
            fired=tuple(self.rules[i].id for i in out.fired),
        )


_plans: weakref.WeakKeyDictionary[RuleSet, _Plan] = weakref.WeakKeyDictionary()
_plans_lock = threading.Lock()


def _plan(rs: RuleSet) -> _Plan:
    """The plan of a rule set, made once and kept while the rule set lives."""
    try:
        return _plans[rs]
    except KeyError:
        pass
    with _plans_lock:
        found = _plans.get(rs)
        if found is None:
            found = _plans[rs] = _Plan(rs)
        return found


@functools.lru_cache(maxsize=32)
def _with_policy(rs: RuleSet, policy: Policy) -> RuleSet:
    return rs.with_policy(policy)


def as_policy(policy: Policy | Mapping[str, Any] | None) -> Policy:
    """A :class:`Policy` from a policy, a mapping of parameter values, or ``None``."""
    if policy is None:
        return Policy()
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, Mapping):
        return Policy(policy)
    raise TypeError(f"policy must be a srpp.Policy or a mapping, got {type(policy).__name__}")


def recommend(
    contract: Contract | Mapping[str, Any],
    *,
    rules: RuleSet | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    catalogue: Any = None,
) -> Recommendation:
    """Recommend SRPP instruments for a contract, with the reason and sources for each.

    Args:
        contract: A :class:`~srpp.Contract`, or a contract document (a mapping) that is
            validated first.
        rules: The rule set; :func:`srpp.rules.default_rules` by default.
        policy: New values for the rule set's parameters (a :class:`~srpp.Policy` or a
            mapping like ``{"priority_value": 2000000}``), and exchange rates.
        catalogue: The products that ids in a document refer to; the shipped ones by
            default.

    Raises:
        InvalidContractError: The document is not valid; every problem is listed.
        InvalidPolicyError: The policy names unknown parameters or gives bad values.

    >>> r = recommend({"products": ["laptops"], "value": {"amount": 24_000_000},
    ...                "duration_months": 48, "market_maturity": "high"})
    >>> [(i.id, i.strength.value) for i in r.instruments]  # doctest: +NORMALIZE_WHITESPACE
    [('market-dialogue', 'should'), ('conflict-minerals-clause', 'consider'),
     ('contract-clauses', 'should'), ('selection-criterion', 'consider'),
     ('self-assessment', 'should')]
    """
    pol = as_policy(policy)
    rs = default_rules() if rules is None else rules
    if not isinstance(rs, RuleSet):
        raise TypeError(f"rules must be a srpp.rules.RuleSet, got {type(rs).__name__}")
    if pol.values:
        rs = _with_policy(rs, pol)
    if isinstance(contract, Mapping):
        contract = Contract.from_dict(
            contract, catalogue=catalogue, exchange_rates=dict(pol.exchange_rates)
        )
    elif not isinstance(contract, Contract):
        raise TypeError(
            f"contract must be a srpp.Contract or a contract document, got {type(contract).__name__}"
        )
    return _plan(rs).recommend(contract)
