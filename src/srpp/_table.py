"""``recommend_table``: columnar screening of an Apache Arrow table, one decision per class.

Needs the optional extra ``srpp-norway[arrow]`` (pyarrow). pyarrow is imported when the function
is called, so ``import srpp`` works without it.

How a table is screened (column-wise, with pyarrow compute):

1. The *profile* of each row is its fields other than the value, the duration, the market
   maturity, the conflict-minerals flag, ``id`` and ``title``: in practice its product list
   (taken as a set: the order of the products changes no fact), its CPV codes and its risk
   overrides. Every distinct profile is validated and turned into a contract once, and the
   rule set's facts about its products are read from that contract by the facts' own
   functions.
2. The value and the duration are validated column-wise and placed among the constants of
   the rule set's tests (below, equal to or above each), as the engine's decision classes do
   (:meth:`srpp.rules._engine.Compiled.classify`); market maturity and the conflict-minerals
   flag are checked against their allowed values.
3. Rows whose profile facts, places and the other parts of the result (CPV codes without risk
   data, an unknown value or period) agree form one class. :func:`srpp.recommend` is called
   once per class, on the document of its first row, so the engine, its decision classes and
   validation are exactly those of ``recommend``; an invalid row is a class of its own, so its
   error is its own.
4. The output columns are taken per row from the per-class results.

With facts of the caller's own (whose functions may read anything), every distinct row is a
class of its own; the results are the same either way.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._errors import SrppError, _ProblemsError
from ._i18n import resolve_language
from ._model import MAX_AMOUNT, MAX_MONTHS, Contract, MarketMaturity, Recommendation
from ._recommend import _plan, _Plan, _with_policy, as_policy, recommend
from .rules import _facts, default_rules
from .rules._model import Policy, RuleSet

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["recommend_table"]

_PASSED = ("id",)  # input columns copied to the results
_TEXT = ("id", "title")  # columns that never change a recommendation (when they are text)
_SEP = "\x1f"  # joins the items of a list column into one text per row
_BLOCK = 65_536  # rows of results built at a time
# the facts that come from the value and the duration columns, and from the two flags
_VALUE_FACTS = (_facts._value, _facts._value_known)
_DURATION_FACTS = (_facts._duration, _facts._duration_known)
_MATURITIES = tuple(m.value for m in MarketMaturity)


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
    language: str = "en",
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

    Every row gets what :func:`~srpp.recommend` gives its document. The work is done
    column-wise, per decision class: each distinct product list (as a set), CPV list and set
    of overrides is validated and read once, the value (whole NOK in an integer column) and
    the duration are validated and placed among the constants of the rules column-wise, and
    ``recommend`` is called once per class of rows that must get the same results, on the
    first row of the class. Values in other currencies or as decimals, periods in days or
    dates, and ``date`` columns are read per distinct combination instead; with facts of
    your own every distinct row is its own class. The results are the same either way.

    ``language`` is that of :func:`~srpp.recommend`: ``"en"`` (the default) or ``"nb"``
    (Norwegian bokmål) for the ``error`` texts and the ``notes``; ids, strengths, forms,
    codes and the column names are the same in both.

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
        ValueError: ``language`` is not ``"en"`` or ``"nb"``.

    >>> import pyarrow as pa
    >>> t = pa.table({"products": [["laptops"], ["coffee"]], "value": [24_000_000, 50_000],
    ...               "duration_months": [48, 12]})
    >>> out = recommend_table(t)
    >>> out.column("contract-clauses").to_pylist(), out.column("high_risk").to_pylist()
    (['should', None], [True, True])
    """
    resolve_language(language)  # raises, naming the languages
    pa = _pyarrow()
    table = _as_table(pa, table)
    pol = as_policy(policy)
    rs = default_rules() if rules is None else rules
    if not isinstance(rs, RuleSet):
        raise TypeError(f"rules must be a srpp.rules.RuleSet, got {type(rs).__name__}")
    effective = _with_policy(rs, pol) if pol.values else rs
    classes = _Classes(pa, table, effective, pol, catalogue)
    index, firsts = classes.index()
    docs = _documents(table.take(pa.array(firsts, pa.int64())) if firsts else table.slice(0, 0))
    results: list[Recommendation | SrppError] = []
    for doc in docs:
        try:
            results.append(recommend(doc, rules=rs, policy=pol, catalogue=catalogue, language=language))
        except SrppError as exc:
            results.append(exc)
    return _results(pa, table, effective, results, index)


