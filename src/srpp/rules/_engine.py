"""The only module that imports durable-rules.

A rule set compiles to durable-rules' JSON rule format on a private low-level handle
(``durable_rules_engine``; never the high-level ``durable`` package, its global host or events).
Each contract is asserted as one fact in a session of its own, the fired rules are drained
synchronously, and the session is deleted, all under a lock per compiled rule set. The
safeguards follow the measurements in the project's ENGINE notes:

- facts, not events: every matching rule fires;
- one live session (``sid`` ``"0"``) at a time per compiled rule set, deleted after use;
- a sentinel rule every contract matches, and one evaluation at compile time, so a
  session is never deleted before an action started in it;
- ints for levels, money (øre) and choices, booleans for booleans, no floats at all;
- property names checked for hash collisions when the rule set is built (``_check.py``);
- engine error codes become :class:`~srpp.EngineError` and its subclasses;
- no process-wide setting is changed: the host's memory allocator is left alone.

Chaining runs inside the engine: when a rule fires, its conclusion is asserted as a fact
of the same session, and rules that join on it fire in turn.

Decision classes. Every condition a rule set can state about a contract is a test of one
fact against a constant, so the rules that fire (chaining included) are a function of the
outcomes of those tests. :meth:`Compiled.classify` computes, in Python, a key per contract
that decides every test: per ordered fact, where its value lies among the constants the rules
compare it with (below, equal to or above each), per boolean or choice fact its value, and
whether each fact is known. Contracts with the same key are one decision class: the engine
is asked once per class (:meth:`Compiled.decide`), and the answer is kept in a bounded cache.
The engine stays the only evaluator of the rules; Python only groups contracts.
"""

from __future__ import annotations

import bisect
import json
import re
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import durable_rules_engine as _dre

from .._cache import WeakCache, remember
from .._errors import EngineError, RuleSetTooLargeError
from .._model import RiskLevel
from ._facts import Fact, FactKind
from ._model import AllOf, AnyOf, Compare, Condition, Derive, Holds, Recommend, Recommended

if TYPE_CHECKING:
    from ._model import RuleSet

__all__ = ["Compiled", "compiled"]

_SID = "0"
_OPS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_CODE = re.compile(r"error code: (\d+)")
_SIZE_LIMITS = {
    106: "too many conditions on one property",
    107: "too many rules share a condition",
    108: "too many joins in one rule",
    113: "too many expressions in one rule",
}
# engine fact kinds (property "_k"): the contract, a derived fact, an instrument
_CONTRACT, _DERIVED, _INSTRUMENT = 0, 1, 2

_LEVEL, _MONEY, _NUMBER, _BOOL = FactKind.LEVEL, FactKind.MONEY, FactKind.NUMBER, FactKind.BOOL
_RANK = {level: level.rank for level in RiskLevel}

Expr = dict[str, Any]
Ref = tuple[int, ...]  # (_DERIVED, index) or (_INSTRUMENT, index, least strength rank)


def _error(exc: Exception, what: str) -> EngineError:
    match = _CODE.search(str(exc))
    code = int(match.group(1)) if match else None
    if code == 303:
        return RuleSetTooLargeError(
            f"{what}: this contract makes more conditions of the rule set true at once than "
            "durable-rules can track (its limit is 64 simultaneous matches); the rule set is "
            "too large for the engine: split it or merge conditions (engine error 303)",
            code,
        )
    if code in _SIZE_LIMITS:
        return RuleSetTooLargeError(
            f"{what}: the rule set is too large for durable-rules ({_SIZE_LIMITS[code]}); "
            f"split it or merge conditions (engine error {code})",
            code,
        )
    return EngineError(f"{what}: durable-rules failed ({exc})", code)


