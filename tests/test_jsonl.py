"""JSON Lines out: the fast writer of recommendation documents, and the command line's pool."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import srpp
from srpp import Contract
from srpp._writers.jsonl import json_line, recommendation_line

from .strategies import contracts


class TestRecommendationLine:
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(contracts(), min_size=1, max_size=6), st.sampled_from(["en", "nb"]))
    def test_it_writes_what_json_line_of_to_dict_writes(self, cs: list[Contract], language: str) -> None:
        """Byte for byte the document of ``to_dict()``, whatever is kept between contracts."""
        for c in cs + cs:  # the second time, from what was kept
            rec = srpp.recommend(c, language=language)
            assert recommendation_line(rec) == json_line(rec.to_dict())

    def test_unsafe_characters_and_hand_made_parts(self) -> None:
        """C1 controls, bidi overrides and lone surrogates are escaped wherever they are; an
        attribute named like a key of the document, and a recommendation without provenance,
        come out as to_dict() has them."""
        rec = srpp.recommend({"id": "x\u202ey\x85", "title": "a\ud800b", "products": ["laptops"],
                              "value": {"amount": 24_000_000}, "duration_months": 48})  # fmt: skip
        first = rec.instruments[0]
        odd = attrs.evolve(first, reason="r\u2066s\x9f", attributes=(("rule", "x"), ("form", "full")))
        plain = attrs.evolve(first, reason="no figures", steps=(), notes=("n\u2028",))
        for r in (rec, attrs.evolve(rec, instruments=(odd, plain), provenance=None, notes=("\x7f",))):
            line = recommendation_line(r)
            assert line == json_line(r.to_dict())
            assert json.loads(line) == json.loads(json.dumps(r.to_dict()))
            for ch in ("\u202e", "\x85", "\ud800", "\u2066", "\x9f", "\u2028", "\x7f"):
                assert ch not in line


CLI = """
import sys
from srpp import _cli
_cli.POOL_AFTER, _cli.POOL_CHUNK = int(sys.argv[2]), 3
sys.exit(_cli.main(["recommend", sys.argv[1], "--format", sys.argv[3]]))
"""


def _cli(path: Path, pool_after: int, fmt: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CLI, str(path), str(pool_after), fmt],
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_the_pool_writes_what_one_process_writes(tmp_path: Path) -> None:
    """On a process pool the command line writes the same output and the same problems, with
    their lines, in input order, and exits as without it."""
    lines = []
    for i in range(40):
        doc = {"id": f"c-{i}", "products": ["laptops", "coffee"][: 1 + i % 2],
               "value": {"amount": 50_000 + 997_001 * i}, "duration_months": 1 + i % 60}  # fmt: skip
        if i % 7 == 3:
            doc["products"] = ["laptpo"]  # a bad contract: its problem names its line
        lines.append(json.dumps(doc))
        if i % 11 == 5:
            lines.append('{"id": "broken", ')  # not JSON
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n")
    for fmt in ("json", "text"):
        alone, pooled = _cli(path, 10**9, fmt), _cli(path, 4, fmt)
        assert alone.returncode == pooled.returncode == 2
        assert pooled.stdout == alone.stdout and pooled.stderr == alone.stderr
        assert "line 4, contract #4 ('c-3')" in alone.stderr and "line 7, contract #7:" in alone.stderr
        assert "10 of 44 contracts" in alone.stderr
        if fmt == "json":
            assert [json.loads(x)["contract"]["id"] for x in alone.stdout.splitlines()] == [
                f"c-{i}" for i in range(40) if i % 7 != 3
            ]