class _Classes:
    """The class of every row of a table: rows of one class get the same results."""

    def __init__(self, pa: Any, table: Any, effective: RuleSet, pol: Policy, catalogue: Any) -> None:
        self.pa, self.pc = pa, pa.compute
        self.table = table
        self.n = table.num_rows
        self.effective = effective
        self.pol = pol
        self.catalogue = catalogue
        self.today = datetime.date.today()
        self.plans: dict[datetime.date | None, _Plan] = {}
        engine = self.plan(None).engine
        self.own_facts = all(f.extract.__module__ == _facts.__name__ for f in engine.facts)

    def plan(self, day: datetime.date | None) -> _Plan:
        """The plan of the rule set as it stands on ``day`` (today for ``None``)."""
        if not self.effective.scheduled:
            day = None
        found = self.plans.get(day)
        if found is None:
            rs = self.effective.on(day or self.today) if self.effective.scheduled else self.effective
            found = self.plans[day] = _plan(rs)
        return found

    # --- which columns can be read column-wise

    def _present(self, name: str) -> bool:
        """Whether a column exists and holds a value in some row (a null is an absent field)."""
        names = self.table.column_names
        return name in names and self.table.column(name).null_count < self.n

    def _type(self, name: str) -> Any:
        return self.table.column(name).type

    def _column(self, name: str) -> Any:
        """A column as one array (chunks combined)."""
        column = self.table.column(name)
        return column.combine_chunks() if isinstance(column, self.pa.ChunkedArray) else column

    def _integers(self, name: str) -> bool:
        """A column of whole numbers that fit an int64, or no values at all."""
        if not self._present(name):
            return True
        t, types = self._type(name), self.pa.types
        return bool(types.is_signed_integer(t) or (types.is_unsigned_integer(t) and t.bit_width <= 32))

    def _texts(self, name: str) -> bool:
        if not self._present(name):
            return True
        t, types = self._type(name), self.pa.types
        return bool(types.is_string(t) or types.is_large_string(t))

    def index(self) -> tuple[Any, list[int]]:
        """Per row the index of its class (an int64 array), and the first row of each class."""
        pa, pc = self.pa, self.pc
        if self.n == 0:
            return pa.array([], pa.int64()), []
        own = self.own_facts
        value_fast = own and self._integers("value") and not (
            self._present("currency") or self._present("exchange_rate"))  # fmt: skip
        duration_fast = own and self._integers("duration_months") and not any(
            self._present(c) for c in ("duration_days", "start_date", "end_date"))  # fmt: skip
        maturity_fast = own and self._texts("market_maturity")
        minerals_fast = own and (
            not self._present("contains_conflict_minerals")
            or pa.types.is_boolean(self._type("contains_conflict_minerals"))
        )
        fast = set()
        if value_fast:
            fast |= {"value", "currency", "exchange_rate"}
        if duration_fast:
            fast |= {"duration_months", "duration_days", "start_date", "end_date"}
        if maturity_fast:
            fast.add("market_maturity")
        if minerals_fast:
            fast.add("contains_conflict_minerals")
        profile_cols = [
            c for c in self.table.column_names
            if self._present(c) and c not in fast and not (c in _TEXT and self._texts(c))
        ]  # fmt: skip
        parts = [self._column_codes(c, sort=own and c == "products") for c in profile_cols]
        profile, firsts = _dense(pa, pc, _combine(pa, pc, parts, self.n))
        if not own:  # facts of the caller's own: every distinct row is a class
            return profile, firsts

        # the facts of each distinct profile, read once from its contract
        plan = self.plan(None)
        invalid: list[bool] = []
        keys: dict[tuple[Any, ...], int] = {}
        key_of: list[int] = []
        minerals_of: list[bool] = []
        docs = _documents(self.table.take(pa.array(firsts, pa.int64())).select(profile_cols))
        for doc in docs:
            contract = self._contract(doc)
            if contract is None:
                invalid.append(True)
                key_of.append(-1)
                minerals_of.append(False)
                continue
            plan = self.plan(contract.date)
            values = {name: extract(contract) for name, extract in plan.extractors}
            try:
                key = plan.engine.classify_values(values) or plan.engine.encode_classify(values)[1]
            except SrppError:  # recommend reports it, for the rows of this profile
                invalid.append(True)
                key_of.append(-1)
                minerals_of.append(False)
                continue
            parts_of = tuple(
                part for f, part in zip(plan.engine.facts, key, strict=True)
                if f.extract not in _VALUE_FACTS or not value_fast
                if f.extract not in _DURATION_FACTS or not duration_fast
                if f.extract is not _facts._maturity or not maturity_fast
                if f.extract is not _facts._minerals or not minerals_fast
            )  # fmt: skip
            # what else a result depends on (see _Plan.recommend): CPV codes without risk
            # data, whether the risk is known, and whether value or period are unknown
            whole = (
                id(plan), parts_of, bool(contract.cpv), contract.risk_known,
                tuple((c.code, c.label, c.reason) for c in contract.unrated),
                None if value_fast else contract.value is None,
                None if duration_fast else contract.duration_months is None,
            )  # fmt: skip
            invalid.append(False)
            key_of.append(keys.setdefault(whole, len(keys)))
            minerals_of.append(any(p.conflict_minerals for p in contract.all_products))
        bad = pc.take(pa.array(invalid, pa.bool_()), profile)
        row_parts = [pc.take(pa.array(key_of, pa.int64()), profile)]

        # the columns read column-wise: validity and each row's part of its class
        if value_fast:
            place, wrong = self._places("value", _facts._value, 100, 0, int(MAX_AMOUNT) - 1)
            row_parts.append(place)
            bad = pc.or_(bad, wrong)
        if duration_fast:
            place, wrong = self._places("duration_months", _facts._duration, 1, 1, MAX_MONTHS)
            row_parts.append(place)
            bad = pc.or_(bad, wrong)
        if maturity_fast and self._present("market_maturity"):
            column = self._column("market_maturity")
            code = pc.index_in(column, value_set=pa.array(_MATURITIES, pa.string()))
            # a null is "unknown", the default; anything else not in the list is an error
            bad = pc.or_(bad, pc.and_(column.is_valid(), code.is_null()))
            row_parts.append(pc.fill_null(pc.cast(code, pa.int64()), _MATURITIES.index("unknown")))
        if minerals_fast:
            from_products = pc.take(pa.array(minerals_of, pa.bool_()), profile)
            if self._present("contains_conflict_minerals"):
                from_products = pc.coalesce(self._column("contains_conflict_minerals"), from_products)
            row_parts.append(pc.cast(from_products, pa.int64()))
        code = _combine(pa, pc, row_parts, self.n)
        # an invalid row is a class of its own: recommend reports its problems
        code = pc.if_else(bad, pc.subtract(pc.negate(_rows(pa, pc, self.n)), 1), code)
        return _dense(pa, pc, code)

    def _contract(self, doc: dict[str, Any]) -> Contract | None:
        """The contract of a profile's document, or None when it is not valid."""
        products = doc.get("products")
        catalogue = self.catalogue
        if catalogue is None:
            from ._catalogue import default_catalogue

            catalogue = self.catalogue = default_catalogue()
        if (
            set(doc) == {"products"} and isinstance(products, list) and products
            and all(type(p) is str and p in catalogue for p in products)
            and len(set(products)) == len(products)
        ):  # fmt: skip
            # product ids alone, each in the catalogue once: what Contract.from_dict builds
            return Contract(products=tuple(catalogue.product(p) for p in products))
        try:
            return Contract.from_dict(doc, catalogue=catalogue, exchange_rates=dict(self.pol.exchange_rates))
        except SrppError:
            return None

    def _places(self, name: str, extract: Any, scale: int, least: int, most: int) -> tuple[Any, Any]:
        """Each row's place among the constants of the rules' tests of a number column
        (-1 for null), and which rows hold a number outside ``least..most``."""
        pa, pc = self.pa, self.pc
        if not self._present(name):
            return _repeat(pa, -1, self.n), pa.repeat(pa.scalar(False), self.n)
        column = pc.cast(self._column(name), pa.int64())
        wrong = pc.fill_null(pc.or_(pc.less(column, least), pc.greater(column, most)), False)
        number = pc.multiply(pc.if_else(wrong, 0, column), scale)  # øre for money
        constants: set[int] = set()
        for plan in self.plans.values():  # the constants of every date's rule set
            for f, (_, found) in zip(plan.engine.facts, plan.engine._places, strict=True):
                if f.extract is extract and found:
                    constants.update(int(c) for c in found)
        # bisect_left counts the constants below; 2 * that, plus one when equal to one
        place = _repeat(pa, 0, self.n) if not constants else None
        for c in sorted(constants):
            part = pc.add(pc.multiply(pc.cast(pc.greater(number, c), pa.int64()), 2),
                          pc.cast(pc.equal(number, c), pa.int64()))  # fmt: skip
            place = part if place is None else pc.add(place, part)
        return pc.fill_null(place, -1), wrong

    def _column_codes(self, name: str, *, sort: bool = False) -> Any:
        """An int64 code per row of a column, equal for equal values (nulls included);
        with ``sort``, for a list column, equal for lists with the same items in any order."""
        return _codes(self.pa, self.pc, self.table.column(name), sort=sort)


