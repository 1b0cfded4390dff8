"""Golden Norwegian reports for the shipped examples (regenerate: SRPP_REGENERATE_GOLDEN=1)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from srpp._cli import examples, main

GOLDEN = Path(__file__).parent / "golden"
# a report's provenance names the rule set's digest and today's date: not golden
_PROVENANCE = re.compile(r"\n(Opphav|### Opphav)\n.*", re.S)
CASES = [("recommend", name, fmt) for name in examples() for fmt in ("text", "markdown")]
CASES += [("portfolio", "plan-2027", "text"), ("portfolio", "plan-2027", "markdown")]


def report(command: str, example: str, fmt: str) -> str:
    out = io.StringIO()
    assert main([command, "--example", example, "--format", fmt, "--lang", "nb"], out, io.StringIO()) == 0
    return _PROVENANCE.sub("\n", out.getvalue())


@pytest.mark.parametrize(("command", "example", "fmt"), CASES, ids=["-".join(c) for c in CASES])
def test_norwegian_report_matches_its_golden_file(command: str, example: str, fmt: str) -> None:
    """The Norwegian report of each shipped example, word for word."""
    path = GOLDEN / f"{command}-{example}.nb.{'md' if fmt == 'markdown' else 'txt'}"
    text = report(command, example, fmt)
    if os.environ.get("SRPP_REGENERATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path} differs; regenerate if intended"


# common English words that never belong in a Norwegian report (ids and URLs are removed first)
# (not "for", "to", "at", "no": Norwegian words too)
ENGLISH = {"the", "and", "is", "of", "risk", "high", "should", "consider", "yes", "value",
           "duration", "months", "notes", "sources", "source", "why", "excl", "contract",
           "products", "planning", "tender", "follow", "least", "because", "recommended"}  # fmt: skip


@pytest.mark.parametrize("example", list(examples()))
def test_a_norwegian_report_has_no_english_word(example: str) -> None:
    """Ids, CPV codes and URLs aside, the Norwegian report is Norwegian."""
    text = report("recommend", example, "text")
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"\b[a-z]+(?:-[a-z]+)+\b", " ", text)  # instrument and product ids
    words = {w.lower() for w in re.findall(r"[A-Za-zÆØÅæøå]+", text)}
    assert not words & ENGLISH, sorted(words & ENGLISH)
