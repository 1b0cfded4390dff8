"""Norwegian output beyond recommendations: `srpp rules`, screening rows, CSV booleans."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

import srpp
from srpp._cli import main
from srpp._writers.text import condition_words, parameters_text, rules_text
from srpp.rules import default_rules
from srpp.rules._model import Compare

NOTICES = Path(__file__).parent / "notices"
NBSP = "\u00a0"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def rates(tmp_path: Path) -> str:
    p = tmp_path / "rates.json"
    p.write_text(json.dumps({"exchange_rates": {"EUR": 11.5, "GBP": 13.4, "DKK": 1.54, "SEK": 1.02}}))
    return str(p)


class TestRulesInWords:
    def test_a_negated_fact_reads_naturally_in_both_languages(self) -> None:
        """`value_known == false` is "the value is not known yet", never "... is known is false"."""
        rs = default_rules()
        cond = Compare("value_known", "==", False)
        assert condition_words(rs, cond) == "the value is not known yet"
        assert condition_words(rs, cond, "nb") == "verdien er ikke kjent ennå"
        assert condition_words(rs, Compare("value_known", "!=", False)) == "the value is known"
        # a fact without its own words for the negation
        assert condition_words(rs, Compare("conflict_minerals", "==", False)) == (
            "the products contain no conflict minerals"
        )
        for language in ("en", "nb"):
            text = rules_text(rs, language=language)
            assert " is false" not in text and " is true" not in text and " er false" not in text

    def test_srpp_rules_in_norwegian(self) -> None:
        """Headings, conditions, conclusions, reasons and bases in bokmål; Babel's amounts
        and dates (100 000 kr, 03.03.2021); ids, parameter names and URLs unchanged."""
        code, out, _ = run("rules", "--lang", "nb")
        assert code == 0
        assert out.startswith("Parametere\n----------\n") and "\nRegler\n------\n" in out
        assert f"act_threshold = 100{NBSP}000{NBSP}kr  [lov]" in out
        assert "[DFØs veiledning, 03.03.2021]" in out and "[srpps tolkning]" in out
        assert f"verdien er minst 100{NBSP}000{NBSP}kr [act_threshold] eller verdien er ikke kjent ennå" in out
        assert "varigheten er minst 24 måneder [priority_duration]" in out
        assert "slutning: anskaffelsen har høy risiko" in out and "anbefal contract-clauses (bør)" in out
        assert "self-assessment (vurder, skjema: fullstendig)" in out
        assert "  hvorfor " in out and "  kilde   https://lovdata.no/" in out
        for english in ("when ", "then ", "conclude", "recommend ", " at least ", "Procurement Act",
                        "srpp's reading", "DFØ's guidance", "NOK"):  # fmt: skip
            assert english not in out, english

    def test_markdown_in_norwegian_and_english(self) -> None:
        """The Markdown listing (the source of docs/rules.md) in both languages."""
        rs = default_rules()
        en, nb = rules_text(rs, markdown=True), rules_text(rs, markdown=True, language="nb")
        assert "- **When** value is at least NOK 100,000 [act_threshold]" in en
        assert "- **Når** verdien er minst" in nb and "- **Hvorfor** " in nb and "- **Kilder** <" in nb
        assert [line for line in en.splitlines() if line.startswith("### ")] == [
            line for line in nb.splitlines() if line.startswith("### ")
        ]
        assert "srpp's reading" in parameters_text(rs, markdown=True)
        assert "srpps tolkning" in parameters_text(rs, markdown=True, language="nb")


class TestScreenRows:
    def test_text_rows_in_norwegian(self, rates: str) -> None:
        """Labels, ja/nei, amounts and dates as the HTML page and the reports write them."""
        code, out, _ = run("screen", str(NOTICES / "cn-two-lots.xml"), "--lang", "nb", "--policy", rates)
        assert code == 0
        assert "[eforms cn-standard, 02.03.2026]" in out
        assert f"10{NBSP}500{NBSP}000{NBSP}kr; 48 måneder" in out
        assert "høy risiko: ja; prioritert: ja" in out
        assert "virkemidler: market-dialogue (bør), contract-clauses (bør)" in out
        assert "mangler: BT-06 soc-obj (LOT-0002)" in out and "kunngjøringskoder: " in out
        for english in ("high risk", "priority", "instruments", "declared", "gap:", "NOK", "months"):
            assert english not in out, english

    def test_markdown_rows_in_norwegian(self, rates: str) -> None:
        code, out, _ = run("screen", str(NOTICES), "--format", "markdown", "--lang", "nb", "--policy", rates)
        assert code == 0
        assert out.startswith("| kunngjøring | oppdragsgiver | CPV | beløp | måneder | høy risiko |")
        assert f"| 10{NBSP}500{NBSP}000{NBSP}kr | 48 | ja |" in out and "NOK" not in out

    def test_plain_csv_is_the_same_in_every_language_with_true_false(self, rates: str) -> None:
        """Plain CSV: ids, true/false (empty when unknown), as the portfolio's; no language."""
        en = run("screen", str(NOTICES), "--format", "csv", "--lang", "en", "--policy", rates)[1]
        nb = run("screen", str(NOTICES), "--format", "csv", "--lang", "nb", "--policy", rates)[1]
        assert en == nb
        rows = list(csv.DictReader(io.StringIO(en)))
        assert {r["high_risk"] for r in rows} <= {"true", "false", ""} and "true" in {r["high_risk"] for r in rows}
        assert {r["priority"] for r in rows} <= {"true", "false", ""}
        portfolio = list(csv.DictReader(io.StringIO(run("portfolio", "--example", "plan-2027", "--format", "csv")[1])))
        assert {r["high_risk"] for r in portfolio} <= {"true", "false", ""}
        assert "true" in {r["high_risk"] for r in portfolio}

    def test_excel_csv_in_norwegian(self, rates: str) -> None:
        """--excel: BOM, ';', CRLF, Norwegian column names, ja/nei, decimal commas."""
        code, out, _ = run("screen", str(NOTICES), "--format", "csv", "--excel", "--lang", "nb", "--policy", rates)
        assert code == 0 and out.startswith("\ufeff") and "\r\n" in out
        rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff")), delimiter=";"))
        assert rows[0][:3] == ["kilde", "format", "kunngjøring"] and "høy risiko" in rows[0]
        assert {len(r) for r in rows} == {len(rows[0])}
        flags = {r[rows[0].index("høy risiko")] for r in rows[1:]}
        assert flags <= {"ja", "nei", "ukjent", ""} and "ja" in flags
        amounts = [r[rows[0].index("beløp")] for r in rows[1:] if "," in r[rows[0].index("beløp")]]
        assert amounts and all("." not in a for a in amounts)


