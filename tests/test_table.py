"""recommend_table: per row, what recommend says for the row's document."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

import srpp
from srpp.rules import Fact, FactKind, Recommend, Rule, default_rules
from srpp.rules._model import Compare

from .test_engine import sample


def _row_of(doc: dict[str, Any]) -> dict[str, Any]:
    row = dict(doc)
    value = row.pop("value", None)
    row["value"] = None if value is None else value["amount"]
    return row


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    """A table with a column for every key of any row (``from_pylist`` looks at the first)."""
    keys = list(dict.fromkeys(k for row in rows for k in row))
    return pa.Table.from_pylist([{k: row.get(k) for k in keys} for row in rows])


def _expected(rs: srpp.rules.RuleSet, doc: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The results row that recommend's answer for ``doc`` gives."""
    try:
        r = srpp.recommend(doc, rules=rs, **kwargs)
    except srpp.SrppError:
        return {"error": True}
    row: dict[str, Any] = {"error": None, "high_risk": r.high_risk, "priority": r.priority}
    for it in rs.instruments:
        i = r.get(it.id)
        row[it.id] = i.strength.value if i else None
        for spec in it.attributes:
            row[f"{it.id}.{spec.name}"] = dict(i.attributes)[spec.name] if i else None
    row["rules"], row["notes"] = list(r.fired), list(r.notes)
    return row


def _check(out: pa.Table, rs: srpp.rules.RuleSet, docs: list[dict[str, Any]], **kwargs: Any) -> None:
    got = out.to_pylist()
    assert len(got) == len(docs)
    for doc, row in zip(docs, got, strict=True):
        want = _expected(rs, doc, **kwargs)
        if want.get("error"):
            assert row["error"], doc
        else:
            assert {k: row[k] for k in want} == want, doc


def test_every_row_gets_what_recommend_gives_it() -> None:
    """Rows of many classes, with ids, overrides, minerals and bad rows among them."""
    docs = [c.to_dict() for c in sample(400)]
    docs[3] = {"products": ["laptpo"], "value": {"amount": 5}, "duration_months": 3}
    docs[7] = {**docs[8], "value": {"amount": -1}}
    docs[9] = {**docs[8], "duration_months": 0}
    rows = [{**_row_of(d), "id": f"c{i}"} for i, d in enumerate(docs)]
    out = srpp.recommend_table(_table(rows))
    assert out.column("id").to_pylist() == [f"c{i}" for i in range(400)]
    _check(out, default_rules(), docs)
    errors = out.column("error").to_pylist()
    assert "laptpo" in errors[3] and "value.amount" in errors[7] and "duration_months" in errors[9]
    assert sum(e is not None for e in errors) == 3


def test_one_evaluation_per_decision_class(monkeypatch: pytest.MonkeyPatch) -> None:
    """10,000 rows over a few products: recommend runs once per class, not per row."""
    from srpp import _table as table_module

    calls = []
    real = table_module.recommend
    monkeypatch.setattr(table_module, "recommend", lambda doc, **kw: calls.append(1) or real(doc, **kw))
    products = [["laptops"], ["coffee"], ["laptops", "monitors"], ["mobile-phones"]]
    rows = [{"products": products[i % 4], "value": 10_000 + 7_919 * i, "duration_months": 1 + i % 60}
            for i in range(10_000)]  # fmt: skip
    out = srpp.recommend_table(_table(rows))
    assert out.num_rows == 10_000
    assert len(calls) <= 4 * 4 * 5
    docs = [{**r, "value": {"amount": r["value"]}} for r in rows[::97]]
    _check(out.take(list(range(0, 10_000, 97))), default_rules(), docs)


def test_currencies_a_policy_and_facts_of_ones_own() -> None:
    """Other currencies, a policy and a fact srpp cannot compute column-wise: row by row
    semantics still hold."""
    def per_month(c: srpp.Contract) -> int | None:
        if c.value is None or c.duration_months is None:
            return None
        return int(c.value.nok) // c.duration_months

    rs = default_rules().with_facts(Fact("per_month", FactKind.NUMBER, "value per month", per_month)).with_rules(
        Rule("big-monthly", Compare("per_month", ">=", 1_000_000), Recommend("market-dialogue", "should"),
             "Large monthly spend.", ("https://example.org",)))  # fmt: skip
    docs = [c.to_dict() for c in sample(150)]
    rows = [_row_of(d) for d in docs]
    for i, row in enumerate(rows[:40]):
        if row["value"] is None:
            continue
        row["currency"], row["exchange_rate"] = "EUR", 11.5
        docs[i] = {**docs[i], "value": {"amount": row["value"], "currency": "EUR", "exchange_rate": 11.5}}
    for row in rows[40:]:
        row["currency"], row["exchange_rate"] = None, None
    policy = {"priority_value": 5_000_000}
    out = srpp.recommend_table(_table(rows), rules=rs, policy=policy)
    _check(out, rs, docs, policy=policy)


def test_an_empty_table_and_a_wrong_input() -> None:
    """No rows give no rows; something that is no table is a clear error."""
    empty = pa.table({"products": pa.array([], pa.list_(pa.string())), "value": pa.array([], pa.int64())})
    assert srpp.recommend_table(empty).num_rows == 0
    with pytest.raises(srpp.SrppError, match="pyarrow Table"):
        srpp.recommend_table([{"products": ["laptops"]}])


def test_the_command_line_reads_and_writes_parquet(tmp_path: Any) -> None:
    """srpp recommend plan.parquet -o results.parquet; bad rows reported, valid ones kept."""
    import io

    import pyarrow.parquet as pq

    from srpp._cli import main

    docs = [c.to_dict() for c in sample(30)]
    docs[4] = {"products": ["laptpo"], "value": {"amount": 5}, "duration_months": 3}
    rows = [{**_row_of(d), "id": f"c{i}"} for i, d in enumerate(docs)]
    pq.write_table(_table(rows), tmp_path / "plan.parquet")
    out, err = io.StringIO(), io.StringIO()
    code = main(["recommend", str(tmp_path / "plan.parquet"), "-o", str(tmp_path / "results.parquet")], out, err)
    assert code == 2
    assert "contract #5 ('c4')" in err.getvalue() and "laptpo" in err.getvalue()
    results = pq.read_table(tmp_path / "results.parquet")
    assert results.num_rows == 30 and results.column("id").to_pylist()[4] == "c4"
    _check(results.drop_columns(["id"]), default_rules(), docs)
    out = io.StringIO()
    assert main(["recommend", str(tmp_path / "plan.parquet")], out, io.StringIO()) == 2
    assert len(out.getvalue().splitlines()) == 30
    err = io.StringIO()
    assert main(["recommend", "--example", "laptop-framework", "-o", str(tmp_path / "x.parquet")],
                io.StringIO(), err) == 2  # fmt: skip
    assert "Parquet" in err.getvalue()
    err = io.StringIO()
    assert main(["recommend", str(tmp_path / "plan.parquet"), "-o", str(tmp_path / "r.jsonl")],
                io.StringIO(), err) == 2  # fmt: skip
    assert len((tmp_path / "r.jsonl").read_text().splitlines()) == 30
