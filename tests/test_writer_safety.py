"""Writers that cannot be turned against their readers: terminals, Markdown, spreadsheets."""

from __future__ import annotations

import csv
import io
import json
import pathlib

from hypothesis import given, settings
from hypothesis import strategies as st

import srpp
from srpp._portfolio import Portfolio
from srpp._cli import main
from srpp._writers.text import csv_cell, md_cell, portfolio_csv, portfolio_text, recommendation_text, safe_text

DOC = {"products": ["laptops"], "value": {"amount": 2_000_000}, "duration_months": 36}


def rec(**fields: str) -> srpp.Recommendation:
    return srpp.recommend(DOC | fields)


class TestTerminal:
    def test_escape_sequences_in_a_title_never_reach_the_terminal(self) -> None:
        """ESC, CSI (0x9b), BEL, a bare carriage return and a bidi override are shown, not run."""
        title = "Laptops\x1b]0;pwned\x07\x1b[2J\x9b31m\rFAKE\u202e"
        for markdown in (False, True):
            text = recommendation_text(rec(title=title), markdown)
            assert not any(ch in text for ch in "\x1b\x07\x9b\r\u202e")
            assert "\\x1b" in text

    def test_a_newline_in_a_title_cannot_forge_a_line_of_the_report(self) -> None:
        """A title with a line break stays on its heading line."""
        text = recommendation_text(rec(id="x", title="A\n### Tender\n* fake [should]"))
        assert text.splitlines()[0] == "x A ### Tender * fake [should]"

    def test_a_lone_surrogate_is_replaced_not_a_crash(self) -> None:
        """Every writer, and the CLI in every format."""
        r = rec(id="a\ud800b")
        for text in (recommendation_text(r), recommendation_text(r, True),
                     portfolio_text(Portfolio.rank([r])), portfolio_csv(Portfolio.rank([r]))):  # fmt: skip
            text.encode("utf-8")
            assert "a\ufffdb" in text
        for fmt in ("text", "markdown", "json"):
            out, err = io.StringIO(), io.StringIO()
            doc = json.dumps(DOC | {"id": "a\ud800b"})
            import tempfile

            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
                fh.write(doc)
            assert main(["recommend", fh.name, "--format", fmt], out, err) == 0
            out.getvalue().encode("utf-8")

    @settings(max_examples=50, deadline=None)
    @given(st.text(max_size=40))
    def test_safe_text_leaves_no_control_character_but_line_breaks_and_tabs(self, text: str) -> None:
        """Whatever goes in, what comes out encodes as UTF-8 and holds no escape."""
        out = safe_text(text)
        out.encode("utf-8")
        assert all(ch in "\n\t" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) for ch in out)


class TestMarkdown:
    def test_a_pipe_and_a_newline_in_a_title_keep_the_table_intact(self) -> None:
        """A real Doffin-style title with | and a line break: still one row of the table."""
        r = rec(id="2026-1", title="Rammeavtale | PC-er\nog skjermer")
        table = portfolio_text(Portfolio.rank([r]), markdown=True)
        rows = [line for line in table.splitlines() if line.startswith("|")]
        assert len(rows) == 3 and rows[2].count(" | ") == rows[0].count(" | ")
        assert md_cell("a|b\nc") == "a\\|b c"


class TestCsv:
    def test_a_title_starting_with_a_formula_is_neutralised(self) -> None:
        """OWASP: = + - @ tab and CR at the start of a cell get a leading quote."""
        for start in ("=", "+", "-", "@", "\t", "\r"):
            r = rec(id="x", title=start + "HYPERLINK(\"http://evil\")")
            for excel in (False, True):
                rows = list(csv.reader(io.StringIO(portfolio_csv(Portfolio.rank([r]), excel=excel).lstrip("\ufeff"))))
                assert rows[1][2].startswith("'")

    def test_ordinary_cells_are_left_alone(self) -> None:
        """Numbers and plain text are not quoted."""
        assert csv_cell("Laptops") == "Laptops" and csv_cell(5) == 5 and csv_cell("-x") == "'-x"


class TestScreenOutput:
    """`srpp screen` writes what notices say as safely as `srpp recommend` does."""

    TITLE = "Tabl\u001b]0;pwn\u0007ets\u009b2J\u008d"
    BUYER = "Evil\u001b[2J\nFAKE LINE"

    def notices(self, tmp_path: pathlib.Path) -> str:
        release = {
            "ocid": "ocds-evil-1", "id": "evil-1", "date": "2026-01-01T00:00:00Z", "tag": ["tender"],
            "buyer": {"name": self.BUYER},
            "tender": {"id": "t", "title": self.TITLE, "classification": {"scheme": "CPV", "id": "30213100-6"},
                       "value": {"amount": 500000, "currency": "NOK"}},
        }  # fmt: skip
        (tmp_path / "evil.json").write_text(json.dumps(release), "utf-8")
        return str(tmp_path)

    def test_escape_sequences_in_a_notice_never_reach_the_terminal(self, tmp_path: pathlib.Path) -> None:
        """Text, Markdown, CSV, JSON and JSON Lines: no C0 or C1 control but line breaks."""
        folder = self.notices(tmp_path)
        for fmt in ("text", "markdown", "csv", "json", "jsonl"):
            out, err = io.StringIO(), io.StringIO()
            assert main(["screen", folder, "--format", fmt], out, err) == 0, err.getvalue()
            text = out.getvalue()
            assert not any(ch in text for ch in "\x1b\x07\x9b\x8d"), fmt
            assert "FAKE LINE" in text
            if fmt in ("json", "jsonl"):
                assert "\\u009b" in text and "\\u001b" in text
                doc = json.loads(text)[0] if fmt == "json" else json.loads(text.splitlines()[0])
                assert doc["notice"]["title"] == self.TITLE and doc["notice"]["buyer"].startswith("Evil\x1b[2J")
            else:
                assert "\\x1b" in text and "\\x9b" in text
            if fmt == "text":
                assert not any(line.startswith("FAKE LINE") for line in text.splitlines())
