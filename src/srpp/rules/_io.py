"""Rule sets and policies to and from documents (TOML, JSON). Nothing here runs code."""

from __future__ import annotations

import datetime
import json
import os
import re
from pathlib import Path
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .._errors import (
    InvalidPolicyError,
    InvalidRuleSetError,
    Problem,
    RuleSetTooLargeError,
    SrppError,
    _ProblemsError,
)
from .._model import AttributeSpec, InstrumentType, Label, Phase, Step, Strength, Template
from .._i18n import gettext
from .._suggest import did_you_mean, unknown
from ._facts import VOCABULARY, Fact, FactKind
from ._model import (
    Change,
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
    _merged,
    derived_name,
)


def load_document(path: str | os.PathLike[str] | Any, error: type[_ProblemsError]) -> Any:
    """Parse a ``.toml`` or ``.json`` file (or a Traversable) into plain data, through srpp's
    reading layer: UTF-8 (a byte-order mark accepted), bounded in size and depth; every
    problem is ``error`` naming the file and the position."""
    from .._readers.source import document

    return document(path, error)


class _Reader:
    """Collects problems while reading a document, so all are reported together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def keys(self, doc: Any, where: str, allowed: Iterable[str], required: Iterable[str] = ()) -> bool:
        if not isinstance(doc, Mapping):
            self.fail(where, gettext("must be a table/object, got {kind}").format(kind=type(doc).__name__))
            return False
        allowed = list(allowed)
        for k in doc:
            if k not in allowed:
                self.fail(f"{where}.{k}" if where else str(k), gettext("unknown key") + did_you_mean(str(k), allowed))
        ok = True
        for k in required:
            if k not in doc:
                self.fail(f"{where}.{k}" if where else k, gettext("is required"))
                ok = False
        return ok

    def text(self, doc: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
        value = doc.get(key, default)
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", gettext("must be a string, got {value}").format(value=repr(value)))
            return ""
        return value

    def texts(self, doc: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = doc.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{where}.{key}", gettext("must be a list of strings, got {value}").format(value=repr(value)))
            return ()
        return tuple(value)

    def strength(self, value: Any, where: str) -> Strength:
        try:
            return Strength(value)
        except ValueError:
            self.fail(where, unknown(gettext("strength"), value, [s.value for s in Strength]))
            return Strength.CONSIDER

    def condition(self, doc: Any, where: str) -> Condition:
        if not isinstance(doc, Mapping):
            self.fail(where, gettext("must be a condition table/object, got {value}").format(value=repr(doc)))
            return AllOf(())
        for key, cls in (("all", AllOf), ("any", AnyOf)):
            if key in doc:
                self.keys(doc, where, [key])
                items = doc[key]
                if not isinstance(items, list):
                    self.fail(f"{where}.{key}", gettext("must be a list of conditions"))
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
                message = gettext("must be a number, a string or a boolean, got {value}")
                self.fail(f"{where}.value", message.format(value=repr(value)))
                value = None
            param = doc.get("param")
            if param is not None and not isinstance(param, str):
                self.fail(f"{where}.param", gettext("must be a parameter name, got {value}").format(value=repr(param)))
                param = None
            return Compare(self.text(doc, "fact", where), str(doc.get("op", "==")), value, param)
        self.fail(where, gettext("must have one of the keys all, any, fact, holds, recommended"))
        return AllOf(())

    def conclusion(self, doc: Any, where: str) -> Conclusion | None:
        if not isinstance(doc, Mapping):
            self.fail(where, gettext("must be a table/object, got {kind}").format(kind=repr(doc)))
            return None
        if "recommend" in doc:
            self.keys(doc, where, ["recommend", "strength", "attributes"], ["strength"])
            attributes = doc.get("attributes", {})
            if not isinstance(attributes, Mapping) or not all(isinstance(v, str) for v in attributes.values()):
                message = gettext("must map names to strings, got {value}")
                self.fail(f"{where}.attributes", message.format(value=repr(attributes)))
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
        self.fail(where, gettext("must have the key recommend or derive"))
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

    def parameter(self, name: str, doc: Any, where: str, inherited: Parameter | None = None) -> Parameter | None:
        """A parameter; one the extended rule set has may give only what changes.

        A ``value`` given without a ``schedule`` applies on every date (the inherited
        schedule is dropped); a ``schedule`` replaces the inherited one.
        """
        keys = ["kind", "value", "description", "source", "basis", "source_date", "schedule"]
        if inherited is not None:
            if not self.keys(doc, where, keys):
                return None
            schedule = inherited.schedule if "value" not in doc else ()
            if "schedule" in doc:
                schedule = self.schedule(doc["schedule"], f"{where}.schedule")
            return Parameter(
                name, self.text(doc, "kind", where, inherited.kind), doc.get("value", inherited.value),
                self.text(doc, "description", where, inherited.description),
                self.text(doc, "source", where, inherited.source),
                self.text(doc, "basis", where, inherited.basis),
                self.date_text(doc, "source_date", where, inherited.source_date), schedule,
            )  # fmt: skip
        if not self.keys(doc, where, keys, ["kind", "value"]):
            return None
        return Parameter(
            name, self.text(doc, "kind", where), doc["value"],
            self.text(doc, "description", where, ""), self.text(doc, "source", where, ""),
            self.text(doc, "basis", where, ""), self.date_text(doc, "source_date", where, ""),
            self.schedule(doc.get("schedule", []), f"{where}.schedule"),
        )  # fmt: skip

    def date_text(self, doc: Mapping[str, Any], key: str, where: str, default: str) -> str:
        """A date as ISO text; TOML's own dates are accepted too."""
        value = doc.get(key, default)
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value.isoformat()
        if not isinstance(value, str):
            message = gettext("must be an ISO date (YYYY-MM-DD), got {value}")
            self.fail(f"{where}.{key}", message.format(value=repr(value)))
            return ""
        return value

    def day(self, value: Any, where: str) -> datetime.date | None:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str):
            try:
                if len(value) == 10:
                    return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(where, gettext("must be an ISO date (YYYY-MM-DD), got {value}").format(value=repr(value)))
        return None

    def schedule(self, items: Any, where: str) -> tuple[Change, ...]:
        """``[{since = 2027-01-01, value = 300_000, source = "..."}, ...]``."""
        if not isinstance(items, list):
            self.fail(where, gettext("must be a list of changes like {example}").format(
                example='{since = 2027-01-01, value = 300000, source = "..."}'))
            return ()
        out = []
        for j, item in enumerate(items):
            here = f"{where}[{j}]"
            if not self.keys(item, here, ["since", "value", "source"], ["since", "value"]):
                continue
            since = self.day(item["since"], f"{here}.since")
            if since is not None:
                out.append(Change(since, item["value"], self.text(item, "source", here, "")))
        return tuple(out)

    def fact(self, name: str, decl: Any, vocabulary: Mapping[str, Fact], where: str) -> Fact | None:
        """A fact the file names, from the vocabulary; its declaration, if any, must match."""
        found = vocabulary.get(name)
        if found is None:
            message = gettext(": facts are code (a function reads each from the contract), so a rule file can "
                              "only name one that srpp's vocabulary (srpp.rules.VOCABULARY) or the caller "
                              "has; pass yours as {example}")
            example = f"RuleSet.load(path, facts=[Fact({name!r}, ...)])"
            self.fail(where, unknown(gettext("fact"), name, vocabulary) + message.format(example=example))
            return None
        if decl is None:
            return found
        if not self.keys(decl, where, _FACT_KEYS):
            return None
        declared = fact_declaration(found)
        for key in _FACT_KEYS:
            if key in decl and decl[key] != declared[key]:
                message = gettext("the file declares {declared}, but the fact {name} given to srpp has {given}")
                self.fail(f"{where}.{key}", message.format(declared=repr(decl[key]), name=repr(name),
                                                           given=repr(declared[key])))  # fmt: skip
        return found

    def instrument(self, doc: Any, where: str) -> InstrumentType | None:
        if not self.keys(doc, where, ["id", "phase", "title", "summary", "sources", "attributes", "steps",
                                      "templates", "labels", "notes"],
                         ["id", "phase", "title", "summary"]):  # fmt: skip
            return None
        try:
            phase = Phase(doc["phase"])
        except ValueError:
            self.fail(f"{where}.phase", unknown(gettext("phase"), doc["phase"], [p.value for p in Phase]))
            return None
        attrs_ = doc.get("attributes", [])
        specs = []
        for j, a in enumerate(attrs_ if isinstance(attrs_, list) else []):
            if self.keys(a, f"{where}.attributes[{j}]", ["name", "choices"], ["name", "choices"]):
                specs.append(AttributeSpec(self.text(a, "name", where), self.texts(a, "choices", where)))
        steps: list[Any] = []
        templates: list[Any] = []
        labels: list[Any] = []
        for key, out, allowed, required in (
            ("steps", steps, ["when", "what", "source"], ["when", "what"]),
            ("templates", templates, ["name", "url"], ["name", "url"]),
            ("labels", labels, ["name", "categories", "source"], ["name"]),
        ):
            items = doc.get(key, [])
            if not isinstance(items, list):
                self.fail(f"{where}.{key}", gettext("must be a list, got {value}").format(value=repr(items)))
                continue
            for j, x in enumerate(items):
                here = f"{where}.{key}[{j}]"
                if not self.keys(x, here, allowed, required):
                    continue
                if key == "steps":
                    out.append(Step(self.text(x, "when", here), self.text(x, "what", here), self.text(x, "source", here, "")))
                elif key == "templates":
                    out.append(Template(self.text(x, "name", here), self.text(x, "url", here)))
                else:
                    out.append(Label(self.text(x, "name", here), self.texts(x, "categories", here), self.text(x, "source", here, "")))
        return InstrumentType(
            self.text(doc, "id", where), phase, self.text(doc, "title", where),
            self.text(doc, "summary", where), self.texts(doc, "sources", where), tuple(specs),
            tuple(steps), tuple(templates), tuple(labels), self.texts(doc, "notes", where),
        )  # fmt: skip


