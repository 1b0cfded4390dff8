"""CPV codes: validation with suggestions, the mapping to products, and documents by code."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import srpp
from srpp import InvalidContractError, UnknownNameError
from srpp import Coverage
from srpp._cpv import all_codes, is_supplementary, mapping_rows, mapping_table, significant

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
        """All 9,454 codes, not a sample."""
        for code in CODES:
            check_not_broader_than_parent(code)

    def test_a_listed_code_maps_to_its_own_entry(self) -> None:
        """Explicit entries win over their ancestors' (the longest prefix decides)."""
        for code, pid in mapping_rows():
            c = srpp.cpv(code)
            assert c.mapped_by == code
            assert (c.product.id if c.product else "") == pid

    def test_every_listed_code_exists_and_names_a_shipped_product(self) -> None:
        """The shipped mapping is consistent with CPV 2008 and the catalogue: a product row
        names a shipped product, the other two cases name none."""
        codes = set(CODES)
        for code, coverage, pid, _ in mapping_table():
            assert code in codes
            assert (pid in srpp.default_catalogue()) if coverage is Coverage.PRODUCT else pid == ""

    def test_servers_are_found_in_division_48(self) -> None:
        """Servers are classified under software in CPV, and still map to IT."""
        assert srpp.cpv("48820000-2").product == srpp.product("information-technology")


class TestDocumentsByCode:
    def test_a_contract_by_cpv_code_alone(self) -> None:
        """Laptops named by code get the same instruments as by product id."""
        by_code = srpp.recommend({"cpv": ["30213100-6"], "value": {"amount": 2_000_000}, "duration_months": 24})
        by_id = srpp.recommend({"products": ["laptops"], "value": {"amount": 2_000_000}, "duration_months": 24})
        assert by_code.instruments == by_id.instruments

    def test_a_code_without_data_is_not_an_error_but_a_note(self) -> None:
        """Motor vehicles: goods srpp cannot rate; the buyer must assess them; nothing recommended."""
        r = srpp.recommend({"cpv": ["34100000-8"], "value": {"amount": 2_000_000}, "duration_months": 24})
        assert r.instruments == ()
        assert any("34100000-8" in n and "assess it yourself" in n for n in r.notes)

    def test_a_reviewed_code_without_a_product_adds_no_risk_and_no_assess_note(self) -> None:
        """IT services: reviewed, no product of DFØ's list; no 'assess it yourself' note."""
        r = srpp.recommend({"cpv": ["72000000-5"], "value": {"amount": 2_000_000}, "duration_months": 24})
        assert r.instruments == () and r.high_risk is False
        assert not any("72000000-5" in n for n in r.notes)

    def test_school_furniture_by_code_is_high_risk(self) -> None:
        """School furniture maps to DFØ's furniture category row (raw material high)."""
        r = srpp.recommend({"cpv": ["39160000-1"], "value": {"amount": 2_000_000}, "duration_months": 24})
        assert r.high_risk and "contract-clauses" in r

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
        assert "raw material very high, component high, assembly medium high" in out

    @pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
    def test_srpp_cpv_says_which_of_the_three_cases_and_why(self, fmt: str) -> None:
        """A product (with its source and page date), reviewed-no-product, and no data."""
        code, out, err = run("cpv", "30213100-6", "72000000-5", "34100000-8", "--format", fmt)
        assert code == 0 and err == ""
        if fmt == "json":
            docs = __import__("json").loads(out)
            assert [d["coverage"] for d in docs] == ["product", "no-product", "no-data"]
            assert all(d["reason"] for d in docs) and docs[0]["source_date"] == "2021-10-15"
        else:
            assert "a product of DFØ's high-risk list" in out and "2021-10-15" in out
            assert "reviewed, holds no product of DFØ's high-risk list" in out
            assert "no data: goods srpp cannot rate" in out
            assert "services: IT" in out and "transport equipment" in out

    def test_srpp_cpv_99999999_is_an_unknown_code(self) -> None:
        code, out, err = run("cpv", "99999999-9")
        assert code == 2 and "99999999-9: unknown CPV code" in err

    def test_bad_codes_exit_2_and_good_ones_still_print(self) -> None:
        """One message per bad code with suggestions."""
        code, out, err = run("cpv", "39160000-1", "30213199-1", "--format", "json")
        assert code == 2
        assert [c["code"] for c in __import__("json").loads(out)] == ["39160000-1"]
        assert "30213199-1: unknown CPV code" in err and "nearest" in err


