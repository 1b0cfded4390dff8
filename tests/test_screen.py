"""Screening notices: srpp.screen and the `srpp screen` command, on fixtures and real notices."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

import srpp
from srpp._cli import main
from srpp._screen import ScreenRow

HERE = Path(__file__).resolve().parent / "notices"
REPO = Path(__file__).resolve().parent.parent
RATES = {"EUR": 11.5, "GBP": 13.4, "DKK": 1.54, "SEK": 1.02}
FIXTURE_NOTICES = 11  # 4 eForms files, 7 OCDS processes


def shared_notices() -> Path | None:
    """The published notices of ../shared/data/notices (named by ``SRPP_SHARED_NOTICES``, as
    .ci/run does for its clone in a temporary folder, or beside the clone, or beside the
    folder of worktrees), if present."""
    named = os.environ.get("SRPP_SHARED_NOTICES")
    if named and Path(named).is_dir():
        return Path(named)
    for base in (REPO.parent, REPO.parent.parent):
        folder = base / "shared" / "data" / "notices"
        if folder.is_dir():
            return folder
    return None


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def rates(tmp_path: Path) -> str:
    p = tmp_path / "rates.json"
    p.write_text(json.dumps({"exchange_rates": RATES}))
    return str(p)


class TestScreen:
    def test_every_fixture_notice_gives_one_row_and_all_are_judged(self) -> None:
        """Every format and shape of the fixtures: one row per notice, none in error."""
        rows = list(srpp.screen([HERE], policy=srpp.Policy(exchange_rates=RATES)))
        assert len(rows) == FIXTURE_NOTICES
        assert [r.error for r in rows if not r.ok] == []
        assert {r.format for r in rows} == {"eforms", "ocds"}
        for row in rows:
            doc = row.to_dict()
            assert {"contract", "instruments", "notice", "gap", "notice_codes"} <= set(doc)
            assert doc["notice"]["source"] == row.source

    def test_rows_stream_one_file_at_a_time(self, tmp_path: Path) -> None:
        """The second file is read only when its row is asked for."""
        for name in ("a.xml", "b.xml"):
            shutil.copy(HERE / "cn-two-lots.xml", tmp_path / name)
        rows = srpp.screen(tmp_path)
        assert next(rows).ok
        (tmp_path / "b.xml").unlink()
        second = next(rows)
        assert not second.ok and "b.xml: cannot read" in (second.error or "")

    def test_high_risk_notice_shows_its_codes_declared_and_gap(self) -> None:
        """Laptops and screens: clauses recommended, codes given, LOT-0002 lacks both."""
        (row,) = srpp.screen(HERE / "cn-two-lots.xml")
        doc = row.to_dict()
        assert doc["notice_codes"]["BT-06"] == ["soc-obj"]
        assert doc["notice"]["declared"]["LOT-0001"] == {"BT-06": ["soc-obj"], "BT-775": ["hum-right"]}
        assert [(g["term"], g["code"], g["lots"]) for g in doc["gap"]] == [
            ("BT-06", "soc-obj", ["LOT-0002"]),
            ("BT-775", "hum-right", ["LOT-0002"]),
        ]

    def test_a_notice_in_another_currency_needs_a_rate(self) -> None:
        """Without exchange rates, EUR notices are error rows naming the currency."""
        (row,) = srpp.screen(HERE / "pin-parts.xml")
        assert not row.ok and "EUR" in (row.error or "") and "pin-parts.xml" in (row.error or "")
        assert row.to_dict() == {"notice": row.notice_dict(), "error": row.error}
        assert row.to_dict()["notice"]["title"] == "Workwear for hospital staff"

    def test_unreadable_and_missing_files_are_rows_with_errors(self, tmp_path: Path) -> None:
        """A broken notice and a missing path: rows with notice and error; others still read."""
        (tmp_path / "broken.xml").write_text("<ContractNotice")
        shutil.copy(HERE / "release.json", tmp_path / "ok.json")
        (tmp_path / "README.md").write_text("not a notice, not read")
        rows = list(srpp.screen([tmp_path, tmp_path / "gone.json"]))
        assert [(Path(r.source).name, r.ok) for r in rows] == [
            ("broken.xml", False), ("ok.json", True), ("gone.json", False)
        ]  # fmt: skip
        assert "not well-formed XML" in (rows[0].error or "")
        assert rows[0].to_dict()["notice"]["format"] == "eforms"
        assert "no such file or folder" in (rows[2].error or "")


class TestCommand:
    def test_json_is_one_array_of_rows_and_exit_0(self, rates: str) -> None:
        """--format json: a JSON array, one row per notice."""
        code, out, err = run("screen", str(HERE), "--format", "json", "--policy", rates)
        assert code == 0, err
        rows = json.loads(out)
        assert len(rows) == FIXTURE_NOTICES and all("notice" in r and "gap" in r for r in rows)

    @pytest.mark.parametrize("fmt", ["text", "jsonl", "csv", "markdown"])
    def test_other_formats_have_a_line_or_block_per_notice(self, fmt: str, rates: str) -> None:
        """jsonl: a document a line; csv: a header and a line each; text and Markdown too."""
        code, out, _ = run("screen", str(HERE), "--format", fmt, "--policy", rates)
        assert code == 0
        if fmt == "jsonl":
            assert len([json.loads(line) for line in out.splitlines()]) == FIXTURE_NOTICES
        elif fmt == "csv":
            lines = out.splitlines()
            assert lines[0].startswith("source,format,notice_id") and len(lines) == FIXTURE_NOTICES + 1
        elif fmt == "markdown":
            assert out.startswith("| notice |") and out.count("\n") == FIXTURE_NOTICES + 2
        else:
            assert out.count("cn-two-lots.xml") == 1 and "gap: BT-06 soc-obj (LOT-0002)" in out

    def test_bad_notice_gives_exit_2_after_reporting_all(self, tmp_path: Path, rates: str) -> None:
        """An unreadable file: its row has the error, the others are reported, exit 2."""
        bad = tmp_path / "bad.json"
        bad.write_text('{"title": "no ocid"}')
        code, out, err = run("screen", str(HERE / "release.json"), str(bad), "--format", "json")
        assert code == 2
        rows = json.loads(out)
        assert len(rows) == 2 and "error" not in rows[0] and "not OCDS" in rows[1]["error"]
        assert "1 of 2 notices" in err

    def test_rules_file_screens_with_another_rule_set(self, tmp_path: Path) -> None:
        """--rules: a rule file that removes the clauses leaves no codes and no gap."""
        rules = tmp_path / "no-clauses.toml"
        rules.write_text('extends = "srpp-default"\n'
                         'remove = ["contract-clauses"]\n')
        code, out, err = run("screen", str(HERE / "cn-two-lots.xml"), "--format", "json",
                             "--rules", str(rules))  # fmt: skip
        assert code == 0, err
        (row,) = json.loads(out)
        assert row["notice_codes"] is None and row["gap"] == []

    def test_standard_input(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """`-` reads one notice file from standard input."""
        data = (HERE / "release.json").read_bytes()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        code, out, _ = run("screen", "-", "--format", "jsonl")
        assert code == 0 and json.loads(out)["notice"]["source"] == "<stdin>"


@pytest.mark.skipif(shared_notices() is None, reason="../shared/data/notices is not present")
class TestPublishedNotices:
    def test_every_published_notice_gives_one_judged_row(self) -> None:
        """Each real notice (one per file) gives exactly one row, judged with EUR, GBP and
        DKK rates, and no traceback."""
        folder = shared_notices()
        assert folder is not None
        files = sorted(p for p in folder.rglob("*") if p.suffix in (".xml", ".json"))
        assert files
        for path in files:
            rows: list[ScreenRow] = list(srpp.screen(path, policy=srpp.Policy(exchange_rates=RATES)))
            assert len(rows) == 1, path
            assert rows[0].ok, rows[0].error
            assert rows[0].notice is not None and rows[0].notice.document["cpv"]


def test_a_missing_rate_for_a_notice_says_to_give_it_by_the_policy() -> None:
    """A notice's reader cannot add value.exchange_rate to it: the advice names the
    policy's exchange_rates table (--policy FILE, policy=)."""
    rows = [r for r in srpp.screen([HERE / "pin-parts.xml"]) if not r.ok]
    (row,) = rows
    assert row.error is not None
    assert "value.exchange_rate" not in row.error
    assert "exchange_rates table of a policy" in row.error and "--policy FILE" in row.error
    assert "policy={'exchange_rates': {'EUR': ...}}" in row.error
    (nb,) = [r for r in srpp.screen([HERE / "pin-parts.xml"], language="nb") if not r.ok]
    assert "tabellen exchange_rates i en policy" in (nb.error or "") and "--policy FIL" in (nb.error or "")