SHIPPED_RULE_SETS = ("srpp-default",)
"""The names ``extends`` accepts besides a path to another rule file."""

_FILE_KEYS = ("name", "description", "version", "extends", "remove", "notes", "facts",
              "parameters", "instruments", "rules")  # fmt: skip
_FACT_KEYS = ("kind", "label", "description", "unit", "choices")


def ruleset_from_dict(
    doc: Mapping[str, Any],
    *,
    facts: tuple[Fact, ...],
    instruments: Iterable[InstrumentType] | None,
    base: str | os.PathLike[str] | None = None,
    chain: tuple[Path, ...] = (),
) -> RuleSet:
    """See :meth:`RuleSet.from_dict`; ``chain`` is the files being read, to find cycles."""
    return _read(doc, facts=facts, instruments=instruments, base=base, chain=chain)[0]


def _read(
    doc: Mapping[str, Any],
    *,
    facts: tuple[Fact, ...],
    instruments: Iterable[InstrumentType] | None,
    base: str | os.PathLike[str] | None = None,
    chain: tuple[Path, ...] = (),
) -> tuple[RuleSet, dict[str, str]]:
    """The rule set of a document, and where each of its rules is written: rule id ->
    ``rules[j] (id)`` for the document's own rules, ``extends (X).<where in X>`` for the
    rules it inherits. Problems the checks of the whole rule set find are reported at
    those places, so they point into the file the user wrote (or the file it extends)."""
    from .._catalogue import instrument_types
    from ._facts import DEFAULT_FACTS

    r = _Reader()
    extends = isinstance(doc, Mapping) and "extends" in doc
    if not r.keys(doc, "", _FILE_KEYS, [] if extends else ["rules"]):
        raise InvalidRuleSetError(r.problems)
    parent: RuleSet | None = None
    origins: dict[str, str] = {}
    if extends:
        parent, inherited_at = _parent(doc["extends"], facts=facts, instruments=instruments, base=base, chain=chain)
        origins = {rid: f"extends ({doc['extends']}).{at}" for rid, at in inherited_at.items()}

    # the vocabulary the file may name facts from: the caller's, then srpp's documented one
    vocabulary = {f.name: f for f in (*VOCABULARY, *facts)}
    base_facts = _merged(parent.facts if parent is not None else DEFAULT_FACTS, facts, "name")
    own_facts = []
    raw_facts = doc.get("facts", {})
    if isinstance(raw_facts, list) and all(isinstance(n, str) for n in raw_facts):
        raw_facts = dict.fromkeys(raw_facts)  # names only: facts = ["risk_overridden"]
    if not isinstance(raw_facts, Mapping):
        r.fail("facts", gettext("must be a list of fact names or a table of fact declarations by name"))
        raw_facts = {}
    refused: set[str] = set()  # declared facts that could not be read
    for name, decl in raw_facts.items():
        if (fact := r.fact(str(name), decl, vocabulary, f"facts.{name}")) is not None:
            own_facts.append(fact)
        else:
            refused.add(str(name))

    params = doc.get("parameters", {})
    inherited = {p.name: p for p in parent.parameters} if parent is not None else {}
    parameters = []
    if not isinstance(params, Mapping):
        r.fail("parameters", gettext("must be a table/object of parameters by name"))
    else:
        for name, p in params.items():
            if (param := r.parameter(str(name), p, f"parameters.{name}", inherited.get(str(name)))) is not None:
                parameters.append(param)

    if parent is not None:
        known = {i.id: i for i in parent.instruments}
    else:
        known = {i.id: i for i in (instrument_types() if instruments is None else instruments)}
    raw_instruments = doc.get("instruments", [])
    if not isinstance(raw_instruments, list):
        r.fail("instruments", gettext("must be a list of instrument types"))
        raw_instruments = []
    for j, i in enumerate(raw_instruments):
        if (it := r.instrument(i, f"instruments[{j}]")) is not None:
            known[it.id] = it

    raw_rules = doc.get("rules", [])
    rules = []
    if not isinstance(raw_rules, list):
        r.fail("rules", gettext("must be a list of rules"))
    else:
        own: dict[str, int] = {}
        for j, rule in enumerate(raw_rules):
            if (parsed := r.rule(rule, f"rules[{j}]")) is not None:
                if parsed.id in own:
                    message = gettext("duplicate rule id {id} (also {other})")
                    r.fail(f"rules[{j}] ({parsed.id}).id",
                           message.format(id=repr(parsed.id), other=f"rules[{own[parsed.id]}]"))  # fmt: skip
                    continue
                own[parsed.id] = j
                origins[parsed.id] = f"rules[{j}] ({parsed.id})"
                rules.append(parsed)
    remove = r.texts(doc, "remove", "")
    notes = r.texts(doc, "notes", "")
    default_name = "custom" if parent is None else derived_name(parent.name)
    if base is not None and chain:
        default_name = chain[-1].stem
    name = r.text(doc, "name", "", default_name)

    if parent is None:
        if remove:
            r.fail("remove", gettext("removes rules of the rule set named in extends; this file extends none"))
        def build() -> RuleSet:
            return RuleSet(
                rules=tuple(rules), parameters=tuple(parameters), instruments=tuple(known.values()),
                facts=_merged(base_facts, own_facts, "name"), notes=notes, name=name,
            )  # fmt: skip

        return _built(r, build, refused, origins, tuple(rules)), origins

    ids = [x.id for x in parent.rules]
    for j, rid in enumerate(remove):
        if rid not in ids:
            r.fail(f"remove[{j}]", unknown(gettext("rule of {name}").format(name=repr(parent.name)), rid, ids))
    new = {x.id: x for x in rules}
    kept = [new.pop(x.id, x) for x in parent.rules if x.id not in remove]

    def build_derived() -> RuleSet:
        return RuleSet(
            rules=(*kept, *new.values()),
            parameters=_merged(parent.parameters, parameters, "name"),
            instruments=tuple(known.values()),
            facts=_merged(base_facts, own_facts, "name"),
            notes=(*parent.notes, *notes),
            name=name,
        )

    return _built(r, build_derived, refused, origins, (*kept, *new.values())), origins


