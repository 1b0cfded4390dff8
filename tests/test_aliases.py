"""Aliases: Norwegian names and common spellings of products, categories and instruments."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

import srpp
from srpp import Contract, UnknownNameError
from srpp._aliases import Aliases, normalise
from srpp._catalogue import default_catalogue
from srpp._catalogue import instrument_type
from srpp._cli import main


class TestProducts:
    @pytest.mark.parametrize(
        ("name", "product"),
        [("bærbare PC-er", "laptops"), ("Bærbar PC", "laptops"), ("laptop", "laptops"),
         ("Mobiltelefoner", "mobile-phones"), ("kaffe", "coffee"), ("Skjermer", "monitors"),
         ("Office supplies", "office-supplies"), ("mobile_phones", "mobile-phones")],
    )  # fmt: skip
    def test_norwegian_names_and_common_spellings(self, name: str, product: str) -> None:
        """Case, hyphens and spaces do not matter; Norwegian and English both work."""
        assert srpp.default_catalogue().resolve(name).id == product

    def test_a_document_may_name_products_in_norwegian(self) -> None:
        """The contract keeps the ids; its document names them by id."""
        c = Contract.from_dict({"products": ["bærbare PC-er", "Skjermer"], "value": {"amount": "1 000 000"},
                                "duration_months": 12})  # fmt: skip
        assert [p.id for p in c.products] == ["laptops", "monitors"]
        assert c.to_dict()["products"] == ["laptops", "monitors"]

    def test_the_same_product_twice_under_two_names_is_reported(self) -> None:
        """Naming one product twice is a mistake, whatever the spelling."""
        with pytest.raises(srpp.InvalidContractError, match="more than once"):
            Contract.from_dict({"products": ["laptops", "bærbar pc"], "value": {"amount": 1},
                                "duration_months": 1})  # fmt: skip

    @pytest.mark.parametrize(("name", "hint"), [("bærbar p", "'bærbar pc' (laptops)"), ("kafe", "'Kaffe' (coffee)")])
    def test_did_you_mean_looks_in_both_languages(self, name: str, hint: str) -> None:
        """The closest name in either language, with the id it means."""
        with pytest.raises(UnknownNameError, match="did you mean") as e:
            srpp.default_catalogue().resolve(name)
        assert hint in str(e.value)

    def test_every_shipped_product_is_found_by_its_id_and_names(self) -> None:
        """Ids, English names and Norwegian names (where given) all resolve to the product."""
        cat = srpp.default_catalogue()
        for p in cat:
            for name in (p.id, p.name, p.name_nb):
                if name:
                    assert cat.resolve(name) is p

    def test_no_alias_means_two_products(self) -> None:
        """An extra spelling never shadows another product's id or name."""
        cat = srpp.default_catalogue()
        for p in cat:
            for other in cat:
                if other is not p:
                    assert cat.resolve(other.id) is other


class TestCategoriesAndInstruments:
    @pytest.mark.parametrize(("name", "category"), [("Elektronikk og IKT", "electronics_ict"), ("møbler", "furniture"),
                                                    ("Food and beverages", "food_beverages")])  # fmt: skip
    def test_categories_by_name(self, name: str, category: str) -> None:
        """English and Norwegian category names."""
        assert srpp.default_catalogue().category(name).id == category

    @pytest.mark.parametrize(
        ("name", "instrument"),
        [("markedsdialog", "market-dialogue"), ("Særskilte kontraktsvilkår", "contract-clauses"),
         ("kvalifikasjonskrav", "selection-criterion"), ("egenrapportering", "self-assessment"),
         ("konfliktmineraler", "conflict-minerals-clause"), ("SRPP special contract clauses", "contract-clauses")],
    )  # fmt: skip
    def test_instruments_by_dfo_terms(self, name: str, instrument: str) -> None:
        """DFØ's Norwegian terms name the instruments."""
        assert instrument_type(name).id == instrument


class TestCommandLine:
    def test_products_by_norwegian_category(self) -> None:
        """srpp products --category møbler."""
        out = io.StringIO()
        assert main(["products", "--category", "møbler"], out, io.StringIO()) == 0
        assert "desks-and-meeting-tables" in out.getvalue() and "laptops" not in out.getvalue()

    def test_instruments_by_norwegian_name(self) -> None:
        """srpp instruments egenrapportering markedsdialog."""
        out = io.StringIO()
        assert main(["instruments", "egenrapportering", "markedsdialog", "--format", "json"], out, io.StringIO()) == 0
        assert '"self-assessment"' in out.getvalue() and '"contract-clauses"' not in out.getvalue()

    def test_an_unknown_instrument_suggests_a_name(self) -> None:
        """Exit status 2 and a did-you-mean."""
        err = io.StringIO()
        assert main(["instruments", "markedsdialogg"], io.StringIO(), err) == 2
        assert "did you mean 'markedsdialog'" in err.getvalue()


@given(st.text(min_size=1, max_size=20))
def test_normalising_is_idempotent(text: str) -> None:
    """normalise(normalise(x)) == normalise(x)."""
    assert normalise(normalise(text)) == normalise(text)


def test_an_id_always_means_itself() -> None:
    """A name that is another entry's id never takes it over."""
    a = Aliases("thing", [("a", "b"), ("b", "B thing")])
    assert a.resolve("b") == "b" and a.resolve("B thing") == "b"


@given(st.text(max_size=12))
def test_any_unknown_product_name_gives_a_message_not_a_crash(name: str) -> None:
    """Every name that resolves to nothing raises UnknownNameError with a message naming it."""
    catalogue = default_catalogue()
    try:
        catalogue.resolve(name)
    except srpp.UnknownNameError as exc:
        assert f"unknown product {name!r}" in str(exc)


def test_a_name_with_no_close_match_points_to_the_list() -> None:
    """'xx' is like nothing: the message says where the names are listed."""
    with pytest.raises(srpp.InvalidContractError, match=r"unknown product 'xx'; no product .*srpp products"):
        srpp.recommend({"products": ["xx"]})