class TestVocabulary:
    def test_the_list_holds_exactly_the_9454_codes_of_cpv_2008(self) -> None:
        """Regulation 213/2008's main vocabulary: 9,454 codes, each with its check digit; the
        four codes of the DK021 copy that are not CPV 2008 are gone."""
        assert len(CODES) == 9454 == len(set(CODES))
        assert all(re.fullmatch(r"[0-9]{8}-[0-9]", c, re.ASCII) for c in CODES)
        assert not {c[:8] for c in CODES} & {"60173000", "60184000", "77620000", "99999999"}

    @pytest.mark.parametrize("code", ["99999999-9", "99999999", "60173000-1", "77620000-2"])
    def test_codes_outside_cpv_2008_are_unknown(self, code: str) -> None:
        """'Not reflected in other sections' is no CPV 2008 code."""
        with pytest.raises(UnknownNameError, match="unknown CPV code.*not in CPV 2008"):
            srpp.cpv(code)

    @pytest.mark.parametrize("code", ["JA14", "AA01-1", "ja14", " PA01-7 ", "EA10"])
    def test_supplementary_codes_are_recognised(self, code: str) -> None:
        """Two letters, two digits, an optional check digit: the supplementary vocabulary."""
        assert is_supplementary(code)
        with pytest.raises(UnknownNameError, match="supplementary vocabulary, not a main code"):
            srpp.cpv(code)

    @pytest.mark.parametrize("code", ["30213100-6", "30213100", "JA1", "JAA14", "J14", "JA14-12", 3, None])
    def test_other_things_are_not_supplementary_codes(self, code: object) -> None:
        assert not is_supplementary(code)

    def test_a_supplementary_code_in_a_document_names_the_field_and_says_what_it_is(self) -> None:
        """cpv[1]: 'AA01-1' is a code of CPV's supplementary vocabulary ..."""
        with pytest.raises(InvalidContractError) as e:
            srpp.Contract.from_dict({"cpv": ["30213100-6", "AA01-1"], "value": {"amount": 1},
                                     "duration_months": 1})  # fmt: skip
        [problem] = e.value.problems
        assert problem.field == "cpv[1]" and "supplementary vocabulary" in problem.message

    @pytest.mark.parametrize("code", ["３０２１３１００-６", "30213100-６", "٣٠٢١٣١٠٠"])
    def test_only_ascii_digits_are_accepted(self, code: str) -> None:
        """Full-width and other Unicode digits are refused with a message saying which."""
        with pytest.raises(UnknownNameError, match="ASCII digits 0-9"):
            srpp.cpv(code)

    def test_a_seven_digit_code_gets_the_zero_padded_code(self) -> None:
        """3131100 lost its leading zero in a spreadsheet: coffee beans, 03131100-9."""
        with pytest.raises(UnknownNameError, match=re.escape("the code is 03131100-9 (Coffee beans)")):
            srpp.cpv("3131100")
        with pytest.raises(UnknownNameError, match="03021310, which is not a CPV code either"):
            srpp.cpv("3021310")

    def test_messages_say_the_check_digit_is_optional(self) -> None:
        with pytest.raises(UnknownNameError, match="optionally a dash and the check digit"):
            srpp.cpv("30-213100")