_RULE_PATH = re.compile(r"^rules\[(\d+)\](?: \([^)]*\))?(.*)$", re.DOTALL)


def _cycle() -> str:
    """The message for rule files that extend each other in a cycle, with ``{names}``."""
    return gettext("rule files extend each other in a cycle: {names}")


def _placed(problems: Iterable[Problem], rules: tuple[Rule, ...], origins: Mapping[str, str]) -> list[Problem]:
    """``problems`` of a built rule set, whose paths count its rules (``rules[14]``), with
    each rule's path in the file instead (``rules[0] (id)``, or ``extends (X)....`` for an
    inherited rule)."""
    out = []
    for p in problems:
        m = _RULE_PATH.match(p.field)
        if m is not None and int(m.group(1)) < len(rules):
            at = origins.get(getattr(rules[int(m.group(1))], "id", None) or "")
            if at is not None:
                p = Problem(at + m.group(2), p.message)
        out.append(p)
    return out


def _built(
    r: _Reader,
    build: Callable[[], RuleSet],
    refused: set[str],
    origins: Mapping[str, str],
    rules: tuple[Rule, ...],
) -> RuleSet:
    """The rule set ``build`` makes, or one error with every problem of the file at once.

    When reading already found problems, the rule set is still built from what could be read
    (unreadable values stand in as defaults), so the checks of the whole rule set (unknown
    facts, instruments, operators) are reported in the same error, not one run later. Uses of
    a declared fact that reading ``refused`` are not reported again. Paths that count the
    built set's ``rules`` are placed where ``origins`` says each rule is written.
    """
    problems = list(r.problems)
    echoes = tuple(gettext("unknown {kind} {name}").format(kind=gettext("fact"), name=repr(name)) for name in refused)
    try:
        built = build()
    except InvalidRuleSetError as exc:
        problems += [p for p in _placed(exc.problems, rules, origins)
                     if p not in problems and not any(e in p for e in echoes)]  # fmt: skip
    except RuleSetTooLargeError as exc:
        if problems:
            raise InvalidRuleSetError(problems) from None
        placed = _placed(exc.problems, rules, origins)
        head = str(exc).split("\n", 1)[0]
        raise RuleSetTooLargeError(head + "".join(f"\n  - {p}" for p in placed), exc.code, placed) from None
    except SrppError:
        if not problems:
            raise
        # a rule set that could not even be read whole: what reading found is the error
    else:
        if not problems:
            return built
    raise InvalidRuleSetError(problems)


