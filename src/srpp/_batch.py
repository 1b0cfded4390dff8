"""``recommend_many``: many contracts in input order, here or on an executor the caller has."""

from __future__ import annotations

import collections
import itertools
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future
from typing import Any, Literal, overload

from ._errors import SrppError
from ._model import Contract, Recommendation
from ._recommend import as_policy, recommend
from .rules._model import Policy, RuleSet

__all__ = ["recommend_many"]

CHUNK_SIZE = 2_000
"""Contracts per task sent to an executor, unless the caller says otherwise."""


def _one(item: Any, kwargs: Mapping[str, Any], keep: bool) -> Recommendation | SrppError:
    try:
        return recommend(item, **kwargs)
    except SrppError as exc:
        if keep:
            return exc
        raise


def _chunk(items: list[Any], kwargs: Mapping[str, Any], keep: bool) -> list[Recommendation | SrppError]:
    """One task: a chunk of contracts evaluated where the executor runs it.

    A module-level function, so any executor can pickle it by reference; each worker
    compiles the rule set once and keeps it (and its decision classes) between tasks.
    """
    return [_one(item, kwargs, keep) for item in items]


@overload
def recommend_many(
    contracts: Iterable[Contract | Mapping[str, Any]],
    *,
    rules: RuleSet | None = ...,
    policy: Policy | Mapping[str, Any] | None = ...,
    executor: Executor | None = ...,
    catalogue: Any = ...,
    chunk_size: int = ...,
    language: str = ...,
    return_exceptions: Literal[False] = ...,
) -> Iterator[Recommendation]: ...


@overload
def recommend_many(
    contracts: Iterable[Contract | Mapping[str, Any]],
    *,
    rules: RuleSet | None = ...,
    policy: Policy | Mapping[str, Any] | None = ...,
    executor: Executor | None = ...,
    catalogue: Any = ...,
    chunk_size: int = ...,
    language: str = ...,
    return_exceptions: bool,
) -> Iterator[Recommendation | SrppError]: ...


def recommend_many(
    contracts: Iterable[Contract | Mapping[str, Any]],
    *,
    rules: RuleSet | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    executor: Executor | None = None,
    catalogue: Any = None,
    chunk_size: int = CHUNK_SIZE,
    language: str = "en",
    return_exceptions: bool = False,
) -> Iterator[Recommendation] | Iterator[Recommendation | SrppError]:
    """Recommend for many contracts, yielding results in input order.

    Results are identical to calling :func:`~srpp.recommend` on each contract in turn, which
    is what happens by default, in this process: contracts of one decision class cost the
    engine once (see the engine notes), so one process screens tens of thousands of
    contracts a second. Pass any :class:`concurrent.futures.Executor` to spread the work:
    a :class:`~concurrent.futures.ProcessPoolExecutor` for the cores of this machine, or a
    cluster's executor such as Dask's ``Client.get_executor()`` (see the docs on running at
    scale). The input is read lazily and sent in chunks of ``chunk_size`` contracts, with a
    bounded number of chunks in flight, so memory stays bounded for any number of contracts.

    On an executor, the contracts, the rule set, the policy and the catalogue travel to the
    workers by pickling: facts and products defined in your own code must be importable
    there, and a script that starts a process pool needs the usual
    ``if __name__ == "__main__":`` guard.

    Args:
        contracts: Contracts or contract documents (mappings), any iterable.
        rules: The rule set; the default one if ``None``.
        policy: Parameter values and exchange rates, as for :func:`~srpp.recommend`.
        executor: Where to evaluate; ``None`` evaluates here, one contract at a time.
        catalogue: Products that ids in documents refer to.
        chunk_size: Contracts per task sent to the executor (at least 1).
        language: The language of the words, as for :func:`~srpp.recommend`.
        return_exceptions: Yield an invalid contract's :class:`~srpp.SrppError` in its
            place instead of raising it (and stopping).

    Raises:
        SrppError: The first invalid contract's error, unless ``return_exceptions``.
        ValueError: ``chunk_size`` is below 1.

    >>> docs = [{"products": ["laptops"], "value": {"amount": v}, "duration_months": 12}
    ...         for v in (50_000, 2_000_000)]
    >>> [len(r.instruments) for r in recommend_many(docs)]
    [0, 4]
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    kwargs = {"rules": rules, "policy": as_policy(policy), "catalogue": catalogue, "language": language}
    if executor is None:
        return (_one(item, kwargs, return_exceptions) for item in contracts)
    return _on(executor, contracts, kwargs, chunk_size, return_exceptions)


def _on(
    executor: Executor, contracts: Iterable[Any], kwargs: Mapping[str, Any], size: int, keep: bool
) -> Iterator[Recommendation | SrppError]:
    """Chunks submitted ahead, results yielded in order as each chunk completes."""
    it = iter(contracts)
    window = max(4, 2 * (getattr(executor, "_max_workers", None) or 2))
    pending: collections.deque[Future[list[Recommendation | SrppError]]] = collections.deque()
    try:
        while True:
            while len(pending) < window:
                chunk = list(itertools.islice(it, size))
                if not chunk:
                    break
                pending.append(executor.submit(_chunk, chunk, kwargs, keep))
            if not pending:
                return
            yield from pending.popleft().result()
    finally:
        for future in pending:  # the caller stopped early, or a chunk failed
            future.cancel()
