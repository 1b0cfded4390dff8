"""Notice readers: eForms XML and OCDS JSON in, contract documents and notice facts out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from srpp import InvalidNoticeError
from srpp._codes import gap, notice_codes
from srpp._readers.notices import Notice, read_bytes, read_notices

HERE = Path(__file__).resolve().parent / "notices"


def read(name: str) -> list[Notice]:
    found = list(read_notices(read_bytes(str(HERE / name)), name))
    for n in found:
        if isinstance(n, Exception):
            raise n
    return [n for n in found if isinstance(n, Notice)]


def one(name: str) -> Notice:
    (notice,) = read(name)
    return notice


def errors(data: bytes | str, source: str = "x") -> list[str]:
    raw = data.encode() if isinstance(data, str) else data
    return [str(p) for e in read_notices(raw, source) if isinstance(e, InvalidNoticeError) for p in e.problems]


class TestEforms:
    def test_contract_notice_reads_procedure_lots_and_declarations(self) -> None:
        """Main codes of procedure and lots (additional codes not read), lot values summed
        with the framework maximum replacing a lot's estimate, the longest lot's period,
        the buyer's name through its organisation id, and BT-06/BT-775 per lot."""
        n = one("cn-two-lots.xml")
        assert n.document == {
            "id": "fjordby-2026-031",
            "title": "Bærbare PC-er og skjermer til skolene",
            "cpv": ["30213100", "30231300-0"],
            "value": {"amount": 10_500_000, "currency": "NOK"},
            "duration_months": 48,
            "date": "2026-03-02",
        }
        assert (n.id, n.buyer, n.format, n.kind, n.subtype, n.date) == (
            "fjordby-notice-0001", "Fjordby kommune", "eforms", "cn-standard", "16", "2026-03-02"
        )
        assert n.to_dict()["declared"] == {
            "LOT-0001": {"BT-06": ["soc-obj"], "BT-775": ["hum-right"]},
            "LOT-0002": {"BT-06": ["env-imp"], "BT-775": []},
        }

    def test_prior_information_notice_with_parts_dates_and_a_supplementary_code(self) -> None:
        """Parts count as lots; dates give the period; a supplementary code is set aside."""
        n = one("pin-parts.xml")
        assert n.document["cpv"] == ["18100000", "18830000"]
        assert n.document["value"] == {"amount": 250000.5, "currency": "EUR"}
        assert (n.document["start_date"], n.document["end_date"]) == ("2026-01-01", "2027-12-31")
        assert "duration_days" not in n.document and "id" not in n.document
        assert n.kind == "pin-only" and n.buyer == "Nordvik helseforetak"
        assert n.set_aside == (("FA01-1", "a supplementary code (not a main CPV code)"),)

    def test_award_notice_takes_the_framework_maximum_of_the_result(self) -> None:
        """No estimate anywhere: BT-118 (framework maximum) before BT-161 (notice value)."""
        n = one("can-result.xml")
        assert n.document["value"] == {"amount": 3_100_000, "currency": "NOK"}
        assert n.document["cpv"] == ["15861000-1"]  # procedure and lot name it once
        assert n.kind == "can-standard"

    def test_national_form_leaves_unknowns_unknown(self) -> None:
        """No value, no period, a placeholder date: none of them is invented."""
        n = one("national-e3.xml")
        assert n.document == {"id": "mobler-2026", "title": "Kontormøbler", "cpv": ["39130000"]}
        assert n.subtype == "E3" and n.date is None and n.declared == {}

    def test_utf16_xml_with_its_byte_order_mark_is_read(self) -> None:
        """XML may be UTF-16 when it says so; the notice reads the same."""
        text = (HERE / "national-e3.xml").read_text("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        (n,) = read_notices(text.encode("utf-16"), "u16.xml")
        assert isinstance(n, Notice) and n.document["cpv"] == ["39130000"]

    def test_a_lot_without_a_value_stops_the_sum(self) -> None:
        """The sum of the lots is used only when every lot gives a value."""
        xml = (HERE / "cn-two-lots.xml").read_text("utf-8")
        xml = xml.replace('currencyID="NOK">1500000<', 'currencyID="NOK">?<')
        (n,) = read_notices(xml.encode(), "edited")
        assert isinstance(n, Notice) and "value" not in n.document

    @pytest.mark.parametrize(
        ("xml", "expected"),
        [
            ("<ContractNotice", "not well-formed XML"),
            ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>', "refused"),
            ('<?xml version="1.0"?><!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>', "refused"),
            ("<Invoice/>", "not an eForms notice: the root element is 'Invoice'"),
            (
                '<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2"/>',
                "no CPV main code (BT-262",
            ),
        ],
    )
    def test_unreadable_xml_is_an_error_naming_the_file_and_what_is_missing(
        self, xml: str, expected: str
    ) -> None:
        """Broken XML, DTDs and entities (never expanded), other documents, no CPV code."""
        (problem,) = errors(xml, "bad.xml")
        assert problem.startswith("bad.xml: ") and expected in problem


class TestOcds:
    def test_release_lots_values_periods_and_sustainability(self) -> None:
        """Sum of lot values; the longest lot period with options (maxExtentDate); CPVS
        and additional classifications set aside or not read; the buyer from parties;
        sustainability goals read back as eForms codes."""
        n = one("release.json")
        assert n.document == {
            "id": "ocds-test01-gloves",
            "title": "Examination gloves",
            "cpv": ["33141000-0"],
            "value": {"amount": 1_250_000, "currency": "NOK"},
            "start_date": "2026-04-01",
            "end_date": "2028-03-31",
            "date": "2026-02-10",
        }
        assert n.buyer == "Sørøy sykehus" and n.kind == "tender" and n.id == "gloves-tender-1"
        assert n.set_aside == (("ZA01-1", "scheme 'CPVS', not a main CPV code"),)
        assert n.to_dict()["declared"] == {
            "L1": {"BT-06": ["soc-obj"], "BT-775": ["hum-right"]},
            "L2": {"BT-06": [], "BT-775": []},
        }

    def test_release_package_compiles_each_ocid_with_ocdsmerge(self) -> None:
        """Releases of one ocid, in any order, become one notice; the latest release names
        its kind and date; cancelled awards do not count; junk ids like 30197630.0 are read."""
        chairs, paper = read("release-package.json")
        assert chairs.document == {
            "id": "ocds-test01-chairs",
            "title": "Classroom chairs",
            "cpv": ["39100000"],
            "value": {"amount": 640_000, "currency": "SEK"},
            "duration_days": 365,
            "date": "2026-05-01",
        }
        assert (chairs.kind, chairs.id, chairs.buyer) == ("award", "chairs-2", "Ekby kommun")
        assert chairs.source == "release-package.json#1" and paper.source == "release-package.json#2"
        assert paper.document["cpv"] == ["30197630"] and "value" not in paper.document

    def test_record_package_uses_compiled_release_or_merges_embedded_ones(self) -> None:
        """A record's compiledRelease is used as given (the contract's value and period);
        a record with embedded releases only is compiled (the later value wins)."""
        desks, pens = read("record-package.json")
        assert desks.document["value"] == {"amount": 310_000, "currency": "NOK"}
        assert (desks.document["start_date"], desks.document["end_date"]) == ("2026-05-01", "2027-04-30")
        assert desks.kind == "contract" and desks.buyer == "Vestby skole"
        assert pens.document["value"] == {"amount": 120_000, "currency": "NOK"}
        assert pens.kind == "tenderUpdate" and pens.id == "pens-2"

    def test_json_lines_group_releases_by_ocid_and_prefer_the_framework_maximum(self) -> None:
        """Lines of one ocid are compiled together; a framework maximum beats the estimate."""
        toner, screens = read("releases.jsonl")
        assert toner.document["value"] == {"amount": 70_000, "currency": "NOK"}  # tender first
        assert toner.kind == "award" and toner.date == "2026-08-01"
        assert screens.document["value"] == {"amount": 5_000_000, "currency": "NOK"}
        assert screens.document["duration_days"] == 1461

    def test_a_bare_record_is_read(self) -> None:
        """A record on its own (not in a package): its embedded releases are compiled."""
        pkg = json.loads((HERE / "record-package.json").read_text("utf-8"))
        (n,) = read_notices(json.dumps(pkg["records"][1]).encode(), "record.json")
        assert isinstance(n, Notice) and n.document["value"] == {"amount": 120_000, "currency": "NOK"}
        assert n.source == "record.json"

    def test_a_json_array_of_releases_is_read_too(self) -> None:
        """A bare JSON list of releases is read like a package."""
        doc = json.loads((HERE / "release.json").read_text("utf-8"))
        (n,) = read_notices(json.dumps([doc]).encode(), "list.json")
        assert isinstance(n, Notice) and n.document["id"] == "ocds-test01-gloves"

    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            ("{", "not valid JSON"),
            ('{"title": "no ocid"}', "not OCDS"),
            ('{"records": [{"ocid": "o-1", "releases": [{"url": "u", "date": "2026-01-01"}]}]}',
             "record o-1 has no compiledRelease and no embedded releases (only 1 linked by url)"),
            ('{"ocid": "o-2", "tender": {"items": [{"classification": {"scheme": "UNSPSC", "id": "43211503"}}]}}',
             "no CPV main code"),
            ('{"ocid": "o-3", "tender": {"items": [{"classification": {"scheme": "CPV", "id": "99999998"}}]}}',
             "unknown CPV code '99999998'"),
            ("", "empty"),
            ("[" * 100_000 + "]" * 100_000, "nested more than 64 levels deep"),
            ('{"ocid": "o-4", "n": ' + "9" * 5000 + "}", "an integer of 5000 digits; numbers have at most 40"),
            ('{"ocid": "o-5", "n": NaN}', "NaN is not a JSON number"),
            ('{"ocid": "o-6",\n "tender": {\n "title": "x"\n "items": []}}', "line 4, column 2: not valid JSON"),
            ('{"ocid": "o-7"}'.encode("utf-16"), "is encoded as UTF-16; save it as UTF-8"),
            ("hello", "neither eForms XML"),
            (b"{\"ocid\": \"\xff\"}", "not UTF-8"),
        ],
    )
    def test_unreadable_json_is_an_error_naming_the_file_and_what_is_missing(
        self, data: str | bytes, expected: str
    ) -> None:
        """Broken JSON, other JSON, records with nothing embedded, no usable CPV code."""
        problems = errors(data, "bad.json")
        assert len(problems) == 1 and problems[0].startswith("bad.json")
        assert expected in problems[0]

    def test_one_bad_process_does_not_hide_the_others(self) -> None:
        """In a package, a process without CPV codes is an error; the others are read."""
        pkg = {"releases": [
            {"ocid": "a", "id": "1", "date": "2026-01-01", "tender": {"title": "none"}},
            {"ocid": "b", "id": "2", "date": "2026-01-01",
             "tender": {"items": [{"classification": {"scheme": "CPV", "id": "30213100"}}]}},
        ]}  # fmt: skip
        out = list(read_notices(json.dumps(pkg).encode(), "pkg.json"))
        assert isinstance(out[0], InvalidNoticeError) and "pkg.json#1" in str(out[0])
        assert isinstance(out[1], Notice) and out[1].document["id"] == "b"


