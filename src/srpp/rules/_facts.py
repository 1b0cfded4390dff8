"""The fact vocabulary: what rules can test, and how each fact comes from a contract."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import attrs

from .._errors import SrppError
from .._i18n import N_
from .._model import Contract, MarketMaturity, RiskLevel

__all__ = ["DEFAULT_FACTS", "VOCABULARY", "Fact", "FactKind"]


class FactKind(enum.Enum):
    """The kind of a fact, which decides the comparisons it allows and its encoding."""

    LEVEL = "level"
    """A :class:`~srpp.RiskLevel`; ordered comparisons with a level name."""
    MONEY = "money"
    """An amount of NOK; ordered comparisons with a whole number of NOK."""
    NUMBER = "number"
    """A whole number; ordered comparisons with a whole number."""
    BOOL = "bool"
    """True or false; ``holds`` or ``==``/``!=`` with a boolean."""
    CHOICE = "choice"
    """One of a fixed set of strings; ``==``/``!=`` only."""

    @property
    def ordered(self) -> bool:
        """Whether ``<``, ``<=``, ``>``, ``>=`` apply."""
        return self in (FactKind.LEVEL, FactKind.MONEY, FactKind.NUMBER)


def _choices(value: Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen
class Fact:
    """A fact that rules can test, with the function that reads it from a contract.

    The function is code in the vocabulary, never in a rule: rule files only name facts.
    It returns ``None`` when the fact is unknown for a contract; every comparison on an
    unknown fact is false.

    Attributes:
        name: The name rules use (lower case, digits and ``_``, starting with a letter).
        kind: What kind of value it is.
        label: The fact in words, for reasons ("raw-material risk").
        extract: Reads the fact from a :class:`~srpp.Contract`.
        choices: The allowed values of a ``choice`` fact.
        description: A sentence for documentation.
        unit: The unit of a number, for reasons (``"months"``).
        label_false: A boolean fact that is false, in words, for reasons ("the value is not
            known yet"); empty to say "<label> is no".
    """

    name: str
    kind: FactKind = attrs.field(converter=FactKind)
    label: str
    extract: Callable[[Contract], Any] = attrs.field(eq=False, repr=False)
    choices: tuple[str, ...] = attrs.field(default=(), converter=_choices)
    description: str = ""
    unit: str = ""
    label_false: str = ""

    def encode(self, value: Any) -> int | bool | None:
        """The value as the engine sees it: ints for levels, øre, numbers and choices."""
        if value is None:
            return None
        kind = self.kind
        if kind is FactKind.LEVEL and isinstance(value, RiskLevel):
            return value.rank
        if kind is FactKind.MONEY and isinstance(value, Decimal | int) and not isinstance(
            value, bool
        ):
            return int(Decimal(value) * 100)
        if kind is FactKind.NUMBER and isinstance(value, int) and not isinstance(value, bool):
            if abs(value) < 2**62:
                return value
        if kind is FactKind.BOOL and isinstance(value, bool):
            return value
        if kind is FactKind.CHOICE and value in self.choices:
            return self.choices.index(value)
        raise SrppError(
            f"fact {self.name!r} ({kind.value}) cannot hold {value!r}: "
            "its extract function returned a value of the wrong kind"
        )

    def encode_constant(self, value: Any) -> int | bool:
        """A constant from a rule or parameter, already checked, as the engine sees it."""
        if self.kind is FactKind.LEVEL:
            return RiskLevel(value).rank
        if self.kind is FactKind.MONEY:
            return int(value) * 100
        if self.kind is FactKind.CHOICE:
            return self.choices.index(value)
        return value  # type: ignore[no-any-return]

    def decode(self, value: Any) -> Any:
        """A constant as users see it in reasons (a level, an amount, a choice)."""
        if self.kind is FactKind.LEVEL:
            return RiskLevel(value)
        return value


def tier_raw_material(contract: Contract) -> RiskLevel | None:
    return contract.risk.raw_material


def tier_component(contract: Contract) -> RiskLevel | None:
    return contract.risk.component


def tier_assembly(contract: Contract) -> RiskLevel | None:
    return contract.risk.assembly


def _highest(contract: Contract) -> RiskLevel | None:
    return contract.risk.highest


def _value(contract: Contract) -> Decimal | None:
    return None if contract.value is None else contract.value.nok


def _value_known(contract: Contract) -> bool:
    return contract.value is not None


def _duration(contract: Contract) -> int | None:
    return contract.duration_months


def _duration_known(contract: Contract) -> bool:
    return contract.duration_months is not None


def _risk_known(contract: Contract) -> bool:
    return contract.risk_known


def _maturity(contract: Contract) -> str:
    return contract.market_maturity.value


def _minerals(contract: Contract) -> bool:
    return contract.conflict_minerals


def _product_count(contract: Contract) -> int:
    return len(contract.all_products)


DEFAULT_FACTS: tuple[Fact, ...] = (
    Fact("raw_material", FactKind.LEVEL, N_("raw-material risk"), tier_raw_material,
         description="Risk at the raw-material tier: the highest of the products, or the override."),
    Fact("component", FactKind.LEVEL, N_("component risk"), tier_component,
         description="Risk at the component tier."),
    Fact("assembly", FactKind.LEVEL, N_("assembly risk"), tier_assembly,
         description="Risk at the assembly tier."),
    Fact("highest_risk", FactKind.LEVEL, N_("highest tier risk"), _highest,
         description="The highest risk at any assessed tier."),
    Fact("value", FactKind.MONEY, N_("value"), _value,
         description="Total value in NOK excluding VAT, options included; unknown at the "
                     "planning stage, when every comparison with it is false."),
    Fact("value_known", FactKind.BOOL, N_("the value is known"), _value_known,
         label_false=N_("the value is not known yet"),
         description="Whether the contract's value is known (false at the planning stage)."),
    Fact("duration_months", FactKind.NUMBER, N_("duration"), _duration,
         description="Duration in months, options to extend included (a started month counts); "
                     "unknown at the planning stage, when every comparison with it is false.",
         unit=N_("months")),
    Fact("duration_known", FactKind.BOOL, N_("the period is known"), _duration_known,
         label_false=N_("the period is not known yet"),
         description="Whether the contract's period is known (false at the planning stage)."),
    Fact("risk_known", FactKind.BOOL, N_("srpp has risk data for everything bought"), _risk_known,
         label_false=N_("srpp has no risk data for part of the purchase"),
         description="False when a CPV code maps to no product srpp has risk data on and the "
                     "buyer has not assessed every tier: the risk is then unknown, not low."),
    Fact("market_maturity", FactKind.CHOICE, N_("market maturity"), _maturity,
         choices=tuple(m.value for m in MarketMaturity),
         description="How many suppliers already run HRDD systems."),
    Fact("conflict_minerals", FactKind.BOOL, N_("the products contain conflict minerals"), _minerals,
         label_false=N_("the products contain no conflict minerals"),
         description="Whether the products contain tin, tantalum, tungsten, gold or cobalt."),
    Fact("product_count", FactKind.NUMBER, N_("number of products"), _product_count,
         description="How many products the contract names."),
)  # fmt: skip


def _risk_overridden(contract: Contract) -> bool:
    return any(level is not None for _, level in contract.risk_overrides.items())


def _cpv_count(contract: Contract) -> int:
    return len(contract.cpv)


VOCABULARY: tuple[Fact, ...] = DEFAULT_FACTS + (
    Fact("risk_overridden", FactKind.BOOL, N_("the buyer assessed some tier's risk"), _risk_overridden,
         label_false=N_("the buyer assessed no tier's risk"),
         description="Whether the contract's risk_overrides replace DFØ's rating at some tier."),
    Fact("cpv_count", FactKind.NUMBER, N_("number of CPV codes"), _cpv_count,
         description="How many CPV codes the contract gives."),
)  # fmt: skip
"""Every fact srpp can read from a contract: the default facts, then those a rule file may add
by name (``facts = ["risk_overridden"]``). Facts are code, so a file only names them."""
