"""Rule sets and policies to and from documents (TOML, JSON). Nothing here runs code."""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .._errors import InvalidPolicyError, InvalidRuleSetError, Problem, _ProblemsError
from .._model import AttributeSpec, InstrumentType, Phase, Strength
from .._suggest import did_you_mean, unknown
from ._facts import Fact
from ._model import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Conclusion,
    Derive,
    Holds,
    Parameter,
    Policy,
    Recommend,
    Recommended,
    Rule,
    RuleSet,
)


def load_document(path: str | os.PathLike[str] | Any, error: type[_ProblemsError]) -> Any:
    """Parse a ``.toml`` or ``.json`` file (or a Traversable) into plain data."""
    name = str(getattr(path, "name", path))
    try:
        text = path.read_text("utf-8") if hasattr(path, "read_text") else Path(path).read_text("utf-8")
    except OSError as exc:
        raise error([Problem("", f"cannot read {name}: {exc.strerror or exc}")]) from None
    try:
        if name.endswith(".toml"):
            return tomllib.loads(text)
        return json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise error([Problem("", f"{name} is not valid {'TOML' if name.endswith('.toml') else 'JSON'}: {exc}")]) from None


class _Reader:
    """Collects problems while reading a document, so all are reported together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def keys(self, doc: Any, where: str, allowed: Iterable[str], required: Iterable[str] = ()) -> bool:
        if not isinstance(doc, Mapping):
            self.fail(where, f"must be a table/object, got {type(doc).__name__}")
            return False
        allowed = list(allowed)
        for k in doc:
            if k not in allowed:
                self.fail(f"{where}.{k}" if where else str(k), f"unknown key{did_you_mean(str(k), allowed)}")
        ok = True
        for k in required:
            if k not in doc:
                self.fail(f"{where}.{k}" if where else k, "is required")
                ok = False
        return ok

    def text(self, doc: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
        value = doc.get(key, default)
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", f"must be a string, got {value!r}")
            return ""
        return value

    def texts(self, doc: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = doc.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{where}.{key}", f"must be a list of strings, got {value!r}")
            return ()
        return tuple(value)

    def strength(self, value: Any, where: str) -> Strength:
        try:
            return Strength(value)
        except ValueError:
            self.fail(where, unknown("strength", value, [s.value for s in Strength]))
            return Strength.CONSIDER

    def condition(self, doc: Any, where: str) -> Condition:
        if not isinstance(doc, Mapping):
            self.fail(where, f"must be a condition table/object, got {doc!r}")
            return AllOf(())
        for key, cls in (("all", AllOf), ("any", AnyOf)):
            if key in doc:
                self.keys(doc, where, [key])
                items = doc[key]
                if not isinstance(items, list):
                    self.fail(f"{where}.{key}", "must be a list of conditions")
                    return cls(())
                return cls(tuple(self.condition(c, f"{where}.{key}[{j}]") for j, c in enumerate(items)))
        if "holds" in doc:
            self.keys(doc, where, ["holds"])
            return Holds(self.text(doc, "holds", where))
        if "recommended" in doc:
            self.keys(doc, where, ["recommended", "strength"])
            return Recommended(
                self.text(doc, "recommended", where),
                self.strength(doc.get("strength", "consider"), f"{where}.strength"),
            )
        if "fact" in doc:
            self.keys(doc, where, ["fact", "op", "value", "param"], ["op"])
            value = doc.get("value")
            if value is not None and not isinstance(value, int | str):
                self.fail(f"{where}.value", f"must be a number, a string or a boolean, got {value!r}")
                value = None
            param = doc.get("param")
            if param is not None and not isinstance(param, str):
                self.fail(f"{where}.param", f"must be a parameter name, got {param!r}")
                param = None
            return Compare(self.text(doc, "fact", where), str(doc.get("op", "==")), value, param)
        self.fail(where, "must have one of the keys all, any, fact, holds, recommended")
        return AllOf(())

    def conclusion(self, doc: Any, where: str) -> Conclusion | None:
        if not isinstance(doc, Mapping):
            self.fail(where, f"must be a table/object, got {doc!r}")
            return None
        if "recommend" in doc:
            self.keys(doc, where, ["recommend", "strength", "attributes"], ["strength"])
            attributes = doc.get("attributes", {})
            if not isinstance(attributes, Mapping) or not all(isinstance(v, str) for v in attributes.values()):
                self.fail(f"{where}.attributes", f"must map names to strings, got {attributes!r}")
                attributes = {}
            return Recommend(
                self.text(doc, "recommend", where),
                self.strength(doc.get("strength"), f"{where}.strength"),
                attributes,
            )
        if "derive" in doc:
            self.keys(doc, where, ["derive", "label", "absent_note"], ["label"])
            return Derive(
                self.text(doc, "derive", where),
                self.text(doc, "label", where, ""),
                self.text(doc, "absent_note", where, ""),
            )
        self.fail(where, "must have the key recommend or derive")
        return None

    def rule(self, doc: Any, where: str) -> Rule | None:
        if not self.keys(doc, where, ["id", "when", "then", "reason", "sources"], ["id", "when", "then", "reason"]):
            return None
        then = self.conclusion(doc["then"], f"{where}.then")
        when = self.condition(doc["when"], f"{where}.when")
        if then is None:
            return None
        return Rule(
            self.text(doc, "id", where), when, then, self.text(doc, "reason", where),
            self.texts(doc, "sources", where),
        )  # fmt: skip

    def parameter(self, name: str, doc: Any, where: str) -> Parameter | None:
        if not self.keys(doc, where, ["kind", "value", "description", "source"], ["kind", "value"]):
            return None
        return Parameter(
            name, self.text(doc, "kind", where), doc["value"],
            self.text(doc, "description", where, ""), self.text(doc, "source", where, ""),
        )  # fmt: skip

    def instrument(self, doc: Any, where: str) -> InstrumentType | None:
        if not self.keys(doc, where, ["id", "phase", "title", "summary", "sources", "attributes"],
                         ["id", "phase", "title", "summary"]):  # fmt: skip
            return None
        try:
            phase = Phase(doc["phase"])
        except ValueError:
            self.fail(f"{where}.phase", unknown("phase", doc["phase"], [p.value for p in Phase]))
            return None
        attrs_ = doc.get("attributes", [])
        specs = []
        for j, a in enumerate(attrs_ if isinstance(attrs_, list) else []):
            if self.keys(a, f"{where}.attributes[{j}]", ["name", "choices"], ["name", "choices"]):
                specs.append(AttributeSpec(self.text(a, "name", where), self.texts(a, "choices", where)))
        return InstrumentType(
            self.text(doc, "id", where), phase, self.text(doc, "title", where),
            self.text(doc, "summary", where), self.texts(doc, "sources", where), tuple(specs),
        )  # fmt: skip


def ruleset_from_dict(
    doc: Mapping[str, Any],
    *,
    facts: tuple[Fact, ...],
    instruments: Iterable[InstrumentType] | None,
) -> RuleSet:
    """See :meth:`RuleSet.from_dict`."""
    from .._catalogue import instrument_types

    r = _Reader()
    if not r.keys(doc, "", ["name", "description", "version", "notes", "parameters", "instruments", "rules"], ["rules"]):
        raise InvalidRuleSetError(r.problems)
    params = doc.get("parameters", {})
    parameters = []
    if not isinstance(params, Mapping):
        r.fail("parameters", "must be a table/object of parameters by name")
    else:
        for name, p in params.items():
            if (param := r.parameter(str(name), p, f"parameters.{name}")) is not None:
                parameters.append(param)
    known = {i.id: i for i in (instrument_types() if instruments is None else instruments)}
    raw_instruments = doc.get("instruments", [])
    if not isinstance(raw_instruments, list):
        r.fail("instruments", "must be a list of instrument types")
        raw_instruments = []
    for j, i in enumerate(raw_instruments):
        if (it := r.instrument(i, f"instruments[{j}]")) is not None:
            known[it.id] = it
    raw_rules = doc.get("rules")
    rules = []
    if not isinstance(raw_rules, list):
        r.fail("rules", "must be a list of rules")
    else:
        for j, rule in enumerate(raw_rules):
            if (parsed := r.rule(rule, f"rules[{j}]")) is not None:
                rules.append(parsed)
    notes = r.texts(doc, "notes", "")
    name = r.text(doc, "name", "", "custom")
    if r.problems:
        raise InvalidRuleSetError(r.problems)
    return RuleSet(
        rules=tuple(rules), parameters=tuple(parameters), instruments=tuple(known.values()),
        facts=facts, notes=notes, name=name,
    )  # fmt: skip


def condition_to_dict(cond: Condition) -> dict[str, Any]:
    """A condition as a document."""
    if isinstance(cond, AllOf):
        return {"all": [condition_to_dict(c) for c in cond.conditions]}
    if isinstance(cond, AnyOf):
        return {"any": [condition_to_dict(c) for c in cond.conditions]}
    if isinstance(cond, Holds):
        return {"holds": cond.fact}
    if isinstance(cond, Recommended):
        return {"recommended": cond.instrument, "strength": cond.strength.value}
    out: dict[str, Any] = {"fact": cond.fact, "op": cond.op}
    if cond.param is not None:
        out["param"] = cond.param
    else:
        out["value"] = cond.value
    return out


def conclusion_to_dict(then: Conclusion) -> dict[str, Any]:
    """A conclusion as a document."""
    if isinstance(then, Recommend):
        out: dict[str, Any] = {"recommend": then.instrument, "strength": then.strength.value}
        if then.attributes:
            out["attributes"] = dict(then.attributes)
        return out
    out = {"derive": then.fact, "label": then.label}
    if then.absent_note:
        out["absent_note"] = then.absent_note
    return out


def ruleset_to_dict(rs: RuleSet) -> dict[str, Any]:
    """See :meth:`RuleSet.to_dict`."""
    from .._catalogue import instrument_types

    shipped = set(instrument_types())
    return {
        "name": rs.name,
        "notes": list(rs.notes),
        "parameters": {
            p.name: {"kind": p.kind, "value": p.value, "description": p.description, "source": p.source}
            for p in rs.parameters
        },
        "instruments": [
            {
                "id": i.id, "phase": i.phase.value, "title": i.title, "summary": i.summary,
                "sources": list(i.sources),
                "attributes": [{"name": a.name, "choices": list(a.choices)} for a in i.attributes],
            }  # fmt: skip
            for i in rs.instruments
            if i not in shipped
        ],
        "rules": [
            {
                "id": r.id, "when": condition_to_dict(r.when), "then": conclusion_to_dict(r.then),
                "reason": r.reason, "sources": list(r.sources),
            }  # fmt: skip
            for r in rs.rules
        ],
    }


def policy_from_dict(doc: Mapping[str, Any]) -> Policy:
    """See :meth:`Policy.from_dict`."""
    r = _Reader()
    if not r.keys(doc, "", ["parameters", "exchange_rates"]):
        raise InvalidPolicyError(r.problems)
    values = doc.get("parameters", {})
    if not isinstance(values, Mapping):
        r.fail("parameters", "must map parameter names to values")
        values = {}
    for k, v in values.items():
        if isinstance(v, bool) or not isinstance(v, int | str):
            r.fail(f"parameters.{k}", f"must be a whole number or a level name, got {v!r}")
    rates = doc.get("exchange_rates", {})
    if not isinstance(rates, Mapping):
        r.fail("exchange_rates", "must map currency codes to NOK per unit")
        rates = {}
    for k, v in rates.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not v > 0:
            r.fail(f"exchange_rates.{k}", f"must be a positive number of NOK per {k}, got {v!r}")
    if r.problems:
        raise InvalidPolicyError(r.problems)
    return Policy(values, rates)
