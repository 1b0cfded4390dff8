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


def test_a_table_in_norwegian_gets_what_recommend_gives_in_norwegian() -> None:
    """``language="nb"``: errors and notes as recommend(..., language="nb") gives them; ids
    and strengths as in English."""
    docs = [c.to_dict() for c in sample(12)]
    docs[3] = {"products": ["laptpo"], "value": {"amount": 5}, "duration_months": 3}
    table = _table([_row_of(d) for d in docs])
    nb = srpp.recommend_table(table, language="nb")
    _check(nb, default_rules(), docs, language="nb")
    error = nb.column("error").to_pylist()[3]
    with pytest.raises(srpp.SrppError) as caught:
        srpp.recommend(docs[3], language="nb")
    assert error == "; ".join(str(p) for p in caught.value.problems)  # type: ignore[attr-defined]
    en = srpp.recommend_table(table)
    assert error != en.column("error").to_pylist()[3]
    assert nb.drop_columns(["error", "notes"]).equals(en.drop_columns(["error", "notes"]))
    with pytest.raises(ValueError, match="xx"):
        srpp.recommend_table(table, language="xx")


def test_the_command_line_reports_a_parquet_table_s_problems_in_its_language(tmp_path: Any) -> None:
    """``srpp recommend plan.parquet --lang nb``: each problem in Norwegian, with ``srpp:``."""
    import io

    import pyarrow.parquet as pq

    from srpp._cli import main

    rows = [{"id": "c0", "products": ["laptpo"], "value": 5, "duration_months": 3}]
    pq.write_table(_table(rows), tmp_path / "plan.parquet")
    err = io.StringIO()
    assert main(["recommend", str(tmp_path / "plan.parquet"), "--lang", "nb"], io.StringIO(), err) == 2
    first = err.getvalue().splitlines()[0]
    with pytest.raises(srpp.SrppError) as caught:
        srpp.recommend({"products": ["laptpo"], "value": {"amount": 5}, "duration_months": 3}, language="nb")
    problem = "; ".join(str(p) for p in caught.value.problems)  # type: ignore[attr-defined]
    assert first.startswith("srpp: ") and first.endswith(problem) and "kontrakt nr. 1 ('c0')" in first


# --- differential: recommend_table against recommend on each row's document

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_IDS = ["laptops", "coffee", "monitors", "mobile-phones", "conflict-minerals-extraction"]
_BAD_PRODUCTS = [[], ["laptpo"], [""], ["coffee", "coffee"]]
# a product's code, two without risk data, one without a product, a second product, and two
# that are not valid (unknown; check digit left out is valid)
_CPV = ["30213100-6", "09331200-0", "03111000-2", "45000000-7", "15831000-2", "99999999-9", "30213100"]
_LEVELS = [None, "low", "medium_high", "high", "very_high", "extreme"]


def _numbers(rs: srpp.rules.RuleSet, fact: str, scale: int = 1) -> list[int]:
    """The constants the rule set compares a fact with, and their neighbours."""
    from srpp.rules._check import walk

    params = {p.name: p.value for p in rs.parameters}
    found = {0, 1, 12}
    for rule in rs.rules:
        for cond in walk(rule.when):
            if isinstance(cond, Compare) and cond.fact == fact:
                c = int(params[cond.param] if cond.param is not None else cond.value) * scale
                found |= {c - 1, c, c + 1}
    return sorted(found)


def _row_docs(table: pa.Table) -> list[dict[str, Any]]:
    """Each row's contract document, written out independently of srpp._table."""
    docs = []
    for row in table.to_pylist():
        doc = {k: v for k, v in row.items() if v is not None}
        if isinstance(doc.get("risk_overrides"), dict):
            doc["risk_overrides"] = {k: v for k, v in doc["risk_overrides"].items() if v is not None}
        if "value" in doc:
            doc["value"] = {"amount": doc.pop("value"),
                            **{k: doc.pop(k) for k in ("currency", "exchange_rate") if k in doc}}  # fmt: skip
        docs.append(doc)
    return docs


