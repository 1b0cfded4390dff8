"""Checks a rule set as a whole and lists every problem at once."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .._errors import Problem
from .._i18n import gettext
from .._model import InstrumentType, RiskLevel
from .._suggest import unknown
from ._facts import Fact, FactKind

if TYPE_CHECKING:
    from ._model import Condition, RuleSet

RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PARAMETER_KINDS = ("money", "number", "level")
MAX_ALTERNATIVES = 32
MAX_DEPTH = 16
# property names srpp itself puts into engine facts (see _engine.py)
RESERVED = ("sid", "id", "_k", "_n", "_s")


def fnv1a_32(name: str) -> int:
    """The hash durable-rules gives a name: 32-bit FNV-1a over its UTF-8 bytes.

    The C core calls it ``fnv1Hash32`` but computes FNV-1a (xor, then multiply): its own
    constants agree (``HASH_SID`` is 3593476751, ``HASH_NEQ`` 2488026869).
    """
    h = 0x811C9DC5
    for byte in name.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


def walk(cond: Condition) -> Iterator[Condition]:
    """The condition and all conditions inside it, depth first."""
    from ._model import AllOf, AnyOf

    yield cond
    if isinstance(cond, AllOf | AnyOf):
        for c in cond.conditions:
            yield from walk(c)


def alternatives(cond: Condition) -> int:
    """How many engine rules a condition compiles to (its disjunctive normal form)."""
    from ._model import AllOf, AnyOf

    if isinstance(cond, AllOf):
        n = 1
        for c in cond.conditions:
            n *= alternatives(c)
            if n > MAX_ALTERNATIVES:
                return n
        return n
    if isinstance(cond, AnyOf):
        if not any(_references(c) for c in cond.conditions):
            return 1  # an any over contract facts alone stays one engine pattern
        return sum(alternatives(c) for c in cond.conditions)
    return 1


def _references(cond: Condition) -> bool:
    """Whether a condition tests a conclusion of another rule (needs a join)."""
    from ._model import Holds, Recommended

    return any(isinstance(c, Holds | Recommended) for c in walk(cond))


def check(rs: RuleSet) -> list[Problem]:
    """Every problem of the rule set, each with its field path; empty when it is valid."""
    from ._model import Derive, Recommend, Rule

    problems: list[Problem] = []
    add = problems.append

    facts: dict[str, Fact] = {}
    for i, f in enumerate(rs.facts):
        where = f"facts[{i}]"
        if not isinstance(f, Fact):
            add(Problem(where, gettext("must be a srpp.rules.Fact, got {kind}").format(kind=type(f).__name__)))
            continue
        if not NAME.match(f.name):
            add(Problem(f"{where}.name", _must_match(NAME, f.name)))
        if f.name in facts:
            add(Problem(f"{where}.name", gettext("duplicate fact {name}").format(name=repr(f.name))))
        if f.kind is FactKind.CHOICE and not f.choices:
            add(Problem(f"{where}.choices", gettext("a choice fact needs at least one choice")))
        facts[f.name] = f

    instruments: dict[str, InstrumentType] = {}
    for i, it in enumerate(rs.instruments):
        if not isinstance(it, InstrumentType):
            add(Problem(f"instruments[{i}]", gettext("must be an InstrumentType, got {value}").format(value=repr(it))))
            continue
        if it.id in instruments:
            add(Problem(f"instruments[{i}].id", gettext("duplicate instrument {id}").format(id=repr(it.id))))
        for a in it.attributes:
            if not a.choices:
                add(Problem(f"instruments[{i}].attributes", gettext("{name} needs choices").format(name=repr(a.name))))
        instruments[it.id] = it

    params: dict[str, Any] = {}
    for i, p in enumerate(rs.parameters):
        where = f"parameters.{p.name}"
        if not NAME.match(p.name):
            add(Problem(f"parameters[{i}].name", _must_match(NAME, p.name)))
        if p.name in params:
            add(Problem(where, gettext("duplicate parameter")))
        if p.kind not in PARAMETER_KINDS:
            add(Problem(f"{where}.kind", unknown(gettext("parameter kind"), p.kind, PARAMETER_KINDS)))
        else:
            _check_value(p.kind, p.value, f"{where}.value", add)
            for j, change in enumerate(p.schedule):
                _check_value(p.kind, change.value, f"{where}.schedule[{j}].value", add)
        from ._model import BASES

        if p.basis and p.basis not in BASES:
            add(Problem(f"{where}.basis", unknown(gettext("basis"), p.basis, BASES)))
        if p.source_date and not _is_iso_date(p.source_date):
            message = gettext("must be an ISO date (YYYY-MM-DD), got {value}")
            add(Problem(f"{where}.source_date", message.format(value=repr(p.source_date))))
        days = [c.since for c in p.schedule]
        if not all(isinstance(d, datetime.date) for d in days):
            add(Problem(f"{where}.schedule", gettext("every change needs a date `since` (YYYY-MM-DD)")))
        elif days != sorted(set(days)):
            message = gettext("changes must be in date order, one per date, got {dates}")
            add(Problem(f"{where}.schedule", message.format(dates=", ".join(str(d) for d in days))))
        params[p.name] = p

    derived: dict[str, list[int]] = {}
    concludes: dict[str, list[int]] = {}
    ids: dict[str, int] = {}
    for i, r in enumerate(rs.rules):
        if not isinstance(r, Rule):
            add(Problem(f"rules[{i}]", gettext("must be a srpp.rules.Rule, got {kind}").format(kind=type(r).__name__)))
            continue
        if isinstance(r.then, Derive):
            derived.setdefault(r.then.fact, []).append(i)
        elif isinstance(r.then, Recommend):
            concludes.setdefault(r.then.instrument, []).append(i)

    for i, r in enumerate(rs.rules):
        if not isinstance(r, Rule):
            continue
        where = f"rules[{i}]"
        if not isinstance(r.id, str) or not RULE_ID.match(r.id):
            add(Problem(f"{where}.id", _must_match(RULE_ID, r.id)))
        elif r.id in ids:
            message = gettext("duplicate rule id {id} (also {other})")
            add(Problem(f"{where}.id", message.format(id=repr(r.id), other=f"rules[{ids[r.id]}]")))
        else:
            ids[r.id] = i
        where = f"rules[{i}]" if not isinstance(r.id, str) else f"rules[{i}] ({r.id})"
        if not isinstance(r.reason, str) or not r.reason.strip():
            add(Problem(f"{where}.reason", gettext("must say why, in words")))
        if not all(isinstance(s, str) and s for s in r.sources):
            add(Problem(f"{where}.sources", gettext("must be a list of non-empty strings")))
        _check_condition(r.when, f"{where}.when", facts, params, derived, instruments, add, 0)
        if alternatives(r.when) > MAX_ALTERNATIVES:
            message = gettext("expands to more than {count} alternatives; split the rule")
            add(Problem(f"{where}.when", message.format(count=MAX_ALTERNATIVES)))
        t = r.then
        if isinstance(t, Derive):
            if not NAME.match(t.fact):
                add(Problem(f"{where}.then.derive", _must_match(NAME, t.fact)))
            elif t.fact in facts:
                message = gettext("{name} is a fact of the vocabulary; a derived fact needs a name of its own")
                add(Problem(f"{where}.then.derive", message.format(name=repr(t.fact))))
            if not t.label.strip():
                add(Problem(f"{where}.then.label", gettext("must say the fact in words")))
        elif isinstance(t, Recommend):
            found = instruments.get(t.instrument)
            if found is None:
                add(Problem(f"{where}.then.recommend", unknown(gettext("instrument"), t.instrument, instruments)))
            else:
                it = found
                specs = {a.name: a for a in it.attributes}
                for name, value in t.attributes:
                    if name not in specs:
                        kind = gettext("attribute of {id}").format(id=repr(it.id))
                        add(Problem(f"{where}.then.attributes.{name}", unknown(kind, name, specs)))
                    elif value not in specs[name].choices:
                        add(Problem(f"{where}.then.attributes.{name}",
                                    unknown(gettext("choice"), value, specs[name].choices)))  # fmt: skip
                if not r.sources and not it.sources:
                    message = gettext("a rule that recommends an instrument needs a source (or its instrument type "
                                      "must have one)")
                    add(Problem(f"{where}.sources", message))
        else:
            message = gettext("must be Recommend or Derive, got {kind}")
            add(Problem(f"{where}.then", message.format(kind=type(t).__name__)))

    problems.extend(_cycles(rs, derived, concludes))

    operators = {fnv1a_32(n): n for n in ENGINE_NAMES}
    by_hash: dict[int, str] = {}
    for name in sorted({name for name in facts} | set(RESERVED)):
        h = fnv1a_32(name)
        if h in operators:
            add(Problem("facts", _same_hash_as_operator(name, operators[h])))
        elif h in by_hash:
            add(Problem("facts", _same_hash(by_hash[h], name)))
        by_hash.setdefault(h, name)
    return problems


def _must_match(pattern: re.Pattern[str], value: object) -> str:
    """The message for a name or id that does not match ``pattern``."""
    return gettext("must match {pattern}, got {value}").format(pattern=pattern.pattern, value=repr(value))


def _same_hash_as_operator(name: str, operator: str) -> str:
    """The message for a fact whose durable-rules hash is that of an engine operator."""
    message = gettext("{name} has the same 32-bit hash in durable-rules as its operator {operator}, so "
                      "the engine would read it as that operator; rename the fact")
    return message.format(name=repr(name), operator=repr(operator))


def _same_hash(first: str, second: str) -> str:
    """The message for two facts with the same durable-rules hash."""
    message = gettext("{first} and {second} have the same hash in durable-rules and would be confused "
                      "by the engine; rename one")
    return message.format(first=repr(first), second=repr(second))


def _check_value(kind: str, value: Any, where: str, add: Any) -> None:
    """A parameter value (or a scheduled one) must suit the parameter's kind."""
    if kind == "level":
        if value not in [lv.value for lv in RiskLevel]:
            add(Problem(where, unknown(gettext("risk level"), value, [lv.value for lv in RiskLevel])))
    elif isinstance(value, bool) or not isinstance(value, int):
        add(Problem(where, gettext("must be a whole number, got {value}").format(value=repr(value))))
    elif kind == "money" and not 0 <= value < 10**13:
        message = gettext("must be a whole number of NOK from 0 below 1e13, got {value}")
        add(Problem(where, message.format(value=value)))
    elif abs(value) >= 2**62:
        add(Problem(where, gettext("is too large for the engine: {value}").format(value=value)))