def _parent(
    extends: Any,
    *,
    facts: tuple[Fact, ...],
    instruments: Iterable[InstrumentType] | None,
    base: str | os.PathLike[str] | None,
    chain: tuple[Path, ...],
) -> tuple[RuleSet, dict[str, str]]:
    """The rule set that ``extends`` names: a shipped one, or a rule file relative to ``base``;
    with where each of its rules is written in it (see :func:`_read`)."""
    from . import default_rules

    if not isinstance(extends, str) or not extends.strip():
        message = gettext("must name a rule set ('srpp-default') or the path of a rule file, got {value}")
        raise InvalidRuleSetError([Problem("extends", message.format(value=repr(extends)))])
    if extends in SHIPPED_RULE_SETS:
        shipped = default_rules()
        return shipped, {x.id: f"rules[{k}] ({x.id})" for k, x in enumerate(shipped.rules)}
    if not extends.endswith((".toml", ".json")):
        hint = gettext(" (or give the path of a .toml or .json rule file)")
        raise InvalidRuleSetError([Problem("extends", unknown(gettext("rule set"), extends, SHIPPED_RULE_SETS) + hint)])
    path = (Path(base) if base is not None else Path.cwd()) / extends
    resolved = path.resolve()
    if resolved in chain:
        names = " -> ".join(str(p) for p in (*chain[chain.index(resolved):], resolved))
        raise InvalidRuleSetError([Problem("extends", _cycle().format(names=names))])
    try:
        doc = load_document(path, InvalidRuleSetError)
        if not isinstance(doc, Mapping):
            message = gettext("must be a table/object, got {kind}")
            raise InvalidRuleSetError([Problem("", message.format(kind=type(doc).__name__))])
        return _read(doc, facts=facts, instruments=instruments, base=resolved.parent,
                     chain=(*chain, resolved))  # fmt: skip
    except InvalidRuleSetError as exc:
        raise InvalidRuleSetError(
            p if p.message.startswith(_cycle().split("{", 1)[0]) else p.within(f"extends ({extends})")
            for p in exc.problems
        ) from None


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


