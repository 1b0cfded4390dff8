"""Validation is complete: what srpp accepts never fails later, and it agrees with its schema."""

from __future__ import annotations

import json
from typing import Any

import importlib_resources
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import srpp
from srpp import Contract, InvalidContractError, InvalidPolicyError, Policy

SCHEMA = json.loads(importlib_resources.files("srpp.data").joinpath("contract.schema.json").read_text("utf-8"))
# dates are checked as calendar dates too ("format": "date", asserted)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
BASE = {"id": "c-1", "title": "Laptops", "products": ["laptops"], "value": {"amount": 2_000_000},
        "duration_months": 36}  # fmt: skip


class TestInstancesOfTheIssue:
    def test_a_policy_document_from_python(self) -> None:
        """policy={"exchange_rates": {...}} was a TypeError (unhashable type)."""
        doc = BASE | {"value": {"amount": 100_000, "currency": "EUR"}}
        rec = srpp.recommend(doc, policy={"exchange_rates": {"EUR": 11.5}})
        assert rec.contract.value.nok == 1_150_000

    def test_a_key_that_is_not_a_string(self) -> None:
        """Contract.from_dict({1: "x"}) was a TypeError."""
        with pytest.raises(InvalidContractError, match="keys of a contract document must be strings"):
            Contract.from_dict({1: "x"})

    @pytest.mark.parametrize("rate", ["abc", "NaN", "-1", 0, 1e7, True, None])
    def test_a_bad_exchange_rate_in_a_policy(self, rate: Any) -> None:
        """Policy({}, {"EUR": "abc"}) was a decimal error; every bad rate names its field."""
        with pytest.raises(InvalidPolicyError, match="exchange_rates.EUR: must be a positive number"):
            Policy({}, {"EUR": rate})

    def test_a_huge_exchange_rate(self) -> None:
        """"exchange_rate": 1e20 passed validation and overflowed Decimal later."""
        doc = BASE | {"value": {"amount": 5, "currency": "EUR", "exchange_rate": 1e20}}
        with pytest.raises(InvalidContractError, match="value.exchange_rate: .*below 1e6"):
            Contract.from_dict(doc)
        doc = BASE | {"value": {"amount": 10**12, "currency": "EUR", "exchange_rate": 11}}
        with pytest.raises(InvalidContractError, match="value.amount: is NOK 1.10E\\+13"):
            Contract.from_dict(doc)

    def test_a_huge_duration(self) -> None:
        """"duration_months": 2**62 passed validation and failed in the engine naming nothing."""
        with pytest.raises(InvalidContractError, match="duration_months: .*from 1 to 1200"):
            Contract.from_dict(BASE | {"duration_months": 2**62})
        with pytest.raises(InvalidContractError, match="duration_months"):
            Contract((srpp.product("laptops"),), srpp.Money(1), 2**62)

    @pytest.mark.parametrize("amount", ["1e3", "1_000", "-0", "\uff11\uff12", "+5"])
    def test_amount_texts_the_schema_rejects_are_rejected(self, amount: str) -> None:
        """Both say no."""
        doc = BASE | {"value": {"amount": amount}}
        assert not VALIDATOR.is_valid(doc)
        with pytest.raises(InvalidContractError, match="value.amount"):
            Contract.from_dict(doc)

    def test_a_null_title_is_valid_for_both(self) -> None:
        """null means absent, in the schema and in srpp."""
        doc = BASE | {"title": None}
        assert VALIDATOR.is_valid(doc) and Contract.from_dict(doc).title is None


TRICKY: list[Any] = [
    None, True, 0, -1, 1, 1.5, -0.0, 1e20, 2**62, 1201, 36_526, "", "x", "1e3", "1_000", "-0",
    "1 000", "1 000,5", "150.000", "\uff11", "NOK", "EUR", "high", "very_high", "2026-01-31",
    "2026-02-30", [], ["laptops"], ["laptops", "laptops"], ["nope"], {}, {"amount": 1},
    {"amount": "12"}, {"amount": 5, "currency": "EUR"}, {"amount": 5, "currency": "EUR", "exchange_rate": 11},
    {"amount": 5, "currency": "EUR", "exchange_rate": "0"}, {"amount": 5, "currency": "nok"},
    {"raw_material": "high"}, {"tier": "low"},
]  # fmt: skip
FIELDS = ["id", "title", "products", "value", "duration_months", "duration_days", "start_date",
          "end_date", "date", "market_maturity", "contains_conflict_minerals", "risk_overrides",
          "cpv", "nonsense"]  # fmt: skip