def _is_iso_date(text: str) -> bool:
    try:
        return len(text) == 10 and datetime.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def _check_condition(
    cond: Any,
    where: str,
    facts: dict[str, Fact],
    params: dict[str, Any],
    derived: dict[str, list[int]],
    instruments: dict[str, InstrumentType],
    add: Any,
    depth: int,
) -> None:
    from .._model import Strength
    from ._model import OPERATORS, AllOf, AnyOf, Compare, Holds, Recommended

    if depth > MAX_DEPTH:
        add(Problem(where, gettext("is nested more than {count} levels deep").format(count=MAX_DEPTH)))
        return
    if isinstance(cond, AllOf | AnyOf):
        key = "all" if isinstance(cond, AllOf) else "any"
        if not cond.conditions:
            add(Problem(f"{where}.{key}", gettext("needs at least one condition")))
        for j, c in enumerate(cond.conditions):
            _check_condition(c, f"{where}.{key}[{j}]", facts, params, derived, instruments, add, depth + 1)
        return
    if isinstance(cond, Holds):
        f = facts.get(cond.fact)
        if f is None and cond.fact not in derived:
            add(Problem(f"{where}.holds", _unknown_fact(cond.fact, [*facts, *derived])))
        elif f is not None and f.kind is not FactKind.BOOL:
            message = gettext("{name} is a {kind} fact; holds tests boolean facts and derived facts; "
                              "compare it instead")
            add(Problem(f"{where}.holds", message.format(name=repr(cond.fact), kind=f.kind.value)))
        return
    if isinstance(cond, Recommended):
        if cond.instrument not in instruments:
            add(Problem(f"{where}.recommended", unknown(gettext("instrument"), cond.instrument, instruments)))
        if not isinstance(cond.strength, Strength):
            add(Problem(f"{where}.strength", unknown(gettext("strength"), cond.strength, ["consider", "should"])))
        return
    if not isinstance(cond, Compare):
        add(Problem(where, gettext("is not a condition: {value}").format(value=repr(cond))))
        return
    f = facts.get(cond.fact)
    if f is None:
        if cond.fact in derived:
            message = gettext("{name} is derived by a rule; test it with holds")
            add(Problem(f"{where}.fact", message.format(name=repr(cond.fact))))
        else:
            add(Problem(f"{where}.fact", _unknown_fact(cond.fact, [*facts, *derived])))
        if cond.op not in OPERATORS:  # reported with the fact, so one run names both
            add(Problem(f"{where}.op", unknown_operator(cond.op)))
        return
    if cond.op not in OPERATORS:
        add(Problem(f"{where}.op", unknown_operator(cond.op)))
    elif not f.kind.ordered and cond.op not in ("==", "!="):
        message = gettext("{op} does not apply to a {kind} fact; use == or !=")
        add(Problem(f"{where}.op", message.format(op=repr(cond.op), kind=f.kind.value)))
    if (cond.value is None) == (cond.param is None):
        add(Problem(where, gettext("needs exactly one of value and param")))
        return
    if cond.param is not None:
        p = params.get(cond.param)
        if p is None:
            add(Problem(f"{where}.param", unknown(gettext("parameter"), cond.param, params)))
        elif p.kind != f.kind.value:
            message = gettext("parameter {param} is {param_kind}, fact {name} is {kind}")
            add(Problem(f"{where}.param", message.format(param=repr(cond.param), param_kind=p.kind,
                                                         name=repr(cond.fact), kind=f.kind.value)))  # fmt: skip
        return
    v = cond.value
    ok: bool
    if f.kind is FactKind.LEVEL:
        ok = v in [lv.value for lv in RiskLevel]
        expected = gettext("a risk level ({levels})").format(levels=", ".join(lv.value for lv in RiskLevel))
    elif f.kind is FactKind.CHOICE:
        ok = v in f.choices
        expected = gettext("one of {choices}").format(choices=", ".join(f.choices))
    elif f.kind is FactKind.BOOL:
        ok = isinstance(v, bool)
        expected = gettext("true or false")
    elif f.kind is FactKind.MONEY:
        ok = isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 10**13
        expected = gettext("a whole number of NOK")
    else:
        ok = isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**62
        expected = gettext("a whole number")
    if not ok:
        message = gettext("{name} is compared with {expected}, got {value}")
        add(Problem(f"{where}.value", message.format(name=repr(cond.fact), expected=expected, value=repr(v))))


