"""``recommend``: from a contract to its instruments, through the compiled rule set."""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ._cache import WeakCache, remember
from ._provenance import provenance, today
from ._i18n import LANGUAGES, N_, format_decimal, format_money, gettext, resolve_language, speaking, yes_no
from ._model import (
    Contract,
    Instrument,
    InstrumentType,
    Label,
    Phase,
    Product,
    Provenance,
    Recommendation,
    RiskLevel,
    Step,
    Strength,
    Template,
    Tier,
)
from ._words import level_word, strength_word, translator
from ._catalogue import high_risk_notes
from .rules import default_rules
from .rules._check import walk
from .rules._engine import MAX_CLASSES, Compiled, compiled
from .rules._facts import Fact, FactKind
from .rules._model import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Derive,
    Holds,
    Policy,
    Recommend,
    Recommended,
    RuleSet,
)

__all__ = ["recommend"]

_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip
_OP_WORDS = {">=": N_("at least"), ">": N_("above"), "<=": N_("at most"), "<": N_("below"),
             "!=": N_("not"), "==": ""}
_BRACES = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def _show(fact: Fact, value: Any, language: str = "en") -> str:
    """A fact value in words, as a reason cites it, in ``language``."""
    if isinstance(value, RiskLevel):
        return level_word(value, language)
    if fact.kind is FactKind.MONEY:
        return format_money(Decimal(value).quantize(Decimal("0.01")), language)
    if isinstance(value, bool):
        return yes_no(value, language)
    if isinstance(value, str) and fact.kind is FactKind.CHOICE:
        return gettext(value.replace("_", " "), language)
    return f"{value} {gettext(fact.unit, language)}".strip()


_ORE = Decimal("0.01")
_KEPT = (int, bool, str, RiskLevel)
_LIMIT = 1 << 13
"""Entries of each cache of a plan that depends on the products bought."""


def _shower(fact: Fact, language: str = "en") -> Callable[[Any], str]:
    """A function giving "label is value" for a fact, as reasons cite it (like :func:`_show`,
    with the common types first)."""
    before, _, after = gettext(N_("{fact} is {value}"), language).partition("{value}")
    before = before.replace("{fact}", gettext(fact.label, language))
    after = after.replace("{fact}", gettext(fact.label, language))
    levels = {level._value_: level_word(level, language) for level in RiskLevel}
    money = fact.kind is FactKind.MONEY and language == "en"
    known: dict[tuple[type, Any], str] = {}  # levels, numbers, choices: few, so kept

    def show(value: Any) -> str:
        t = type(value)
        if t is Decimal:
            if money and value.is_finite():
                # what format_money writes in English, without Babel's cost per call
                kroner, ore = divmod(int(value.quantize(_ORE) * 100), 100)
                return before + f"NOK {kroner:,}" + (f".{ore:02d}" if ore else "") + after
            return before + _show(fact, value, language) + after
        found = known.get((t, value))
        if found is None:
            words = levels.get(value._value_) if t is RiskLevel else None
            found = before + (words if words is not None else _show(fact, value, language)) + after
            if t in _KEPT:
                remember(known, (t, value), found, 4096)
        return found

    return show


class _Outcome:
    """What the engine concluded for one contract, as the explanations need it."""

    __slots__ = ("derived", "encoded", "explained", "fired", "shown", "strengths", "values")

    def __init__(self, values: Mapping[str, Any], encoded: Mapping[str, int | bool], fired: list[int]) -> None:
        self.values = values
        self.encoded = encoded
        self.fired = fired
        self.derived: set[str] = set()
        self.strengths: dict[str, Strength] = {}
        self.explained: dict[str, list[str]] = {}  # derived fact -> its explanation
        self.shown: dict[str, str] = {}  # fact cited -> its marker in reason templates


