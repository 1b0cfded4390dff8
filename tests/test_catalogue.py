"""The shipped data: DFØ's high-risk list and the instrument catalogue."""

from __future__ import annotations

import pytest

import srpp
from srpp import Phase, RiskLevel, Tier, UnknownNameError

SEED = "https://anskaffelser.no/public-procurement/socially-responsible-public-procurement/information-about-high-risk-products/electronics-and-ict"

# DFØ, "Socially Responsible Public Procurement - Electronics and ICT", 15 October 2021:
# (assembly, component, raw material)
SEED_TABLE = {
    "information-technology": ("medium_high", "high", "very_high"),
    "mobile-phones": ("medium_high", "high", "very_high"),
    "laptops": ("medium_high", "high", "very_high"),
    "monitors": ("medium_high", "high", "high"),
}


class TestSeed:
    def test_the_seed_products_come_out_exactly_as_in_the_seed(self) -> None:
        """The four Electronics-and-ICT products and their levels, through the public API."""
        got = {
            p.id: (p.risk.assembly.value, p.risk.component.value, p.risk.raw_material.value)
            for p in srpp.products("electronics_ict")
        }
        assert got == SEED_TABLE

    @pytest.mark.parametrize("pid", list(SEED_TABLE))
    def test_seed_products_cite_the_seed_page_and_contain_conflict_minerals(self, pid: str) -> None:
        """Each seed product names its source and contains conflict minerals."""
        p = srpp.product(pid)
        assert p.source_url == SEED
        assert p.conflict_minerals is True
        assert p.category == "electronics_ict"


class TestShippedProducts:
    def test_every_product_has_a_source_and_at_least_one_assessed_tier(self) -> None:
        """No product without a source URL, a version, or any assessed tier."""
        for p in srpp.products():
            assert p.source_url.startswith("https://"), p.id
            assert p.source_version, p.id
            assert p.risk.highest is not None, p.id

    def test_food_products_assess_only_the_raw_material_tier(self) -> None:
        """DFØ's food rows rate raw material only; the other tiers stay not assessed."""
        for p in srpp.products("food_beverages"):
            assert p.risk.raw_material is not None
            assert p.risk.component is None and p.risk.assembly is None

    def test_ids_are_unique_and_every_category_is_known(self) -> None:
        """Ids are unique and every product's category is listed."""
        ids = [p.id for p in srpp.products()]
        assert len(ids) == len(set(ids))
        cats = {c.id for c in srpp.categories()}
        assert {p.category for p in srpp.products()} <= cats

    def test_newer_furniture_page_is_shipped(self) -> None:
        """Furniture comes from DFØ's newer page (assembly medium), not the 2020 one."""
        chairs = srpp.product("office-and-student-chairs")
        assert chairs.risk[Tier.ASSEMBLY] is RiskLevel.MEDIUM
        assert "hoyrisikolisten" in chairs.source_url

    def test_unknown_product_suggests_the_closest_id(self) -> None:
        """A misspelt id names the closest valid one."""
        with pytest.raises(UnknownNameError, match="did you mean 'laptops'"):
            srpp.product("laptop")

    def test_unknown_category_is_an_error(self) -> None:
        """An unknown category is an UnknownNameError (a LookupError)."""
        with pytest.raises(LookupError, match="unknown category"):
            srpp.products("gadgets")


class TestInstrumentTypes:
    def test_the_five_instruments_of_the_design_with_their_phases(self) -> None:
        """Ids and phases exactly as the design names them."""
        got = {i.id: i.phase for i in srpp.instrument_types()}
        assert got == {
            "market-dialogue": Phase.PLANNING,
            "contract-clauses": Phase.TENDER,
            "selection-criterion": Phase.TENDER,
            "conflict-minerals-clause": Phase.TENDER,
            "self-assessment": Phase.FOLLOW_UP,
        }

    def test_every_instrument_has_a_title_summary_and_source(self) -> None:
        """Every instrument type is documented and sourced."""
        for i in srpp.instrument_types():
            assert i.title and i.summary and i.sources

    def test_self_assessment_forms_are_ordered_simplified_then_full(self) -> None:
        """The form attribute: simplified by default, full the stronger choice."""
        sa = next(i for i in srpp.instrument_types() if i.id == "self-assessment")
        assert sa.attributes[0].choices == ("simplified", "full")
