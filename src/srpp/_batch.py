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
from ._model import Contract, Recommendation
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


def _chunk(items: list[Any], keep: bool) -> list[Any]:
    return [_one(item, _worker_args, keep) for item in items]


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
        pending: collections.deque[Future[list[Any]]] = collections.deque()
        chunks = _chunks(contracts, _CHUNK)
        for chunk in itertools.islice(chunks, 2 * n):
            pending.append(pool.submit(_chunk, chunk, return_exceptions))
        while pending:
            done = pending.popleft()
            nxt = next(chunks, None)
            if nxt is not None:
                pending.append(pool.submit(_chunk, nxt, return_exceptions))
            yield from done.result()
