"""CPV codes: validation with suggestions, the mapping to products, and documents by code."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import srpp
from srpp import InvalidContractError, UnknownNameError
from srpp._cpv import all_codes, mapping_rows, significant

from .test_cli import run

CODES = all_codes()


BY_DIGITS = {c[:8]: c for c in CODES}


def parent(code: str) -> str | None:
    """The nearest code above (significant digits cut one by one), if CPV has one."""
    sig = significant(code[:8])
    while len(sig) > 2:
        sig = sig[:-1]
        found = BY_DIGITS.get(sig.ljust(8, "0"))
        if found is not None:
            return found
    return None


def check_not_broader_than_parent(code: str) -> None:
    up = parent(code)
    if up is None:
        return
    child, par = srpp.cpv(code), srpp.cpv(up)
    if child.product != par.product:
        assert child.mapped_by is not None
        listed = significant(child.mapped_by[:8])
        assert code[:8].startswith(listed)
        assert par.mapped_by is None or len(listed) > len(significant(par.mapped_by[:8]))


class TestLookup:
    def test_portable_computers_are_laptops_with_the_seed_levels(self) -> None:
        """srpp cpv 30213100-6 in code."""
        c = srpp.cpv("30213100-6")
        assert c.label == "Portable computers" and c.product == srpp.product("laptops")
        assert c.product.risk.to_dict() == {"raw_material": "very_high", "component": "high",
                                             "assembly": "medium_high"}  # fmt: skip

    def test_a_code_below_a_mapped_one_maps_like_it(self) -> None:
        """30213110 is not listed itself... but any code under 3021310 follows laptops."""
        child = next(c for c in CODES if c.startswith("3023131"))  # under flat panel displays
        assert srpp.cpv(child).product == srpp.product("monitors")

    @pytest.mark.parametrize(
        ("code", "message"),
        [("3021310", "8 digits"), ("30213199-1", "nearest: 30213100-6 (Portable computers)"),
         ("30213100-5", "wrong check digit"), ("abcdefgh-1", "8 digits")],
    )  # fmt: skip
    def test_bad_codes_say_why_with_the_nearest_codes(self, code: str, message: str) -> None:
        """Malformed, unknown, or a wrong check digit."""
        with pytest.raises(UnknownNameError, match=re.escape(message)):
            srpp.cpv(code)

    def test_a_code_without_its_check_digit_is_accepted(self) -> None:
        """The check digit is optional; the canonical code comes back."""
        assert srpp.cpv("30213100").code == "30213100-6"


class TestMapping:
    @given(st.sampled_from(CODES))
    def test_a_more_specific_code_never_maps_broader_than_its_parent_unless_listed(self, code: str) -> None:
        """Longest-prefix mapping: a child maps like its parent, unless the mapping lists the
        child or an ancestor closer than the parent's entry."""
        check_not_broader_than_parent(code)

    def test_the_same_holds_for_every_cpv_code(self) -> None:
        """All 9,458 codes, not a sample."""
        for code in CODES:
            check_not_broader_than_parent(code)

    def test_a_listed_code_maps_to_its_own_entry(self) -> None:
        """Explicit entries win over their ancestors' (the longest prefix decides)."""
        for code, pid in mapping_rows():
            c = srpp.cpv(code)
            assert c.mapped_by == code
            assert (c.product.id if c.product else "") == pid

    def test_every_listed_code_exists_and_names_a_shipped_product(self) -> None:
        """The shipped mapping is consistent with CPV 2008 and the catalogue."""
        codes = set(CODES)
        for code, pid in mapping_rows():
            assert code in codes
            assert pid == "" or pid in srpp.default_catalogue()

    def test_servers_are_found_in_division_48(self) -> None:
        """Servers are classified under software in CPV, and still map to IT."""
        assert srpp.cpv("48820000-2").product == srpp.product("information-technology")


class TestDocumentsByCode:
    def test_a_contract_by_cpv_code_alone(self) -> None:
        """Laptops named by code get the same instruments as by product id."""
        by_code = srpp.recommend({"cpv": ["30213100-6"], "value": {"amount": 2_000_000}, "duration_months": 24})
        by_id = srpp.recommend({"products": ["laptops"], "value": {"amount": 2_000_000}, "duration_months": 24})
        assert by_code.instruments == by_id.instruments

    def test_an_unmapped_code_is_not_an_error_but_a_note(self) -> None:
        """School furniture: not on the list; the buyer must assess it; nothing recommended for it."""
        r = srpp.recommend({"cpv": ["39160000-1"], "value": {"amount": 2_000_000}, "duration_months": 24})
        assert r.instruments == ()
        assert any("39160000-1" in n and "assess it yourself" in n for n in r.notes)

    def test_codes_beside_products_add_their_risk(self) -> None:
        """Lettuce plus batteries by code: batteries make it high-risk."""
        r = srpp.recommend({"products": ["lettuce-imported"], "cpv": ["31440000-2"],
                            "value": {"amount": 2_000_000}, "duration_months": 12})  # fmt: skip
        assert r.high_risk and "conflict-minerals-clause" in r

    def test_bad_codes_in_documents_name_the_field(self) -> None:
        """cpv[1]: unknown CPV code ...; nearest: ..."""
        with pytest.raises(InvalidContractError) as e:
            srpp.Contract.from_dict({"cpv": ["30213100-6", "30213199-1", "30213100-6"],
                                     "value": {"amount": 1}, "duration_months": 1})  # fmt: skip
        fields = [p.field for p in e.value.problems]
        assert fields == ["cpv[1]"]
        with pytest.raises(InvalidContractError, match="names '30213100' more than once"):
            srpp.Contract.from_dict({"cpv": ["30213100-6", "30213100"], "value": {"amount": 1},
                                     "duration_months": 1})  # fmt: skip


class TestCpvCommand:
    def test_srpp_cpv_shows_label_product_and_levels(self) -> None:
        """srpp cpv 30213100-6 shows laptops and the seed's levels."""
        code, out, err = run("cpv", "30213100-6")
        assert code == 0 and err == ""
        assert "Portable computers" in out and "laptops" in out
        assert "raw-material very high, component high, assembly medium high" in out

    def test_bad_codes_exit_2_and_good_ones_still_print(self) -> None:
        """One message per bad code with suggestions."""
        code, out, err = run("cpv", "39160000-1", "30213199-1", "--format", "json")
        assert code == 2
        assert [c["code"] for c in __import__("json").loads(out)] == ["39160000-1"]
        assert "30213199-1: unknown CPV code" in err and "nearest" in err
