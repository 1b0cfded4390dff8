"""Portfolio prioritisation: ranking, shares, and the CLI."""

from __future__ import annotations

import csv
import io
import json
import math
import random
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import srpp
from srpp import Contract, Money, Portfolio

from .strategies import contracts
from .test_cli import run


def key(e: srpp.PortfolioEntry) -> tuple[int, Decimal, int]:
    """High-risk, then unknown risk, then low; unknown values and periods count as 0."""
    c = e.contract
    risk = {True: 0, None: 1, False: 2}[e.high_risk]
    return (risk, -(c.value.nok if c.value is not None else Decimal(0)), -(c.duration_months or 0))


class TestRanking:
    @given(st.lists(contracts(), min_size=1, max_size=12), st.randoms())
    def test_the_ranking_is_a_total_order_independent_of_input_order_but_for_ties(
        self, cs: list[Contract], rnd: random.Random
    ) -> None:
        """Shuffling the input changes nothing but the order of contracts that tie."""
        cs = [attrs.evolve(c, id=f"c{i}") for i, c in enumerate(cs)]
        recs = [srpp.recommend(c) for c in cs]
        shuffled = recs[:]
        rnd.shuffle(shuffled)
        a, b = Portfolio.rank(recs), Portfolio.rank(shuffled)
        assert [key(e) for e in a] == [key(e) for e in b] == sorted(key(e) for e in a)
        assert [e.rank for e in a] == list(range(1, len(cs) + 1))
        # each group of ties keeps its input order
        for ranking, source in ((a, recs), (b, shuffled)):
            position = {r.contract.id: n for n, r in enumerate(source)}
            for x, y in zip(ranking.entries, ranking.entries[1:]):
                if key(x) == key(y):
                    assert position[x.contract.id] < position[y.contract.id]

    @given(st.lists(contracts(), min_size=1, max_size=12))
    def test_shares_sum_to_one_over_the_high_risk_contracts(self, cs: list[Contract]) -> None:
        """High-risk shares add up to 1; the rest are 0; the cumulative share only grows."""
        p = srpp.prioritise(cs)
        risky = [e for e in p if e.high_risk]
        if risky:
            assert math.isclose(sum(e.share for e in risky), 1.0, abs_tol=1e-9)
            assert math.isclose(risky[-1].cumulative_share, 1.0, abs_tol=1e-9)
        assert all(e.share == 0 for e in p if not e.high_risk)
        cumulative = [e.cumulative_share for e in p]
        assert cumulative == sorted(cumulative)

    def test_high_risk_first_then_value_then_duration(self) -> None:
        """A concrete plan: the big laptop contract leads, the lettuce the buyer assessed as
        low risk comes last."""
        laptops, lettuce = srpp.product("laptops"), srpp.product("lettuce-imported")
        cs = [
            Contract((lettuce,), Money(90_000_000), 60, id="lettuce", risk_overrides=srpp.RiskProfile("low")),
            Contract((laptops,), Money(2_000_000), 12, id="short"),
            Contract((laptops,), Money(2_000_000), 36, id="long"),
            Contract((laptops,), Money(8_000_000), 12, id="big"),
        ]
        p = srpp.prioritise(cs)
        assert [e.contract.id for e in p] == ["big", "long", "short", "lettuce"]
        assert [round(e.share, 3) for e in p] == [0.667, 0.167, 0.167, 0.0]
        doc = p.to_dict()
        assert doc["contracts"][0]["rank"] == 1 and doc["contracts"][0]["contract"]["id"] == "big"
        assert {"rank", "contract", "high_risk", "priority", "instruments", "share",
                "cumulative_share"} <= set(doc["contracts"][0])  # fmt: skip

    def test_an_empty_plan_and_a_plan_without_high_risk(self) -> None:
        """No division by zero; shares are all zero."""
        assert len(srpp.prioritise([])) == 0
        apples = Contract((srpp.product("apples-imported"),), Money(5_000_000), 12, risk_overrides=srpp.RiskProfile("low"))
        p = srpp.prioritise([apples])
        assert [e.share for e in p] == [0.0] and p.high_risk_spend == 0


class TestPortfolioCommand:
    def test_the_example_plan_in_every_format(self) -> None:
        """Text, Markdown, JSON and CSV all list the twelve contracts in rank order."""
        code, text, _ = run("portfolio", "--example", "plan-2027")
        assert code == 0 and "27-001 Laptops for all staff" in text.splitlines()[1]
        code, md, _ = run("portfolio", "--example", "plan-2027", "--format", "markdown")
        assert code == 0 and md.startswith("| rank |") and md.count("\n") == 14
        code, js, _ = run("portfolio", "--example", "plan-2027", "--format", "json")
        doc = json.loads(js)
        assert [c["rank"] for c in doc["contracts"]] == list(range(1, 13))
        assert doc["contracts"][0]["contract"]["cpv"] == ["30213100-6"]
        code, cs, _ = run("portfolio", "--example", "plan-2027", "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(cs)))
        assert len(rows) == 12 and rows[0]["id"] == "27-001"
        assert math.isclose(float(rows[-1]["cumulative_share"]), 1.0, abs_tol=1e-6)

    def test_bad_contracts_are_listed_and_the_rest_ranked(self, tmp_path: object) -> None:
        """Exit 2; the valid contracts are still ranked."""
        from pathlib import Path

        path = Path(str(tmp_path)) / "plan.json"
        path.write_text(json.dumps([
            {"id": "ok", "cpv": ["30213100-6"], "value": {"amount": 2000000}, "duration_months": 12},
            {"id": "bad", "cpv": ["30213199-1"], "value": {"amount": 2000000}, "duration_months": 12},
        ]))  # fmt: skip
        code, out, err = run("portfolio", str(path), "--format", "json")
        assert code == 2 and [c["contract"]["id"] for c in json.loads(out)["contracts"]] == ["ok"]
        assert "contract #2 ('bad'): cpv[0]: unknown CPV code '30213199-1'; nearest: 30213100-6" in err


class TestContractsToAssess:
    def test_a_high_risk_contract_below_the_act_is_not_one_to_assess(self) -> None:
        """The toner contract of plan-2027 is high-risk but below the Procurement Act's
        threshold: the rules recommend nothing for it, so it is not counted to assess."""
        code, out, err = run("portfolio", "--example", "plan-2027")
        assert code == 0, err
        assert "12 of 12 contracts are high-risk" in out
        assert "Contracts to assess for SRPP instruments (the rules recommend some for them): 11 of 12." in out
        p = srpp.prioritise([
            {"id": "toner", "products": ["toner-cartridges"], "value": {"amount": 90_000}, "duration_months": 12},
            {"id": "laptops", "products": ["laptops"], "value": {"amount": 2_000_000}, "duration_months": 12},
        ])  # fmt: skip
        assert [e.high_risk for e in p] == [True, True] and p.to_assess == 1 and p.unknown_risk == 0

    def test_the_portfolio_page_counts_the_same(self) -> None:
        """The HTML page's figure is the contracts with instruments, not the high-risk ones."""
        import re

        pytest.importorskip("jinja2")
        pytest.importorskip("matplotlib")
        code, out, err = run("portfolio", "--example", "plan-2027", "--format", "html")
        assert code == 0, err
        m = re.search(r'<span class="value">(\d+)</span>\s*contracts to assess for SRPP instruments, of 12', out)
        assert m is not None and m.group(1) == "11"