# operators people write for srpp's: other orders, other languages' spellings, symbols
_OPERATOR_SPELLINGS = {
    "=>": ">=", "=<": "<=", "≥": ">=", "≤": "<=", "=": "==", "===": "==", "eq": "==",
    "<>": "!=", "!==": "!=", "=!": "!=", "≠": "!=", "ne": "!=", "lt": "<", "le": "<=",
    "gt": ">", "ge": ">=", "lte": "<=", "gte": ">=",
}  # fmt: skip


def unknown_operator(op: object) -> str:
    """The message for an operator srpp does not have, suggesting the one that was meant
    (``=>`` is ``>=``, ``<>`` is ``!=``), else listing the six."""
    from ._model import OPERATORS

    meant = None
    if isinstance(op, str):
        bare = op.strip().lower()
        meant = bare if bare in OPERATORS else _OPERATOR_SPELLINGS.get(bare)
    if meant is not None:
        return gettext("unknown operator {op}; did you mean {meant}?").format(op=repr(op), meant=repr(meant))
    message = gettext("unknown operator {op}; expected one of {operators}")
    return message.format(op=repr(op), operators=", ".join(repr(o) for o in OPERATORS))


@functools.cache
def _derived_by_default() -> dict[str, str]:
    """Derived fact -> the id of the rule of srpp's default rule set that derives it.

    Read from the shipped file itself, not through :func:`default_rules`, so checking the
    default rule set never needs the default rule set.
    """
    import tomllib

    import importlib_resources

    text = importlib_resources.files("srpp.rules").joinpath("default.toml").read_text("utf-8")
    out: dict[str, str] = {}
    for rule in tomllib.loads(text).get("rules", []):
        then = rule.get("then", {})
        if isinstance(then, dict) and isinstance(then.get("derive"), str):
            out.setdefault(then["derive"], str(rule.get("id")))
    return out