def _full(rs: srpp.rules.RuleSet, doc: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The whole results row recommend's answer gives, the error text included."""
    from srpp._errors import _ProblemsError

    try:
        r = srpp.recommend(doc, rules=rs, **kwargs)
    except srpp.SrppError as exc:
        text = "; ".join(str(p) for p in exc.problems) if isinstance(exc, _ProblemsError) else str(exc)
        row: dict[str, Any] = {"error": text, "high_risk": None, "priority": None}
        for it in rs.instruments:
            row[it.id] = None
            row.update({f"{it.id}.{spec.name}": None for spec in it.attributes})
        return {**row, "rules": None, "notes": None}
    return _expected(rs, doc, **kwargs)


@st.composite
def tables(draw: st.DrawFn, rs: srpp.rules.RuleSet) -> pa.Table:
    """Tables of contracts with nulls, unknown products, CPV codes, foreign currencies and
    values and durations equal to (and next to) every constant of the rule set.

    Each row is an earlier row with one field changed, so that rows often differ in one
    field only: rows that recommend treats differently must never share a class.
    """

    def mostly(valid: list[Any], invalid: list[Any]) -> st.SearchStrategy[Any]:
        """A null, a valid value, or (less often) an invalid one."""
        return st.none() | st.sampled_from(valid) | st.sampled_from(valid) | st.sampled_from(invalid)

    valid_lists = st.lists(st.sampled_from(_IDS), min_size=1, max_size=3, unique=True)
    tiers = st.fixed_dictionaries({t: st.sampled_from(_LEVELS) for t in ("raw_material", "assembly")})
    fields: dict[str, tuple[st.SearchStrategy[Any], pa.DataType]] = {
        "products": (st.none() | valid_lists | valid_lists | st.sampled_from(_BAD_PRODUCTS), pa.list_(pa.string())),
        "value": (mostly(_numbers(rs, "value") + [10**13 - 1], [-1, 10**13]), pa.int64()),
        "duration_months": (mostly(_numbers(rs, "duration_months") + [1200], [0, 1201]), pa.int64()),
        "market_maturity": (mostly(["high", "medium", "low", "unknown"], ["bogus"]), pa.string()),
        "contains_conflict_minerals": (st.sampled_from([None, True, False]), pa.bool_()),
        "cpv": (st.none() | st.lists(st.sampled_from(_CPV), max_size=2, unique=True), pa.list_(pa.string())),
        "risk_overrides": (st.none() | tiers, pa.struct([("raw_material", pa.string()), ("assembly", pa.string())])),
        "currency": (mostly(["NOK", "EUR"], ["eur"]), pa.string()),
        "exchange_rate": (mostly([1.0, 11.5, 0.113], [0.0]), pa.float64()),
    }  # fmt: skip
    names = ["products", "value", "duration_months"] + [
        name for name in list(fields)[3:] if draw(st.booleans())
    ]  # fmt: skip
    if draw(st.booleans()):  # amounts with øre, as floats
        fields["value"] = (mostly([1_299_999.995, 1_300_000.0, 99_999.99, 2.5, 100_000.0], [-0.5]), pa.float64())
    rows = [{name: draw(fields[name][0]) for name in names}]
    for _ in range(draw(st.integers(0, 15))):
        row = dict(draw(st.sampled_from(rows)))
        name = draw(st.sampled_from(names))
        row[name] = draw(fields[name][0])
        rows.append(row)
    columns = {name: pa.array([r[name] for r in rows], fields[name][1]) for name in names}
    if draw(st.booleans()):
        columns["id"] = pa.array([f"r{i}" for i in range(len(rows))])
    order = draw(st.permutations(list(columns)))
    return pa.table({k: columns[k] for k in order})


def _differential(rs: srpp.rules.RuleSet, table: pa.Table, **kwargs: Any) -> None:
    out = srpp.recommend_table(table, rules=rs, **kwargs)
    got = out.drop_columns(["id"]).to_pylist() if "id" in out.column_names else out.to_pylist()
    for doc, row in zip(_row_docs(table), got, strict=True):
        assert row == _full(rs, doc, **kwargs), doc


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_generated_table_gets_what_recommend_gives_each_row(data: st.DataObject) -> None:
    """Differential: every row of a generated table, errors included, is what recommend
    gives the row's document, column by column."""
    rs = default_rules()
    _differential(rs, data.draw(tables(rs)))


_DOWNSTREAM = """
extends = "srpp-default"
name = "downstream"
facts = ["cpv_count", "risk_overridden"]

[parameters.priority_value]
value = 7_777_777

[parameters.priority_duration]
value = 31

[[rules]]
id = "many-codes"
reason = "Several CPV codes: a mixed purchase."
sources = ["https://example.org/policy"]
when = { all = [{ fact = "cpv_count", op = ">=", value = 2 }, { fact = "value", op = "<", value = 3_333_333 }] }
then = { recommend = "market-dialogue", strength = "consider" }

[[rules]]
id = "own-assessment"
reason = "The buyer assessed a tier: ask for the supplier's own mapping."
sources = ["https://example.org/policy"]
when = { all = [{ holds = "risk_overridden" }, { fact = "duration_months", op = ">", value = 17 }] }
then = { recommend = "self-assessment", strength = "should" }
"""


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_downstream_rule_set_decides_the_classes(data: st.DataObject, tmp_path_factory: Any) -> None:
    """A rule file that extends the defaults with other constants and facts: the classes
    come from its tests (7,777,777 and 31 are not srpp's), not from the default rules."""
    path = tmp_path_factory.mktemp("rules") / "downstream.toml"
    path.write_text(_DOWNSTREAM, encoding="utf-8")
    rs = srpp.RuleSet.load(path)
    _differential(rs, data.draw(tables(rs)))
    _differential(rs, data.draw(tables(rs)), policy={"priority_value": 2_000_000})


def test_values_on_either_side_of_a_downstream_constant() -> None:
    """Rows one NOK apart across a constant only the downstream rule set has get different
    results, as recommend gives them."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "downstream.toml"
        path.write_text(_DOWNSTREAM, encoding="utf-8")
        rs = srpp.RuleSet.load(path)
    values = [7_777_776, 7_777_777, 3_333_332, 3_333_333]
    table = pa.table({"products": [["coffee"]] * 4, "cpv": [["30213100-6", "15831000-2"]] * 4,
                      "value": values, "duration_months": [12] * 4})  # fmt: skip
    out = srpp.recommend_table(table, rules=rs)
    assert out.column("priority").to_pylist() == [False, True, False, False]
    assert ["many-codes" in fired for fired in out.column("rules").to_pylist()] == [False, False, True, False]
    _differential(rs, table)


def test_one_profile_per_product_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same products in another order are read once; each distinct set once."""
    from srpp import _table as table_module

    seen: list[Any] = []
    real = table_module._Classes._contract
    monkeypatch.setattr(table_module._Classes, "_contract", lambda self, doc: seen.append(doc) or real(self, doc))
    lists = [["laptops", "coffee"], ["coffee", "laptops"], ["monitors"], ["laptops", "coffee"]]
    rows = [{"products": lists[i % 4], "value": 1_000 * i, "duration_months": 1 + i % 50} for i in range(2_000)]
    out = srpp.recommend_table(_table(rows))
    assert len(seen) == 2
    docs = [{**r, "value": {"amount": r["value"]}} for r in rows[::37]]
    _check(out.take(list(range(0, 2_000, 37))), default_rules(), docs)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("cpv", [["09331200-0"], ["03111000-2"], ["09331200-0", "03111000-2"], ["03111000-2", "09331200-0"], []]),
        ("contains_conflict_minerals", [None, True, False]),
        ("value", [None, 99_999, 100_000, 1_300_000, 50_000_000, 50_000_001]),
        ("duration_months", [None, 23, 24, 25]),
        ("market_maturity", [None, "unknown", "low", "medium", "high"]),
        ("risk_overrides", [None, {"raw_material": "low"}, {"raw_material": "extreme"}, {"assembly": "high"}]),
        ("products", [["coffee"], ["coffee", "laptops"], ["laptops", "coffee"], ["monitors"], None]),
    ],
)
def test_rows_that_differ_in_one_field(field: str, values: list[Any]) -> None:
    """Rows equal but for one field: each gets what recommend gives it (CPV codes without
    risk data are cited in the notes, in their order)."""
    base: dict[str, Any] = {"products": ["coffee"], "cpv": ["09331200-0"], "value": 2_000_000,
                            "duration_months": 36, "contains_conflict_minerals": None,
                            "market_maturity": "high", "risk_overrides": None}  # fmt: skip
    rows = [{**base, field: v} for v in values]
    table = _table(rows)
    _differential(default_rules(), table)
    assert srpp.recommend_table(table).num_rows == len(values)