# -- no English left in Norwegian output ------------------------------------------------------

# Words that are English and not Norwegian: none of them may be left in a Norwegian report.
ENGLISH = {
    "the", "and", "of", "or", "is", "are", "not", "with", "should", "consider", "unknown", "none",
    "yes", "value", "values", "month", "months", "source", "sources", "why", "when", "then",
    "notes", "planning", "tender", "follow-up", "raw", "material", "component", "assembly",
    "assessed", "medium", "very", "high", "high-risk", "page", "read", "category", "name", "step",
    "template", "note", "label", "instruments", "instrument", "priority", "contract", "contracts",
    "vat", "excl", "reading", "guidance", "law", "rank", "share", "cumulative", "title",
    "risk", "case", "product", "products", "mapped", "by", "declared", "gap", "error", "notice",
    "buyer", "amount", "currency", "date", "rules", "parameters", "conclude", "recommend",
    "recommended", "procurement", "act", "supplier", "suppliers", "clause", "clauses", "form",
    "full", "simplified", "shown", "lots", "period", "duration", "maturity", "market",
}
# What may stay as it is: ids and codes (instruments, products, categories, parameters,
# rules, eForms), URLs, JSON keys named in notes, and the data srpp has only in English
# (CPV's labels, eForms code names, the titles of the English fixture notices).
_URL = re.compile(r"(?:https?://|<https?://)\S+")
_IDS = re.compile(r"\b[a-z0-9]+(?:[-_][a-z0-9]+)+\b|\[[a-z_]+\]|`[^`]*`")


_PATHS = re.compile(r"[^\s;,]+\.(?:md|json|xml|jsonl)(?:#\d+)?")