# Each division of CPV 2008 with the case its codes land in unless srpp's mapping makes an
# exception, declared here by hand so that a change to the mapping's division rows fails.
# Services (division 50 and up), construction work (45) and software (48) are reviewed and
# hold no product of DFØ's list; goods without a product are "no data".
NO_PRODUCT_DIVISIONS = {"45", "48", "50", "51", "55", "60", "63", "64", "65", "66", "70", "71",
                        "72", "73", "75", "76", "77", "79", "80", "85", "90", "92", "98"}  # fmt: skip
PRODUCT_DIVISIONS = {"32": "information-technology"}
NO_DATA_DIVISIONS = {"03", "09", "14", "15", "16", "18", "19", "22", "24", "30", "31", "33", "34",
                     "35", "37", "38", "39", "41", "42", "43", "44"}  # fmt: skip


class TestEveryCodeLandsOnPurpose:
    def test_every_division_is_declared_once(self) -> None:
        divisions = {c[:2] for c in CODES}
        declared = [*NO_PRODUCT_DIVISIONS, *PRODUCT_DIVISIONS, *NO_DATA_DIVISIONS]
        assert sorted(declared) == sorted(divisions)

    def test_every_code_lands_by_its_division_default_or_an_explicit_exception(self) -> None:
        """Walk all 9,454 codes: a code decided by its division's row has the declared default;
        any other code was decided by an explicit row of the mapping, inside its division."""
        exceptions = {code for code, *_ in mapping_table()} - {c for c in CODES if c[2:8] == "000000"}
        for code in CODES:
            c = srpp.cpv(code)
            division = code[:2]
            assert c.mapped_by is not None and c.mapped_by[:2] == division, code
            assert (c.coverage is Coverage.PRODUCT) == (c.product is not None), code
            assert c.reason, code
            if c.mapped_by[2:8] == "000000":
                if division in NO_PRODUCT_DIVISIONS:
                    assert c.coverage is Coverage.NO_PRODUCT, code
                elif division in PRODUCT_DIVISIONS:
                    assert c.product is not None and c.product.id == PRODUCT_DIVISIONS[division], code
                else:
                    assert c.coverage is Coverage.NO_DATA, code
            else:
                assert c.mapped_by in exceptions, code

    def test_services_works_and_software_never_carry_a_product_except_servers(self) -> None:
        """Reviewed divisions: no product and never 'no data'; servers (4882) are hardware."""
        for code in CODES:
            if code[:2] in NO_PRODUCT_DIVISIONS:
                c = srpp.cpv(code)
                if code.startswith("4882"):
                    assert c.product == srpp.product("information-technology")
                else:
                    assert c.coverage is Coverage.NO_PRODUCT, code

    def test_goods_are_never_called_reviewed_without_a_product(self) -> None:
        """Goods srpp has no product for are 'no data' (high-risk unknown), never 'no product'."""
        for code in CODES:
            if code[:2] not in NO_PRODUCT_DIVISIONS:
                assert srpp.cpv(code).coverage is not Coverage.NO_PRODUCT, code

    def test_every_shipped_product_is_reachable_by_a_code(self) -> None:
        reached = {c.product.id for c in map(srpp.cpv, CODES) if c.product is not None}
        assert reached == set(srpp.default_catalogue().ids())


