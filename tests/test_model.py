"""The domain model: ordering, profiles, money and contracts built from values."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest
from hypothesis import given

import srpp
from srpp import Contract, InvalidContractError, Money, RiskLevel, RiskProfile, Strength, Tier

from .strategies import contracts, levels, risk_profiles


class TestOrdering:
    def test_risk_levels_are_ordered_as_the_design_says(self) -> None:
        """low < medium < medium_high < high < very_high."""
        assert sorted(RiskLevel, reverse=True)[::-1] == [
            RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.MEDIUM_HIGH, RiskLevel.HIGH, RiskLevel.VERY_HIGH,
        ]  # fmt: skip
        assert RiskLevel.LOW < RiskLevel.VERY_HIGH

    def test_strength_should_beats_consider(self) -> None:
        """should is stronger than consider."""
        assert Strength.SHOULD > Strength.CONSIDER

    def test_levels_do_not_compare_with_other_types(self) -> None:
        """Comparing a level with a string is a TypeError, not a silent answer."""
        with pytest.raises(TypeError):
            assert RiskLevel.LOW < "high"  # type: ignore[operator]

    def test_tiers_are_upstream_first(self) -> None:
        """Tiers: raw_material, component, assembly."""
        assert [t.value for t in Tier] == ["raw_material", "component", "assembly"]


class TestRiskProfile:
    @given(risk_profiles, risk_profiles)
    def test_merge_takes_the_higher_level_at_every_tier(self, a: RiskProfile, b: RiskProfile) -> None:
        """Merging never lowers a tier and is symmetric."""
        m = a.merge(b)
        assert m == b.merge(a)
        for tier in Tier:
            for side in (a, b):
                if side[tier] is not None:
                    assert m[tier] is not None and m[tier] >= side[tier]

    @given(risk_profiles, risk_profiles)
    def test_override_replaces_only_assessed_tiers(self, base: RiskProfile, o: RiskProfile) -> None:
        """An override replaces the tiers it assesses and keeps the rest."""
        r = base.override(o)
        for tier in Tier:
            assert r[tier] == (o[tier] if o[tier] is not None else base[tier])

    @given(levels)
    def test_a_level_survives_the_profile_document(self, level: RiskLevel) -> None:
        """to_dict writes the level's value."""
        assert RiskProfile(raw_material=level).to_dict()["raw_material"] == level.value


class TestMoney:
    def test_nok_needs_no_rate(self) -> None:
        """NOK amounts are their own value in NOK."""
        assert Money(Decimal("100.005")).nok == Decimal("100.00")

    def test_other_currencies_convert_with_the_given_rate(self) -> None:
        """EUR 1,000 at 11.5 is NOK 11,500."""
        assert Money(1000, "EUR", Decimal("11.5")).nok == Decimal("11500.00")

    def test_other_currency_without_rate_is_an_error_naming_the_field(self) -> None:
        """No guessing: a clear error naming value.exchange_rate."""
        with pytest.raises(InvalidContractError) as e:
            Money(1000, "EUR")
        assert e.value.problems[0].field == "value.exchange_rate"

    @pytest.mark.parametrize("amount", [-5, "NaN", "Infinity", 10**14])
    def test_bad_amounts_are_rejected(self, amount: object) -> None:
        """Negative, non-finite and absurdly large amounts are errors."""
        with pytest.raises(InvalidContractError, match="value.amount"):
            Money(amount)  # type: ignore[arg-type]


class TestContract:
    def test_tier_risk_is_the_highest_of_the_products(self) -> None:
        """Laptops and monitors: raw material very high (laptops), the rest as both."""
        c = Contract((srpp.product("laptops"), srpp.product("monitors")), Money(1), 12)
        assert c.risk == RiskProfile("very_high", "high", "medium_high")

    def test_overrides_can_raise_and_lower_a_tier(self) -> None:
        """The buyer's own assessment wins over the products' at that tier."""
        c = Contract((srpp.product("monitors"),), Money(1), 12,
                     risk_overrides=RiskProfile(assembly="high", raw_material="medium"))  # fmt: skip
        assert c.risk == RiskProfile("medium", "high", "high")

    def test_conflict_minerals_default_from_products_and_can_be_overridden(self) -> None:
        """Electronics contain conflict minerals unless the contract says otherwise."""
        laptops = (srpp.product("laptops"),)
        assert Contract(laptops, Money(1), 1).conflict_minerals is True
        assert Contract(laptops, Money(1), 1, contains_conflict_minerals=False).conflict_minerals is False
        assert Contract((srpp.product("coffee"),), Money(1), 1).conflict_minerals is False

    @pytest.mark.parametrize("months", [0, -1, True, 1.5])
    def test_bad_duration_names_the_field(self, months: object) -> None:
        """duration_months must be a positive whole number."""
        with pytest.raises(InvalidContractError, match="duration_months"):
            Contract((srpp.product("laptops"),), Money(1), months)  # type: ignore[arg-type]

    def test_no_products_names_the_field(self) -> None:
        """At least one product."""
        with pytest.raises(InvalidContractError, match="products"):
            Contract((), Money(1), 1)

    @given(contracts())
    def test_contracts_pickle_and_compare_by_value(self, c: Contract) -> None:
        """Frozen values: pickling gives an equal contract."""
        assert pickle.loads(pickle.dumps(c)) == c
