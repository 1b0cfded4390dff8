"""Rules and rule sets as immutable, comparable, picklable data."""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar, Union

import attrs

from .._errors import InvalidPolicyError, InvalidRuleSetError, Problem, RuleSetTooLargeError
from .._i18n import N_, gettext, ngettext
from .._model import InstrumentType, Strength
from .._suggest import unknown
from ._facts import DEFAULT_FACTS, Fact

__all__ = [
    "BASES",
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "Change",
    "Compare",
    "Condition",
    "Conclusion",
    "Derive",
    "Holds",
    "Parameter",
    "Policy",
    "Recommend",
    "Recommended",
    "Rule",
    "RuleSet",
]

OPERATORS = ("==", "!=", "<", "<=", ">", ">=")


def _strength(value: Strength | str) -> Strength:
    return Strength(value)


def _conditions(value: Iterable[Condition]) -> tuple[Condition, ...]:
    return tuple(value)


def _strs(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _rules(value: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(value)


def _params(value: Iterable[Parameter]) -> tuple[Parameter, ...]:
    return tuple(value)


def _itypes(value: Iterable[InstrumentType]) -> tuple[InstrumentType, ...]:
    return tuple(value)


def _facts(value: Iterable[Fact]) -> tuple[Fact, ...]:
    return tuple(value)


@attrs.frozen(cache_hash=True)
class Compare:
    """Compare a fact with a constant or a named policy parameter.

    Exactly one of ``value`` and ``param`` is given.

    Attributes:
        fact: The fact's name.
        op: One of ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``.
        value: A constant: a level or choice name, a whole number, a boolean.
        param: The name of a parameter of the rule set.
    """

    fact: str
    op: str
    value: int | bool | str | None = None
    param: str | None = None


@attrs.frozen(cache_hash=True)
class Holds:
    """A boolean fact is true, or a fact derived by another rule was concluded.

    Attributes:
        fact: The fact's name.
    """

    fact: str


@attrs.frozen(cache_hash=True)
class Recommended:
    """Another rule recommended this instrument, at least this strongly.

    Attributes:
        instrument: The instrument type's id.
        strength: The least strength that counts.
    """

    instrument: str
    strength: Strength = attrs.field(default=Strength.CONSIDER, converter=_strength)


@attrs.frozen(cache_hash=True)
class AllOf:
    """Every condition holds.

    Attributes:
        conditions: The conditions, at least one.
    """

    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)


@attrs.frozen(cache_hash=True)
class AnyOf:
    """At least one condition holds.

    Attributes:
        conditions: The conditions, at least one.
    """

    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)


Condition = Union[Compare, Holds, Recommended, AllOf, AnyOf]


def _attributes(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), v) for k, v in items))


@attrs.frozen
class Recommend:
    """Conclude an instrument.

    Attributes:
        instrument: The instrument type's id.
        strength: ``should`` or ``consider``.
        attributes: Attribute values the recommendation carries (``{"form": "full"}``).
    """

    instrument: str
    strength: Strength = attrs.field(converter=_strength)
    attributes: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_attributes)


@attrs.frozen
class Derive:
    """Conclude a fact that other rules can test with :class:`Holds`.

    Attributes:
        fact: The derived fact's name.
        label: The fact in words, for reasons ("the procurement is high-risk").
        absent_note: A note for the recommendation when no rule concludes the fact; it may
            name parameters in braces (``{act_threshold}``).
    """

    fact: str
    label: str
    absent_note: str = ""


Conclusion = Union[Recommend, Derive]


@attrs.frozen
class Rule:
    """When a condition holds, conclude something; with the reason and its sources.

    Attributes:
        id: Unique within its rule set: lower case, digits and hyphens.
        when: The condition.
        then: The conclusion.
        reason: Why, in words.
        sources: Where the guidance behind the rule is.
    """

    id: str
    when: Condition
    then: Conclusion
    reason: str
    sources: tuple[str, ...] = attrs.field(default=(), converter=_strs)