class TestAcrossFiles:
    TENDER = {"ocid": "ocds-x-9", "id": "1", "date": "2026-01-05", "tag": ["tender"],
              "tender": {"title": "Laptops", "contractPeriod": {"durationInDays": 1095},
                         "items": [{"id": "1", "classification": {"scheme": "CPV", "id": "30213100"}}]}}  # fmt: skip
    AWARD = {"ocid": "ocds-x-9", "id": "2", "date": "2026-03-01", "tag": ["award"],
             "awards": [{"id": "a1", "status": "active", "value": {"amount": 4000000, "currency": "NOK"}}]}  # fmt: skip

    def test_releases_of_one_ocid_in_several_files_are_one_notice(self, tmp_path: Path) -> None:
        """The tender release in one file and the award release in another are compiled
        (ocdsmerge) into one notice, reported with the first file, naming the other."""
        (tmp_path / "a.json").write_text(json.dumps(self.TENDER))
        (tmp_path / "b.json").write_text(json.dumps({"releases": [self.AWARD]}))
        rows = list(srpp.screen([tmp_path]))
        assert len(rows) == 1 and rows[0].ok, [r.error for r in rows]
        (row,) = rows
        assert row.notice is not None
        assert row.notice.source == str(tmp_path / "a.json")
        assert row.notice.to_dict()["merged_from"] == [str(tmp_path / "b.json")]
        doc = row.notice.document
        assert doc["title"] == "Laptops" and doc["value"] == {"amount": 4000000, "currency": "NOK"}
        assert row.notice.kind == "award" and row.notice.id == "2"

    def test_a_process_in_one_file_is_read_as_before(self, tmp_path: Path) -> None:
        """Other processes of the same files are untouched; no merged_from."""
        other = {**self.TENDER, "ocid": "ocds-x-10"}
        (tmp_path / "a.json").write_text(json.dumps({"releases": [self.TENDER, other]}))
        (tmp_path / "b.jsonl").write_text(json.dumps(self.AWARD) + "\n")
        rows = list(srpp.screen([tmp_path / "a.json", tmp_path / "b.jsonl"]))
        assert [(r.notice.document["id"], r.source) for r in rows if r.notice] == [
            ("ocds-x-9", f"{tmp_path / 'a.json'}#1"), ("ocds-x-10", f"{tmp_path / 'a.json'}#2")]
        assert "merged_from" not in rows[1].notice_dict()


def test_a_bad_policy_is_refused_before_any_notice() -> None:
    """srpp.screen(policy={"exchange_rates": {"NOK": 2}}) raises once, naming
    exchange_rates.NOK, instead of an error row per notice."""
    with pytest.raises(srpp.InvalidPolicyError, match=r"exchange_rates\.NOK"):
        next(iter(srpp.screen([HERE], policy={"exchange_rates": {"NOK": 2}})))
    with pytest.raises(srpp.InvalidPolicyError, match=r"parameters\.priority_valu"):
        next(iter(srpp.screen([HERE], policy={"priority_valu": 5})))