class TestReadingLayer:
    def test_a_bad_line_of_json_lines_costs_only_itself(self) -> None:
        """Lines after a broken one are still read; the broken one is named by its line."""
        good = {"ocid": "b", "tender": {"items": [{"classification": {"scheme": "CPV", "id": "30213100"}}]}}
        text = json.dumps(good) + '\n{"ocid": "c", trunc\n' + json.dumps({**good, "ocid": "d"}) + "\n"
        out = list(read_notices(text.encode(), "r.jsonl"))
        assert [n.document["id"] for n in out if isinstance(n, Notice)] == ["b", "d"]
        (bad,) = [str(e.problems[0]) for e in out if isinstance(e, InvalidNoticeError)]
        assert bad.startswith("r.jsonl:2: column ") and "not valid JSON" in bad

    def test_files_are_read_through_the_one_reading_layer(self, tmp_path: Path) -> None:
        """read_bytes opens, bounds and names files as the reading layer does."""
        from srpp._readers import notices, source

        assert notices.NOTICE_LIMITS.max_bytes == notices.MAX_NOTICE_BYTES
        with pytest.raises(InvalidNoticeError, match=r"nope\.json: cannot read: No such file"):
            read_bytes(str(tmp_path / "nope.json"))
        calls = []
        real = source.read_bounded

        def spy(stream: Any, limit: int) -> bytes:
            calls.append(limit)
            return real(stream, limit)

        source.read_bounded = spy  # type: ignore[assignment]
        try:
            read_bytes(str(HERE / "release.json"))
        finally:
            source.read_bounded = real  # type: ignore[assignment]
        assert calls == [notices.MAX_NOTICE_BYTES]