VALUE_FIELDS = ["amount", "currency", "exchange_rate", "other"]


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """The base document with a few fields set, replaced or removed (and value's fields)."""
    doc: dict[str, Any] = json.loads(json.dumps(BASE))
    for _ in range(draw(st.integers(0, 3))):
        field = draw(st.sampled_from(FIELDS))
        if draw(st.booleans()):
            doc.pop(field, None)
        else:
            doc[field] = draw(st.sampled_from(TRICKY))
    if isinstance(doc.get("value"), dict) and draw(st.booleans()):
        doc["value"] = dict(doc["value"], **{draw(st.sampled_from(VALUE_FIELDS)): draw(st.sampled_from(TRICKY))})
    return doc


def srpp_accepts(doc: dict[str, Any]) -> bool:
    try:
        Contract.from_dict(doc)
    except srpp.SrppError:
        return False
    return True


# what a JSON Schema cannot say: facts about several fields together
def _beyond_the_schema(doc: dict[str, Any]) -> bool:
    value = doc.get("value")
    if isinstance(value, dict) and value.get("currency") not in (None, "NOK"):
        return True  # the amount in NOK (amount x rate) must stay below 1e13
    return "start_date" in doc and "end_date" in doc  # the end after the start


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents())
def test_the_schema_and_from_dict_agree(doc: dict[str, Any]) -> None:
    """Generated and mutated documents: valid for the schema exactly when srpp accepts them
    (both directions), and whatever srpp accepts it can also evaluate."""
    accepted = srpp_accepts(doc)
    if accepted:
        srpp.recommend(doc)
        assert VALIDATOR.is_valid(doc), (doc, list(VALIDATOR.iter_errors(doc))[:1])
    elif not _beyond_the_schema(doc):
        assert not VALIDATOR.is_valid(doc), doc


def _full_path(doc: dict[str, Any]) -> Contract | list[srpp.Problem]:
    """The contract of a document, or its problems, read the full way (cattrs), never the
    plain shortcut."""
    from srpp._readers import documents

    plain = documents._PLAIN_KEYS
    documents._PLAIN_KEYS = frozenset()
    try:
        return Contract.from_dict(doc)
    except InvalidContractError as exc:
        return list(exc.problems)
    finally:
        documents._PLAIN_KEYS = plain


PLAIN_TRICKY: list[Any] = [
    *TRICKY, 30_000_000.5, 0.0, 9_999_999_999_999, 10**13, "unknown", "low", ["laptops", "mobile-phones"],
    {"raw_material": None}, {"raw_material": "high", "assembly": "low"}, {"raw_material": ["high"]},
    {"amount": 5, "currency": "NOK", "exchange_rate": None}, {"amount": 5, "exchange_rate": 1},
    {"amount": True}, {"amount": None}, {"amount": 1.5, "currency": None}, [["laptops"]], [{}],
]  # fmt: skip


@st.composite
def plain_documents(draw: st.DrawFn) -> dict[str, Any]:
    """Documents of the common shape (the plain shortcut's), with fields and value's fields
    replaced by tricky values."""
    doc: dict[str, Any] = json.loads(json.dumps(BASE))
    fields = ["id", "title", "products", "value", "duration_months", "market_maturity",
              "contains_conflict_minerals", "risk_overrides"]  # fmt: skip
    for _ in range(draw(st.integers(0, 3))):
        field = draw(st.sampled_from(fields))
        if draw(st.booleans()):
            doc.pop(field, None)
        else:
            doc[field] = draw(st.sampled_from(PLAIN_TRICKY))
    if isinstance(doc.get("value"), dict) and draw(st.booleans()):
        doc["value"] = dict(doc["value"], **{draw(st.sampled_from(VALUE_FIELDS)): draw(st.sampled_from(PLAIN_TRICKY))})
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(plain_documents(), documents()))
def test_the_plain_shortcut_reads_what_the_full_path_reads(doc: dict[str, Any]) -> None:
    """Contract.from_dict reads common documents without cattrs: it gives the contract the
    full path gives, and for a document with any problem the full path's problems, each
    naming its field."""
    full = _full_path(doc)
    try:
        got: Contract | list[srpp.Problem] = Contract.from_dict(doc)
    except InvalidContractError as exc:
        got = list(exc.problems)
    assert got == full, doc


def test_common_documents_take_the_plain_shortcut() -> None:
    """The shortcut is taken for the common shape (else the test above compares the full path
    with itself), and refuses what it does not read itself."""
    from srpp._catalogue import default_catalogue
    from srpp._readers.documents import _plain_contract

    cat = default_catalogue()
    common = BASE | {"market_maturity": "high", "contains_conflict_minerals": False,
                     "risk_overrides": {"assembly": "low"}, "value": {"amount": 30_000_000.5}}  # fmt: skip
    assert _plain_contract(common, cat, ()) == _full_path(common)
    for odd in ({"products": ["laptops", "laptops"]}, {"products": ["laptop"]}, {"value": {"amount": "12"}},
                {"duration_months": True}, {"risk_overrides": None}, {"value": {"amount": 5, "currency": "EUR"}}):  # fmt: skip
        assert _plain_contract(BASE | odd, cat, ()) is None, odd
