"""srpp.parse_amount: the one reader of amounts, plain and Norwegian-written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import srpp
from srpp import InvalidAmountError, InvalidContractError, Money, parse_amount

SPACES = [" ", "\u00a0", "\u202f"]


def norwegian(amount: Decimal, space: str) -> str:
    """``amount`` as a Norwegian writes it: thousands grouped by ``space``, a decimal comma."""
    whole, _, frac = f"{amount:f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", space)
    return f"{grouped},{frac}" if frac else grouped


class TestAccepted:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (24_000_000, "24000000"),
            (Decimal("1300000.50"), "1300000.50"),
            (2.5, "2.5"),
            ("1300000.50", "1300000.50"),
            ("1 000 000", "1000000"),
            ("1 000 000,50", "1000000.50"),
            ("1\u00a0000\u202f000", "1000000"),
            ("  42\u00a0", "42"),
            ("1,5", "1.5"),
            ("0.125", "0.125"),
            ("1234.567", "1234.567"),
            ("999", "999"),
            ("-5", "-5"),
        ],
    )
    def test_plain_and_norwegian_amounts(self, value: object, expected: str) -> None:
        """Numbers, decimal text and Norwegian grouping all read exactly."""
        assert parse_amount(value) == Decimal(expected)
        assert str(parse_amount(value)) == expected

    @given(
        st.decimals(0, 10**12, places=2, allow_nan=False, allow_infinity=False),
        st.sampled_from(SPACES),
    )
    def test_norwegian_writing_reads_back_exactly(self, amount: Decimal, space: str) -> None:
        """Any amount written the Norwegian way reads back as the same number."""
        assert parse_amount(norwegian(amount, space)) == amount


class TestRejected:
    @pytest.mark.parametrize(
        ("text", "spellings"),
        [
            ("150.000", ['"150 000"', "150000", "or 150 if"]),
            ("1,000", ['"1 000"', "1000", "or 1 if"]),
            ("1,500", ['"1 500"', '"1,5"', "1.5"]),
        ],
    )
    def test_ambiguous_amounts_say_how_to_write_them(self, text: str, spellings: list[str]) -> None:
        """A point or comma before exactly three digits could mean thousands or decimals."""
        with pytest.raises(InvalidAmountError, match="ambiguous") as e:
            parse_amount(text)
        for spelling in spellings:
            assert spelling in str(e.value)

    @pytest.mark.parametrize(
        ("text", "fix"),
        [("1,000,000", '"1 000 000"'), ("1.000.000,50", '"1 000 000,50"'), ("1,000.5", '"1 000,5"')],
    )
    def test_thousands_grouped_by_marks_are_refused_with_the_spaced_spelling(self, text: str, fix: str) -> None:
        """English and German grouping are both refused, naming the Norwegian spelling."""
        with pytest.raises(InvalidAmountError) as e:
            parse_amount(text)
        assert fix in str(e.value)

    @pytest.mark.parametrize(
        ("value", "hint"),
        [
            ("1e6", "exponent"),
            ("1E+6", "exponent"),
            ("1_000", "underscores"),
            ("NaN", "finite"),
            ("Infinity", "finite"),
            ("\u0661\u0662\u0663", "0-9"),
            ("12 kr", "currency"),
            ("10 00", "threes"),
            ("", "must be a number"),
            (".5", "must be a number"),
            (float("nan"), "finite"),
            (float("inf"), "finite"),
            (Decimal("NaN"), "finite"),
            (True, "bool"),
            (None, "null"),
            ([1], "list"),
        ],
    )
    def test_what_is_not_an_amount(self, value: object, hint: str) -> None:
        """Everything Decimal() would accept but an amount should not, with a hint."""
        with pytest.raises(InvalidAmountError, match=hint) as e:
            parse_amount(value)
        assert isinstance(e.value, ValueError) and isinstance(e.value, srpp.SrppError)


class TestMoney:
    def test_money_reads_norwegian_text(self) -> None:
        """Money("1 000 000,50") is the same as Money(Decimal("1000000.50"))."""
        assert Money("1 000 000,50") == Money(Decimal("1000000.50"))

    def test_money_refuses_an_ambiguous_amount_naming_the_field(self) -> None:
        """The error is the contract error of the value's amount."""
        with pytest.raises(InvalidContractError) as e:
            Money("150.000")
        assert e.value.problems[0].field == "value.amount"
        assert "ambiguous" in e.value.problems[0].message