@attrs.frozen
class Change:
    """A parameter's value from a day on (a threshold that a law changes, for instance).

    Attributes:
        since: The first day the value applies (``datetime.date``).
        value: The value from that day.
        source: Where the change and its date are stated.
    """

    since: datetime.date
    value: int | str
    source: str = ""


def _changes(value: Iterable[Change]) -> tuple[Change, ...]:
    return tuple(value)


BASES = ("law", "guidance", "srpp")
"""What a parameter's figure rests on: a statute or regulation, DFØ's guidance on a page
cited by URL and date, or srpp's own reading of relative advice."""

BASIS_WORDS = {
    "law": N_("law"),
    "guidance": N_("DFØ's guidance"),
    "srpp": N_("srpp's reading"),
    "": N_("basis not stated"),
}
"""Each basis in words, as listings and reports show it (user-facing; translated by i18n)."""


@attrs.frozen
class Parameter:
    """A named number (or level) that rules compare facts with.

    A parameter may change by date: ``schedule`` lists later values, each from its day on;
    :meth:`value_on` gives the value for a day, and :func:`srpp.recommend` reads every
    parameter for the contract's ``date`` (today by default).

    Attributes:
        name: The name conditions use.
        kind: ``money`` (whole NOK), ``number`` or ``level``.
        value: The value (before the first change of ``schedule``, if any).
        description: What it is, in words.
        source: Where the value comes from.
        basis: ``law``, ``guidance`` (DFØ says it) or ``srpp`` (srpp's own reading of
            relative advice, said so wherever it is shown); empty when not stated.
        source_date: The date the source shows (ISO ``YYYY-MM-DD``), where it shows one.
        schedule: Later values, each from its day on, in date order.
    """

    name: str
    kind: str
    value: int | str
    description: str = ""
    source: str = ""
    basis: str = ""
    source_date: str = ""
    schedule: tuple[Change, ...] = attrs.field(default=(), converter=_changes)

    def value_on(self, day: datetime.date) -> int | str:
        """The value that applies on ``day``.

        >>> p = Parameter("t", "money", 100_000, schedule=[Change(datetime.date(2027, 1, 1), 300_000)])
        >>> p.value_on(datetime.date(2026, 12, 31)), p.value_on(datetime.date(2027, 1, 1))
        (100000, 300000)
        """
        value = self.value
        for change in self.schedule:
            if change.since <= day:
                value = change.value
        return value

    @property
    def basis_words(self) -> str:
        """The basis in words: ``srpp's reading``, ``DFØ's guidance``, ``law``."""
        return BASIS_WORDS.get(self.basis, self.basis)


def _policy_values(
    value: Mapping[str, int | str] | Iterable[tuple[str, int | str]],
) -> tuple[tuple[str, int | str], ...]:
    try:
        items = list(value.items() if isinstance(value, Mapping) else value)
    except (TypeError, ValueError):
        message = gettext("must map parameter names to values, got {value}")
        raise InvalidPolicyError([Problem("parameters", message.format(value=type(value).__name__))]) from None
    problems = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
            message = gettext("must map parameter names to values, got {value}")
            problems.append(Problem("parameters", message.format(value=repr(item))))
        elif isinstance(item[1], bool) or not isinstance(item[1], int | str):
            message = gettext("must be a whole number or a level name, got {value}")
            problems.append(Problem(f"parameters.{item[0]}", message.format(value=repr(item[1]))))
        elif isinstance(item[1], int) and abs(item[1]) >= 2**62:
            message = gettext("is too large, got {value}")
            problems.append(Problem(f"parameters.{item[0]}", message.format(value=item[1])))
    if problems:
        raise InvalidPolicyError(problems)
    return tuple(sorted(items))