def _unknown_fact(name: str, known: list[str]) -> str:
    """An unknown fact; for one srpp-default derives, say how to have it (no misleading guess)."""
    rule = _derived_by_default().get(name)
    if rule is not None:
        message = gettext("unknown fact {name}: rule {rule} of srpp-default derives it, and this rule set "
                          "does not have that rule (a rule file gets it with {extends})")
        return message.format(name=repr(name), rule=repr(rule), extends='extends = "srpp-default"')
    return unknown(gettext("fact"), name, known)


def _cycles(rs: RuleSet, derived: dict[str, list[int]], concludes: dict[str, list[int]]) -> list[Problem]:
    from ._model import Holds, Recommended, Rule

    deps: dict[int, set[int]] = {}
    for i, r in enumerate(rs.rules):
        if not isinstance(r, Rule):
            continue
        d: set[int] = set()
        for c in walk(r.when):
            if isinstance(c, Holds):
                d.update(derived.get(c.fact, ()))
            elif isinstance(c, Recommended):
                d.update(concludes.get(c.instrument, ()))
        deps[i] = d
    problems: list[Problem] = []
    state: dict[int, int] = {}  # 1 = on the path, 2 = done
    reported: set[frozenset[int]] = set()

    def visit(i: int, path: list[int]) -> None:
        state[i] = 1
        path.append(i)
        for j in sorted(deps.get(i, ())):
            if state.get(j) == 1:
                cycle = path[path.index(j):] + [j]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    names = " -> ".join(rs.rules[k].id for k in cycle)
                    message = gettext("dependency cycle: {names}").format(names=names)
                    problems.append(Problem(f"rules[{j}] ({rs.rules[j].id})", message))
            elif j not in state:
                visit(j, path)
        path.pop()
        state[i] = 2

    for i in deps:
        if i not in state:
            visit(i, [])
    return problems


