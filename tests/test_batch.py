"""recommend_many: the results of one-by-one evaluation, in input order, here or on executors."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

import srpp
from srpp import InvalidContractError

from .test_engine import sample


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    """Two spawned worker processes, shared by this module's tests."""
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as executor:
        yield executor


def test_sequential_by_default_and_equal_to_one_by_one() -> None:
    """Without an executor, the results are those of ``recommend``, lazily, in order."""
    cs = sample(300)
    results = srpp.recommend_many(iter(cs))
    assert next(results) == srpp.recommend(cs[0])
    assert list(results) == [srpp.recommend(c) for c in cs[1:]]


def test_a_process_pool_gives_the_sequential_results_in_order(pool: ProcessPoolExecutor) -> None:
    """Small chunks, several in flight, a short last chunk: same results, same order."""
    cs = sample(300)
    expected = [srpp.recommend(c) for c in cs]
    assert list(srpp.recommend_many(cs, executor=pool, chunk_size=7)) == expected
    assert list(srpp.recommend_many(cs, executor=pool)) == expected


def test_documents_rules_and_policy_travel_to_the_workers(pool: ProcessPoolExecutor) -> None:
    """Documents, a rule set of the caller's and a policy reach every worker."""
    docs = [c.to_dict() for c in sample(50)]
    policy = {"priority_value": 10**12, "priority_duration": 10**6}
    rs = srpp.rules.default_rules().with_policy(srpp.Policy({"act_threshold": 5_000_000}))
    expected = [srpp.recommend(d, rules=rs, policy=policy) for d in docs]
    assert expected != [srpp.recommend(d) for d in docs]
    got = srpp.recommend_many(docs, rules=rs, policy=policy, executor=pool, chunk_size=10)
    assert list(got) == expected


@pytest.mark.parametrize("where", ["here", "pool"])
def test_invalid_contracts_raise_or_are_returned_in_place(where: str, pool: ProcessPoolExecutor) -> None:
    """return_exceptions=True keeps the good results and puts each error in its place."""
    executor = pool if where == "pool" else None
    docs = [sample(1)[0].to_dict(), {"products": ["laptpo"]}, sample(2)[1].to_dict()]
    out = list(srpp.recommend_many(docs, executor=executor, chunk_size=2, return_exceptions=True))
    assert isinstance(out[1], InvalidContractError) and out[1].problems
    assert "laptops" in str(out[1])  # the suggestion survives the trip back
    assert out[0] == srpp.recommend(docs[0]) and out[2] == srpp.recommend(docs[2])
    with pytest.raises(InvalidContractError):
        list(srpp.recommend_many(docs, executor=executor))


def test_a_thread_pool_shares_one_compiled_rule_set() -> None:
    """Threads evaluate safely under the compiled rule set's lock."""
    cs = sample(400)
    with ThreadPoolExecutor(4) as executor:
        assert list(srpp.recommend_many(cs, executor=executor, chunk_size=13)) == [
            srpp.recommend(c) for c in cs
        ]


def test_a_long_input_streams_with_bounded_work_in_flight() -> None:
    """A generator of 20,000 contracts is read as results are taken, not all at once."""
    cs = sample(200)
    read = 0

    def contracts() -> Iterator[srpp.Contract]:
        nonlocal read
        for i in range(20_000):
            read += 1
            yield cs[i % 200]

    with ThreadPoolExecutor(2) as executor:
        results = srpp.recommend_many(contracts(), executor=executor, chunk_size=100)
        first = next(results)
        assert first == srpp.recommend(cs[0])
        assert read <= 100 * 8
        assert sum(1 for _ in results) == 19_999


def test_chunk_size_must_be_positive() -> None:
    """chunk_size=0 is a ValueError, raised at the call."""
    with pytest.raises(ValueError, match="chunk_size"):
        srpp.recommend_many([], chunk_size=0)


def test_an_unexpected_error_in_a_worker_reaches_the_caller() -> None:
    """A bug in downstream code (a fact that raises) surfaces as the same exception."""
    from srpp.rules import Fact, FactKind, Holds, Recommend, Rule, default_rules

    rs = default_rules().with_facts(Fact("boom", FactKind.BOOL, "boom", _explode)).with_rules(
        Rule("uses-boom", Holds("boom"), Recommend("market-dialogue", "should"), "r", ("s",)))
    with ThreadPoolExecutor(2) as executor, pytest.raises(ZeroDivisionError):
        list(srpp.recommend_many(sample(10), rules=rs, executor=executor))
    with pytest.raises(ZeroDivisionError):
        list(srpp.recommend_many(sample(10), rules=rs))


def _explode(contract: srpp.Contract) -> bool:
    return 1 / 0 > 0