def _rates(
    value: Mapping[str, Decimal | int | float | str] | Iterable[tuple[str, Any]],
) -> tuple[tuple[str, Decimal], ...]:
    from .._model import MAX_RATE

    try:
        items = list(value.items() if isinstance(value, Mapping) else value)
    except (TypeError, ValueError):
        message = gettext("must map currency codes to NOK per unit, got {value}")
        raise InvalidPolicyError([Problem("exchange_rates", message.format(value=type(value).__name__))]) from None
    out, problems = [], []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
            message = gettext("must map currency codes to rates, got {value}")
            problems.append(Problem("exchange_rates", message.format(value=repr(item))))
            continue
        code, raw = item
        where = f"exchange_rates.{code}"
        if not (len(code) == 3 and code.isascii() and code.isupper()):
            message = gettext("must be keyed by a 3-letter ISO 4217 code, got {code}")
            problems.append(Problem(where, message.format(code=repr(code))))
            continue
        if code not in _currencies():
            problems.append(Problem(where, unknown(gettext("currency code"), code, _currencies()) + " (ISO 4217)"))
            continue
        try:
            if isinstance(raw, bool) or not isinstance(raw, Decimal | int | float | str):
                raise InvalidOperation
            if isinstance(raw, str) and not raw.strip().replace(".", "", 1).isascii():
                raise InvalidOperation
            rate = Decimal(str(raw).strip())
            ok = rate.is_finite() and 0 < rate < MAX_RATE
        except (InvalidOperation, ValueError):
            ok = False
        if not ok:
            message = gettext("must be a positive number of NOK per {code} below 1e6, got {value}")
            problems.append(Problem(where, message.format(code=code, value=repr(raw))))
            continue
        if code == "NOK" and rate != 1:
            message = gettext(
                "NOK is srpp's base currency, so its rate is 1 by definition, got {value}; remove "
                "exchange_rates.NOK"
            )
            problems.append(Problem(where, message.format(value=repr(raw))))
            continue
        out.append((code, rate))
    if problems:
        raise InvalidPolicyError(problems)
    return tuple(sorted(out))