class _Plan:
    """Everything about a rule set that does not depend on the contract, computed once.

    It keeps no reference to the rule set itself, so a cache keyed weakly on the rule set
    lets both go when the caller drops the rule set.
    """

    def __init__(self, rs: RuleSet, language: str = "en") -> None:
        self.language = language
        _ = self._ = translator(language)
        self.engine: Compiled = compiled(rs)
        self.facts = {f.name: f for f in rs.facts}
        self.params = {p.name: p for p in rs.parameters}
        self.types: dict[str, InstrumentType] = {i.id: i for i in rs.instruments}
        # attribute -> its choices, weakest first, per instrument type
        self.choices = {i.id: {a.name: a.choices for a in i.attributes} for i in rs.instruments}
        self.rules = rs.rules
        self.derived_labels = {name: _(d.label) for name, d in rs.derived.items()}
        self.absent_notes = [
            (name, self._fill(_(d.absent_note))) for name, d in rs.derived.items() if d.absent_note
        ]
        self.notes = tuple(self._fill(_(n)) for n in rs.notes)
        # per rule: the derived fact it concludes, or (instrument, strength, its rank,
        # ((attribute, index of the choice), ...)) for a recommendation, and its sources
        self.derives: list[str | None] = []
        self.recommends: list[tuple[str, Strength, int, tuple[tuple[str, int], ...]]] = []
        self.sources: list[tuple[str, ...]] = []
        for rule in rs.rules:
            then = rule.then
            if isinstance(then, Derive):
                self.derives.append(then.fact)
                self.recommends.append(("", Strength.CONSIDER, -1, ()))
                self.sources.append(rule.sources)
                continue
            assert isinstance(then, Recommend)
            choices = self.choices[then.instrument]
            self.derives.append(None)
            self.recommends.append((then.instrument, then.strength, then.strength.rank,
                                    tuple((n, choices[n].index(v)) for n, v in then.attributes)))  # fmt: skip
            itype = self.types[then.instrument]
            self.sources.append(tuple(dict.fromkeys((*rule.sources, *itype.sources))))
        # instruments in the order of the recommendation: by phase, then id
        # instruments by phase, then as the catalogue lists them (clauses before add-ons)
        self.order = {i.id: (i.phase.rank, n) for n, i in enumerate(rs.instruments)}
        # per comparison: the encoded constant to test, and the constant in words
        self.compares: dict[Compare, tuple[int | bool, Any, str]] = {}
        for rule in rs.rules:
            for cond in walk(rule.when):
                if isinstance(cond, Compare) and cond not in self.compares:
                    fact = self.facts[cond.fact]
                    raw = self.params[cond.param].value if cond.param is not None else cond.value
                    constant = fact.decode(raw)
                    words = _(_OP_WORDS[cond.op])
                    suffix = f" ({words} {_show(fact, constant, language)})" if words else ""
                    if words and cond.param is not None and self.params[cond.param].basis == "srpp":
                        # a figure of srpp's own is never shown as if DFØ had given it
                        suffix = f" ({words} {_show(fact, constant, language)}, {_(_SRPP_READING)})"
                    self.compares[cond] = (fact.encode_constant(raw), constant, suffix)
        self.explainers = [self._explainer(rule.when) for rule in rs.rules]
        self.extractors = [(f.name, f.extract) for f in self.engine.facts]
        self.fact_names = tuple(f.name for f in self.engine.facts)
        self.decisions: dict[tuple[Any, ...], _Decision] = {}
        self.shows = {f.name: _shower(f, language) for f in self.engine.facts}
        # per instrument type: its steps, templates and notes in the language
        self._parts: dict[str, tuple[tuple[Step, ...], tuple[Template, ...], tuple[str, ...]]] = {}
        self._where: dict[tuple[int, ...], tuple[tuple[Product, ...], _Where]] = {}
        self._labels: dict[tuple[str, frozenset[str]], tuple[Label, ...]] = {}
        self._merged: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, ...]] = {}

    def _fill(self, text: str) -> str:
        def value(m: re.Match[str]) -> str:
            p = self.params.get(m.group(1))
            if p is None:
                return m.group(0)
            if p.kind == "money":
                return format_decimal(Decimal(str(p.value)), self.language, digits=0)
            if p.kind == "level":
                return level_word(RiskLevel(p.value), self.language)
            return str(p.value).replace("_", " ")

        return _BRACES.sub(value, text)

    # Explanations are compiled once per rule set into closures, one per condition node,
    # so a contract's reasons cost no dispatch on condition types.

    def _holds(self, cond: Condition) -> Callable[[_Outcome], bool]:
        """A test whether a part of a fired rule's condition held (to cite only those)."""
        if isinstance(cond, AllOf | AnyOf):
            parts = [self._holds(c) for c in cond.conditions]
            if isinstance(cond, AllOf):
                return lambda out: all(part(out) for part in parts)
            return lambda out: any(part(out) for part in parts)
        if isinstance(cond, Holds):
            name = cond.fact
            return lambda out: name in out.derived or out.values.get(name) is True
        if isinstance(cond, Recommended):
            iid, least = cond.instrument, cond.strength

            def recommended(out: _Outcome) -> bool:
                got = out.strengths.get(iid)
                return got is not None and got >= least

            return recommended
        assert isinstance(cond, Compare)
        name, constant = cond.fact, self.compares[cond][0]
        test = _TESTS[cond.op]

        def compare(out: _Outcome) -> bool:
            value = out.encoded.get(name)
            return value is not None and test(value, constant)

        return compare

    def _explainer(self, cond: Condition) -> Callable[[_Outcome], list[str]]:
        """The facts that made a condition hold, in words (called only when it held)."""
        if isinstance(cond, AllOf):  # every part of an AllOf that held, held
            parts = [self._explainer(c) for c in cond.conditions]
            return lambda out: [phrase for part in parts for phrase in part(out)]
        if isinstance(cond, AnyOf):  # an AnyOf cites just the parts that held
            pairs = [(self._holds(c), self._explainer(c)) for c in cond.conditions]
            return lambda out: [phrase for held, part in pairs if held(out) for phrase in part(out)]
        if isinstance(cond, Holds):
            name = cond.fact
            if name not in self.derived_labels:
                label = [self._(self.facts[name].label)]
                return lambda out: label

            def derived(out: _Outcome) -> list[str]:
                found = out.explained.get(name)
                if found is None:
                    found = out.explained[name] = self._explain_derived(name, out)
                return found

            return derived
        if isinstance(cond, Recommended):
            iid, language = cond.instrument, self.language
            recommended = self._(N_("{instrument} is recommended ({strength})"))
            return lambda out: [
                recommended.format(instrument=iid, strength=strength_word(out.strengths[iid], language))
            ]
        assert isinstance(cond, Compare)
        fact = self.facts[cond.fact]
        _, constant, suffix = self.compares[cond]

        if fact.kind is FactKind.BOOL:  # a held test fixes the value: no figure to cite
            bool_label = self._(fact.label)
            no = self._(N_("{fact}: no")).format(fact=bool_label)  # never "<label> is no"
            held = {True: bool_label, False: self._(fact.label_false) if fact.label_false else no}
            return lambda out: [held[bool(out.values[fact.name])]]

        marked = _MARK + fact.name + _MARK

        def compare(out: _Outcome) -> list[str]:
            # the figure itself is each contract's own: a marker here, filled in per contract
            out.shown[fact.name] = marked
            return [marked + suffix if out.values[fact.name] != constant else marked]

        return compare

    def _explain_derived(self, name: str, out: _Outcome) -> list[str]:
        label = self.derived_labels[name]
        for i in out.fired:  # the first fired rule deriving the fact explains it
            if self.derives[i] == name:
                inner = self.explainers[i](out)
                and_ = self._(N_("and"))
                joined = f" {and_} ".join(inner)
                return [self._(N_("{label} because {facts}")).format(label=label, facts=joined)] if inner else [label]
        return [label]

    def reason(self, i: int, out: _Outcome) -> str:
        """The reason of rule ``i``, citing the facts that made it fire."""
        phrases = self.explainers[i](out)
        text = self._(self.rules[i].reason)
        return f"{text} ({'; '.join(phrases)})" if phrases else text

    def recommend(self, contract: Contract, provenance: Provenance | None = None) -> Recommendation:
        engine = self.engine
        values = {name: extract(contract) for name, extract in self.extractors}
        key = engine.classify_values(values)
        decision = None if key is None else self.decisions.get(key)
        if decision is None:  # a new class, or values to check: the full path
            encoded, key = engine.encode_classify(values)
            decision = self.decisions.get(key) or self._decide(values, encoded, key)
        instruments: tuple[Instrument, ...] = ()
        if decision.instruments:
            where = self.where(contract.all_products)
            ready = decision.done.get(where)
            if ready is None:
                ready = self.ready(decision, where)
            cited = {name: show(values[name]) for name, show in decision.cited}
            instruments = tuple(
                p if isinstance(p, Instrument) else
                Instrument(p[0], p[1], p[2], p[3], _fill(p[4], cited), p[5], p[6], p[7], p[8], p[9], p[10], p[11])
                for p in ready
            )  # fmt: skip
        high_risk: bool | None = decision.high_risk
        priority: bool | None = decision.priority
        notes = decision.notes
        if contract.cpv or contract.value is None or contract.duration_months is None:
            # what the decision class cannot know: unknown risk, and the planning stage
            if not high_risk and not contract.risk_known:
                high_risk = None  # unknown is not low
            if not priority and contract.value is None and contract.duration_months is None:
                priority = None
            notes = self.notes_for(contract, decision, high_risk, bool(instruments))
        return Recommendation(
            contract=contract,
            risk=contract.risk,
            high_risk=high_risk,
            priority=priority,
            instruments=instruments,
            notes=notes,
            facts=tuple(values.items()),  # in the order of fact_names
            fired=decision.fired,
            provenance=provenance,
            overridden=contract.overridden,
            language=self.language,
        )

    def where(self, products: tuple[Product, ...]) -> _Where:
        """What the instruments take from the products bought: the category page of each (as
        sources of the risk behind every instrument) and their categories (for the labels)."""
        ids = tuple(map(id, products))
        found = self._where.get(ids)
        if found is not None:  # an entry keeps its products alive: their ids are theirs
            return found[1]
        pages = tuple(dict.fromkeys(p.source_url for p in products if p.source_url))
        where = (pages, frozenset(p.category for p in products))
        remember(self._where, ids, (products, where), _LIMIT)
        return where

    def ready(self, decision: _Decision, where: _Where) -> tuple[Instrument | _Prepared, ...]:
        """The instruments of a class for contracts whose products are ``where``: each
        finished, or, where its reason cites the contract's figures, its fields with the
        reason's template, for :meth:`recommend` to finish.

        Each instrument gets what the buyer needs to act on it (steps, templates, notes, the
        labels for the categories bought) and, as sources of the risk behind it, the category
        page of every product bought. Kept per class for the last few ``where``.
        """
        pages, categories = where
        out: list[Instrument | _Prepared] = []
        for iid, phase, strength, rule, reason, sources, attributes, rules in decision.instruments:
            parts = self._parts.get(iid)
            if parts is None:  # the catalogue's words for the instrument, translated once
                itype = self.types[iid]
                parts = self._parts[iid] = (
                    tuple(attrs.evolve(x, when=self._(x.when), what=self._(x.what)) for x in itype.steps),
                    tuple(attrs.evolve(x, name=self._(x.name)) for x in itype.templates),
                    tuple(self._(n) for n in itype.notes),
                )
            steps, templates, notes = parts
            # one object per distinct value (writers keep what they made of an object)
            labels = self._labels.get((iid, categories))
            if labels is None:
                labels = tuple(x for x in self.types[iid].labels if categories.intersection(x.categories))
                remember(self._labels, (iid, categories), labels, _LIMIT)
            merged = self._merged.get((sources, pages))
            if merged is None:
                merged = tuple(dict.fromkeys((*sources, *pages)))
                remember(self._merged, (sources, pages), merged, _LIMIT)
            if isinstance(reason, Instrument):  # the same for every contract of the class
                out.append(Instrument(iid, phase, strength, rule, reason.reason, merged, attributes, rules,
                                      steps, templates, labels, notes))  # fmt: skip
            else:  # a template citing the contract's own figures
                out.append((iid, phase, strength, rule, reason, merged, attributes, rules, steps, templates,
                            labels, notes))  # fmt: skip
        ready = tuple(out)
        remember(decision.done, where, ready, 64)
        return ready

    def notes_for(
        self, contract: Contract, decision: _Decision, high_risk: bool | None, any_instrument: bool
    ) -> tuple[str, ...]:
        """The notes of a contract with CPV codes or at the planning stage."""
        notes = list(self.notes)
        if high_risk:
            notes += [self._(n) for n in high_risk_notes()]
        notes += [
            self._(_NOTES["unrated_cpv"]).format(code=c.code, label=c.label, reason=self._(c.reason))
            for c in contract.unrated
        ]
        if high_risk is None:
            notes.append(self._(_NOTES["risk_unknown"]))
        notes += self.planning_notes(contract)
        # "no tier at the level" would read as "not high-risk": not while the risk is unknown;
        # and where no tier is rated at all (services, works), a tier not assessed is not
        # "below" the level: the note says that nothing bought is rated instead
        rated = any(contract.risk[t] is not None for t in Tier)
        absent = [
            n if name != "high_risk" or rated else self._(_NOTES["nothing_rated"])
            for name, n in decision.absent
            if not (name == "high_risk" and high_risk is None)
        ]
        notes += absent
        if not any_instrument and not absent and high_risk is not None:
            notes.append(self._(_NOTES["nothing"]))
        return tuple(notes)

    def planning_notes(self, contract: Contract) -> list[str]:
        """What is assumed for a value or a period not yet known, and what it would decide."""
        notes = []
        if contract.value is None:
            decides = [self._fill(self._(text)) for name, text in _NOTES_VALUE_DECIDES if name in self.params]
            note = self._(_NOTES["value_unknown"])
            if decides:
                note += " " + self._(_NOTES["value_decides"]).format(what="; ".join(decides))
            notes.append(note)
        if contract.duration_months is None:
            decides = [self._fill(self._(text)) for name, text in _NOTES_PERIOD_DECIDES if name in self.params]
            note = self._(_NOTES["period_unknown"])
            if decides:
                note += " " + self._(_NOTES["period_decides"]).format(what="; ".join(decides))
            notes.append(note)
        return notes

    def _decide(
        self, values: Mapping[str, Any], encoded: Mapping[str, int | bool], key: tuple[Any, ...]
    ) -> _Decision:
        """The decision of a class, from one of its contracts: what the engine concluded,
        with reasons as templates that cite each contract's own figures."""
        out = _Outcome(values, encoded, self.engine.decide(encoded, key))
        strengths = out.strengths
        ranks: dict[str, int] = {}
        deciding: dict[str, int] = {}
        contributing: dict[str, list[int]] = {}
        chosen: dict[str, dict[str, int]] = {}  # attribute -> index of the strongest choice
        for i in out.fired:
            derives = self.derives[i]
            if derives is not None:
                out.derived.add(derives)
                continue
            iid, strength, rank, attributes = self.recommends[i]
            contributing.setdefault(iid, []).append(i)
            if rank > ranks.get(iid, -1):
                ranks[iid], strengths[iid], deciding[iid] = rank, strength, i
            mine = chosen.setdefault(iid, {})
            for name, index in attributes:
                if index > mine.get(name, 0):
                    mine[name] = index
        instruments: list[_Slot] = []
        for iid in sorted(strengths, key=self.order.__getitem__):
            itype = self.types[iid]
            decider = deciding[iid]
            reason = self.reason(decider, out)
            mine = chosen[iid]
            # a rule that raised an attribute above its default explains that too
            for other in contributing[iid]:
                if other != decider and any(mine.get(n) == x for n, x in self.recommends[other][3] if x):
                    reason += " " + self.reason(other, out)
            slot: _Slot = (
                iid, itype.phase, strengths[iid], self.rules[decider].id, tuple(reason.split(_MARK)),
                self.sources[decider],
                tuple((a.name, a.choices[mine.get(a.name, 0)]) for a in itype.attributes),
                tuple(self.rules[r].id for r in contributing[iid]),
            )  # fmt: skip
            if _MARK not in reason:  # cites no figure: one Instrument for the whole class
                slot = (*slot[:4], Instrument(*slot[:4], reason, *slot[5:]), *slot[5:])
            instruments.append(slot)
        notes = list(self.notes)
        if "high_risk" in out.derived:
            notes += [self._(n) for n in high_risk_notes()]
        absent = [(name, note) for name, note in self.absent_notes if name not in out.derived]
        notes += [note for _, note in absent]
        if not instruments and not absent:
            notes.append(self._(_NOTES["nothing"]))
        decision = _Decision(
            high_risk="high_risk" in out.derived,
            priority="priority" in out.derived,
            instruments=tuple(instruments),
            notes=tuple(notes),
            absent=tuple(absent),
            fired=tuple(self.rules[i].id for i in out.fired),
            cited=tuple((name, self.shows[name]) for name in sorted(out.shown)),
        )
        remember(self.decisions, key, decision, MAX_CLASSES)
        return decision