class _Compiler:
    def __init__(self, rs: RuleSet) -> None:
        self.facts = {f.name: f for f in rs.facts}
        self.params = {p.name: p.value for p in rs.parameters}
        self.derived = {name: i for i, name in enumerate(rs.derived)}
        self.instruments = {it.id: i for i, it in enumerate(rs.instruments)}
        self.used: set[str] = set()

    def base_only(self, cond: Condition) -> bool:
        if isinstance(cond, AllOf | AnyOf):
            return all(self.base_only(c) for c in cond.conditions)
        if isinstance(cond, Holds):
            return cond.fact in self.facts
        return isinstance(cond, Compare)

    def expr(self, cond: Condition) -> Expr:
        """A condition over contract facts alone, as one engine expression."""
        if isinstance(cond, AllOf | AnyOf):
            parts = [self.expr(c) for c in cond.conditions]
            if len(parts) == 1:
                return parts[0]
            return {"$and" if isinstance(cond, AllOf) else "$or": parts}
        if isinstance(cond, Holds):
            self.used.add(cond.fact)
            return {cond.fact: True}
        assert isinstance(cond, Compare)
        fact = self.facts[cond.fact]
        self.used.add(fact.name)
        raw = self.params[cond.param] if cond.param is not None else cond.value
        value = fact.encode_constant(raw)
        if cond.op == "==":
            return {fact.name: value}
        return {_OPS[cond.op]: {fact.name: value}}

    def dnf(self, cond: Condition) -> list[tuple[list[Expr], frozenset[Ref]]]:
        """Alternatives, each a conjunction of contract expressions and joined conclusions."""
        if self.base_only(cond):
            return [([self.expr(cond)], frozenset())]
        if isinstance(cond, Holds):
            return [([], frozenset({(_DERIVED, self.derived[cond.fact])}))]
        if isinstance(cond, Recommended):
            ref = (_INSTRUMENT, self.instruments[cond.instrument], cond.strength.rank)
            return [([], frozenset({ref}))]
        if isinstance(cond, AnyOf):
            return [alt for c in cond.conditions for alt in self.dnf(c)]
        assert isinstance(cond, AllOf)
        alts: list[tuple[list[Expr], frozenset[Ref]]] = [([], frozenset())]
        for c in cond.conditions:
            alts = [(e1 + e2, r1 | r2) for e1, r1 in alts for e2, r2 in self.dnf(c)]
        return alts


def _merge(refs: frozenset[Ref]) -> frozenset[Ref]:
    """One join per concluded fact: the engine binds each pattern of a rule to a different
    fact, so two tests of one instrument (at least consider, at least should) would need two
    instrument facts and never fire on one. The strongest test implies the others."""
    strongest: dict[int, Ref] = {}
    derived = set()
    for ref in refs:
        if ref[0] == _INSTRUMENT:
            if ref[1] not in strongest or ref[2] > strongest[ref[1]][2]:
                strongest[ref[1]] = ref
        else:
            derived.add(ref)
    return frozenset(derived) | frozenset(strongest.values())


def _ref_pattern(ref: Ref) -> Expr:
    if ref[0] == _DERIVED:
        return {"$and": [{"_k": _DERIVED}, {"_n": ref[1]}]}
    return {"$and": [{"_k": _INSTRUMENT}, {"_n": ref[1]}, {"$gte": {"_s": ref[2]}}]}


def to_engine(rs: RuleSet) -> tuple[dict[str, Any], dict[str, tuple[int, str | None]], list[Fact]]:
    """The engine's rule definitions, the action of each engine rule, and the facts used.

    Each srpp rule becomes one engine rule per alternative of its condition; an action is
    ``(rule index, fact to assert when it fires)``.
    """
    comp = _Compiler(rs)
    definition: dict[str, Any] = {"s": {"all": [{"m": {"_k": _CONTRACT}}]}}  # the sentinel
    actions: dict[str, tuple[int, str | None]] = {}
    for i, rule in enumerate(rs.rules):
        then = rule.then
        if isinstance(then, Derive):
            fact: dict[str, Any] = {"_k": _DERIVED, "_n": comp.derived[then.fact]}
        else:
            assert isinstance(then, Recommend)
            fact = {"_k": _INSTRUMENT, "_n": comp.instruments[then.instrument],
                    "_s": then.strength.rank}  # fmt: skip
        assertion = json.dumps({"sid": _SID, **fact}, separators=(",", ":"))
        for j, (exprs, refs) in enumerate(comp.dnf(rule.when)):
            refs = _merge(refs)
            contract = [{"_k": _CONTRACT}, *exprs]
            patterns = [{"m": {"$and": contract} if len(contract) > 1 else contract[0]}]
            patterns += [{f"d{k}": _ref_pattern(ref)} for k, ref in enumerate(sorted(refs))]
            name = f"r{i}_{j}"
            definition[name] = {"all": patterns}
            actions[name] = (i, assertion)
    used = [f for f in rs.facts if f.name in comp.used]
    return definition, actions, used