class TestLabels:
    def test_unreadable_items_of_an_array_each_get_their_own_label(self) -> None:
        """Items that are not objects or lack an ocid are file#N, N their place among the
        file's notices; the readable ones keep theirs."""
        good = {"ocid": "b", "tender": {"items": [{"classification": {"scheme": "CPV", "id": "30213100"}}]}}
        pkg = {"releases": ["oops", {"id": "no ocid"}, good, 7]}
        out = list(read_notices(json.dumps(pkg).encode(), "pkg.json"))
        labels = [str(e.problems[0].field) if isinstance(e, InvalidNoticeError) else e.source for e in out]
        assert labels == ["pkg.json#1", "pkg.json#2", "pkg.json#3", "pkg.json#4"]
        assert isinstance(out[2], Notice)

    def test_an_unreadable_item_of_json_lines_is_labelled_by_its_line(self) -> None:
        """Like a line that is not JSON: file:N."""
        good = {"ocid": "b", "tender": {"items": [{"classification": {"scheme": "CPV", "id": "30213100"}}]}}
        text = json.dumps(good) + "\n" + json.dumps({"id": "no ocid"}) + "\n" + json.dumps([1]) + "\n"
        out = list(read_notices(text.encode(), "r.jsonl"))
        bad = [e.problems[0].field for e in out if isinstance(e, InvalidNoticeError)]
        assert bad == ["r.jsonl:2", "r.jsonl:3"]