# User-facing texts of the recommendation that do not come from the rule set, kept together
# for translation. Braces name parameters of the rule set ({act_threshold}) or fields.
_NOTES = {
    "unrated_cpv": N_("CPV {code} ({label}): srpp has no risk data for it ({reason}), so it knows "
    "nothing of its risk: assess it yourself before relying on this recommendation."),
    "risk_unknown": N_("srpp has no risk data for part of this purchase, and nothing known makes it "
    "high-risk, so srpp recommends no instruments yet. This is not a finding of low risk: assess "
    "the risk per supply-chain tier (raw material, component, assembly) and give your assessment "
    "in risk_overrides, then ask again."),
    "value_unknown": N_("The value is not known yet (planning stage), so srpp assumes the contract "
    "is inside the Procurement Act and judges it on what is known."),
    "value_decides": N_("The value will decide: {what}."),
    "period_unknown": N_("The period is not known yet (planning stage), so srpp judges the priority "
    "of the contract on its value alone."),
    "period_decides": N_("The period will decide: {what}."),
    "nothing": N_("No rule of the rule set recommends an instrument for this contract."),
    "nothing_rated": N_("Nothing bought is rated on DFØ's high-risk list (no tier of its supply "
    "chain is assessed, as for services and works), so by proportionality srpp recommends no SRPP "
    "instruments."),
}
_NOTES_VALUE_DECIDES = (
    ("act_threshold", N_("whether the Procurement Act applies at all (below NOK {act_threshold} "
     "excl. VAT srpp recommends no instruments)")),
    ("priority_value", N_("whether it is a priority contract (NOK {priority_value} or more, "
     "srpp's reading of DFØ's advice to focus on the highest values)")),
    ("full_self_assessment_value", N_("which self-assessment form applies (the full form above "
     "NOK {full_self_assessment_value})")),
)
_NOTES_PERIOD_DECIDES = (
    ("priority_duration", N_("whether it is a priority contract ({priority_duration} months or more, "
     "srpp's reading of DFØ's advice to focus on the longest periods)")),
)