# -- durable-rules' limits -----------------------------------------------------------------
#
# Measured on durable-rules 2.0.28 (see docs/engine.md, "Limits checked when a rule set is
# built"). The analysis runs over the engine definition srpp compiles the rule set to
# (``_engine.to_engine``), so it follows the compiler wherever it goes.

ENGINE_NAMES = (
    "all", "any", "pri", "count", "cap", "dist", "$lt", "$lte", "$gt", "$gte", "$eq", "$neq",
    "$mt", "$imt", "$iall", "$iany", "$ex", "$nex", "$or", "$and", "$s", "$m", "name", "$add",
    "$sub", "$mul", "$div", "$l", "$r", "$forward",
)  # fmt: skip
"""Names whose hashes durable-rules' C core switches on while it reads a rule set (rete.c)."""
MESSAGE_PROPERTIES = ("sid", "id")
"""Properties durable-rules reads from every message by their hashes (state.h)."""
ALPHA_SLOTS = 512
"""Slots of the hash table of tests that follow one test; a full table hangs ``create_ruleset``."""
MAX_TESTS_AFTER_ONE = 256
"""srpp refuses more different tests after one test: half the slots, well below the hang."""
MAX_PATTERNS_AT_ONE = 256
"""Patterns (rule parts) that can end at one test; one more is engine error 108."""
MAX_PROPERTIES = 254
"""Properties of one message (srpp's own ``sid``, ``id``, ``_k`` included); one more is error 302."""
MAX_OPERATORS = 15
"""``$and``/``$or`` operators in one pattern (two expression slots each, 32 slots); error 113."""
MAX_PATTERNS = 16
"""Patterns in one engine rule (a contract and up to 15 joined conclusions); error 304."""
MAX_STACK = 64
"""Tests durable-rules keeps pending while it matches one message; one more is error 303."""


def _prop_test(expr: dict[str, Any]) -> tuple[str, str, Any]:
    """``{"$gte": {"value": 5}}`` or ``{"value": 5}`` as (property, operator, constant)."""
    ((key, inner),) = expr.items()
    if key.startswith("$") and isinstance(inner, dict):
        ((prop, value),) = inner.items()
        return prop, key, value
    return key, "==", inner


class _Node:
    """A test of durable-rules' alpha network, as ``createAlpha`` in rete.c builds it."""

    __slots__ = ("children", "ends", "label", "test", "forward")

    def __init__(self, test: tuple[str, str, Any] | None, label: str, forward: bool = False) -> None:
        self.test = test
        self.label = label
        self.forward = forward
        self.children: dict[Any, _Node] = {}
        self.ends: list[str] = []


