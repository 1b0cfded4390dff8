"""The command line: reports, JSON, bad input with exit status 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from srpp._cli import examples, main

GOOD = {"id": "a-1", "products": ["laptops"], "value": {"amount": 2_000_000}, "duration_months": 36}
BAD = {"id": "b-2", "products": ["laptpo"], "value": {"amount": -5}, "duration_months": 36}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, content: Any) -> str:
    p = tmp_path / name
    p.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(p)


class TestRecommend:
    @pytest.mark.parametrize("name", list(examples()))
    def test_every_shipped_example_gives_a_report_and_valid_json(self, name: str) -> None:
        """Text has the phases and notes; JSON parses into the recommendation document."""
        code, out, err = run("recommend", "--example", name)
        assert code == 0 and err == ""
        assert "Risk per tier" in out and "Notes" in out
        code, out, _ = run("recommend", "--example", name, "--format", "json")
        doc = json.loads(out)
        assert {"contract", "risk", "high_risk", "priority", "instruments", "notes"} <= set(doc)

    def test_markdown_report(self, tmp_path: Path) -> None:
        """Markdown with headings per phase."""
        code, out, _ = run("recommend", write(tmp_path, "c.json", GOOD), "--format", "markdown")
        assert code == 0 and out.startswith("## a-1") and "### Tender" in out

    def test_a_list_with_a_bad_contract_still_reports_the_good_ones(self, tmp_path: Path) -> None:
        """Exit 2, the good one on stdout, the bad one's problems on stderr with file, contract, field."""
        path = write(tmp_path, "many.json", [GOOD, BAD, GOOD])
        code, out, err = run("recommend", path, "--format", "json")
        assert code == 2
        lines = [json.loads(line) for line in out.splitlines()]
        assert len(lines) == 2 and all(d["contract"]["id"] == "a-1" for d in lines)
        assert f"{path}: contract #2 ('b-2'): products[0]: unknown product 'laptpo'" in err
        assert f"{path}: contract #2 ('b-2'): value.amount:" in err
        assert "1 of 3 contracts" in err

    def test_json_lines_input(self, tmp_path: Path) -> None:
        """One document per line."""
        path = write(tmp_path, "c.jsonl", json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n")
        code, out, _ = run("recommend", path, "--format", "json")
        assert code == 0 and len(out.splitlines()) == 2

    @pytest.mark.parametrize(
        ("content", "message"),
        [("{not json", "not valid JSON"), ("[]", "no contracts"), ('{"a": 1}\n{oops\n', "line 2")],
    )
    def test_malformed_files_exit_2_with_a_message(self, tmp_path: Path, content: str, message: str) -> None:
        """Never a traceback."""
        code, out, err = run("recommend", write(tmp_path, "x.json", content))
        assert code == 2 and message in err and "Traceback" not in err

    def test_missing_file_and_unknown_example(self, tmp_path: Path) -> None:
        """Exit 2 and a message naming the problem."""
        assert run("recommend", str(tmp_path / "nope.json"))[0] == 2
        code, _, err = run("recommend", "--example", "nope")
        assert code == 2 and "laptop-framework" in err

    def test_rules_and_policy_files(self, tmp_path: Path) -> None:
        """--policy changes a parameter; a bad rules file exits 2 naming the file and field."""
        policy = write(tmp_path, "p.toml", "[parameters]\npriority_value = 5000000\n")
        contract = write(tmp_path, "c.json", GOOD | {"duration_months": 6})
        code, out, _ = run("recommend", contract, "--policy", policy, "--format", "json")
        assert code == 0 and json.loads(out)["priority"] is False
        bad = write(tmp_path, "r.json", {"rules": [{"id": "x", "reason": "r", "when": {"fact": "valu", "op": ">=", "value": 1},
                                                     "then": {"recommend": "market-dialogue", "strength": "should"}}]})  # fmt: skip
        code, _, err = run("recommend", contract, "--rules", bad)
        assert code == 2 and f"{bad}: rules[0] (x).when.fact: unknown fact 'valu'" in err


class TestOtherCommands:
    def test_products_table_and_category(self) -> None:
        """The seed products with their levels; an unknown category exits 2."""
        code, out, _ = run("products", "--category", "electronics_ict")
        assert code == 0 and "laptops" in out and "very high" in out and "coffee" not in out
        assert json.loads(run("products", "--format", "json")[1])[0]["id"] == "information-technology"
        assert run("products", "--category", "nope")[0] == 2

    def test_rules_in_words(self) -> None:
        """Every default rule with when/then."""
        code, out, _ = run("rules")
        assert code == 0 and "conflict-minerals-clause" in out and "when" in out
        assert json.loads(run("rules", "--format", "json")[1])["name"] == "srpp-default"

    def test_instruments_and_examples(self) -> None:
        """The catalogue and the example list."""
        assert "self-assessment" in run("instruments")[1]
        assert "laptop-framework" in run("examples")[1]

    def test_python_dash_m_and_stdin(self) -> None:
        """python -m srpp reads standard input with '-'."""
        out = subprocess.run([sys.executable, "-m", "srpp", "recommend", "-", "--format", "json"],
                             input=json.dumps(GOOD), capture_output=True, text=True)  # fmt: skip
        assert out.returncode == 0 and json.loads(out.stdout)["high_risk"] is True


def test_a_large_file_goes_through_worker_processes(tmp_path: Path) -> None:
    """2,001 contracts (above the parallel threshold) with one bad: order kept, bad one named."""
    docs = [GOOD | {"id": f"c{i}"} for i in range(2001)]
    docs[1500] = BAD
    code, out, err = run("recommend", write(tmp_path, "big.json", docs), "--format", "json")
    ids = [json.loads(line)["contract"]["id"] for line in out.splitlines()]
    assert code == 2 and len(ids) == 2000 and ids[1500] == "c1501" and ids[0] == "c0"
    assert "contract #1501 ('b-2')" in err