MAX_CLASSES = 65_536
"""How many decision classes a compiled rule set remembers; the oldest go first."""


def _constants(rs: RuleSet, facts: Mapping[str, Fact]) -> dict[str, list[int | bool]]:
    """Per fact, the encoded constants the rule set compares it with, sorted."""
    from ._check import walk

    params = {p.name: p.value for p in rs.parameters}
    found: dict[str, set[int | bool]] = {}
    for rule in rs.rules:
        for cond in walk(rule.when):
            if isinstance(cond, Compare) and cond.fact in facts:
                raw = params[cond.param] if cond.param is not None else cond.value
                found.setdefault(cond.fact, set()).add(facts[cond.fact].encode_constant(raw))
    return {name: sorted(values) for name, values in found.items()}


class Compiled:
    """A rule set compiled onto its own durable-rules handle.

    :meth:`evaluate` is safe to call from several threads; calls are serialised by a lock
    of this compiled rule set. The handle is freed when the object is collected.
    """

    def __init__(self, rs: RuleSet) -> None:
        definition, self._actions, self.facts = to_engine(rs)
        constants = _constants(rs, {f.name: f for f in self.facts})
        # per fact: the sorted constants of an ordered fact (its value is placed among
        # them), or None (a boolean's or choice's value is its own class)
        self._places: list[tuple[str, list[int | bool] | None]] = [
            (f.name, constants.get(f.name, []) if f.kind.ordered else None) for f in self.facts
        ]
        self._encoders = [(f.name, f.kind, f, c) for f, (_, c) in zip(self.facts, self._places, strict=True)]
        # per fact, for classify_values: its name, the exact Python type of its values, and
        # either a table from each possible value to its part of the key, or the constants
        # in øre (money) or as they are (numbers) to place a value among
        self._fast: list[tuple[str, type, dict[Any, int | bool] | None, list[int | bool] | None]] = []
        for f, (_, c) in zip(self.facts, self._places, strict=True):
            if f.kind is FactKind.LEVEL:
                # keyed by the member's value: an enum's hash is computed in Python
                table = {lv._value_: self.classify_one(c, lv.rank) for lv in RiskLevel}
                self._fast.append((f.name, RiskLevel, table, None))
            elif f.kind is FactKind.BOOL:
                self._fast.append((f.name, bool, {True: True, False: False}, None))
            elif f.kind is FactKind.CHOICE:
                self._fast.append((f.name, str, {ch: i for i, ch in enumerate(f.choices)}, None))
            else:
                self._fast.append((f.name, Decimal if f.kind is FactKind.MONEY else int, None, c))
        self._classes: dict[tuple[int | bool | None, ...], list[int]] = {}
        self._lock = threading.Lock()
        self._handle: int | None = None
        try:
            self._handle = _dre.create_ruleset("srpp", json.dumps(definition))
        except _dre.error as exc:
            raise _error(exc, f"rule set {rs.name!r} could not be compiled") from None
        self.evaluate({})  # warm-up: the sentinel fires, so a session has seen an action

    def encode(self, values: Mapping[str, Any]) -> dict[str, int | bool]:
        """Python fact values (levels, Decimals, ...) as the engine sees them.

        The common exact types take a fast path; anything else goes through
        :meth:`Fact.encode`, which checks the value and says what is wrong with it.
        """
        return self.encode_classify(values)[0]

    def encode_classify(
        self, values: Mapping[str, Any]
    ) -> tuple[dict[str, int | bool], tuple[int | bool | None, ...]]:
        """:meth:`encode` and :meth:`classify` in one pass over the facts."""
        out: dict[str, int | bool] = {}
        key: list[int | bool | None] = []
        for name, kind, fact, constants in self._encoders:
            value: Any = values.get(name)
            if value is None:
                key.append(None)
                continue
            t = type(value)
            if kind is _LEVEL and t is RiskLevel:
                value = _RANK[value]
            elif kind is _MONEY and t is Decimal:
                value = int(value * 100)
            elif (kind is _NUMBER and t is int and -(2**62) < value < 2**62) or (
                kind is _BOOL and t is bool
            ):
                pass
            else:
                value = fact.encode(value)
                if value is None:
                    key.append(None)
                    continue
            out[name] = value
            if constants is None:
                key.append(value)
            else:
                i = bisect.bisect_left(constants, value)
                key.append(2 * i + (i < len(constants) and constants[i] == value))
        return out, tuple(key)

    @staticmethod
    def classify_one(constants: list[int | bool] | None, value: int | bool) -> int | bool:
        """One encoded fact's part of a :meth:`classify` key."""
        if constants is None:
            return value
        i = bisect.bisect_left(constants, value)
        return 2 * i + (i < len(constants) and constants[i] == value)

    def classify_values(self, values: Mapping[str, Any]) -> tuple[int | bool | None, ...] | None:
        """The :meth:`classify` key straight from Python fact values of the common exact
        types (levels, Decimal amounts in NOK, ints, bools, choice strings); ``None`` when a
        value is of another type or not a valid one, which :meth:`encode_classify` then
        checks and reports."""
        key: list[int | bool | None] = []
        for name, kind, table, constants in self._fast:
            value: Any = values.get(name)
            if value is None:
                key.append(None)
            elif type(value) is not kind:
                return None
            elif table is not None:
                part = table.get(values[name]._value_ if kind is RiskLevel else value, None)
                if part is None:
                    return None
                key.append(part)
            else:
                assert constants is not None
                number: int = int(values[name] * 100) if kind is Decimal else values[name]
                if not -(2**62) < number < 2**62:
                    return None
                i = bisect.bisect_left(constants, number)
                key.append(2 * i + (i < len(constants) and constants[i] == number))
        return tuple(key)

    def classify(self, encoded: Mapping[str, int | bool]) -> tuple[int | bool | None, ...]:
        """The decision class of encoded facts: a key that decides every test of the rule set.

        Per fact, in the order of :attr:`facts`: ``None`` when unknown; for an ordered fact,
        ``2 * i`` when its value lies below the ``i``-th constant of the rule set's tests on
        it (and above the one before), ``2 * i + 1`` when it equals that constant; for a
        boolean or choice, the encoded value. Facts with the same key give the same outcome
        in every comparison the rule set can make, so the same rules fire.
        """
        key: list[int | bool | None] = []
        for name, constants in self._places:
            value = encoded.get(name)
            if value is None or constants is None:
                key.append(value)
            else:
                i = bisect.bisect_left(constants, value)
                key.append(2 * i + (i < len(constants) and constants[i] == value))
        return tuple(key)

    def decide(
        self, encoded: Mapping[str, int | bool], key: tuple[int | bool | None, ...] | None = None
    ) -> list[int]:
        """What :meth:`evaluate` answers, asking the engine once per decision class.

        Args:
            encoded: The encoded facts of one contract.
            key: Their :meth:`classify` key, if already computed.
        """
        if key is None:
            key = self.classify(encoded)
        classes = self._classes
        fired = classes.get(key)
        if fired is None:
            fired = self.evaluate(encoded)
            remember(classes, key, fired, MAX_CLASSES)
        return fired

    def evaluate(self, encoded: Mapping[str, int | bool]) -> list[int]:
        """The indices of the rules that fire for these encoded facts, in rule-set order.

        This always asks the engine; :meth:`decide` asks it once per decision class.
        """
        text = json.dumps({"sid": _SID, "id": "c", "_k": _CONTRACT, **encoded}, separators=(",", ":"))
        handle = self._handle
        actions = self._actions
        fired: set[int] = set()
        with self._lock:
            try:
                code, offset = _dre.assert_fact(handle, text)
                if code != 0:
                    raise EngineError(f"durable-rules did not take the contract fact (result {code})", code)
                started = _dre.start_action_for_state(handle, offset)
                # (state, message) first, then each next message alone, until None
                message = started[1] if started else None
                while message:
                    name = message[2 : message.index('"', 2)]
                    action = actions.get(name)
                    if action is not None:
                        fired.add(action[0])
                        _dre.assert_fact(handle, action[1])
                    message = _dre.complete_and_start_action(handle, offset)
            except _dre.error as exc:
                raise _error(exc, "evaluation failed") from None
            finally:
                _dre.delete_state(handle, _SID)
        return sorted(fired)

    def __del__(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            try:
                _dre.delete_ruleset(handle)
            except Exception:  # noqa: S110 - at interpreter exit the module may be gone
                pass


compiled: WeakCache[RuleSet, Compiled] = WeakCache(Compiled)
"""The compiled form of a rule set, compiled once and kept while the rule set lives."""

