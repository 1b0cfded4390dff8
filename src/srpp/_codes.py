"""eForms codes for notices: BT-06 (strategic procurement) and BT-775 (social objective).

The codes and their English names are package data (``srpp/data/eforms_codes.json``),
copied from the eForms SDK's code lists with their version and source.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from typing import Any

import importlib_resources

__all__ = ["NOTICE_TERMS", "code_lists", "gap", "notice_codes"]

NOTICE_TERMS = ("BT-06", "BT-775")
"""The business terms srpp fills and checks, in the order a notice form shows them."""


@functools.cache
def code_lists() -> Mapping[str, Any]:
    """The shipped code list entries, with ``sdk``, ``sdk_version`` and ``source``."""
    text = importlib_resources.files("srpp.data").joinpath("eforms_codes.json").read_text("utf-8")
    data: Mapping[str, Any] = json.loads(text)
    return data


def label(term: str, code: str) -> str | None:
    """The English name of ``code`` in the code list of ``term``; ``None`` if unknown."""
    codes: Mapping[str, str] = code_lists()["lists"].get(term, {}).get("codes", {})
    return codes.get(code)


def notice_codes() -> dict[str, Any]:
    """What a buyer declares in the notice when the contract clauses are used.

    ``{"BT-06": ["soc-obj"], "BT-775": ["hum-right"], "labels": {...}, "sdk_version": ...,
    "source": ...}``: the codes of each business term, their names, and where they are from.

    >>> notice_codes()["BT-775"]
    ['hum-right']
    """
    data = code_lists()
    wanted: Mapping[str, list[str]] = data["recommended"]
    doc: dict[str, Any] = {term: list(wanted[term]) for term in NOTICE_TERMS}
    doc["labels"] = {
        code: label(term, code) for term in NOTICE_TERMS for code in wanted[term]
    }
    doc["sdk_version"] = data["sdk_version"]
    doc["source"] = data["source"]
    return doc


def gap(
    wanted: Mapping[str, Any], declared: Mapping[str, Mapping[str, Iterable[str]]]
) -> list[dict[str, Any]]:
    """The wanted codes that some lot does not declare: one entry per code, naming the lots.

    Args:
        wanted: The recommendation's ``notice_codes`` (only ``BT-06``/``BT-775`` are read).
        declared: Per lot, the codes a notice declares per business term.

    >>> gap({"BT-06": ["soc-obj"], "BT-775": ["hum-right"]},
    ...     {"LOT-1": {"BT-06": ["soc-obj"], "BT-775": []}})  # doctest: +NORMALIZE_WHITESPACE
    [{'term': 'BT-775', 'code': 'hum-right',
      'label': 'Human rights due diligence in global supply chains', 'lots': ['LOT-1']}]
    """
    missing = []
    for term in NOTICE_TERMS:
        for code in wanted.get(term, ()):
            lots = [lot for lot, terms in declared.items() if code not in set(terms.get(term, ()))]
            if lots or not declared:
                missing.append({"term": term, "code": code, "label": label(term, code), "lots": lots})
    return missing
