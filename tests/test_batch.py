"""recommend_many: same results as one by one, in order, on worker processes."""

from __future__ import annotations

import pytest

import srpp
from srpp import InvalidContractError

from .test_engine import sample


def test_results_are_in_order_and_equal_to_sequential() -> None:
    """Two workers give exactly the sequential results, in input order."""
    cs = sample(300)
    expected = [srpp.recommend(c) for c in cs]
    assert list(srpp.recommend_many(cs, workers=2)) == expected
    assert list(srpp.recommend_many(cs, workers=1)) == expected


def test_documents_rules_and_policy_travel_to_the_workers() -> None:
    """A policy reaches every worker."""
    docs = [c.to_dict() for c in sample(50)]
    policy = {"priority_value": 10**12, "priority_duration": 10**6}
    expected = [srpp.recommend(d, policy=policy) for d in docs]
    assert list(srpp.recommend_many(docs, policy=policy, workers=2)) == expected


def test_invalid_contracts_raise_or_are_returned_in_place() -> None:
    """return_exceptions=True keeps the good results and puts the error in place."""
    docs = [sample(1)[0].to_dict(), {"products": ["laptpo"]}, sample(2)[1].to_dict()]
    out = list(srpp.recommend_many(docs, workers=2, return_exceptions=True))
    assert isinstance(out[1], InvalidContractError) and out[1].problems
    assert out[0] == srpp.recommend(docs[0]) and out[2] == srpp.recommend(docs[2])
    with pytest.raises(InvalidContractError):
        list(srpp.recommend_many(docs, workers=1))


def test_a_hundred_thousand_contracts_without_an_exception() -> None:
    """100,000 contracts on two workers: every one evaluated, in order."""
    cs = sample(200)
    expected = [srpp.recommend(c) for c in cs]
    n = 0
    for i, r in enumerate(srpp.recommend_many((cs[i % 200] for i in range(100_000)), workers=2)):
        assert r == expected[i % 200]
        n += 1
    assert n == 100_000


def test_workers_must_be_positive() -> None:
    """workers=0 is a ValueError."""
    with pytest.raises(ValueError, match="workers"):
        list(srpp.recommend_many([], workers=0))


def test_contracts_with_products_outside_the_catalogue_still_travel() -> None:
    """A product built in code, not in the catalogue, reaches the workers intact."""
    from .test_extending import DRONES

    cs = [srpp.Contract((DRONES,), srpp.Money(8_000_000), 12), *sample(20)]
    assert list(srpp.recommend_many(cs, workers=2)) == [srpp.recommend(c) for c in cs]


def test_spawned_workers_give_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where fork is not used (other threads, other systems), spawned workers agree too."""
    from srpp import _batch

    monkeypatch.setattr(_batch, "_can_fork", lambda: False)
    cs = sample(300)
    docs = [c.to_dict() for c in cs[:50]]
    assert list(srpp.recommend_many(cs, workers=2)) == [srpp.recommend(c) for c in cs]
    assert list(srpp.recommend_many(docs, workers=2)) == [srpp.recommend(d) for d in docs]


def test_blocks_follow_each_other_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Several blocks of forked workers, and a last chunk shorter than the rest."""
    from srpp import _batch

    monkeypatch.setattr(_batch, "_BLOCK", 700)
    cs = sample(150)
    many = [cs[i % 150] for i in range(1601)]
    assert list(srpp.recommend_many(many, workers=2)) == [srpp.recommend(c) for c in many]


def test_an_unexpected_error_in_a_worker_reaches_the_caller() -> None:
    """A bug in downstream code (a fact that raises) surfaces as the same exception."""
    from srpp.rules import Fact, FactKind, Holds, Recommend, Rule, default_rules

    rs = default_rules().with_facts(Fact("boom", FactKind.BOOL, "boom", _explode)).with_rules(
        Rule("uses-boom", Holds("boom"), Recommend("market-dialogue", "should"), "r", ("s",)))
    with pytest.raises(ZeroDivisionError):
        list(srpp.recommend_many(sample(10), rules=rs, workers=2))


def _explode(contract: srpp.Contract) -> bool:
    return 1 / 0 > 0