def fact_declaration(fact: Fact) -> dict[str, Any]:
    """What a rule file says of a fact: everything but the code that reads it."""
    return {"kind": fact.kind.value, "label": fact.label, "description": fact.description,
            "unit": fact.unit, "choices": list(fact.choices)}  # fmt: skip


def _instrument_to_dict(i: InstrumentType) -> dict[str, Any]:
    return {
        "id": i.id, "phase": i.phase.value, "title": i.title, "summary": i.summary,
        "sources": list(i.sources),
        "attributes": [{"name": a.name, "choices": list(a.choices)} for a in i.attributes],
        **({"steps": [x.to_dict() for x in i.steps]} if i.steps else {}),
        **({"templates": [x.to_dict() for x in i.templates]} if i.templates else {}),
        **({"labels": [{"name": x.name, "categories": list(x.categories), "source": x.source}
                       for x in i.labels]} if i.labels else {}),
        **({"notes": list(i.notes)} if i.notes else {}),
    }  # fmt: skip


def _parameter_to_dict(p: Parameter) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": p.kind, "value": p.value, "description": p.description, "source": p.source}
    if p.basis:
        out["basis"] = p.basis
    if p.source_date:
        out["source_date"] = p.source_date
    if p.schedule:
        out["schedule"] = [
            {"since": c.since.isoformat(), "value": c.value, **({"source": c.source} if c.source else {})}
            for c in p.schedule
        ]
    return out


