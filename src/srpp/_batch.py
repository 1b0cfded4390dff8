"""``recommend_many``: many contracts, in order, on worker processes."""

from __future__ import annotations

import collections
import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from ._errors import SrppError
from ._catalogue import default_catalogue
from ._model import Contract, Instrument, MarketMaturity, Money, Phase, Recommendation, RiskProfile, Strength
from ._recommend import as_policy, recommend
from .rules._model import Policy, RuleSet

__all__ = ["recommend_many"]

_CHUNK = 256
_worker_args: dict[str, Any] = {}


def _init(rules: RuleSet | None, policy: Policy, catalogue: Any) -> None:
    _worker_args.update(rules=rules, policy=policy, catalogue=catalogue)


def _one(item: Contract | Mapping[str, Any], kwargs: Mapping[str, Any], keep: bool) -> Any:
    try:
        return recommend(item, **kwargs)
    except SrppError as exc:
        if keep:
            return exc
        raise


_PHASES, _STRENGTHS = tuple(Phase), tuple(Strength)
Packed = tuple[Any, ...]


def _pack(rec: Recommendation, with_contract: bool) -> Packed:
    """A recommendation as plain tuples, strings and ints: cheap to pickle.

    Pickling the attrs objects themselves goes through Python-level hooks per object and
    cost as much as evaluating the contract; this form costs a fraction of that.
    """
    return (
        rec.contract if with_contract else None,
        tuple(
            (i.id, i.phase.rank, i.strength.rank, i.rule, i.reason, i.sources, i.attributes, i.rules)
            for i in rec.instruments
        ),
        rec.notes, rec.high_risk, rec.priority, rec.facts, rec.fired,
    )  # fmt: skip


def _unpack(packed: Packed, contract: Contract) -> Recommendation:
    """The recommendation :func:`_pack` packed, for ``contract``."""
    _, instruments, notes, high_risk, priority, facts, fired = packed
    return Recommendation(
        contract=contract,
        risk=contract.risk,
        high_risk=high_risk,
        priority=priority,
        instruments=tuple(
            Instrument(iid, _PHASES[phase], _STRENGTHS[strength], rule, reason, sources, attrs, rules)
            for iid, phase, strength, rule, reason, sources, attrs, rules in instruments
        ),
        notes=notes,
        facts=facts,
        fired=fired,
    )


def _send(item: Any, catalogue: Any) -> Any:
    """A contract as plain values when its products are the catalogue's (cheap to pickle)."""
    if not isinstance(item, Contract) or any(
        catalogue._by_id.get(p.id) is not p and catalogue._by_id.get(p.id) != p for p in item.products
    ):
        return item
    v, o = item.value, item.risk_overrides
    return (
        tuple(p.id for p in item.products), str(v.amount), v.currency,
        None if v.exchange_rate is None else str(v.exchange_rate), item.duration_months,
        item.market_maturity.value, item.contains_conflict_minerals,
        (o.raw_material, o.component, o.assembly), item.id, item.title,
    )  # fmt: skip


def _receive(item: Any, catalogue: Any) -> Any:
    """The contract :func:`_send` packed, rebuilt in the worker."""
    if not isinstance(item, tuple):
        return item
    ids, amount, currency, rate, months, maturity, minerals, overrides, cid, title = item
    return Contract(
        products=tuple(catalogue.product(i) for i in ids), value=Money(amount, currency, rate),
        duration_months=months, market_maturity=MarketMaturity(maturity),
        contains_conflict_minerals=minerals, risk_overrides=RiskProfile(*overrides), id=cid, title=title,
    )  # fmt: skip


def _chunk(items: list[Any], keep: bool) -> list[Any]:
    """Evaluate a chunk in a worker; contracts the parent already holds are not sent back."""
    out: list[Any] = []
    catalogue = _worker_args["catalogue"] or default_catalogue()
    for sent in items:
        item = _receive(sent, catalogue)
        result = _one(item, _worker_args, keep)
        out.append(_pack(result, not isinstance(item, Contract)) if isinstance(result, Recommendation) else result)
    return out


def _unchunk(items: list[Any], results: list[Any]) -> Iterator[Any]:
    for item, result in zip(items, results, strict=True):
        if isinstance(result, tuple):
            yield _unpack(result, item if isinstance(item, Contract) else result[0])
        else:
            yield result


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def recommend_many(
    contracts: Iterable[Contract | Mapping[str, Any]],
    *,
    rules: RuleSet | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    workers: int | None = None,
    catalogue: Any = None,
    return_exceptions: bool = False,
) -> Iterator[Recommendation | SrppError]:
    """Recommend for many contracts, yielding results in input order.

    Results are identical to calling :func:`~srpp.recommend` on each contract in turn. With
    more than one worker, contracts are evaluated in chunks on worker processes; the rule
    set, the policy and the catalogue travel to each worker as data and compile once there.
    Facts and products defined by downstream code must then be importable (module level).

    Args:
        contracts: Contracts or contract documents.
        rules: The rule set; the default one if ``None``.
        policy: Parameter values and exchange rates, as for :func:`~srpp.recommend`.
        workers: Worker processes; ``None`` for one per CPU, ``1`` to stay in this process.
        catalogue: Products that ids in documents refer to.
        return_exceptions: Yield an invalid contract's :class:`~srpp.SrppError` in its
            place instead of raising it (and stopping).

    >>> docs = [{"products": ["laptops"], "value": {"amount": v}, "duration_months": 12}
    ...         for v in (50_000, 2_000_000)]
    >>> [len(r.instruments) for r in recommend_many(docs, workers=1)]
    [0, 4]
    """
    pol = as_policy(policy)
    n = (os.cpu_count() or 1) if workers is None else workers
    if n < 1:
        raise ValueError(f"workers must be at least 1, got {n}")
    kwargs = {"rules": rules, "policy": pol, "catalogue": catalogue}
    if n == 1:
        for item in contracts:
            yield _one(item, kwargs, return_exceptions)
        return
    # spawn: a fresh interpreter per worker, so no lock or engine handle is inherited mid-use
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(n, mp_context=ctx, initializer=_init, initargs=(rules, pol, catalogue)) as pool:
        pending: collections.deque[tuple[list[Any], Future[list[Any]]]] = collections.deque()
        chunks = _chunks(contracts, _CHUNK)
        cat = catalogue or default_catalogue()

        def submit(chunk: list[Any]) -> None:
            sent = [_send(item, cat) for item in chunk]
            pending.append((chunk, pool.submit(_chunk, sent, return_exceptions)))

        for chunk in itertools.islice(chunks, 2 * n):
            submit(chunk)
        while pending:
            items, done = pending.popleft()
            nxt = next(chunks, None)
            if nxt is not None:
                submit(nxt)
            yield from _unchunk(items, done.result())