# Template titles are names and are shown as their publisher writes them; these carry words
# of another language than the page they name (DFØ's English template, srpp's note of the
# criterion's level), so they are marked here for the catalogue and translated when shown.
_TEMPLATE_TITLES = (
    N_("Self-assessment: Follow-up the contract clauses for safeguarding human rights"),
    N_("Konfliktmineraler i PC-er og skjermer (Kriterieveiviseren, level Avansert)"),
)

_SRPP_READING = N_("srpp's reading")
"""How a figure of srpp's own (a parameter of basis ``srpp``) is marked wherever shown."""

_MARK = "\x00"
"""Brackets a fact's name where a reason cites the fact's value (in a class's templates)."""

# (id, phase, strength, rule, reason template or the Instrument itself, sources, attributes,
# rules); a template is the reason's text split at the facts it cites: text, fact, text, ...
_Slot = tuple[str, Phase, Strength, str, "tuple[str, ...] | Instrument", tuple[str, ...],
              tuple[tuple[str, str], ...], tuple[str, ...]]  # fmt: skip


_Where = tuple[tuple[str, ...], frozenset[str]]
"""What instruments take from the products bought: their category pages and categories."""
_Prepared = tuple[str, Phase, Strength, str, tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...],
                  tuple[str, ...], tuple[Step, ...], tuple[Template, ...], tuple[Label, ...], tuple[str, ...]]  # fmt: skip
