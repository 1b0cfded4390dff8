"""recommend_many on a local Dask cluster gives the results of one-by-one evaluation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from distributed import Client, LocalCluster

import srpp

from .test_engine import sample


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """A small local cluster in this process: one worker with two threads, no dashboard."""
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as c:  # fmt: skip
        yield c


def test_dask_executor_gives_identical_results_in_order(client: Client) -> None:
    """Documents with a bad one among them, a policy, chunks: identical to one by one."""
    docs = [c.to_dict() for c in sample(120)]
    docs.insert(50, {"products": ["laptpo"]})
    policy = {"priority_value": 2_000_000}
    expected = [srpp.recommend(d, policy=policy) if i != 50 else None for i, d in enumerate(docs)]
    got = list(srpp.recommend_many(docs, policy=policy, executor=client.get_executor(), chunk_size=16,
                                   return_exceptions=True))  # fmt: skip
    assert isinstance(got[50], srpp.InvalidContractError)
    assert got[:50] + got[51:] == expected[:50] + expected[51:]