def _combine(pa: Any, pc: Any, parts: list[Any], n: int) -> Any:
    """An int64 code per row, equal where every part is equal (not numbered densely).

    A part is an array of any type (its distinct values are numbered, nulls included) or an
    int64 array without nulls, which is used as it is (shifted to start at 0).
    """
    code: Any = None
    size = 1  # how many codes there can be
    for part in parts:
        if isinstance(part, pa.ChunkedArray):
            part = part.combine_chunks()
        if part.type == pa.int64() and part.null_count == 0 and len(part):
            low, high = (x.as_py() for x in pc.min_max(part).values())
            part, width = pc.subtract(part, low), high - low + 1
        else:
            encoded = pc.dictionary_encode(part, null_encoding="encode")
            part, width = pc.cast(encoded.indices, pa.int64()), len(encoded.dictionary)
        if code is not None and size * width >= 2**62:  # renumber before it could overflow
            encoded = pc.dictionary_encode(code)
            code, size = pc.cast(encoded.indices, pa.int64()), len(encoded.dictionary)
        code = part if code is None else pc.add(pc.multiply(code, width), part)
        size = width if code is part else size * width
    return _repeat(pa, 0, n) if code is None else code


def _dense(pa: Any, pc: Any, code: Any) -> tuple[Any, list[int]]:
    """Codes numbered 0, 1, ... in the order they first occur, and the first row of each."""
    code = pc.cast(pc.dictionary_encode(code).indices, pa.int64())
    if not len(code):
        return code, []
    # numbered in order of first occurrence: a code occurs first where it exceeds every
    # code before it
    before = pa.concat_arrays([pa.array([-1], pa.int64()), pc.cumulative_max(code).slice(0, len(code) - 1)])
    return code, pc.indices_nonzero(pc.greater(code, before)).to_pylist()