class TestUnreadableValues:
    @pytest.mark.parametrize(("amount", "given", "reason"), [
        ('"lots"', "lots", "not a number"),
        ("1e400", "inf", "not a finite number"),
        ("-5", "-5", "a negative amount"),
        ("1e14", "100000000000000.0", "1e13 or more, above the largest amount srpp reads"),
        ("99999999999999", "99999999999999", "1e13 or more, above the largest amount srpp reads"),
        ("1e300", "1e+300", "1e13 or more, above the largest amount srpp reads"),
        ("1" + "0" * 30, "1.000e+30", "1e13 or more, above the largest amount srpp reads"),
    ])  # fmt: skip
    def test_an_ocds_amount_that_cannot_be_read_is_reported_by_its_path(
        self, amount: str, given: str, reason: str
    ) -> None:
        """The notice is read (value unknown) and the unread field is listed with what was there."""
        text = ('{"ocid": "o-1", "tender": {"value": {"amount": ' + amount + ', "currency": "NOK"}, '
                '"items": [{"classification": {"scheme": "CPV", "id": "30213100"}}]}}')  # fmt: skip
        (n,) = read_notices(text.encode(), "r.json")
        assert isinstance(n, Notice) and "value" not in n.document
        assert n.to_dict()["unread"] == [
            {"field": "tender.value.amount", "given": given, "reason": f"{reason}; the value is read as unknown"}
        ]

    @pytest.mark.parametrize(("amount", "reason"), [
        ('"lots"', "ikke et tall; verdien regnes som ukjent"),
        ("1e400", "ikke et endelig tall; verdien regnes som ukjent"),
        ("-5", "et negativt beløp; verdien regnes som ukjent"),
        ("1e14", "1e13 eller mer, over det største beløpet srpp leser; verdien regnes som ukjent"),
    ])  # fmt: skip
    def test_why_a_value_is_unread_is_said_in_the_screenings_language(
        self, amount: str, reason: str, tmp_path: Path
    ) -> None:
        """screen(language="nb"): the reason is Norwegian; field and what was there unchanged."""
        import srpp

        text = ('{"ocid": "o-1", "tender": {"value": {"amount": ' + amount + ', "currency": "NOK"}, '
                '"items": [{"classification": {"scheme": "CPV", "id": "30213100"}}]}}')  # fmt: skip
        (tmp_path / "r.json").write_text(text, "utf-8")
        (row,) = srpp.screen([tmp_path / "r.json"], language="nb")
        (unread,) = row.to_dict()["notice"]["unread"]
        assert unread["field"] == "tender.value.amount" and unread["reason"] == reason

    def test_an_ocds_amount_of_a_lot_and_a_missing_currency_are_named(self) -> None:
        """Paths name the lot's position; an amount without its currency is unread too."""
        doc = {"ocid": "o-1", "tender": {
            "lots": [{"id": "1", "value": {"amount": "x", "currency": "NOK"}},
                     {"id": "2", "value": {"amount": 5}}],
            "items": [{"classification": {"scheme": "CPV", "id": "30213100"}}]}}  # fmt: skip
        (n,) = read_notices(json.dumps(doc).encode(), "r.json")
        assert isinstance(n, Notice)
        assert [u[0] for u in n.unread] == ["tender.lots[0].value.amount", "tender.lots[1].value.currency"]

    def test_a_readable_notice_lists_nothing_unread(self) -> None:
        """No `unread` key when every value present was read."""
        assert "unread" not in one("release.json").to_dict()
        assert "unread" not in one("cn-two-lots.xml").to_dict()

    def test_an_eforms_amount_that_is_not_a_number_is_reported_by_its_business_term(self) -> None:
        """BT-27 of a lot that is not a number: named with the lot, the notice still read."""
        xml = (HERE / "cn-two-lots.xml").read_text("utf-8")
        xml = xml.replace('currencyID="NOK">1500000<', 'currencyID="NOK">1,5 mill<')
        (n,) = read_notices(xml.encode(), "edited.xml")
        assert isinstance(n, Notice) and "value" not in n.document
        ((field, given, reason),) = n.unread
        assert field.startswith("BT-27 cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount (LOT-")
        assert given == "1,5 mill" and reason.startswith("not a number")

    def test_an_eforms_amount_of_1e13_or_more_is_unread_not_an_error(self) -> None:
        """BT-27 of 1e14: the notice is judged with the value unknown, the term named."""
        xml = (HERE / "cn-two-lots.xml").read_text("utf-8")
        xml = xml.replace('currencyID="NOK">1500000<', 'currencyID="NOK">100000000000000<')
        (n,) = read_notices(xml.encode(), "edited.xml")
        assert isinstance(n, Notice) and "value" not in n.document
        ((field, given, reason),) = n.unread
        assert field.startswith("BT-27 ") and given == "100000000000000" and reason.startswith("1e13 or more")

    def test_lots_that_sum_to_1e13_or_more_are_unread_not_an_error(self) -> None:
        """Two OCDS lots of 6e12: the notice is judged with the value unknown, the lots named."""
        doc = {"ocid": "o-1", "tender": {
            "lots": [{"id": str(j), "value": {"amount": 6_000_000_000_000, "currency": "NOK"}} for j in (1, 2)],
            "items": [{"classification": {"scheme": "CPV", "id": "30213100"}}]}}  # fmt: skip
        (n,) = read_notices(json.dumps(doc).encode(), "r.json")
        assert isinstance(n, Notice) and "value" not in n.document
        assert n.unread == (("tender.lots[*].value.amount", "12000000000000",
                             "a sum of 1e13 or more, above the largest amount srpp reads; the value is read as unknown"),)  # fmt: skip

    def test_eforms_lots_that_sum_to_1e13_or_more_are_unread_not_an_error(self) -> None:
        """LOT-0001's BT-271 of 9e12 and LOT-0002's BT-27 of 1.5e12: value unknown, named."""
        xml = (HERE / "cn-two-lots.xml").read_text("utf-8")
        xml = xml.replace('currencyID="NOK">9000000<', 'currencyID="NOK">9000000000000<')
        xml = xml.replace('currencyID="NOK">1500000<', 'currencyID="NOK">1500000000000<')
        (n,) = read_notices(xml.encode(), "edited.xml")
        assert isinstance(n, Notice) and "value" not in n.document
        assert [(f, g) for f, g, _ in n.unread] == [("BT-27/BT-271 (the sum of the lots)", "10500000000000")]

    def test_screen_rows_carry_the_unread_fields(self, tmp_path: Path) -> None:
        """srpp.screen's row (JSON) lists them under notice.unread."""
        import srpp

        f = tmp_path / "r.json"
        f.write_text('{"ocid": "o-1", "tender": {"value": {"amount": "lots", "currency": "NOK"}, '
                     '"items": [{"classification": {"scheme": "CPV", "id": "30213100"}}]}}')  # fmt: skip
        (row,) = srpp.screen([f])
        assert row.ok and row.to_dict()["notice"]["unread"][0]["field"] == "tender.value.amount"