def _rule_to_dict(r: Rule) -> dict[str, Any]:
    return {
        "id": r.id, "when": condition_to_dict(r.when), "then": conclusion_to_dict(r.then),
        "reason": r.reason, "sources": list(r.sources),
    }  # fmt: skip


def _unrepresentable(have: Iterable[Any], base: Iterable[Any], key: str, what: str) -> list[Problem]:
    """Problems if ``have`` is not ``base`` with items replaced in place and others added."""
    have_keys = [getattr(x, key) for x in have]
    base_keys = [getattr(x, key) for x in base]
    missing = [k for k in base_keys if k not in have_keys]
    if missing:
        return [Problem(what, f"the rule set lacks {', '.join(map(repr, missing))}, which a rule file "
                        f"always has (every file starts from srpp's {what}); a file cannot remove "
                        f"{what}, so keep them (rules need not use them)")]  # fmt: skip
    if have_keys[: len(base_keys)] != base_keys:
        return [Problem(what, f"the rule set has srpp's {what} in another order than srpp "
                        f"({', '.join(have_keys)}), which a file cannot say; keep srpp's first, "
                        "in its order, and add yours after them")]  # fmt: skip
    return []


def ruleset_to_dict(rs: RuleSet) -> dict[str, Any]:
    """See :meth:`RuleSet.to_dict`."""
    from .._catalogue import instrument_types
    from ._facts import DEFAULT_FACTS

    shipped = instrument_types()
    problems = _unrepresentable(rs.instruments, shipped, "id", "instrument types")
    problems += _unrepresentable(rs.facts, DEFAULT_FACTS, "name", "facts")
    if problems:
        raise InvalidRuleSetError(problems)
    doc: dict[str, Any] = {"name": rs.name, "notes": list(rs.notes)}
    own_facts = [f for f in rs.facts if f not in DEFAULT_FACTS or f.extract is not _extract_of(f)]
    if own_facts:
        doc["facts"] = {f.name: fact_declaration(f) for f in own_facts}
    doc["parameters"] = {p.name: _parameter_to_dict(p) for p in rs.parameters}
    doc["instruments"] = [_instrument_to_dict(i) for i in rs.instruments if i not in shipped]
    doc["rules"] = [_rule_to_dict(r) for r in rs.rules]
    return doc


