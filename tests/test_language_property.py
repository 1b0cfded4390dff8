"""Invariant 10 of DESIGN.md: the language changes words only."""

from __future__ import annotations

from typing import Any

from hypothesis import given

import srpp
from srpp import Contract

from .strategies import contracts

WORDS = {"reason", "steps", "notes", "templates"}  # the words of an instrument; the rest is ids, codes and figures


def _without_words(doc: dict[str, Any]) -> dict[str, Any]:
    doc = dict(doc)
    doc.pop("language")
    doc.pop("notes")
    doc["instruments"] = [{k: v for k, v in i.items() if k not in WORDS} for i in doc["instruments"]]
    return doc


@given(contracts())
def test_english_and_norwegian_results_have_the_same_ids_strengths_forms_and_codes(c: Contract) -> None:
    """Same instruments, phases, strengths, forms, rules, risk, high-risk, priority, trace."""
    en = srpp.recommend(c, language="en")
    nb = srpp.recommend(c, language="nb")
    assert [(i.id, i.phase, i.strength, i.attributes, i.rule, i.rules, i.sources) for i in en.instruments] == [
        (i.id, i.phase, i.strength, i.attributes, i.rule, i.rules, i.sources) for i in nb.instruments
    ]
    assert (en.high_risk, en.priority, en.risk, en.facts, en.fired) == (
        nb.high_risk, nb.priority, nb.risk, nb.facts, nb.fired)  # fmt: skip
    assert len(en.notes) == len(nb.notes)
    assert _without_words(en.to_dict()) == _without_words(nb.to_dict())
