"""Contract documents: every class of bad input, and the round trip."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given

import srpp
from srpp import Contract, InvalidContractError

from .strategies import contracts

GOOD: dict[str, Any] = {
    "id": "2026-017",
    "title": "Laptops and monitors",
    "products": ["laptops", "monitors"],
    "value": {"amount": 24000000, "currency": "NOK"},
    "duration_months": 48,
    "market_maturity": "high",
    "contains_conflict_minerals": True,
    "risk_overrides": {"assembly": "high"},
}


def problems(doc: Any, **kwargs: Any) -> dict[str, str]:
    """``{field: message}`` of the InvalidContractError the document raises."""
    with pytest.raises(InvalidContractError) as e:
        Contract.from_dict(doc, **kwargs)
    assert isinstance(e.value, ValueError) and isinstance(e.value, srpp.SrppError)
    return {p.field: p.message for p in e.value.problems}


def with_(**changes: Any) -> dict[str, Any]:
    doc = dict(GOOD)
    for k, v in changes.items():
        if v is ...:
            del doc[k]
        else:
            doc[k] = v
    return doc


# every bad document of the test suite, with the field its problem names; the JSON Schema
# test reuses this list
BAD_DOCUMENTS: list[tuple[str, dict[str, Any], str]] = [
    ("unknown key", with_(colour="red"), "colour"),
    ("misspelt key", with_(duration=48), "duration"),
    ("missing products", with_(products=...), "products"),
    ("empty products", with_(products=[]), "products"),
    ("products not a list", with_(products="laptops"), "products"),
    ("unknown product id", with_(products=["laptpo"]), "products[0]"),
    ("product id not a string", with_(products=["laptops", 7]), "products[1]"),
    ("value is null text", with_(value="unknown"), "value"),
    ("value not an object", with_(value=24000000), "value"),
    ("negative amount", with_(value={"amount": -5}), "value.amount"),
    ("amount is a boolean", with_(value={"amount": True}), "value.amount"),
    ("amount is not a number", with_(value={"amount": "lots"}), "value.amount"),
    ("amount is ambiguous", with_(value={"amount": "150.000"}), "value.amount"),
    ("amount grouped by commas", with_(value={"amount": "1,000,000"}), "value.amount"),
    ("amount with an exponent", with_(value={"amount": "1e6"}), "value.amount"),
    ("amount is NaN text", with_(value={"amount": "NaN"}), "value.amount"),
    ("amount is infinite", with_(value={"amount": math.inf}), "value.amount"),
    ("unknown key in value", with_(value={"amount": 1, "vat": 0}), "value.vat"),
    ("non-NOK without a rate", with_(value={"amount": 1000, "currency": "EUR"}), "value.exchange_rate"),
    ("bad currency code", with_(value={"amount": 1000, "currency": "kroner"}), "value.currency"),
    ("zero rate", with_(value={"amount": 1000, "currency": "EUR", "exchange_rate": 0}), "value.exchange_rate"),
    ("period given two ways", with_(duration_days=1461), "duration_days"),
    ("period as months and dates", with_(start_date="2025-02-01", end_date="2027-01-30"), "start_date"),
    ("start date without end date", with_(duration_months=..., start_date="2025-02-01"), "end_date"),
    ("end date without start date", with_(duration_months=..., end_date="2027-01-30"), "start_date"),
    ("date not ISO", with_(date="30.11.2026"), "date"),
    ("date not a string", with_(date=20261130), "date"),
    ("zero days", with_(duration_months=..., duration_days=0), "duration_days"),
    ("days as a float", with_(duration_months=..., duration_days=30.5), "duration_days"),
    ("zero duration", with_(duration_months=0), "duration_months"),
    ("negative duration", with_(duration_months=-3), "duration_months"),
    ("duration is a boolean", with_(duration_months=True), "duration_months"),
    ("duration is a float", with_(duration_months=12.5), "duration_months"),
    ("unknown market maturity", with_(market_maturity="mature"), "market_maturity"),
    ("conflict minerals not a boolean", with_(contains_conflict_minerals="yes"), "contains_conflict_minerals"),
    ("unknown tier", with_(risk_overrides={"mining": "high"}), "risk_overrides"),
    ("unknown level", with_(risk_overrides={"assembly": "extreme"}), "risk_overrides.assembly"),
    ("id not a string", with_(id=17), "id"),
    ("title not a string", with_(title=["a"]), "title"),
    ("cpv not a list", with_(cpv="30213100-6"), "cpv"),
    ("malformed cpv code", with_(cpv=["3021310"]), "cpv[0]"),
]  # fmt: skip


class TestBadDocuments:
    @pytest.mark.parametrize(("case", "doc", "field"), BAD_DOCUMENTS, ids=[c[0] for c in BAD_DOCUMENTS])
    def test_each_bad_document_names_its_field(self, case: str, doc: dict[str, Any], field: str) -> None:
        """One InvalidContractError whose problems name the field, never a raw traceback."""
        got = problems(doc)
        assert any(f == field or f.startswith(field + ".") or field.startswith(f + ".") for f in got), got

    def test_every_problem_is_reported_at_once(self) -> None:
        """Four independent problems come back together."""
        doc = with_(products=["laptpo"], duration_months=0, market_maturity="mature", colour=1)
        got = problems(doc)
        assert {"products[0]", "duration_months", "market_maturity", "colour"} <= set(got)

    def test_the_closest_product_id_is_suggested(self) -> None:
        """unknown product 'laptpo'; did you mean 'laptop' (laptops)?"""
        msg = problems(with_(products=["laptpo"]))["products[0]"]
        assert "did you mean 'laptop' (laptops)?" in msg

    def test_a_misspelt_key_suggests_the_real_one(self) -> None:
        """duration -> duration_months."""
        assert "did you mean 'duration_" in problems(with_(duration=48))["duration"]

    @pytest.mark.parametrize("doc", [None, [], "laptops", 42])
    def test_a_document_that_is_not_an_object(self, doc: Any) -> None:
        """Not a JSON object: one clear problem."""
        assert problems(doc)

    def test_duplicate_products_are_rejected(self) -> None:
        """Naming a product twice is a mistake worth reporting."""
        assert "products" in problems(with_(products=["laptops", "laptops"]))

    def test_message_says_what_must_hold_and_what_was_given(self) -> None:
        """value.amount: must be ... got -5."""
        msg = problems(with_(value={"amount": -5}))["value.amount"]
        assert "non-negative" in msg and "-5" in msg


class TestPeriod:
    def test_an_impossible_date_is_rejected(self) -> None:
        """30 February is not a date (JSON Schema's pattern cannot say this)."""
        got = problems(with_(duration_months=..., start_date="2025-02-30", end_date="2027-01-30"))
        assert "YYYY-MM-DD" in got["start_date"]

    def test_an_end_before_the_start_is_rejected(self) -> None:
        """The end date must not come before the start date (JSON Schema cannot say this)."""
        got = problems(with_(duration_months=..., start_date="2027-01-30", end_date="2025-02-01"))
        assert "end_date" in got and "2025-02-01" in got["end_date"]

    def test_two_ways_of_giving_the_period_are_named_in_the_message(self) -> None:
        """The message names the fields given and the ways allowed."""
        msg = problems(with_(duration_days=1461))["duration_days"]
        assert "duration_months and duration_days" in msg and "one way only" in msg

    def test_dates_count_a_started_month_as_a_month(self) -> None:
        """2025-02-01 to 2027-01-30 is 24 months (DESIGN.md)."""
        c = Contract.from_dict(with_(duration_months=..., start_date="2025-02-01", end_date="2027-01-30"))
        assert c.duration_months == 24
        assert (c.start_date.isoformat(), c.end_date.isoformat()) == ("2025-02-01", "2027-01-30")

    @pytest.mark.parametrize(("start", "end", "months"), [
        ("2025-02-01", "2027-01-31", 24), ("2025-02-01", "2027-02-01", 25),
        ("2025-01-15", "2025-01-15", 1), ("2025-01-15", "2025-02-14", 1),
        ("2025-01-15", "2025-02-15", 2), ("2025-01-31", "2025-02-28", 1),
    ])  # fmt: skip
    def test_months_between_dates(self, start: str, end: str, months: int) -> None:
        """Both days count; a month begun on or before the end counts whole."""
        c = Contract.from_dict(with_(duration_months=..., start_date=start, end_date=end))
        assert c.duration_months == months

    @pytest.mark.parametrize(("days", "months"), [(1, 1), (30, 1), (31, 2), (729, 24), (730, 24), (1461, 48)])
    def test_days_become_whole_months(self, days: int, months: int) -> None:
        """A month is 365.25 / 12 days; a started month counts as a month."""
        assert Contract.from_dict(with_(duration_months=..., duration_days=days)).duration_months == months

    def test_the_period_is_written_back_the_way_it_was_given(self) -> None:
        """to_dict keeps days and dates, so nothing the buyer wrote is lost."""
        for extra in ({"duration_days": 729}, {"start_date": "2025-02-01", "end_date": "2027-01-30"}):
            doc = with_(duration_months=..., **extra)
            out = Contract.from_dict(doc).to_dict()
            assert {k: out[k] for k in extra} == extra and "duration_months" not in out

    def test_a_contract_evolved_with_dates_keeps_its_months(self) -> None:
        """attrs.evolve passes the computed months on together with the dates."""
        import attrs

        c = Contract.from_dict(with_(duration_months=..., duration_days=729))
        assert attrs.evolve(c, title="x").duration_months == 24


class TestPlanningStage:
    def test_value_and_period_may_be_missing(self) -> None:
        """A market-dialogue notice has neither: both are None, nothing is invented."""
        c = Contract.from_dict({"cpv": ["32420000-3"], "title": "Network equipment"})
        assert c.value is None and c.duration_months is None
        assert c.to_dict() == {"title": "Network equipment", "cpv": ["32420000-3"], "market_maturity": "unknown"}

    def test_the_date_is_read_and_written(self) -> None:
        """date: the day the thresholds are read for."""
        c = Contract.from_dict(with_(date="2026-11-30"))
        assert c.date is not None and c.date.isoformat() == "2026-11-30"
        assert c.to_dict()["date"] == "2026-11-30"


class TestGoodDocuments:
    def test_the_design_example_reads(self) -> None:
        """The design's example document is valid."""
        c = Contract.from_dict(GOOD)
        assert [p.id for p in c.products] == ["laptops", "monitors"]
        assert c.risk.assembly is srpp.RiskLevel.HIGH

    def test_exchange_rates_can_come_from_the_caller(self) -> None:
        """A EUR value without its own rate takes the caller's."""
        c = Contract.from_dict(with_(value={"amount": 1000, "currency": "EUR"}), exchange_rates={"EUR": 11.5})
        assert c.value.nok == 11500

    def test_amounts_may_be_decimal_strings(self) -> None:
        """Exact amounts can be written as strings."""
        c = Contract.from_dict(with_(value={"amount": "1300000.50"}))
        assert str(c.value.amount) == "1300000.50"

    @pytest.mark.parametrize(
        ("text", "amount"),
        [("1 000 000", "1000000"), ("1\u00a0000\u00a0000,50", "1000000.50"), ("24\u202f000\u202f000", "24000000")],
    )
    def test_amounts_may_be_written_the_norwegian_way(self, text: str, amount: str) -> None:
        """Spaces (normal or no-break) between thousands and a decimal comma."""
        assert str(Contract.from_dict(with_(value={"amount": text})).value.amount) == amount

    def test_an_ambiguous_amount_says_how_to_write_it(self) -> None:
        """"150.000" could be 150 or 150 000: the message offers both spellings."""
        msg = problems(with_(value={"amount": "150.000"}))["value.amount"]
        assert "ambiguous" in msg and '"150 000"' in msg and "150000" in msg

    @given(contracts())
    def test_contracts_round_trip_through_their_document(self, c: Contract) -> None:
        """from_dict(to_dict(c)) == c."""
        assert Contract.from_dict(c.to_dict()) == c

    def test_a_downstream_catalogue_resolves_its_own_products(self) -> None:
        """Ids resolve against the catalogue the caller passes."""
        tablets = srpp.Product("tablets", "Tablets", "electronics_ict", srpp.RiskProfile("very_high", "high", "high"))
        cat = srpp.default_catalogue().with_products(tablets)
        c = Contract.from_dict(with_(products=["tablets"]), catalogue=cat)
        assert c.products == (tablets,)
        assert "products[0]" in problems(with_(products=["tablets"]))


def test_a_foreign_currency_without_a_rate_says_how_to_give_one() -> None:
    """The message names the document field, the Python argument and the CLI option."""
    with pytest.raises(srpp.InvalidContractError) as info:
        srpp.recommend({"products": ["laptops"], "value": {"amount": 5, "currency": "EUR"}})
    message = str(info.value)
    assert "value.exchange_rate" in message and "exchange_rates" in message and "--policy" in message