# The families the audit found unmapped or mapped wrong, with the product DFØ rates.
FAMILIES = [
    ("39100000-3", "furniture"), ("39130000-2", "furniture"), ("39160000-1", "furniture"),
    ("39161000-8", "furniture"), ("39150000-8", "furniture"), ("39141000-2", "furniture"),
    ("39112000-0", "office-and-student-chairs"), ("39121100-7", "desks-and-meeting-tables"),
    ("39122000-3", "shelves-and-cabinets"), ("39131000-9", "shelves-and-cabinets"),
    ("31400000-0", "batteries"), ("31410000-3", "batteries"), ("31411000-0", "batteries"),
    ("31420000-6", "batteries"), ("31434000-7", "batteries"), ("31440000-2", "batteries"),
    ("30190000-7", "office-supplies"), ("30197000-6", "office-supplies"),
    ("30192000-1", "office-supplies"), ("30199000-0", "paper-products"),
    ("30199230-1", "paper-products"), ("30197630-1", "paper-products"),
    ("32260000-3", "information-technology"), ("32300000-6", "information-technology"),
    ("32320000-2", "information-technology"), ("32340000-8", "information-technology"),
    ("32342100-3", "information-technology"), ("32342200-4", "information-technology"),
    ("38652100-1", "information-technology"), ("38652120-7", "information-technology"),
    ("31500000-1", "light-sources"), ("31531000-7", "light-sources"), ("31524120-2", "light-sources"),
    ("15331423-8", "tomatoes-canned"), ("15331420-7", "tomatoes-canned"),
    ("18220000-7", "outdoor-workwear"), ("18221300-7", "outdoor-workwear"),
    ("18143000-3", "disposable-dust-masks"),
    ("30231100-8", "information-technology"), ("30231200-9", "information-technology"),
    ("30231310-3", "monitors"), ("30213100-6", "laptops"),
    ("37535210-2", "swings-and-slides"), ("37535240-1", "swings-and-slides"),
    ("37535200-9", "play-and-sports-equipment"), ("37520000-9", "toys"),
    ("30192113-6", "toner-cartridges"), ("30125100-2", "toner-cartridges"),
    ("30192121-5", "pens-and-markers"), ("30192125-3", "pens-and-markers"),
    ("15831000-2", "sugar-cane"), ("03222321-9", "apples-imported"),
    ("18424300-0", "medical-disposable-gloves"), ("48820000-2", "information-technology"),
]  # fmt: skip


class TestFamilies:
    @pytest.mark.parametrize(("code", "pid"), FAMILIES)
    def test_each_family_gives_the_product_dfo_rates(self, code: str, pid: str) -> None:
        c = srpp.cpv(code)
        assert c.coverage is Coverage.PRODUCT and c.product is not None and c.product.id == pid

    @pytest.mark.parametrize("code", ["15831000-2", "03222321-9", "18424300-0"])
    def test_sugar_apples_and_disposable_gloves_say_what_dfo_rated(self, code: str) -> None:
        """Cane sugar, imported apples, medical disposable gloves: the note says so."""
        reason = srpp.cpv(code).reason
        assert ("cane" in reason) or ("imported" in reason) or ("medical" in reason)

    @pytest.mark.parametrize("code", ["39137000-1", "44000000-0", "09331200-0", "15860000-4"])
    def test_goods_srpp_cannot_rate_are_no_data_with_a_reason(self, code: str) -> None:
        c = srpp.cpv(code)
        assert c.coverage is Coverage.NO_DATA and c.product is None and c.reason


class TestCpvCodeModel:
    def test_coverage_defaults_from_the_product(self) -> None:
        laptops = srpp.product("laptops")
        assert srpp.CpvCode("30213100-6", "Portable computers", laptops).coverage is Coverage.PRODUCT
        assert srpp.CpvCode("34100000-8", "Motor vehicles").coverage is Coverage.NO_DATA

    def test_coverage_and_product_must_agree(self) -> None:
        with pytest.raises(ValueError, match="needs a product"):
            srpp.CpvCode("72000000-5", "IT services", None, coverage="product")
        with pytest.raises(ValueError, match="needs no product"):
            srpp.CpvCode("30213100-6", "Portable computers", srpp.product("laptops"), coverage="no-data")

    def test_a_catalogue_without_the_mapped_product_gives_no_data(self) -> None:
        cat = srpp.Catalogue(tuple(p for p in srpp.default_catalogue() if p.id != "laptops"))
        c = srpp._cpv.cpv("30213100-6", cat)
        assert c.coverage is Coverage.NO_DATA and "laptops" in c.reason
