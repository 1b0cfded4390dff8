"""Fuzzing, bounded to seconds: documents, rule files, policy files and the CLI.

Whatever goes in: an SrppError (or exit status 2) naming what is wrong, or a result; never
another exception, a hang, or a valid contract lost.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import srpp
from srpp import Policy, SrppError
from srpp._cli import main
from srpp.rules import RuleSet, default_rules

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
GOOD = {"id": "g", "products": ["laptops"], "value": {"amount": 2_000_000}, "duration_months": 36}

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=False),
    st.text(max_size=8), st.sampled_from(["laptops", "high", "NOK", "EUR", "1 000", "2026-01-01", "should"]),
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
KEYS = ["id", "title", "products", "value", "duration_months", "duration_days", "start_date",
        "end_date", "date", "market_maturity", "contains_conflict_minerals", "risk_overrides", "cpv"]  # fmt: skip


def mutated(base: dict[str, Any], keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys), json_values, max_size=3).map(lambda m: {**base, **m})


@FUZZ
@given(mutated(GOOD, KEYS) | json_values)
def test_any_document_gives_a_result_or_a_clear_error(doc: Any) -> None:
    """recommend() on anything: a Recommendation, or an SrppError naming the field."""
    try:
        rec = srpp.recommend(doc) if isinstance(doc, dict) else None
    except SrppError as exc:
        assert str(exc)
        return
    if rec is not None:
        rec.to_dict()


RULES = json.loads(default_rules().to_json())


@FUZZ
@given(st.sampled_from(range(len(RULES["rules"]))), st.sampled_from(["when", "then", "id", "reason"]), json_values)
def test_any_rule_file_gives_a_rule_set_or_a_clear_error(i: int, key: str, value: Any) -> None:
    """A default rule with one part replaced by anything: a rule set, or an SrppError."""
    doc = json.loads(json.dumps(RULES))
    doc["rules"][i][key] = value
    try:
        rs = RuleSet.from_dict(doc)
    except SrppError as exc:
        assert str(exc)
        return
    srpp.recommend(GOOD, rules=rs)


@FUZZ
@given(st.dictionaries(st.sampled_from(["parameters", "exchange_rates", "x"]),
                       st.dictionaries(st.sampled_from(["priority_value", "EUR", "act_threshold", "eur"]),
                                       json_values, max_size=2) | json_values, max_size=2))  # fmt: skip
def test_any_policy_gives_a_policy_or_a_clear_error(doc: Any) -> None:
    """Policy.from_dict and its use: a result, or an SrppError."""
    try:
        srpp.recommend(GOOD | {"value": {"amount": 5, "currency": "EUR"}}, policy=Policy.from_dict(doc))
    except SrppError as exc:
        assert str(exc)


lines = st.one_of(st.just(json.dumps(GOOD)), json_values.map(json.dumps), st.text(max_size=20),
                  mutated(GOOD, KEYS).map(json.dumps))  # fmt: skip


@FUZZ
@given(st.lists(lines, min_size=1, max_size=6))
def test_the_cli_loses_no_valid_contract(tmp_path_factory: Any, items: list[str]) -> None:
    """JSON Lines of good, bad and broken lines: exit 0 or 2, and every good contract written."""
    path = Path(tmp_path_factory.mktemp("fuzz")) / "c.jsonl"
    path.write_text("\n".join(i.replace("\n", " ") for i in items) + "\n", encoding="utf-8", errors="surrogatepass")
    out, err = io.StringIO(), io.StringIO()
    code = main(["recommend", str(path), "--format", "json"], out, err)
    assert code in (0, 2) and "Traceback" not in err.getvalue()
    good = 0
    for line in items:
        try:
            doc = json.loads(line.replace("\n", " "))
            if isinstance(doc, dict):
                srpp.recommend(doc)
                good += 1
        except (ValueError, SrppError):
            pass
    assert len(out.getvalue().splitlines()) == good
    assert (code == 0) == (err.getvalue() == "")
