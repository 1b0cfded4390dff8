"""``prioritise``: a whole plan of procurements, ranked so the few that matter come first."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor
from decimal import Decimal
from typing import Any

import attrs

from ._batch import recommend_many
from ._model import Contract, Instrument, Recommendation
from .rules._model import Policy, RuleSet

__all__ = ["Portfolio", "PortfolioEntry", "prioritise"]


# high-risk first, then unknown risk (it may be high: the buyer must assess it), then low
_RISK_ORDER = {True: 0, None: 1, False: 2}


def _nok(contract: Contract) -> Decimal:
    """The value in NOK; 0 while unknown (planning stage)."""
    return Decimal(0) if contract.value is None else contract.value.nok


@attrs.frozen
class PortfolioEntry:
    """One contract of a portfolio, with its place in the ranking.

    Attributes:
        rank: 1 for the contract to work on first.
        recommendation: Its recommendation.
        share: Its share of the portfolio's high-risk spend (0 when not high-risk).
        cumulative_share: The share of the high-risk spend covered by this contract and all
            ranked above it.
    """

    rank: int
    recommendation: Recommendation
    share: float
    cumulative_share: float

    @property
    def contract(self) -> Contract:
        """The contract."""
        return self.recommendation.contract

    @property
    def high_risk(self) -> bool | None:
        """Whether the procurement is high-risk; ``None`` when its risk is unknown."""
        return self.recommendation.high_risk

    @property
    def priority(self) -> bool | None:
        """Whether it is a priority contract; ``None`` when neither value nor period is known."""
        return self.recommendation.priority

    @property
    def instruments(self) -> tuple[Instrument, ...]:
        """Its recommended instruments."""
        return self.recommendation.instruments

    def to_dict(self) -> dict[str, Any]:
        """The entry in the portfolio document."""
        return {
            "rank": self.rank,
            "contract": self.contract.to_dict(),
            "high_risk": self.high_risk,
            "priority": self.priority,
            "instruments": [i.to_dict() for i in self.instruments],
            "share": self.share,
            "cumulative_share": self.cumulative_share,
        }


@attrs.frozen
class Portfolio:
    """Contracts ranked high-risk first, then those of unknown risk, then by value, then by
    duration (unknown values and periods last among equals).

    Attributes:
        entries: The contracts in rank order.
    """

    entries: tuple[PortfolioEntry, ...]

    def __iter__(self) -> Iterator[PortfolioEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def high_risk_spend(self) -> Decimal:
        """The total value in NOK of the high-risk contracts."""
        return sum((_nok(e.contract) for e in self.entries if e.high_risk), Decimal(0))

    @property
    def to_assess(self) -> int:
        """How many contracts the rules recommend SRPP instruments for: the contracts to
        assess for them. A high-risk contract outside the Procurement Act (below its
        threshold) is not one, nor is one of unknown risk (see :attr:`unknown_risk`)."""
        return sum(1 for e in self.entries if e.instruments)

    @property
    def unknown_risk(self) -> int:
        """How many contracts srpp has no risk data for (``high_risk`` is ``None``): the
        buyer assesses their risk."""
        return sum(1 for e in self.entries if e.high_risk is None)

    @classmethod
    def rank(cls, recommendations: Iterable[Recommendation]) -> Portfolio:
        """Rank recommendations already made: high-risk first, unknown risk next, then by
        total value in NOK, then by duration, both largest first; ties keep their input order."""
        recs = list(recommendations)
        ordered = sorted(
            recs,
            key=lambda r: (
                _RISK_ORDER[r.high_risk], -_nok(r.contract), -(r.contract.duration_months or 0)
            ),
        )  # sorted() is stable: ties stay in input order
        risky = [r for r in ordered if r.high_risk]
        total = sum((_nok(r.contract) for r in risky), Decimal(0))
        entries = []
        running = Decimal(0)
        for n, r in enumerate(ordered, 1):
            if r.high_risk:
                # a portfolio whose high-risk contracts are all worth nothing shares equally
                part = _nok(r.contract) / total if total else Decimal(1) / len(risky)
            else:
                part = Decimal(0)
            running += part
            entries.append(PortfolioEntry(n, r, float(part), float(min(running, Decimal(1)))))
        return cls(tuple(entries))

    def to_dict(self) -> dict[str, Any]:
        """``{"contracts": [entry, ...]}`` in rank order."""
        return {"contracts": [e.to_dict() for e in self.entries]}


def prioritise(
    contracts: Iterable[Contract | Mapping[str, Any]],
    *,
    rules: RuleSet | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    catalogue: Any = None,
    executor: Executor | None = None,
) -> Portfolio:
    """Evaluate every contract of a plan and rank them, so a buyer sees where to start.

    DFØ advises putting the main effort into the contracts with the highest total value and
    the longest periods. The ranking puts high-risk procurements first, then orders by total
    value in NOK and by duration, largest first; contracts that tie keep their input order.
    Each entry carries its share of the portfolio's high-risk spend and the cumulative share,
    so the few contracts that carry most of the risk stand out.

    Raises :class:`~srpp.InvalidContractError` for the first invalid contract; use
    :func:`~srpp.recommend_many` with ``return_exceptions=True`` and :meth:`Portfolio.rank` to
    keep the valid ones. ``executor`` spreads the evaluation as for
    :func:`~srpp.recommend_many`.

    >>> p = prioritise([
    ...     {"id": "small", "products": ["laptops"], "value": {"amount": 500_000}, "duration_months": 12},
    ...     {"id": "food", "products": ["lettuce-imported"], "value": {"amount": 9_000_000}, "duration_months": 48,
    ...      "risk_overrides": {"raw_material": "low"}},
    ...     {"id": "big", "products": ["monitors"], "value": {"amount": 1_500_000}, "duration_months": 36},
    ... ])
    >>> [(e.rank, e.contract.id, round(e.share, 2), round(e.cumulative_share, 2)) for e in p]
    [(1, 'big', 0.75, 0.75), (2, 'small', 0.25, 1.0), (3, 'food', 0.0, 1.0)]
    """
    results = recommend_many(contracts, rules=rules, policy=policy, executor=executor,
                             catalogue=catalogue)  # fmt: skip
    return Portfolio.rank(results)