class _Network:
    def __init__(self, facts: dict[str, Fact]) -> None:
        self.root = _Node(None, "the start")
        self.forwards = 0
        self.facts = facts

    def label(self, prop: str, op: str, value: Any) -> str:
        """A test as rules write it: ``value >= NOK 5``, ``raw_material >= high``."""
        shown: Any = value
        fact = self.facts.get(prop)
        if fact is not None and not isinstance(value, bool):
            if fact.kind is FactKind.MONEY:
                shown = f"NOK {value // 100:,}"
            elif fact.kind is FactKind.LEVEL:
                shown = next((lv.value for lv in RiskLevel if lv.rank == value), value)
            elif fact.kind is FactKind.CHOICE and 0 <= value < len(fact.choices):
                shown = fact.choices[value]
        elif prop.startswith("_"):
            return "srpp's own test of a fact's kind"
        sym = {"$gte": ">=", "$gt": ">", "$lte": "<=", "$lt": "<", "$neq": "!="}.get(op, "==")
        return f"{prop} {sym} {shown}"

    def add(self, expr: dict[str, Any], parent: _Node) -> _Node:
        ((key, inner),) = expr.items()
        if key == "$and":
            node = parent
            for e in inner:
                node = self.add(e, node)
            return node
        if key == "$or":
            # a fresh forward node, reached from the end of each alternative
            self.forwards += 1
            fwd = _Node(None, parent.label, forward=True)
            for e in inner:
                end = self.add(e, parent)
                end.children[("$forward", self.forwards)] = fwd
            return fwd
        test = _prop_test(expr)
        key_ = (test[0], test[1], repr(test[2]))
        found = parent.children.get(key_)
        if found is None:
            found = parent.children[key_] = _Node(test, self.label(*test))
        return found


def _operators(expr: Any) -> int:
    if isinstance(expr, dict):
        return sum((k in ("$and", "$or")) + _operators(v) for k, v in expr.items())
    if isinstance(expr, list):
        return sum(_operators(e) for e in expr)
    return 0


_TRUE = {
    "==": lambda x, c: x == c, "$neq": lambda x, c: x != c, "$lt": lambda x, c: x < c,
    "$lte": lambda x, c: x <= c, "$gt": lambda x, c: x > c, "$gte": lambda x, c: x >= c,
}  # fmt: skip


def _most_true(tests: list[tuple[str, Any]]) -> int:
    """The most of these tests of one property that one value (or its absence) makes true."""
    constants = [c for _, c in tests]
    candidates: list[Any] = []
    if all(isinstance(c, bool) for c in constants):
        candidates = [True, False]
    else:
        nums = [int(c) for c in constants]
        for c in nums:
            candidates += [c - 1, c, c + 1]
        candidates += [min(nums) - 2, max(nums) + 2]
    best = sum(op == "$neq" for op, _ in tests)  # the property absent: only != could hold
    for x in candidates:
        try:
            best = max(best, sum(bool(_TRUE[op](x, c)) for op, c in tests))
        except TypeError:  # mixed kinds cannot come from srpp; count every test
            return len(tests)
    return best


def _matched_at_once(node: _Node) -> int:
    """An upper bound of the children of ``node`` one message makes true together."""
    by_prop: dict[str, list[tuple[str, Any]]] = {}
    n = 0
    for child in node.children.values():
        if child.test is None:
            n += 1  # a forward node is always passed
        else:
            by_prop.setdefault(child.test[0], []).append((child.test[1], child.test[2]))
    return n + sum(_most_true(tests) for tests in by_prop.values())


