"""The JSON Schema of the contract document, generated from the model and the catalogue."""

from __future__ import annotations

from typing import Any

import attrs

from ._catalogue import Catalogue, default_catalogue
from ._model import MAX_AMOUNT, MarketMaturity, RiskLevel, Tier


def contract_schema(catalogue: Catalogue | None = None) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for contract documents over a catalogue's products.

    srpp ships it for the default catalogue as ``srpp/data/contract.schema.json``.
    Validation by srpp itself is stricter only in what JSON Schema cannot say (whether a
    CPV code exists in CPV 2008, for instance); every document srpp accepts is valid here.
    """
    from ._readers.documents import _ContractDoc, _MoneyDoc

    cat = default_catalogue() if catalogue is None else catalogue
    fields = {a.name for a in attrs.fields(_ContractDoc)}
    money = {a.name for a in attrs.fields(_MoneyDoc)}
    number = {"type": "number", "minimum": 0, "exclusiveMaximum": int(MAX_AMOUNT)}
    iso_date = {"type": "string", "format": "date", "pattern": r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$"}
    # a rate as text: positive, below 1e6 NOK per unit (as srpp.Money checks it)
    rate_text = {"type": "string", "pattern": r"^\s*(?=[0-9.]*[1-9])0*[0-9]{1,6}(\.[0-9]+)?\s*$"}
    # what srpp.parse_amount reads, less negatives and the ambiguous "150.000" / "1,000"
    amount_text = {
        "type": "string",
        "pattern": r"^\s*([0-9]+|[0-9]{1,3}([ \u00a0\u202f][0-9]{3})+)([.,][0-9]+)?\s*$",
        "not": {"pattern": r"^\s*[1-9][0-9]{0,2}[.,][0-9]{3}\s*$"},
    }
    props: dict[str, Any] = {
        "id": {"type": ["string", "null"]},
        "title": {"type": ["string", "null"]},
        "products": {
            "type": "array", "uniqueItems": True,
            "items": {"enum": sorted(cat.ids())},
        },
        "cpv": {
            "type": "array", "uniqueItems": True,
            "items": {"type": "string", "pattern": r"^\s*[0-9]{8}(-[0-9])?\s*$"},
        },
        "value": {
            "type": "object",
            "additionalProperties": False,
            "required": ["amount"],
            "properties": {
                "amount": {"anyOf": [number, amount_text]},
                "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "default": "NOK"},
                "exchange_rate": {"anyOf": [
                    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1_000_000},
                    rate_text,
                ]},  # fmt: skip
            },
            "if": {"properties": {"currency": {"not": {"const": "NOK"}}}, "required": ["currency"]},
            "then": {"required": ["exchange_rate"]},
            # in NOK a rate, if given, is 1
            "else": {"properties": {"exchange_rate": {"anyOf": [
                {"const": 1}, {"type": "null"}, {"type": "string", "pattern": r"^\s*0*1(\.0+)?\s*$"},
            ]}}},  # fmt: skip
        },
        "duration_months": {"type": "integer", "minimum": 1, "maximum": 1200},
        "duration_days": {"type": "integer", "minimum": 1, "maximum": 36_525},
        "start_date": iso_date,
        "end_date": iso_date,
        "date": iso_date,
        "market_maturity": {"enum": [m.value for m in MarketMaturity], "default": "unknown"},
        "contains_conflict_minerals": {"type": "boolean"},
        "risk_overrides": {
            "type": "object",
            "additionalProperties": False,
            "properties": {t.value: {"enum": [lv.value for lv in RiskLevel]} for t in Tier},
        },
    }  # fmt: skip
    def given(name: str) -> dict[str, Any]:
        """The document has ``name``, and not as null."""
        return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}

    # null stands for "not known" wherever the model has None (srpp reads it as absent)
    for name in ("value", "duration_months", "duration_days", "start_date", "end_date", "date",
                 "contains_conflict_minerals"):  # fmt: skip
        props[name] = {"anyOf": [props[name], {"type": "null"}]}
    rate = props["value"]["anyOf"][0]["properties"]
    rate["exchange_rate"] = {"anyOf": [rate["exchange_rate"], {"type": "null"}]}
    assert set(props) == fields and set(props["value"]["anyOf"][0]["properties"]) == money
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://srpp.invalid/contract.schema.json",
        "title": "srpp contract document",
        "type": "object",
        "additionalProperties": False,
        "anyOf": [
            {"required": ["products"], "properties": {"products": {"minItems": 1}}},
            {"required": ["cpv"], "properties": {"cpv": {"minItems": 1}}},
        ],
        # the period one way at most: months, days, or both dates (null counts as absent)
        "allOf": [
            {"if": given("start_date"), "then": given("end_date")},
            {"if": given("end_date"), "then": given("start_date")},
        ],
        "not": {
            "anyOf": [
                {"allOf": [given("duration_months"), given("duration_days")]},
                {"allOf": [given("duration_months"), given("start_date")]},
                {"allOf": [given("duration_days"), given("start_date")]},
            ]
        },
        "properties": props,
    }
