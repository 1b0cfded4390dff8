"""Recommendation documents as JSON Lines, the way ``srpp recommend --format json`` writes them.

:func:`recommendation_line` writes exactly ``json_line(rec.to_dict())``, but most of a
recommendation document is the same for many contracts: an instrument's steps, templates,
labels, notes and sources, the notes and rules of a decision class, the provenance. Those
parts are encoded once and kept (by the identity of the objects they come from, which
:func:`srpp.recommend` shares between the recommendations of a class); only what is each
contract's own (the contract, the reasons citing its figures, its facts) is encoded per line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from .._cache import remember
from .._codes import code_lists, notice_codes
from .._model import Instrument, Recommendation, RiskLevel, RiskProfile, _plain

__all__ = ["json_line", "json_text", "recommendation_line"]

_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_encode = json.JSONEncoder(ensure_ascii=False).encode
_string: Callable[[str], str] = json.encoder.encode_basestring  # what _encode does for a str


def _escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


_C1_AS_DEL = bytes(0x7F if 0x7F <= i <= 0x9F else i for i in range(256))


def _safe(text: str) -> str:
    """JSON text with C1 controls, bidi overrides and lone surrogates as ``\\u`` escapes."""
    if text.isascii():
        if "\x7f" not in text:
            return text  # nothing to escape: the common case, tested in C
    else:
        try:
            latin = text.encode("latin-1")
        except UnicodeEncodeError:  # beyond Latin-1: the full search
            return _UNSAFE_IN_JSON.sub(_escape, text)
        if b"\x7f" not in latin.translate(_C1_AS_DEL):
            return text  # Latin-1 without DEL or C1 controls (Norwegian letters, say)
    return _UNSAFE_IN_JSON.sub(_escape, text)


def json_line(doc: Any) -> str:
    """One JSON document on one line, UTF-8-safe and terminal-safe: C1 controls, bidi
    overrides and lone surrogates are written as ``\\u`` escapes (json escapes C0 itself)."""
    return _safe(_encode(doc)) + "\n"


def json_text(doc: Any, indent: int | None = None) -> str:
    """A JSON document (``indent``: as :func:`json.dumps`), escaped as :func:`json_line`
    escapes it: C0 and C1 controls, bidi overrides and lone surrogates as ``\\u`` escapes."""
    return _safe(json.dumps(doc, ensure_ascii=False, indent=indent))


_LIMIT = 8192
_kept: dict[Any, tuple[Any, str]] = {}


def _kept_text(obj: Any, make: Callable[[Any], str]) -> str:
    """The safe text ``make(obj)``, kept by the identity of ``obj`` (kept alive with it, so
    its id cannot be another object's while the entry lasts)."""
    found = _kept.get(id(obj))
    if found is not None and found[0] is obj:
        return found[1]
    text = _safe(make(obj))
    remember(_kept, id(obj), (obj, text), _LIMIT)
    return text


def _kept_json(obj: Any, make: Callable[[Any], Any]) -> str:
    """The safe JSON of ``make(obj)``, kept by the identity of ``obj`` (see :func:`_kept_text`)."""
    found = _kept.get(id(obj))
    if found is not None and found[0] is obj:
        return found[1]
    return _kept_text(obj, lambda o: _encode(make(o)))


_heads: dict[tuple[int, ...], tuple[tuple[Any, ...], str]] = {}
_FIXED = frozenset(("id", "phase", "strength", "rule", "reason", "sources", "rules", "steps", "templates",
                    "labels", "notes"))  # fmt: skip


def _head(inst: Instrument) -> str:
    """``{"id": ..., "phase": ..., "strength": ..., "rule": ..., "reason": `` of an instrument."""
    parts = (inst.id, inst.phase, inst.strength, inst.rule)
    key = tuple(map(id, parts))
    found = _heads.get(key)  # (an entry keeps its parts alive: their ids are theirs)
    if found is None:
        text = _safe(_encode({"id": inst.id, "phase": inst.phase.value, "strength": inst.strength.value,
                              "rule": inst.rule, "reason": ""}))  # fmt: skip
        found = (parts, text[: -len('""}')])
        remember(_heads, key, found, _LIMIT)
    return found[1]


def _attributes(pairs: tuple[tuple[str, str], ...]) -> str:
    """``, "form": "full"`` for each attribute; NUL for an attribute named like another key
    (to_dict's update puts its value in that key's place)."""
    if not _FIXED.isdisjoint(name for name, _ in pairs):
        return "\x00"
    return "".join(f", {_encode(k)}: {_encode(v)}" for k, v in pairs)


def _dicts(items: tuple[Any, ...]) -> list[Any]:
    return [x.to_dict() for x in items]


def _instrument(inst: Instrument) -> str:
    """:meth:`Instrument.to_dict` as JSON, its parts (but the reason) kept by their identity:
    :func:`srpp.recommend` shares them between the instruments of a class and rule."""
    attributes = _kept_text(inst.attributes, _attributes) if inst.attributes else ""
    if attributes == "\x00":
        return _safe(_encode(inst.to_dict()))  # an attribute that replaces a key: as to_dict does
    return "".join((
        _head(inst), _safe(_string(inst.reason)),
        ', "sources": ', _kept_json(inst.sources, _list),
        attributes,
        ', "rules": ', _kept_json(inst.rules, _list),
        ', "steps": ' + _kept_json(inst.steps, _dicts) if inst.steps else "",
        ', "templates": ' + _kept_json(inst.templates, _dicts) if inst.templates else "",
        ', "labels": ' + _kept_json(inst.labels, _dicts) if inst.labels else "",
        ', "notes": ' + _kept_json(inst.notes, _list) if inst.notes else "",
        "}",
    ))  # fmt: skip


def _list(items: tuple[Any, ...]) -> list[Any]:
    return list(items)


_CONSTANTS = {True: "true", False: "false", None: "null"}
_keys: dict[str, str] = {}
_risks: dict[tuple[Any, ...], str] = {}


def _facts(facts: tuple[tuple[str, Any], ...]) -> str:
    """The JSON of ``{name: _plain(value)}`` (as json writes it), the common types first."""
    parts = []
    for k, v in facts:
        head = _keys.get(k)
        if head is None:
            head = _keys[k] = _safe(_string(k)) + ": "
        t = type(v)
        if t is str:
            parts.append(head + _safe(_string(v)))
        elif t is RiskLevel:
            parts.append(head + _string(v._value_))
        elif t is int:
            parts.append(head + int.__repr__(v))
        elif t is bool or v is None:
            parts.append(head + _CONSTANTS[v])
        else:
            parts.append(head + _safe(_encode(_plain(v))))
    return "{" + ", ".join(parts) + "}"


def _constant(value: bool | None) -> str:
    return _CONSTANTS[value] if value is None or type(value) is bool else _safe(_encode(value))


def _risk(risk: RiskProfile) -> str:
    key = (risk.raw_material, risk.component, risk.assembly)
    found = _risks.get(key)
    if found is None:
        found = _risks[key] = _encode(risk.to_dict())
    return found


def _notice_codes(_: Any) -> dict[str, Any]:
    return notice_codes()


def _provenance(rec: Recommendation) -> str:
    p = rec.provenance
    return "null" if p is None else _kept_json(p, lambda p: p.to_dict())


def recommendation_line(rec: Recommendation) -> str:
    """``json_line(rec.to_dict())``, with the parts shared between recommendations encoded
    once (see the module's notes)."""
    # as Recommendation.notice_codes: the codes when the contract clauses are recommended;
    # made from the shipped code lists, so kept with them
    codes = "null" if "contract-clauses" not in rec else _kept_json(code_lists(), _notice_codes)
    return "".join((
        '{"language": ', _safe(_encode(rec.language)),
        ', "contract": ', _safe(_encode(rec.contract.to_dict())),
        ', "risk": ', _risk(rec.risk),
        ', "high_risk": ', _constant(rec.high_risk),
        ', "priority": ', _constant(rec.priority),
        ', "overridden": ', _encode([t.value for t in rec.overridden]) if rec.overridden else "[]",
        ', "instruments": [', ", ".join([_instrument(i) for i in rec.instruments]),
        '], "notes": ', _kept_json(rec.notes, _list),
        ', "notice_codes": ', codes,
        ', "trace": {"facts": ', _facts(rec.facts),
        ', "fired": ', _kept_json(rec.fired, _list),
        '}, "provenance": ', _provenance(rec), "}\n",
    ))  # fmt: skip