"""An instrument's fields, with at index 4 its reason's template (text, fact, text, ...)."""


def _fill(template: tuple[str, ...], cited: Mapping[str, str]) -> str:
    """A reason from its template (text, fact, text, ...) with each fact's value in words."""
    parts = list(template)
    for i in range(1, len(parts), 2):
        parts[i] = cited[parts[i]]
    return "".join(parts)


@attrs.frozen
class _Decision:
    """What a rule set concludes for one decision class, as every contract of it shares."""

    high_risk: bool
    priority: bool
    instruments: tuple[_Slot, ...]
    notes: tuple[str, ...]
    absent: tuple[tuple[str, str], ...]  # (derived fact, its absent note) per fact not derived
    fired: tuple[str, ...]
    cited: tuple[tuple[str, Callable[[Any], str]], ...]  # (fact, its figure in words) per fact cited
    # the category pages and categories of the products -> the instruments ready for them
    done: dict[_Where, tuple[Instrument | _Prepared, ...]] = attrs.field(factory=dict, eq=False)


_plans: dict[str, WeakCache[RuleSet, _Plan]] = {
    language: WeakCache(functools.partial(_Plan, language=language)) for language in LANGUAGES
}
"""The plan of a rule set per language, made once and kept while the rule set lives (the
plans of one rule set share its compiled engine)."""
_plan = _plans["en"]


