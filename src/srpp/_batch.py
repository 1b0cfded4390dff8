"""``recommend_many``: many contracts, in order, on worker processes."""

from __future__ import annotations

import collections
import gc
import itertools
import multiprocessing
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from queue import Empty
from typing import Any

from ._catalogue import default_catalogue
from ._errors import SrppError
from ._model import (
    Contract,
    Instrument,
    MarketMaturity,
    Money,
    Phase,
    Recommendation,
    RiskProfile,
    Strength,
)
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
        rec.notes, rec.high_risk, rec.priority, rec.facts, rec.fired, rec.provenance,
    )  # fmt: skip


def _unpack(packed: Packed, contract: Contract) -> Recommendation:
    """The recommendation :func:`_pack` packed, for ``contract``."""
    _, instruments, notes, high_risk, priority, facts, fired, provenance = packed
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
        provenance=provenance,
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


_BLOCK = 50_000
_shared: list[Any] = []  # in a forked worker: the block of contracts being evaluated


def _can_fork() -> bool:
    """Fork only where it exists and no other thread runs, which a fork could catch holding
    a lock; elsewhere workers are spawned."""
    return (
        sys.platform.startswith("linux")  # macOS offers fork, but its system libraries break
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def _init_forked(rules: RuleSet | None, policy: Policy, catalogue: Any) -> None:
    """In a forked worker: fresh caches (so no compiled rule set or lock of the parent is
    used) and the arguments."""
    from . import _recommend
    from .rules import _engine

    gc.freeze()  # the parent's objects: never collected here, so never walked (or copied)
    _recommend._plan.reset()
    _engine.compiled.reset()
    _init(rules, policy, catalogue)


def _range(start: int, stop: int, keep: bool) -> list[Any]:
    """Evaluate ``_shared[start:stop]`` in a forked worker; Contracts are not sent back."""
    return [
        _pack(r, not isinstance(item, Contract)) if isinstance(r, Recommendation) else r
        for item in _shared[start:stop]
        for r in (_one(item, _worker_args, keep),)
    ]


def _work_forked(k: int, n: int, size: int, args: tuple[Any, ...], keep: bool, out: Any) -> None:
    """A forked worker: every n-th range of the shared block, from the k-th, in order."""
    try:
        _init_forked(*args)
        for start in range(k * _CHUNK, size, n * _CHUNK):
            out.put(("ok", _range(start, min(start + _CHUNK, size), keep)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which re-raises
        out.put(("error", exc))
    finally:
        out.close()
        out.join_thread()


def _forked(
    contracts: Iterable[Any], n: int, rules: RuleSet | None, policy: Policy, catalogue: Any,
    keep: bool,
) -> Iterator[Any]:  # fmt: skip
    """Blocks of contracts evaluated by forked workers, which read the contracts from the
    memory they share with this process. Worker k takes ranges k, k + n, ... of a block and
    streams packed results on a queue of its own; nothing is fed to the workers, and only
    packed results cross."""
    ctx = multiprocessing.get_context("fork")
    global _shared
    it = iter(contracts)
    while block := list(itertools.islice(it, _BLOCK)):
        _shared = block
        queues = [ctx.Queue() for _ in range(n)]
        procs = [
            ctx.Process(target=_work_forked, args=(k, n, len(block), (rules, policy, catalogue), keep,
                                                   queues[k]), daemon=True)  # fmt: skip
            for k in range(n)
        ]
        try:
            for p in procs:
                p.start()
            for i, start in enumerate(range(0, len(block), _CHUNK)):
                # unpickling and rebuilding a chunk makes thousands of objects at once; the
                # collector, triggered by each few hundred, would walk every result the caller
                # already holds each time (measured: most of this process's time). It runs
                # again as usual before the results are handed on.
                enabled = gc.isenabled()
                gc.disable()
                try:
                    status, payload = _get(queues[i % n], procs[i % n])
                    results = None if status == "error" else list(_unchunk(block[start : start + _CHUNK], payload))
                finally:
                    if enabled:
                        gc.enable()
                if results is None:
                    raise payload
                yield from results
        finally:
            _shared = []
            for p in procs:
                if p.is_alive():
                    p.terminate()
                p.join()
            for q in queues:
                q.close()


def _get(queue: Any, proc: Any) -> tuple[str, Any]:
    """The next message of a worker; an error if the worker died without one."""
    while True:
        try:
            return queue.get(timeout=1.0)  # type: ignore[no-any-return]
        except Empty:
            if not proc.is_alive():
                raise SrppError(f"a worker process died (exit code {proc.exitcode})") from None


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
    more than one worker, contracts are evaluated in chunks on worker processes, and each
    worker compiles the rule set once. On Linux, when no other thread runs, the workers are
    forked per block of 50,000 contracts and read the contracts from memory they share with
    this process; otherwise they are spawned, the rule set, policy and catalogue travel to
    them as data, and the calling script needs the usual ``if __name__ == "__main__":``
    guard. Facts and products defined by downstream code must then be importable.

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
    if _can_fork():
        yield from _forked(contracts, n, rules, pol, catalogue, return_exceptions)
        return
    # spawn: a fresh interpreter per worker; contracts and results cross as plain tuples
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