@functools.cache
def _currencies() -> frozenset[str]:
    """The ISO 4217 currency codes (current and former), from Babel's CLDR data."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


@attrs.frozen
class Policy:
    """The caller's policy: new values for a rule set's parameters, and exchange rates.

    Attributes:
        values: New parameter values by name (``{"priority_value": 2000000}``).
        exchange_rates: NOK per unit of currency, for contracts valued in other currencies.

    >>> Policy({"priority_value": 2_000_000}).values
    (('priority_value', 2000000),)
    """

    values: tuple[tuple[str, int | str], ...] = attrs.field(default=(), converter=_policy_values)
    exchange_rates: tuple[tuple[str, Decimal], ...] = attrs.field(default=(), converter=_rates)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, rules: RuleSet | None = None) -> Policy:
        """``{"parameters": {...}, "exchange_rates": {...}}``; both keys optional.

        Raises:
            InvalidPolicyError: Every problem of the document at once: a value that is not
                a whole number or a level name, an exchange rate that is not a positive
                number, a currency that is not an ISO 4217 code, a rate for NOK other than
                1 (NOK is the base currency); with ``rules``, also every parameter the rule
                set does not have and every value its parameter refuses.
        """
        from ._io import policy_from_dict

        return policy_from_dict(doc, rules)

    @classmethod
    def load(cls, path: Any, *, rules: RuleSet | None = None) -> Policy:
        """Read a policy from a ``.toml`` or ``.json`` file; see :meth:`from_dict`."""
        from ._io import load_document

        return cls.from_dict(load_document(path, InvalidPolicyError), rules=rules)


@attrs.frozen(cache_hash=True)
class RuleSet:
    """An immutable, validated set of rules over a fact vocabulary and instrument types.

    Building one checks it and raises one :class:`~srpp.InvalidRuleSetError` that lists
    every problem (unknown fact, instrument or parameter, duplicate id, dependency cycle,
    ...). Change one by making a new one: :meth:`with_rules`, :meth:`replace`,
    :meth:`without`, :meth:`with_policy`, :meth:`with_instruments`, :meth:`with_facts`.

    Attributes:
        rules: The rules, in order.
        parameters: Named values the rules compare with.
        instruments: The instrument types rules may recommend.
        facts: The fact vocabulary rules may test.
        notes: Notes every recommendation carries (disclaimers).
        name: A name for messages and documentation.
    """

    rules: tuple[Rule, ...] = attrs.field(converter=_rules)
    parameters: tuple[Parameter, ...] = attrs.field(default=(), converter=_params)
    instruments: tuple[InstrumentType, ...] = attrs.field(
        factory=lambda: _default_instruments(), converter=_itypes
    )
    facts: tuple[Fact, ...] = attrs.field(default=DEFAULT_FACTS, converter=_facts)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    name: str = "custom"

    def __attrs_post_init__(self) -> None:
        from ._check import check, engine_problems

        problems = check(self)
        if problems:
            raise InvalidRuleSetError(problems)
        names, limits = engine_problems(self)
        if names:
            raise InvalidRuleSetError(names)
        if limits:
            head = ngettext("rule set {name} is too large for durable-rules ({n} problem)",
                            "rule set {name} is too large for durable-rules ({n} problems)", len(limits))
            raise RuleSetTooLargeError(
                head.format(name=repr(self.name), n=len(limits)) + "".join(f"\n  - {p}" for p in limits),
                problems=limits,
            )

    # -- look-ups -----------------------------------------------------------------------

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return any(r.id == rule_id for r in self.rules)

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(unknown(gettext("rule"), rule_id, [r.id for r in self.rules]))

    def parameter(self, name: str) -> Parameter:
        """The parameter with this name."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(unknown(gettext("parameter"), name, [p.name for p in self.parameters]))

    def instrument(self, instrument_id: str) -> InstrumentType:
        """The instrument type with this id."""
        for i in self.instruments:
            if i.id == instrument_id:
                return i
        raise KeyError(unknown(gettext("instrument"), instrument_id, [i.id for i in self.instruments]))

    def fact(self, name: str) -> Fact:
        """The base fact with this name."""
        for f in self.facts:
            if f.name == name:
                return f
        raise KeyError(unknown(gettext("fact"), name, [f.name for f in self.facts]))

    @functools.cached_property
    def derived(self) -> dict[str, Derive]:
        """Derived facts by name, each with the first rule's :class:`Derive`."""
        out: dict[str, Derive] = {}
        for r in self.rules:
            if isinstance(r.then, Derive):
                out.setdefault(r.then.fact, r.then)
        return out

    # -- new rule sets from this one ----------------------------------------------------

    def renamed(self, name: str) -> RuleSet:
        """The same rules under another name (for messages, documentation and provenance).

        >>> from srpp.rules import default_rules
        >>> default_rules().without("conflict-minerals-clause").renamed("ours").name
        'ours'
        """
        return attrs.evolve(self, name=name)

    def _derived(self, **changes: Any) -> RuleSet:
        """A new rule set with these fields changed, named as derived from this one."""
        return attrs.evolve(self, name=derived_name(self.name), **changes)

    def with_rules(self, *rules: Rule) -> RuleSet:
        """A new rule set with these rules added at the end (their ids must be new).

        Like every method that makes a new rule set from this one, the new one is named
        ``"<this name> (modified)"`` until :meth:`renamed` gives it a name of its own.
        """
        return self._derived(rules=self.rules + rules)

    def replace(self, *rules: Rule) -> RuleSet:
        """A new rule set in which each given rule replaces the rule with its id."""
        new = {r.id: r for r in rules}
        missing = [Problem("rules", unknown(gettext("rule"), i, [r.id for r in self.rules]))
                   for i in new if i not in self]  # fmt: skip
        if missing:
            raise InvalidRuleSetError(missing)
        return self._derived(rules=tuple(new.get(r.id, r) for r in self.rules))

    def without(self, *rule_ids: str) -> RuleSet:
        """A new rule set without the rules of these ids."""
        missing = [Problem("rules", unknown(gettext("rule"), i, [r.id for r in self.rules]))
                   for i in rule_ids if i not in self]  # fmt: skip
        if missing:
            raise InvalidRuleSetError(missing)
        return self._derived(rules=tuple(r for r in self.rules if r.id not in rule_ids))

    def with_instruments(self, *instruments: InstrumentType) -> RuleSet:
        """A new rule set that knows these instrument types too.

        One with the id of a known type replaces it in its place; new ones come last.
        """
        return self._derived(instruments=_merged(self.instruments, instruments, "id"))

    def with_facts(self, *facts: Fact) -> RuleSet:
        """A new rule set whose vocabulary has these facts too.

        One with the name of a known fact replaces it in its place; new ones come last.
        """
        return self._derived(facts=_merged(self.facts, facts, "name"))

    def with_parameters(self, *parameters: Parameter) -> RuleSet:
        """A new rule set with these parameters added (last) or replaced (in place)."""
        return self._derived(parameters=_merged(self.parameters, parameters, "name"))

    @functools.cached_property
    def scheduled(self) -> tuple[Parameter, ...]:
        """The parameters whose value changes by date."""
        return tuple(p for p in self.parameters if p.schedule)

    def on(self, day: datetime.date) -> RuleSet:
        """This rule set with every parameter at its value on ``day`` (the schedules read).

        :func:`srpp.recommend` calls it with the contract's ``date`` (today by default).
        Returns the rule set itself when no parameter changes by date.
        """
        if not self.scheduled:
            return self
        return _on(self, tuple((p.name, p.value_on(day)) for p in self.scheduled))

    def with_policy(self, policy: Policy | Mapping[str, int | str] | None) -> RuleSet:
        """A new rule set whose parameters take the policy's values.

        >>> from srpp.rules import default_rules
        >>> rs = default_rules().with_policy({"priority_value": 2_000_000})
        >>> rs.parameter("priority_value").value
        2000000
        """
        if policy is None:
            return self
        policy = policy if isinstance(policy, Policy) else Policy(policy)
        if not policy.values:
            return self
        known = {p.name: p for p in self.parameters}
        problems = [
            Problem(f"parameters.{name}", unknown(gettext("parameter"), name, known))
            for name, _ in policy.values
            if name not in known
        ]
        values = dict(policy.values)
        try:
            derived = self._derived(
                parameters=tuple(
                    attrs.evolve(p, value=values[p.name], schedule=()) if p.name in values else p
                    for p in self.parameters
                )
            )
        except InvalidRuleSetError as exc:
            # the values of the parameters it has, reported together, at the policy's paths
            problems += [
                Problem(p.field.removesuffix(".value"), p.message)
                if p.field.startswith("parameters.") and p.field.endswith(".value")
                else p
                for p in exc.problems
            ]
        if problems:
            raise InvalidPolicyError(problems)
        return derived

    # -- documents ----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The rule set as a JSON-ready document; :meth:`from_dict` reads it back."""
        from ._io import ruleset_to_dict

        return ruleset_to_dict(self)

    def to_json(self) -> str:
        """The rule set as JSON text."""
        import json

        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @functools.cached_property
    def digest(self) -> str:
        """``"sha256:<hex>"`` of the rule set's canonical content, computed once per rule set.

        Two rule sets have the same digest exactly when they have the same rules,
        parameters, instrument types, facts (with the functions that read them) and notes;
        the name is not part of it. Results record it in their provenance.

        >>> from srpp.rules import default_rules
        >>> d = default_rules().digest
        >>> d.startswith("sha256:") and d == default_rules().renamed("x").digest
        True
        """
        import hashlib

        from ._io import canonical

        return "sha256:" + hashlib.sha256(canonical(self)).hexdigest()

    @classmethod
    def from_dict(
        cls,
        doc: Mapping[str, Any],
        *,
        facts: Iterable[Fact] = (),
        instruments: Iterable[InstrumentType] | None = None,
        base: str | os.PathLike[str] | None = None,
    ) -> RuleSet:
        """Read a rule set document (see docs/extending.md for its keys).

        A document either stands alone (it has ``rules``) or starts from another rule set:
        ``extends = "srpp-default"`` or the path of another rule file, relative to ``base``
        (the current directory by default; :meth:`load` uses the file's folder). Its
        ``rules`` then add rules or replace those of the same id, ``remove`` drops rules,
        ``parameters`` add parameters or change those of the same name (a table with only
        ``value`` changes the value), ``instruments`` add instrument types and ``notes``
        add notes.

        Facts are code, so a file only names them (``facts = ["risk_overridden"]``, or a
        table of declarations that must match): from srpp's documented vocabulary
        (:data:`srpp.rules.VOCABULARY`) or from ``facts``, the caller's own facts, which
        join the rule set's vocabulary too. Instrument types the document declares are added
        to ``instruments`` (the shipped ones by default).

        Raises:
            InvalidRuleSetError: Every problem of the document, and of the rule set it makes,
                each with its path (``extends (base.toml).rules[0].when.fact: ...`` for
                a problem in an extended file), or a cycle of ``extends``.
        """
        from ._io import ruleset_from_dict

        return ruleset_from_dict(doc, facts=tuple(facts), instruments=instruments, base=base)

    @classmethod
    def load(
        cls,
        path: Any,
        *,
        facts: Iterable[Fact] = (),
        instruments: Iterable[InstrumentType] | None = None,
    ) -> RuleSet:
        """Read a rule set from a ``.toml`` or ``.json`` file; a rule file never runs code.

        See :meth:`from_dict`; ``extends`` paths are relative to the file's folder, and a
        file without a ``name`` is named after the file (``ours.toml`` -> ``ours``).

        Raises:
            InvalidRuleSetError: The file cannot be read or parsed, or the rule set it makes
                is not valid; every problem is listed.
        """
        from ._io import load_document, ruleset_from_dict

        doc = load_document(path, InvalidRuleSetError)
        if not isinstance(doc, Mapping):
            message = gettext("must be a table/object, got {kind}")
            raise InvalidRuleSetError([Problem("", message.format(kind=type(doc).__name__))])
        chain: tuple[Path, ...] = ()
        base = None
        if isinstance(path, str | os.PathLike):
            resolved = Path(path).resolve()
            chain, base = (resolved,), resolved.parent
        return ruleset_from_dict(doc, facts=tuple(facts), instruments=instruments, base=base, chain=chain)


_T = TypeVar("_T")


def _merged(old: tuple[_T, ...], new: Iterable[_T], key: str) -> tuple[_T, ...]:
    """``old`` with items of the same key replaced in place, then the new keys in order."""
    fresh = {getattr(x, key): x for x in new}
    kept = tuple(fresh.pop(getattr(x, key), x) for x in old)
    return kept + tuple(fresh.values())


def derived_name(name: str) -> str:
    """The name of a rule set made from one of this name: ``"srpp-default (modified)"``."""
    return name if name.endswith(" (modified)") else f"{name} (modified)"


@functools.lru_cache(maxsize=64)
def _on(rs: RuleSet, values: tuple[tuple[str, int | str], ...]) -> RuleSet:
    """``rs`` with these parameter values and no schedules: one rule set (and one compiled
    engine) per distinct set of values in force, however many days share it."""
    chosen = dict(values)
    return attrs.evolve(
        rs,
        parameters=tuple(
            attrs.evolve(p, value=chosen[p.name], schedule=()) if p.name in chosen else p
            for p in rs.parameters
        ),
    )


def _default_instruments() -> tuple[InstrumentType, ...]:
    from .._catalogue import instrument_types

    return instrument_types()