def _repeat(pa: Any, value: int, n: int) -> Any:
    return pa.repeat(pa.scalar(value, pa.int64()), n)


def _rows(pa: Any, pc: Any, n: int) -> Any:
    """0, 1, ..., n - 1."""
    return pc.subtract(pc.cumulative_sum(_repeat(pa, 1, n)), 1)


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


def _codes(pa: Any, pc: Any, column: Any, *, sort: bool = False) -> Any:
    """An int64 code per row, equal for equal values (nulls included)."""
    typ = column.type
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    types = pa.types
    if (types.is_list(typ) or types.is_large_list(typ)) and (
        types.is_string(typ.value_type) or types.is_large_string(typ.value_type)
    ):
        items = pc.list_flatten(column)
        if items.null_count == 0 and not pc.any(pc.match_substring(items, _SEP)).as_py():
            # the items joined into one text; the number of items tells [] from [""]
            joined = pc.binary_join(column, pa.scalar(_SEP, typ.value_type))
            parts = [joined]
            if pc.any(pc.equal(items, "")).as_py():
                parts.append(pc.fill_null(pc.cast(pc.list_value_length(column), pa.int64()), -1))
            if not sort:
                return _combine(pa, pc, parts, len(column))
            # the same items in another order are the same profile
            code, firsts = _dense(pa, pc, _combine(pa, pc, parts, len(column)))
            taken = pa.array(firsts, pa.int64())
            texts = joined.take(taken).to_pylist()
            lengths = pc.list_value_length(column).take(taken).to_pylist()
            canon: dict[Any, int] = {}
            mapping = [
                canon.setdefault(None if k is None else tuple(sorted(t.split(_SEP))) if k else (), len(canon))
                for t, k in zip(texts, lengths, strict=True)
            ]  # fmt: skip
            return pc.take(pa.array(mapping, pa.int64()), code)
    if types.is_struct(typ):
        parts = [column.is_valid()] + [
            _codes(pa, pc, column.field(i), sort=False) for i in range(typ.num_fields)
        ]
        return _combine(pa, pc, parts, len(column))
    if types.is_list(typ) or types.is_large_list(typ) or types.is_map(typ) or types.is_nested(typ):
        column = pa.array([json.dumps(v, sort_keys=True, default=str) for v in column.to_pylist()])
    encoded = column.dictionary_encode(null_encoding="encode")
    return pc.cast(encoded.indices, pa.int64())


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
    # taken a block of rows at a time: pyarrow grows one buffer per column otherwise, which
    # for the notes (hundreds of bytes a row) took twice the time and half again the memory
    blocks = [per_class.take(index.slice(i, _BLOCK)) for i in range(0, len(index), _BLOCK)]
    out = pa.concat_tables(blocks) if blocks else per_class.take(index)
    for name in reversed(_PASSED):
        if name in table.column_names:
            out = out.add_column(0, name, table.column(name))
    return out


def _message(exc: SrppError) -> str:
    if isinstance(exc, _ProblemsError):
        return "; ".join(str(p) for p in exc.problems)
    return str(exc)
