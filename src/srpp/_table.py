"""``recommend_table``: columnar screening of an Apache Arrow table, one decision per class.

Needs the optional extra ``srpp-norway[arrow]`` (pyarrow). pyarrow is imported when the function
is called, so ``import srpp`` works without it.
"""

from __future__ import annotations

import datetime

import json
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ._errors import SrppError, _ProblemsError
from ._model import Recommendation
from ._recommend import _plan, _with_policy, as_policy, recommend
from .rules import default_rules
from .rules import _facts
from .rules._model import Policy, RuleSet

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["recommend_table"]

_PASSED = ("id",)  # input columns copied to the results
_SKIPPED = ("id", "title")  # columns that never change a recommendation
_ORE_LIMIT = 10**15  # amounts below 1e13 NOK, in øre


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.compute
    except ImportError:  # pragma: no cover - the test extra installs pyarrow
        raise SrppError(
            "recommend_table needs pyarrow: install the extra with pip install 'srpp-norway[arrow]'"
        ) from None
    return pyarrow


def recommend_table(
    table: pa.Table | Any,
    *,
    rules: RuleSet | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    catalogue: Any = None,
) -> pa.Table:
    """Recommend for every row of a table of contracts, as a table of results.

    The input is an Apache Arrow table (``pyarrow.Table``), or anything with the Arrow
    PyCapsule interface or a ``to_arrow()`` method (polars ``DataFrame``), or a pandas
    ``DataFrame``. Its columns are the fields of the contract document: ``products`` (a list
    of product ids), ``value`` (the amount in NOK excl. VAT; with ``currency`` and
    ``exchange_rate`` columns for other currencies), ``duration_months``,
    ``market_maturity``, ``contains_conflict_minerals``, ``cpv`` (a list of codes),
    ``risk_overrides`` (a struct of tier levels), ``id`` and ``title``; any other field of the
    document works too. A null is an absent field.

    Rows are grouped into decision classes: rows with the same non-numeric fields whose value
    and duration fall alike against every constant of the rules (or are both unknown) share
    one evaluation, made by :func:`~srpp.recommend` on the first row of the class (so
    validation and the engine are those of ``recommend``). srpp's own facts depend on value
    and duration only through those places; with facts of your own, or ``currency``,
    ``exchange_rate`` or ``date`` columns, every distinct row is its own class instead. The
    results are the same either way.

    Returns:
        A ``pyarrow.Table`` with one row per input row, in order: ``id`` (if the input has
        it), ``error`` (null, or every problem of an invalid row), ``high_risk``,
        ``priority``, one string column per instrument type of the rule set with its
        strength (null when not recommended) and one per attribute of it
        (``"self-assessment.form"``), ``rules`` (the ids of the rules that fired) and
        ``notes``.

    Raises:
        SrppError: pyarrow is not installed, or the input is not a table.
        TypeError: ``rules`` is not a rule set.

    >>> import pyarrow as pa
    >>> t = pa.table({"products": [["laptops"], ["coffee"]], "value": [24_000_000, 50_000],
    ...               "duration_months": [48, 12]})
    >>> out = recommend_table(t)
    >>> out.column("contract-clauses").to_pylist(), out.column("high_risk").to_pylist()
    (['should', None], [True, True])
    """
    pa = _pyarrow()
    pc = pa.compute
    table = _as_table(pa, table)
    pol = as_policy(policy)
    rs = default_rules() if rules is None else rules
    if not isinstance(rs, RuleSet):
        raise TypeError(f"rules must be a srpp.rules.RuleSet, got {type(rs).__name__}")
    effective = _with_policy(rs, pol) if pol.values else rs
    # parameters that change by date: the rows without a date column are read for today
    engine = _plan(effective.on(datetime.date.today()) if effective.scheduled else effective).engine
    n = table.num_rows
    names = table.column_names

    # which numbers can be placed among the rules' constants column-wise
    places = dict(engine._places)
    by_extract = {f.extract: f.name for f in engine.facts}
    columnwise = (
        not {"currency", "exchange_rate", "date"} & set(names)
        and all(f.extract.__module__ == _facts.__name__ for f in engine.facts)
    )  # fmt: skip
    numeric = [c for c in ("value", "duration_months") if columnwise and c in names]
    profile_cols = [c for c in names if c not in _SKIPPED and c not in numeric]

    # the profile of each row: its non-numeric fields, as one small integer
    profile = pa.array([0] * n, pa.int64()) if n else pa.array([], pa.int64())
    for c in profile_cols:
        codes = _codes(pa, pc, table.column(c))
        width = len(pc.unique(codes))
        combined = pc.add(pc.multiply(profile, width + 1), codes)
        profile = pc.cast(combined.dictionary_encode().indices, pa.int64())  # kept small
    profile_ids = profile.to_pylist()

    # per numeric column: each row's place among the constants (-1 unknown, None invalid)
    parts: list[list[int | None]] = []
    for c in numeric:
        fact = by_extract.get(_facts._value if c == "value" else _facts._duration)
        constants = places.get(fact) if fact is not None else None
        parts.append(_places(table.column(c).to_pylist(), c, constants or []))

    rows_of: dict[tuple[int | None, ...], int] = {}  # class key -> index of its decision
    first: list[int] = []  # per class: its first row
    index: list[int] = []
    for r in range(n):
        key: tuple[int | None, ...] = (profile_ids[r], *(p[r] for p in parts))
        if None in key[1:]:
            key = (-1 - r,)  # an invalid number: the row is its own class, to be reported
        k = rows_of.get(key)
        if k is None:
            k = rows_of[key] = len(first)
            first.append(r)
        index.append(k)

    docs = _documents(table.take(pa.array(first, pa.int64())) if first else table.slice(0, 0))
    results: list[Recommendation | SrppError] = []
    for doc in docs:
        try:
            results.append(recommend(doc, rules=rs, policy=pol, catalogue=catalogue))
        except SrppError as exc:
            results.append(exc)
    return _results(pa, table, effective, results, pa.array(index, pa.int64()))