def test_other_arrow_types_and_chunked_tables() -> None:
    """Large lists and strings (as polars writes them), small and unsigned integers, float
    amounts, and a table of several chunks give what recommend gives each row."""
    products = [["laptops", "coffee"], ["coffee", "laptops"], ["laptpo"], None, ["monitors"], []]
    table = pa.table({
        "products": pa.array(products, pa.large_list(pa.large_string())),
        "value": pa.array([24_000_000, 100_000, 5, None, 1_300_000, 7], pa.uint32()),
        "duration_months": pa.array([48, 24, 3, None, 24, 0], pa.int16()),
        "market_maturity": pa.array(["high", None, "low", "unknown", "medium", "hi"], pa.large_string()),
    })  # fmt: skip
    _differential(default_rules(), table)
    _differential(default_rules(), pa.concat_tables([table, table.slice(1, 3), table]))
    floats = pa.table({"products": pa.array(products, pa.list_(pa.large_string())),
                       "value": pa.array([1.0, 2.5, None, 3.0, 1e12, 99_999.995])})  # fmt: skip
    _differential(default_rules(), floats)


def test_a_threshold_that_changes_by_date() -> None:
    """A parameter with a schedule: rows are read for their own date (a date column, as
    text or as Arrow dates), rows without one for today, as recommend reads them."""
    import datetime

    import attrs

    from srpp.rules import Change

    p = default_rules().parameter("act_threshold")
    rs = default_rules().with_parameters(
        attrs.evolve(p, schedule=(Change(datetime.date(2027, 7, 1), 300_000, "https://example.org/x"),))
    )
    dates = ["2027-06-30", "2027-07-01", None, "2027-07-01", "2027-13-01"]
    values = [200_000, 200_000, 200_000, 300_000, 200_000]
    rows = {"products": [["laptops"]] * 5, "value": values, "duration_months": [12] * 5}
    out = srpp.recommend_table(pa.table({**rows, "date": dates}), rules=rs)
    assert out.column("contract-clauses").to_pylist()[:2] == ["should", None]
    _differential(rs, pa.table({**rows, "date": dates}))
    as_dates = [None if d in (None, "2027-13-01") else datetime.date.fromisoformat(d) for d in dates]
    # an Arrow date column is a document's date only as text: what recommend says of each
    _differential(rs, pa.table({**rows, "date": pa.array(as_dates, pa.date32())}))