@functools.lru_cache(maxsize=32)
def _with_policy(rs: RuleSet, policy: Policy) -> RuleSet:
    return rs.with_policy(policy)


_NO_POLICY = Policy()


def as_policy(policy: Policy | Mapping[str, Any] | None) -> Policy:
    """A :class:`Policy` from a policy, a mapping of parameter values, or ``None``."""
    if policy is None:
        return _NO_POLICY
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, Mapping):
        if policy and set(policy) <= {"parameters", "exchange_rates"}:
            return Policy.from_dict(policy)  # a policy document: {"exchange_rates": {...}}
        return Policy(policy)
    raise TypeError(f"policy must be a srpp.Policy or a mapping, got {type(policy).__name__}")


def recommend(
    contract: Contract | Mapping[str, Any],
    *,
    rules: RuleSet | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    catalogue: Any = None,
    language: str = "en",
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
        language: The language of the words (reasons, notes): ``"en"`` (the default) or
            ``"nb"`` (Norwegian bokmål). Ids, strengths, forms and codes are the same in both.

    Raises:
        InvalidContractError: The document is not valid; every problem is listed, in
            ``language`` (the field paths are the same in every language).
        InvalidPolicyError: The policy names unknown parameters or gives bad values.
        ValueError: ``language`` is not ``"en"`` or ``"nb"``.

    >>> r = recommend({"products": ["laptops"], "value": {"amount": 24_000_000},
    ...                "duration_months": 48, "market_maturity": "high"})
    >>> [(i.id, i.strength.value) for i in r.instruments]  # doctest: +NORMALIZE_WHITESPACE
    [('market-dialogue', 'should'), ('contract-clauses', 'should'),
     ('selection-criterion', 'should'), ('conflict-minerals-clause', 'consider'),
     ('self-assessment', 'should')]
    """
    if language not in _plans:
        resolve_language(language)  # raises, naming the languages
    pol = as_policy(policy)
    given = default_rules() if rules is None else rules
    if not isinstance(given, RuleSet):
        raise TypeError(f"rules must be a srpp.rules.RuleSet, got {type(given).__name__}")
    rs = _with_policy(given, pol) if pol.values else given
    if isinstance(contract, Mapping):
        with speaking(language):  # the document's problems in the language of the words
            contract = Contract.from_dict(
                contract, catalogue=catalogue, exchange_rates=dict(pol.exchange_rates)
            )
    elif not isinstance(contract, Contract):
        raise TypeError(
            f"contract must be a srpp.Contract or a contract document, got {type(contract).__name__}"
        )
    if rs.scheduled:  # parameters that change by date: read for the contract's date
        rs = rs.on(contract.date or today())
    return _plans[language](rs).recommend(contract, provenance(given, pol, contract))
