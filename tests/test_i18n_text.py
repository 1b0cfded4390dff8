"""Norwegian output beyond recommendations: `srpp rules`, screening rows, CSV booleans."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

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
        assert "slutning: kjøpet har høy risiko" in out and "anbefal contract-clauses (bør)" in out
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