def _english_left(text: str, allowed: set[str]) -> set[str]:
    text = _URL.sub(" ", _PATHS.sub(" ", text))
    for phrase in sorted(allowed, key=len, reverse=True):
        text = re.sub(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", " ", text)
    text = _IDS.sub(" ", text)
    words = set(re.findall(r"[A-Za-zÆØÅæøå]+(?:-[A-Za-zÆØÅæøå]+)*", text))
    # "nok" is Norwegian ("enough"); the currency in English is written NOK
    return {w for w in words if w.lower() in ENGLISH or w == "NOK"}


def _data_in_english(codes: list[str], notice_docs: list[dict[str, Any]]) -> set[str]:
    import srpp
    from srpp._codes import code_lists

    allowed = {srpp.cpv(c).label for c in codes}
    # the eForms code lists' names (the EU publishes none in Norwegian)
    allowed |= {name for lst in code_lists()["lists"].values() for name in lst.get("codes", {}).values()}
    allowed |= {r.id for r in default_rules()}  # rule ids, each on a line of its own
    for doc in notice_docs:
        notice = doc.get("notice", {})
        # the notices' own words, and their kinds: codes of eForms and OCDS release tags
        allowed |= {notice.get("title") or "", notice.get("buyer") or "", notice.get("kind") or ""}
        allowed |= {srpp.cpv(c).label for c in doc.get("contract", {}).get("cpv", [])}
    return {a for a in allowed if a}


class TestNoEnglishInNorwegian:
    CPV = ["30213100-6", "15861000-1", "79530000-8", "39130000-2", "44000000-0"]

    def commands(self, rates: str) -> list[list[str]]:
        import srpp._cli as cli

        out = []
        for name in cli.examples():
            for fmt in ("text", "markdown", "html"):
                out.append(["recommend", "--example", name, "--format", fmt])
        for fmt in ("text", "markdown", "html"):
            out.append(["portfolio", "--example", "plan-2027", "--format", fmt])
        out.append(["portfolio", "--example", "plan-2027", "--format", "csv", "--excel"])
        for fmt in ("text", "markdown", "html"):
            out.append(["screen", str(NOTICES), "--policy", rates, "--format", fmt])
        out.append(["screen", str(NOTICES), "--policy", rates, "--format", "csv", "--excel"])
        for command in (["cpv", *self.CPV], ["products"], ["rules"], ["instruments"]):
            for fmt in ("text", "markdown"):
                out.append([*command, "--format", fmt])
        return out

    def test_every_command_and_format(self, rates: str) -> None:
        """Every command in every format meant for a person: no English word in Norwegian
        (ids, codes, URLs and data srpp has only in English aside)."""
        screened = json.loads(run("screen", str(NOTICES), "--policy", rates, "--format", "json")[1])
        allowed = _data_in_english(self.CPV, screened)
        failures = {}
        for argv in self.commands(rates):
            code, out, err = run(*argv, "--lang", "nb")
            assert code == 0, (argv, err)
            if "html" in argv:
                out = re.sub(r"<style.*?</style>|<script.*?</script>|<svg.*?</svg>|<[^>]+>", " ", out, flags=re.S)
                out = html.unescape(out)
            if "--excel" in argv:  # the currency column holds ISO 4217 codes
                out = re.sub(r";(NOK|EUR|SEK|DKK|GBP);", ";;", out)
            # CPV's labels are English data (the EU publishes none in Norwegian)
            labels = {srpp.cpv(code).label for code in set(re.findall(r"\b\d{8}-\d\b", out))}
            left = _english_left(out, allowed | labels)
            if left:
                failures[" ".join(argv)] = sorted(left)
        assert not failures, failures

    def test_the_check_finds_english(self) -> None:
        """The same check on the English output finds English words (it can fail)."""
        out = run("rules", "--lang", "en")[1]
        assert {"the", "value", "when", "then"} <= {w.lower() for w in _english_left(out, set())}


class TestTiersAndNotes:
    def test_one_word_per_tier_in_every_format(self) -> None:
        """DFØ's tier names (råvareproduksjon, komponentproduksjon, sluttproduksjon) in the text
        report, the risk table and the HTML page alike."""
        pytest.importorskip("jinja2")
        words = ("råvareproduksjon", "komponentproduksjon", "sluttproduksjon")
        text = run("recommend", "--example", "laptop-framework", "--lang", "nb")[1]
        table = run("products", "--lang", "nb")[1]
        page = run("recommend", "--example", "laptop-framework", "--format", "html", "--lang", "nb")[1]
        for word in words:
            assert word in text and word in table and word.capitalize() in page
        for out in (text, table, page):
            assert "sammenstilling" not in out.lower() and "montering" not in out.lower()

    @pytest.mark.parametrize("language", ["en", "nb"])
    def test_nothing_rated_is_not_below_the_level(self, language: str) -> None:
        """Services (no tier assessed): the note says nothing bought is rated, not that every
        tier is below medium high; a rated tier below the level keeps the usual note."""
        services = srpp.recommend({"cpv": ["79530000-8"], "value": {"amount": 2_000_000},
                                   "duration_months": 12}, language=language)  # fmt: skip
        assert services.high_risk is False and not services.instruments
        notes = " ".join(services.notes)
        assert ("medium high" not in notes) and ("middels høy" not in notes)
        assert ("Nothing bought is rated" in notes) or ("Ingenting av det som kjøpes" in notes)
        low = srpp.recommend({"products": ["coffee"], "risk_overrides": {"raw_material": "low"},
                              "value": {"amount": 2_000_000}, "duration_months": 12}, language=language)  # fmt: skip
        assert any(("No rated tier" in n) or ("Ingen vurderte ledd" in n) for n in low.notes)


class TestCpvInNorwegian:
    def test_mapping_notes_and_reasons_are_translated(self) -> None:
        """srpp's mapping notes and reasons in Norwegian; CPV's own labels stay as the EU
        publishes them."""
        out = run("cpv", "30213100-6", "15861000-1", "79530000-8", "--lang", "nb")[1]
        assert "hvorfor:  bærbare datamaskiner er DFØs bærbare PC-er" in out
        assert "hvorfor:  Kaffe på DFØs høyrisikoliste" in out
        assert "hvorfor:  tjenester: forretningstjenester" in out
        assert "Portable computers" in out  # CPV's label
        assert "siden er datert 15.10.2021" in out