def _extract_of(fact: Fact) -> Any:
    """The function srpp's own fact of this name reads the contract with."""
    return next((f.extract for f in VOCABULARY if f.name == fact.name), None)


def canonical(rs: RuleSet) -> bytes:
    """The rule set's content as canonical JSON bytes (sorted keys, no spaces), for digests.

    Everything that decides a result is in it: rules, parameters, every instrument type,
    every fact with the module and name of the function that reads it, the notes. The
    name is not: a rule set renamed gives the same results, and the same digest.
    """

    def code(f: Fact) -> str:
        fn = f.extract
        return f"{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', type(fn).__qualname__)}"

    content = {
        "notes": list(rs.notes),
        "facts": {f.name: {**fact_declaration(f), "extract": code(f)} for f in rs.facts},
        "parameters": {p.name: _parameter_to_dict(p) for p in rs.parameters},
        "instruments": [_instrument_to_dict(i) for i in rs.instruments],
        "rules": [_rule_to_dict(r) for r in rs.rules],
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def policy_from_dict(doc: Mapping[str, Any], rules: RuleSet | None = None) -> Policy:
    """See :meth:`Policy.from_dict`: every problem of the document in one error, those of
    its values against ``rules``' parameters too when ``rules`` is given."""
    from ._model import _policy_values, _rates

    r = _Reader()
    if not r.keys(doc, "", ["parameters", "exchange_rates"]):
        raise InvalidPolicyError(r.problems)
    values = doc.get("parameters", {})
    if not isinstance(values, Mapping):
        r.fail("parameters", gettext("must map parameter names to values"))
        values = {}
    good: dict[str, Any] = {}
    for k, v in values.items():
        try:
            good.update(_policy_values({str(k): v}))
        except InvalidPolicyError as exc:
            r.problems += exc.problems
    rates = doc.get("exchange_rates", {})
    if not isinstance(rates, Mapping):
        r.fail("exchange_rates", gettext("must map currency codes to NOK per unit"))
        rates = {}
    good_rates: dict[str, Any] = {}
    for k, v in rates.items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            message = gettext("must be a positive number of NOK per {code}, got {value}")
            r.fail(f"exchange_rates.{k}", message.format(code=k, value=repr(v)))
            continue
        try:
            good_rates.update(_rates({str(k): v}))
        except InvalidPolicyError as exc:
            r.problems += exc.problems
    policy = Policy(good, good_rates)
    if rules is not None:
        try:
            rules.with_policy(policy)
        except InvalidPolicyError as exc:
            r.problems += exc.problems
    if r.problems:
        raise InvalidPolicyError(r.problems)
    return policy