class TestCodes:
    def test_notice_codes_name_their_code_lists_and_sdk(self) -> None:
        """BT-06 soc-obj and BT-775 hum-right, with the eForms names and the SDK version."""
        codes = notice_codes()
        assert codes["BT-06"] == ["soc-obj"] and codes["BT-775"] == ["hum-right"]
        assert codes["labels"] == {
            "soc-obj": "Fulfilment of social objectives",
            "hum-right": "Human rights due diligence in global supply chains",
        }
        assert codes["sdk_version"] and "eForms-SDK" in codes["source"]

    def test_gap_names_the_lots_that_lack_a_code(self) -> None:
        """A code is missing where some lot does not declare it; nothing when all do."""
        declared: dict[str, Any] = {
            "L1": {"BT-06": ["soc-obj"], "BT-775": ["hum-right"]},
            "L2": {"BT-06": ["soc-obj"], "BT-775": []},
        }
        assert gap(notice_codes(), declared) == [
            {"term": "BT-775", "code": "hum-right",
             "label": "Human rights due diligence in global supply chains", "lots": ["L2"]}
        ]  # fmt: skip
        declared["L2"]["BT-775"] = ["hum-right"]
        assert gap(notice_codes(), declared) == []

    def test_recommendation_carries_notice_codes_exactly_when_clauses_are_recommended(
        self,
    ) -> None:
        """High-risk laptops get the codes (in to_dict too); office chairs of low risk none."""
        import srpp

        r = srpp.recommend({"products": ["laptops"], "value": {"amount": 5_000_000},
                            "duration_months": 36})  # fmt: skip
        assert "contract-clauses" in r and r.notice_codes == notice_codes()
        assert r.to_dict()["notice_codes"]["BT-775"] == ["hum-right"]
        low = srpp.recommend({"cpv": ["15861000-1"], "value": {"amount": 50_000},
                              "duration_months": 12})  # fmt: skip
        assert "contract-clauses" not in low and low.notice_codes is None
        assert low.to_dict()["notice_codes"] is None