def engine_problems(rs: RuleSet) -> tuple[list[Problem], list[Problem]]:
    """(names the engine would confuse, limits the rule set exceeds), each naming what to change.

    Call only on a rule set :func:`check` found valid: it compiles the rule set to durable-rules'
    definition (without the engine) and measures that against the engine's limits above.
    """
    from ._engine import to_engine

    definition, actions, _used = to_engine(rs)
    names: list[Problem] = []
    limits: list[Problem] = []

    def where(engine_rule: str) -> str:
        if engine_rule in actions:
            i = actions[engine_rule][0]
            return f"rules[{i}] ({rs.rules[i].id})"
        return "rules"

    # property names: their hashes against each other and against the engine's own names
    props: set[str] = set(MESSAGE_PROPERTIES)

    def collect(expr: Any) -> None:
        if isinstance(expr, dict):
            for k, v in expr.items():
                if k in ("$and", "$or"):
                    collect(v)
                elif k.startswith("$") and isinstance(v, dict):
                    props.update(v)
                else:
                    props.add(k)
        elif isinstance(expr, list):
            for e in expr:
                collect(e)

    for body in definition.values():
        for pattern in body["all"]:
            for expr in pattern.values():
                collect(expr)
    engine_hashes = {fnv1a_32(n): n for n in ENGINE_NAMES}
    seen: dict[int, str] = {}
    for name in sorted(props):
        h = fnv1a_32(name)
        if h in engine_hashes:
            names.append(Problem("facts", _same_hash_as_operator(name, engine_hashes[h])))
        elif h in seen:
            names.append(Problem("facts", _same_hash(seen[h], name)))
        seen.setdefault(h, name)
    if names:
        return names, limits

    contract_props = {p for p in props if p not in MESSAGE_PROPERTIES and p not in ("_n", "_s")}
    if len(contract_props) + len(MESSAGE_PROPERTIES) > MAX_PROPERTIES:
        used = len(contract_props) - 1  # less srpp's own kind property
        message = gettext("the rules test {used} different facts; durable-rules takes at most {most} "
                          "(engine error 302): test fewer facts, or split the rule set")
        limits.append(Problem("facts", message.format(used=used, most=MAX_PROPERTIES - 3)))

    net = _Network({f.name: f for f in rs.facts})
    for name, body in definition.items():
        patterns = body["all"]
        if len(patterns) > MAX_PATTERNS:
            message = gettext("joins {count} conclusions of other rules; durable-rules joins at most {most} "
                              "in one rule (engine error 304): derive an intermediate fact from some of "
                              "them and test that")
            message = message.format(count=len(patterns) - 1, most=MAX_PATTERNS - 1)
            limits.append(Problem(f"{where(name)}.when", message))
        for pattern in patterns:
            for expr in pattern.values():
                ops = _operators(expr)
                if ops > MAX_OPERATORS:
                    message = gettext("nests {count} all/any groups in one test of the contract; "
                                      "durable-rules takes at most {most} (engine error 113): flatten "
                                      "the condition or split the rule")
                    limits.append(Problem(f"{where(name)}.when", message.format(count=ops, most=MAX_OPERATORS)))
                net.add(expr, net.root).ends.append(name)
    if limits:
        return names, limits

    # every test once: its slots, the patterns ending at it, and (post-order) how many tests
    # can be pending on the engine's stack below it: M(v) = max(m(v), m(v) - 1 + max M(child))
    pending: dict[int, int] = {}
    order: list[_Node] = []
    visited = {id(net.root)}
    path: list[tuple[_Node, Iterator[_Node]]] = [(net.root, iter(list(net.root.children.values())))]
    while path:
        node, children = path[-1]
        child = next(children, None)
        if child is None:
            path.pop()
            order.append(node)
            m = _matched_at_once(node)
            below = max((pending[id(c)] for c in node.children.values()), default=None)
            pending[id(node)] = m if below is None else max(m, m - 1 + below)
        elif id(child) not in visited:
            visited.add(id(child))
            path.append((child, iter(list(child.children.values()))))
    for node in order:
        if len(node.children) > MAX_TESTS_AFTER_ONE:
            message = gettext("{count} different tests follow {test} in durable-rules' network, whose "
                              "table there has {slots} slots (full, it hangs for good); srpp allows "
                              "{most}: use fewer different constants (merge thresholds) or split the "
                              "rule set")
            limits.append(Problem("rules", message.format(count=len(node.children), test=node.label,
                                                          slots=ALPHA_SLOTS, most=MAX_TESTS_AFTER_ONE)))  # fmt: skip
        if len(node.ends) > MAX_PATTERNS_AT_ONE:
            message = gettext("{count} rules end at the test {test}; durable-rules takes at most {most} "
                              "there (engine error 108): merge rules with the same condition")
            limits.append(Problem("rules", message.format(count=len(node.ends), test=node.label,
                                                          most=MAX_PATTERNS_AT_ONE)))  # fmt: skip
    if limits:
        return names, limits
    worst = pending[id(net.root)]
    if worst > MAX_STACK:
        message = gettext("one contract can make {count} tests true at once; durable-rules keeps at "
                          "most {most} pending while it matches a contract (engine error 303): use "
                          "fewer overlapping thresholds on one fact (ranges that exclude each other "
                          "count once), or split the rule set")
        limits.append(Problem("rules", message.format(count=worst, most=MAX_STACK)))
    return names, limits
