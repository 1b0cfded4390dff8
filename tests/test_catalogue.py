"""The shipped data: DFØ's high-risk list and the instrument catalogue."""

from __future__ import annotations

import datetime
import json

import importlib_resources
import pytest

import srpp
from srpp import Phase, RiskLevel, Tier, UnknownNameError

from .test_cli import run

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


# Every shipped row as srpp read it from DFØ's pages on the read date, cell by cell:
# (assembly, component, raw material), None where DFØ rates no such tier. Transcribed from the
# pages (docs/data.md names them), kept apart from products.json so that an edit to the data
# that no page supports fails here.
AS_READ = {
    "conflict-minerals-extraction": (None, None, "very_high"),
    "workwear-and-textiles": ("high", "high", "very_high"),
    "outdoor-workwear": ("high", "high", "very_high"),
    "indoor-workwear-towels-and-bed-linen": ("high", "high", "high"),
    "safety-shoes": ("medium_high", "medium_high", "high"),
    "protective-gloves": ("high", "high", "very_high"),
    "disposable-dust-masks": ("medium_high", "medium_high", "high"),
    "medical-consumables": ("high", "high", "high"),
    "surgical-instruments": ("high", "high", "high"),
    "medical-disposable-gloves": ("high", "high", "high"),
    "dressings-and-plasters": ("medium_high", "medium_high", "high"),
    "furniture": ("low", "medium_high", "high"),
    "light-sources": ("high", "high", "very_high"),
    "desks-and-meeting-tables": ("medium", "high", "high"),
    "office-and-student-chairs": ("medium", "high", "high"),
    "shelves-and-cabinets": ("medium", "high", "high"),
    "office-supplies": ("medium_high", "high", "high"),
    "batteries": ("high", "high", "very_high"),
    "whiteboards": ("low", "medium_high", "high"),
    "staples-and-paper-clips": ("medium_high", "medium_high", "high"),
    "toner-cartridges": ("medium_high", "medium_high", "high"),
    "calendars": ("medium_high", "high", "high"),
    "paper-products": ("medium_high", "high", "high"),
    "pens-and-markers": ("high", "high", "very_high"),
    "play-and-sports-equipment": ("high", "high", "high"),
    "swings-and-slides": ("low", "medium_high", "high"),
    "toys": ("high", "high", "high"),
    **{pid: (None, None, "very_high") for pid in ("coffee", "tea", "cocoa", "sugar-cane", "bananas")},
    **{pid: (None, None, "high") for pid in ("tomatoes-fresh-imported", "tomatoes-canned", "oranges", "grapes")},
    **{pid: (None, None, "medium_high") for pid in ("lettuce-imported", "cucumber-imported", "apples-imported")},
    **{pid: tuple(levels) for pid, levels in SEED_TABLE.items()},
}


def _levels(p: srpp.Product) -> tuple[str | None, ...]:
    return tuple(None if lv is None else lv.value for lv in (p.risk.assembly, p.risk.component, p.risk.raw_material))


class TestVersionTwoData:
    def test_every_shipped_row_is_as_read_and_nothing_else_is_shipped(self) -> None:
        assert {p.id: _levels(p) for p in srpp.products()} == AS_READ

    def test_every_row_has_its_page_version_page_date_read_date_and_norwegian_name(self) -> None:
        """The date the page shows may be absent (DFØ's newer pages show none); the read date
        never is, and no page is dated after srpp read it."""
        for p in srpp.products():
            assert p.source_url.startswith(("https://anskaffelser.no/", "https://www.anskaffelser.no/")), p.id
            assert p.source_version and p.name_nb and p.read_date is not None, p.id
            assert p.source_date is None or p.source_date <= p.read_date, p.id
        assert srpp.product("laptops").source_date == datetime.date(2021, 10, 15)
        assert srpp.product("furniture").source_date == datetime.date(2020, 2, 3)

    def test_norwegian_names_are_dfos_words_for_rows_its_norwegian_pages_give(self) -> None:
        names = {p.id: p.name_nb for p in srpp.products()}
        assert names["pens-and-markers"] == "Penner og tusjer"
        assert names["swings-and-slides"] == "Husker og sklier"
        assert names["disposable-dust-masks"] == "Støvmasker for engangsbruk"
        assert names["tomatoes-canned"] == "Tomater, hermetiske"
        assert all(c.name_nb for c in srpp.categories())

    def test_the_newest_page_decides(self) -> None:
        """Pens and markers replace ballpoint pens; the current textile category row; the
        current furniture rows."""
        assert "ballpoint-pens" not in srpp.default_catalogue()
        assert srpp.product("pens-and-markers").risk.raw_material is RiskLevel.VERY_HIGH
        assert srpp.product("workwear-and-textiles").risk.raw_material is RiskLevel.VERY_HIGH
        assert srpp.product("desks-and-meeting-tables").risk.assembly is RiskLevel.MEDIUM

    def test_rows_not_read_cell_by_cell_are_listed_and_never_shipped(self) -> None:
        doc = json.loads(importlib_resources.files("srpp.data").joinpath("products.json").read_text("utf-8"))
        unverified = doc["unverified"]
        assert any(u["product"].startswith("Mats") for u in unverified)
        assert all(u["why"] and u["source_url"] for u in unverified)
        names = {p.name.lower() for p in srpp.products()}
        assert not any(n.startswith(("mats", "seafood", "construction")) for n in names)

    @pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
    def test_srpp_products_shows_source_and_dates_in_every_format(self, fmt: str) -> None:
        code, out, err = run("products", "--category", "furniture", "--format", fmt)
        assert code == 0 and err == ""
        if fmt == "json":
            rows = {r["id"]: r for r in json.loads(out)}
            assert rows["furniture"]["source_date"] == "2020-02-03"
            assert rows["furniture"]["read_date"] and rows["furniture"]["name_nb"] == "Møbler (kategori)"
            assert rows["desks-and-meeting-tables"]["source_date"] is None
        else:
            assert "2020-02-03" in out and "2026-11-30" in out and "Desks and meeting tables" in out
            assert "https://www.anskaffelser.no/samfunnsansvar/sosialt-ansvar/laer-om-hoyrisikoprodukter/mobler" in out
            _, nb, _ = run("products", "--category", "furniture", "--format", fmt, "--lang", "nb")
            # dates as Norwegians write them (Babel), the page date of the furniture category
            assert "Skrivebord og møtebord" in nb and "ikke oppgitt" in nb and "03.02.2020" in nb


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