def _as_table(pa: Any, table: Any) -> Any:
    if isinstance(table, pa.Table):
        return table
    if hasattr(table, "__arrow_c_stream__"):
        return pa.table(table)
    if hasattr(table, "to_arrow"):  # polars
        return table.to_arrow()
    if type(table).__module__.startswith("pandas"):
        return pa.Table.from_pandas(table, preserve_index=False)
    raise SrppError(
        f"recommend_table needs a pyarrow Table (or a pandas or polars DataFrame), "
        f"got {type(table).__name__}"
    )


def _codes(pa: Any, pc: Any, column: Any) -> Any:
    """An int64 code per row, equal for equal values (nulls included)."""
    typ = column.type
    if pa.types.is_list(typ) or pa.types.is_large_list(typ) or pa.types.is_struct(typ) or \
            pa.types.is_map(typ):  # fmt: skip
        column = pa.array([json.dumps(v, sort_keys=True, default=str) for v in column.to_pylist()])
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = column.dictionary_encode(null_encoding="encode")
    return pc.cast(encoded.indices, pa.int64())


def _places(values: list[Any], column: str, constants: list[int | bool]) -> list[int | None]:
    """Each value's place among the constants as the engine's classes count it (see
    ``Compiled.classify``); -1 for null; None for a value ``recommend`` would reject or
    that is not a plain number (the row then goes alone)."""
    import bisect

    out: list[int | None] = []
    money = column == "value"
    cache: dict[Any, int | None] = {}
    for v in values:
        if v is None:
            out.append(-1)
            continue
        place = cache.get(v, -2)
        if place == -2:
            place = cache[v] = _place(v, money, constants, bisect.bisect_left)
        out.append(place)
    return out


def _place(v: Any, money: bool, constants: list[int | bool], bisect_left: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if money:
        if not isinstance(v, int | float | Decimal):
            return None
        try:
            ore = int((Decimal(str(v) if isinstance(v, float) else v) * 100).quantize(
                Decimal(1), rounding=ROUND_HALF_EVEN))  # fmt: skip
        except (InvalidOperation, ValueError, OverflowError):
            return None
        if not 0 <= ore < _ORE_LIMIT:
            return None
        number = ore
    else:
        if not isinstance(v, int) or v <= 0:
            return None
        number = v
    i: int = bisect_left(constants, number)
    return 2 * i + (i < len(constants) and constants[i] == number)


def _documents(table: Any) -> list[dict[str, Any]]:
    """The contract document of each row: nulls are absent fields; ``value`` (with
    ``currency`` and ``exchange_rate``) becomes the value object."""
    docs = []
    for row in table.to_pylist():
        doc = _present(row)
        if "value" in doc and not isinstance(doc["value"], dict):
            money = {"amount": doc.pop("value")}
            for k in ("currency", "exchange_rate"):
                if k in doc:
                    money[k] = doc.pop(k)
            doc["value"] = money
        docs.append(doc)
    return docs


def _present(row: dict[str, Any]) -> dict[str, Any]:
    """A row without its nulls, in nested structs too (a null is an absent field)."""
    return {k: _present(v) if isinstance(v, dict) else v for k, v in row.items() if v is not None}


def _results(pa: Any, table: Any, rs: RuleSet, results: list[Any], index: Any) -> Any:
    """The results table: one row per class, then taken per input row."""
    good = [r if isinstance(r, Recommendation) else None for r in results]
    columns: dict[str, Any] = {}
    errors = [None if r is not None else _message(e) for r, e in zip(good, results, strict=True)]
    columns["error"] = pa.array(errors, pa.string())
    columns["high_risk"] = pa.array([r and r.high_risk for r in good], pa.bool_())
    columns["priority"] = pa.array([r and r.priority for r in good], pa.bool_())
    for itype in rs.instruments:
        found = [r.get(itype.id) if r is not None else None for r in good]
        columns[itype.id] = pa.array([i and i.strength.value for i in found], pa.string())
        for spec in itype.attributes:
            columns[f"{itype.id}.{spec.name}"] = pa.array(
                [dict(i.attributes).get(spec.name) if i else None for i in found], pa.string()
            )
    columns["rules"] = pa.array([list(r.fired) if r else None for r in good], pa.list_(pa.string()))
    columns["notes"] = pa.array([list(r.notes) if r else None for r in good], pa.list_(pa.string()))
    per_class = pa.table(columns)
    out = per_class.take(index)
    for name in reversed(_PASSED):
        if name in table.column_names:
            out = out.add_column(0, name, table.column(name))
    return out


def _message(exc: SrppError) -> str:
    if isinstance(exc, _ProblemsError):
        return "; ".join(str(p) for p in exc.problems)
    return str(exc)
