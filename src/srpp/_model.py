"""The pure domain model: risk levels, tiers, products, money, contracts, instruments.

Nothing here reads files or talks to the rules engine; every value is frozen.
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Iterable, Iterator, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs

from ._amount import parse_amount
from ._errors import InvalidAmountError, InvalidContractError, Problem
from ._i18n import gettext

__all__ = [
    "Contract",
    "Coverage",
    "CpvCode",
    "Instrument",
    "InstrumentType",
    "Label",
    "MarketMaturity",
    "Money",
    "Phase",
    "Product",
    "Provenance",
    "RiskLevel",
    "RiskProfile",
    "Step",
    "Strength",
    "Template",
    "Tier",
]


_RANKS: dict[enum.Enum, int] = {}


@functools.total_ordering
class _Ordered(enum.Enum):
    """An enum whose members are ordered as declared; values are the document strings."""

    @property
    def rank(self) -> int:
        """Position in declaration order, from 0."""
        try:
            return _RANKS[self]
        except KeyError:
            _RANKS.update({m: i for i, m in enumerate(type(self))})
            return _RANKS[self]

    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.rank < other.rank

    def __str__(self) -> str:
        return str(self.value)

    @property
    def label(self) -> str:
        """The value in words: ``medium_high`` -> ``medium high``."""
        return str(self.value).replace("_", " ").replace("-", " ")


class RiskLevel(_Ordered):
    """Generalised risk of human-rights breaches, ordered ``LOW < ... < VERY_HIGH``."""

    LOW = "low"
    MEDIUM = "medium"
    MEDIUM_HIGH = "medium_high"
    HIGH = "high"
    VERY_HIGH = "very_high"


class Tier(_Ordered):
    """A tier of the supply chain, upstream first."""

    RAW_MATERIAL = "raw_material"
    COMPONENT = "component"
    ASSEMBLY = "assembly"

    @property
    def label(self) -> str:
        return {"raw_material": "raw-material", "component": "component", "assembly": "assembly"}[
            self.value
        ]


class MarketMaturity(_Ordered):
    """How many suppliers already run human-rights due diligence (HRDD) systems."""

    UNKNOWN = "unknown"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Phase(_Ordered):
    """A phase of a procurement, in the order they happen."""

    PLANNING = "planning"
    TENDER = "tender"
    FOLLOW_UP = "follow-up"


class Strength(_Ordered):
    """How firmly an instrument is recommended: ``CONSIDER < SHOULD``."""

    CONSIDER = "consider"
    SHOULD = "should"


def _level_or_none(value: object) -> RiskLevel | None:
    if value is None or isinstance(value, RiskLevel):
        return value
    return RiskLevel(value)


@attrs.frozen
class RiskProfile:
    """A risk level per tier; ``None`` where the tier is not assessed.

    Attributes:
        raw_material: Risk at raw-material extraction.
        component: Risk at component production.
        assembly: Risk at final assembly.
    """

    raw_material: RiskLevel | None = attrs.field(default=None, converter=_level_or_none)
    component: RiskLevel | None = attrs.field(default=None, converter=_level_or_none)
    assembly: RiskLevel | None = attrs.field(default=None, converter=_level_or_none)

    def __getitem__(self, tier: Tier) -> RiskLevel | None:
        level: RiskLevel | None = getattr(self, Tier(tier).value)
        return level

    def items(self) -> Iterator[tuple[Tier, RiskLevel | None]]:
        """``(tier, level)`` for every tier, upstream first."""
        return iter(((Tier.RAW_MATERIAL, self.raw_material), (Tier.COMPONENT, self.component),
                     (Tier.ASSEMBLY, self.assembly)))  # fmt: skip

    @property
    def highest(self) -> RiskLevel | None:
        """The highest assessed level, or ``None`` when no tier is assessed."""
        levels = [level for _, level in self.items() if level is not None]
        return max(levels) if levels else None

    def merge(self, other: RiskProfile) -> RiskProfile:
        """Tier by tier, the higher of the two assessed levels."""
        return RiskProfile(
            _higher(self.raw_material, other.raw_material),
            _higher(self.component, other.component),
            _higher(self.assembly, other.assembly),
        )

    def override(self, overrides: RiskProfile) -> RiskProfile:
        """This profile with every tier that ``overrides`` assesses replaced."""
        return RiskProfile(
            **{t.value: (o if (o := overrides[t]) is not None else lv) for t, lv in self.items()}
        )

    def to_dict(self) -> dict[str, str | None]:
        """``{"raw_material": "very_high", ...}``, ``None`` for a tier not assessed."""
        rm, co, asm = self.raw_material, self.component, self.assembly
        return {
            "raw_material": None if rm is None else rm._value_,
            "component": None if co is None else co._value_,
            "assembly": None if asm is None else asm._value_,
        }


def _higher(a: RiskLevel | None, b: RiskLevel | None) -> RiskLevel | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a.rank >= b.rank else b


def _date_or_none(value: object) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    """CPV codes as a tuple; a lone code is one item."""
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen
class Product:
    """A product with its generalised supply-chain risk.

    Attributes:
        id: Stable identifier, lower case with hyphens (``"laptops"``).
        name: Name in English.
        category: Category id (``"electronics_ict"``).
        risk: Risk per tier.
        conflict_minerals: Whether the product usually contains tin, tantalum, tungsten,
            gold or cobalt.
        source_url: Where the risk assessment comes from.
        source_version: Which version of the source (which page, in which language).
        name_nb: Name in Norwegian (bokmål), in DFØ's own words where its page gives them;
            ``""`` when none is known.
        source_date: The date the source page shows (its "updated" date), if it shows one.
        read_date: The date srpp read the figures from the source.
        cpv: CPV codes that mean this product, for a product of one's own (a downstream
            catalogue's): :func:`srpp.cpv` with that catalogue maps them, and codes below
            them, to it, before srpp's own mapping. The shipped products leave it empty; srpp
            maps codes to them in ``srpp/data/cpv_map.csv``.
    """

    id: str
    name: str
    category: str
    risk: RiskProfile
    conflict_minerals: bool = False
    source_url: str = ""
    source_version: str = ""
    name_nb: str = ""
    source_date: datetime.date | None = attrs.field(default=None, converter=_date_or_none)
    read_date: datetime.date | None = attrs.field(default=None, converter=_date_or_none)
    cpv: tuple[str, ...] = attrs.field(default=(), converter=_codes)


@attrs.frozen
class Category:
    """A group of products on the high-risk list.

    Attributes:
        id: Stable identifier (``"electronics_ict"``).
        name: Name in English.
        name_nb: Name in Norwegian (bokmål), DFØ's own where its pages give one.
    """

    id: str
    name: str
    name_nb: str = ""


def _amount(value: Decimal | int | float | str) -> Decimal:
    try:
        return parse_amount(value)
    except InvalidAmountError as exc:
        raise InvalidContractError([Problem("value.amount", str(exc))]) from None


def _optional_decimal(value: Decimal | int | float | str | None) -> Decimal | None:
    return value if value is None else Decimal(str(value) if isinstance(value, float) else value)


_TIER_NAMES = tuple(t.value for t in Tier)
_LEVEL_RANK = {level: i for i, level in enumerate(RiskLevel)}
_ORE = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 13
"""Amounts (and values in NOK) are below this: the engine compares whole øre as 64-bit ints."""
MAX_RATE = Decimal(10) ** 6
"""Exchange rates are below this many NOK per unit (no currency is near it)."""
MAX_MONTHS = 1200
"""The longest duration srpp takes, in months (100 years)."""
MAX_DAYS = 36_525
"""The longest duration srpp takes, in days (100 years)."""


@attrs.frozen
class Money:
    """An exact amount of money, excluding VAT.

    >>> Money("1 300 000,50").amount
    Decimal('1300000.50')

    Attributes:
        amount: The amount in ``currency``: a number, or text as :func:`srpp.parse_amount`
            reads it (``"1 000 000"``, ``"1 000 000,50"``; ambiguous ``"150.000"`` is refused
            with :class:`~srpp.InvalidContractError`).
        currency: ISO 4217 code, ``"NOK"`` by default.
        exchange_rate: NOK per unit of ``currency``; required unless the currency is NOK.
    """

    amount: Decimal = attrs.field(converter=_amount)
    currency: str = "NOK"
    exchange_rate: Decimal | None = attrs.field(default=None, converter=_optional_decimal)

    def __attrs_post_init__(self) -> None:
        problems = money_problems(self.amount, self.currency, self.exchange_rate)
        if problems:
            raise InvalidContractError(p.within("value") for p in problems)

    @property
    def nok(self) -> Decimal:
        """The amount in NOK, rounded to whole øre."""
        rate = Decimal(1) if self.currency == "NOK" else self.exchange_rate
        assert rate is not None  # guaranteed by __attrs_post_init__
        return (self.amount * rate).quantize(_ORE, rounding=ROUND_HALF_EVEN)


def money_problems(amount: Decimal, currency: str, rate: Decimal | None) -> list[Problem]:
    """What is wrong with an amount, a currency and an exchange rate; empty when valid."""
    problems = []
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        message = gettext("must be a finite, non-negative number below 1e13, got {amount}")
        problems.append(Problem("amount", message.format(amount=amount)))
    if not (len(currency) == 3 and currency.isascii() and currency.isupper()):
        message = gettext("must be a 3-letter ISO 4217 code, got {currency}")
        problems.append(Problem("currency", message.format(currency=repr(currency))))
    elif currency == "NOK":
        if rate is not None and rate != 1:
            message = gettext("must be 1 (or absent) for NOK, got {rate}")
            problems.append(Problem("exchange_rate", message.format(rate=rate)))
    elif rate is None:
        message = gettext(
            "a value in {currency} needs an exchange rate to NOK (NOK per {currency}); srpp "
            "does not guess one: add value.exchange_rate, or give exchange_rates (Python: "
            "policy={python}; command line: --policy FILE)"
        )
        problems.append(
            Problem("exchange_rate", message.format(currency=currency, python="{'exchange_rates': {...}}"))
        )
    if rate is not None and (not rate.is_finite() or rate <= 0 or rate >= MAX_RATE):
        message = gettext("must be a positive number of NOK per unit below 1e6, got {rate}")
        problems.append(Problem("exchange_rate", message.format(rate=rate)))
    elif rate is not None and not problems and amount * rate >= MAX_AMOUNT:
        message = gettext("is NOK {nok} at the exchange rate {rate}; a value must be below NOK 1e13")
        problems.append(Problem("amount", message.format(nok=f"{amount * rate:.2E}", rate=rate)))
    return problems


class Coverage(enum.Enum):
    """What srpp knows of the risk behind a CPV code: one of three cases.

    - ``PRODUCT``: the code maps to a product (or category) of DFØ's high-risk list, whose
      risk per tier srpp ships.
    - ``NO_PRODUCT``: srpp has reviewed the code and it holds no product of DFØ's list
      (services, construction work, software other than servers). It adds no risk: on its
      own such a purchase is not high-risk (``high_risk`` false).
    - ``NO_DATA``: goods srpp cannot rate: DFØ's list has no row for them, or the row could
      not be read. Their risk is unknown (``high_risk`` null unless something else known
      makes the purchase high-risk); the buyer must assess it.
    """

    PRODUCT = "product"
    NO_PRODUCT = "no-product"
    NO_DATA = "no-data"

    def __str__(self) -> str:
        return str(self.value)


def _default_coverage(instance: CpvCode) -> Coverage:
    return Coverage.PRODUCT if instance.product is not None else Coverage.NO_DATA


def _check_coverage(instance: CpvCode, attribute: Any, coverage: Coverage) -> None:
    if (coverage is Coverage.PRODUCT) != (instance.product is not None):
        raise ValueError(
            f"CPV {instance.code}: coverage {coverage.value!r} needs "
            + ("a product" if coverage is Coverage.PRODUCT else "no product")
        )


@attrs.frozen
class CpvCode:
    """A CPV code (Common Procurement Vocabulary) with its label and what srpp knows of it.

    Attributes:
        code: The code with its check digit (``"30213100-6"``).
        label: Its English label in CPV 2008.
        product: The product of the high-risk list it maps to, or ``None``.
        mapped_by: The code in srpp's mapping that decided (``None`` if none did).
        coverage: Which of the three cases the code is (see :class:`Coverage`): a product,
            reviewed with no product of DFØ's list, or no data. ``PRODUCT`` exactly when
            ``product`` is set; without a product it defaults to ``NO_DATA``.
        reason: Why, in words: the mapping's note for the code that decided.
    """

    code: str
    label: str
    product: Product | None = None
    mapped_by: str | None = None
    coverage: Coverage = attrs.field(
        default=attrs.Factory(_default_coverage, takes_self=True),
        converter=Coverage,
        validator=_check_coverage,
    )
    reason: str = ""


def period_problems(
    months: object, days: object, start: object, end: object
) -> list[Problem]:
    """What is wrong with the ways a period is given: one way at most, dates in pairs and
    in order; empty when valid."""
    ways = [name for name, given in (("duration_months", months is not None),
                                     ("duration_days", days is not None),
                                     ("start_date/end_date", start is not None or end is not None))
            if given]  # fmt: skip
    problems = []
    if len(ways) > 1:
        message = gettext(
            "give the period one way only (duration_months, duration_days, or start_date and "
            "end_date), got {ways}"
        )
        ways_given = gettext(" and ").join(ways)
        problems.append(Problem(ways[1].partition("/")[0], message.format(ways=ways_given)))
    if (start is None) != (end is None):
        missing, given = ("end_date", "start_date") if end is None else ("start_date", "end_date")
        message = gettext("is required with {given} (ISO dates, YYYY-MM-DD)")
        problems.append(Problem(missing, message.format(given=given)))
    elif isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
        message = gettext("must be on or after start_date ({start}), got {end}")
        problems.append(Problem("end_date", message.format(start=start, end=end)))
    return problems


def _products(value: Iterable[Product]) -> tuple[Product, ...]:
    """Any sequence (or iterable) of products, stored as a tuple; text is left for the check."""
    return value if isinstance(value, tuple | str | bytes) else tuple(value)


def _cpv_codes(value: Iterable[CpvCode]) -> tuple[CpvCode, ...]:
    return value if isinstance(value, tuple | str | bytes) else tuple(value)


def _strs(value: Iterable[str]) -> tuple[str, ...]:
    """A sequence of strings as a tuple; a lone string is one item, not its letters."""
    return (value,) if isinstance(value, str) else tuple(value)


def _steps(value: Iterable[Step]) -> tuple[Step, ...]:
    return tuple(value)


def _templates(value: Iterable[Template]) -> tuple[Template, ...]:
    return tuple(value)


def _labels(value: Iterable[Label]) -> tuple[Label, ...]:
    return tuple(value)


def _specs(value: Iterable[AttributeSpec]) -> tuple[AttributeSpec, ...]:
    return tuple(value)


def _check_products(instance: Contract, attribute: Any, products: tuple[Product, ...]) -> None:
    if not isinstance(products, tuple):
        message = gettext("must be a sequence of products, got {kind}")
        raise InvalidContractError([Problem("products", message.format(kind=type(products).__name__))])
    for i, p in enumerate(products):
        if not isinstance(p, Product):
            message = gettext("must be a Product, got {value}")
            raise InvalidContractError([Problem(f"products[{i}]", message.format(value=repr(p)))])


def _check_duration(instance: Contract, attribute: Any, number: int | None) -> None:
    if number is None:
        return
    most = MAX_DAYS if attribute.name == "duration_days" else MAX_MONTHS
    if isinstance(number, bool) or not isinstance(number, int) or not 0 < number <= most:
        message = gettext("must be a whole number from 1 to {most}, got {value}")
        raise InvalidContractError([Problem(attribute.name, message.format(most=most, value=repr(number)))])


def _check_date(instance: Contract, attribute: Any, day: datetime.date | None) -> None:
    if day is not None and (not isinstance(day, datetime.date) or isinstance(day, datetime.datetime)):
        message = gettext("must be a date (datetime.date), got {value}")
        raise InvalidContractError([Problem(attribute.name, message.format(value=repr(day)))])


DAYS_PER_MONTH = 365.25 / 12
"""The length of a month when a period is given in days (a Julian year over twelve)."""


def months_from_days(days: int) -> int:
    """Whole months in a period of ``days`` days, a started month counting as a month.

    A month is 365.25 / 12 days here, so 730 days are 24 months, 731 days 25.

    >>> months_from_days(729), months_from_days(1461), months_from_days(1)
    (24, 48, 1)
    """
    return max(1, -(-days * 48 // 1461))


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (both days included), a started month counting.

    >>> months_between(datetime.date(2025, 2, 1), datetime.date(2027, 1, 30))
    24
    >>> months_between(datetime.date(2025, 2, 1), datetime.date(2027, 2, 1))
    25
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    # the months from start that begin on or before end: a started month counts
    return months + 1 if end.day >= start.day else max(months, 1)


@attrs.frozen
class Contract:
    """A contract to procure, described by what decides its SRPP instruments.

    Build one with :meth:`from_dict` from a contract document, or directly from values.

    At the planning stage the value and the period may be unknown (``None``); the rules
    then judge the contract on what is known (see the docs' "Planning stage").

    Attributes:
        products: The products bought (at least one, unless CPV codes are given).
        value: Total value excluding VAT, options included; ``None`` when not yet known.
        duration_months: Duration including options to extend, in whole months; ``None``
            when not yet known. Computed from ``duration_days`` or ``start_date`` and
            ``end_date`` when those are given instead (a started month counts as a month).
        market_maturity: How mature the supplier market is in HRDD.
        contains_conflict_minerals: ``None`` to decide from the products.
        risk_overrides: The buyer's own assessment for some tiers.
        id: The buyer's reference, if any.
        title: A title, if any.
        cpv: CPV codes of what is bought; they add the products they map to.
        duration_days: The period in days, when it was given so.
        start_date: The first day of the contract, when the period was given as dates.
        end_date: The last day of the contract (included), with ``start_date``.
        date: The day thresholds are read for (a parameter may change by date); ``None``
            for the day of the evaluation.
    """

    products: tuple[Product, ...] = attrs.field(converter=_products, validator=_check_products)
    value: Money | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Money))
    )
    duration_months: int | None = attrs.field(default=None, validator=_check_duration)
    market_maturity: MarketMaturity = attrs.field(
        default=MarketMaturity.UNKNOWN, converter=MarketMaturity
    )
    contains_conflict_minerals: bool | None = None
    risk_overrides: RiskProfile = RiskProfile()
    id: str | None = None
    title: str | None = None
    cpv: tuple[CpvCode, ...] = attrs.field(default=(), converter=_cpv_codes)
    duration_days: int | None = attrs.field(default=None, validator=_check_duration)
    start_date: datetime.date | None = attrs.field(default=None, validator=_check_date)
    end_date: datetime.date | None = attrs.field(default=None, validator=_check_date)
    date: datetime.date | None = attrs.field(default=None, validator=_check_date)

    def __attrs_post_init__(self) -> None:
        if self.duration_days is None and self.start_date is None and self.end_date is None and self.products:
            return  # the common case: nothing to check or compute
        problems = []
        if not self.products and not self.cpv:
            problems.append(
                Problem("products", gettext("must name at least one product (or give CPV codes in cpv)"))
            )
        # duration_months may come with days or dates (attrs.evolve passes the computed
        # months on) as long as it agrees with them
        problems += period_problems(None, self.duration_days, self.start_date, self.end_date)
        if problems:
            raise InvalidContractError(problems)
        months = None
        if self.duration_days is not None:
            months = months_from_days(self.duration_days)
        elif self.start_date is not None and self.end_date is not None:
            months = months_between(self.start_date, self.end_date)
        if months is None:
            return
        if self.duration_months is None:
            object.__setattr__(self, "duration_months", months)
        elif self.duration_months != months:
            message = gettext(
                "is {months_given}, but the period given in days or dates is {months} months; "
                "give the period one way only"
            )
            problems = [Problem("duration_months", message.format(months_given=self.duration_months, months=months))]
            raise InvalidContractError(problems)

    @property
    def value_known(self) -> bool:
        """Whether the value is known (it may not be, at the planning stage)."""
        return self.value is not None

    @property
    def duration_known(self) -> bool:
        """Whether the period is known (it may not be, at the planning stage)."""
        return self.duration_months is not None

    @functools.cached_property
    def unrated(self) -> tuple[CpvCode, ...]:
        """The CPV codes whose risk srpp has no data on (:attr:`Coverage.NO_DATA`)."""
        return tuple(c for c in self.cpv if c.coverage is Coverage.NO_DATA)

    @property
    def risk_known(self) -> bool:
        """Whether srpp knows the risk of everything bought: no CPV code without risk data,
        or the buyer assessed every tier in ``risk_overrides``."""
        if not self.unrated:
            return True
        return all(level is not None for _, level in self.risk_overrides.items())

    @functools.cached_property
    def listed_risk(self) -> RiskProfile:
        """Risk per tier from the products alone (DFØ's ratings), before the overrides."""
        return functools.reduce(
            RiskProfile.merge, (p.risk for p in self.all_products), RiskProfile()
        )

    @property
    def overridden(self) -> tuple[Tier, ...]:
        """The tiers where the buyer's assessment replaced DFØ's rating, upstream first."""
        o = self.risk_overrides
        if o.raw_material is None and o.component is None and o.assembly is None:
            return ()
        return tuple(t for t, level in o.items() if level is not None)

    @functools.cached_property
    def all_products(self) -> tuple[Product, ...]:
        """The products named, then those the CPV codes map to, each once."""
        if not self.cpv:
            return self.products
        found = {p.id: p for p in self.products}
        for c in self.cpv:
            if c.product is not None:
                found.setdefault(c.product.id, c.product)
        return tuple(found.values())

    @functools.cached_property
    def risk(self) -> RiskProfile:
        """Risk per tier: the highest of the products, then the buyer's overrides."""
        products = self.all_products
        o = self.risk_overrides
        if len(products) == 1 and o.raw_material is None and o.component is None and o.assembly is None:
            return products[0].risk  # (the product's own profile: equal, and frozen)
        levels = []
        for tier in _TIER_NAMES:
            level = getattr(o, tier)
            if level is None:
                for product in products:
                    mine = getattr(product.risk, tier)
                    if mine is not None and (level is None or _LEVEL_RANK[mine] > _LEVEL_RANK[level]):
                        level = mine
            levels.append(level)
        return RiskProfile(*levels)

    @property
    def conflict_minerals(self) -> bool:
        """Whether the contract involves conflict minerals, from the document or the products."""
        if self.contains_conflict_minerals is not None:
            return self.contains_conflict_minerals
        return any(p.conflict_minerals for p in self.all_products)

    @classmethod
    def from_dict(
        cls,
        doc: Mapping[str, Any],
        *,
        catalogue: Any = None,
        exchange_rates: Mapping[str, Decimal | int | float | str] | None = None,
    ) -> Contract:
        """Validate a contract document and build the contract.

        Every problem in the document is reported at once, in one
        :class:`~srpp.InvalidContractError` whose ``problems`` name their fields.

        Args:
            doc: The contract document (see the docs for its format).
            catalogue: The products to resolve ids against; the shipped ones by default.
            exchange_rates: NOK per unit of currency, for values not in NOK that carry no
                ``exchange_rate`` of their own.

        >>> c = Contract.from_dict({"products": ["laptops"], "value": {"amount": 2000000},
        ...                         "duration_months": 36})
        >>> c.risk.raw_material
        <RiskLevel.VERY_HIGH: 'very_high'>
        """
        from ._readers.documents import contract_from_dict

        return contract_from_dict(doc, catalogue=catalogue, exchange_rates=exchange_rates)

    def to_dict(self) -> dict[str, Any]:
        """The contract document, normalised; ``Contract.from_dict`` reads it back."""
        from ._readers.documents import contract_to_dict

        return contract_to_dict(self)


@attrs.frozen
class AttributeSpec:
    """An attribute an instrument can carry, with its choices from weakest to strongest.

    When several rules set the attribute, the strongest choice wins.

    Attributes:
        name: The attribute's key in the instrument document (``"form"``).
        choices: Allowed values, weakest first (``("simplified", "full")``).
    """

    name: str
    choices: tuple[str, ...] = attrs.field(converter=_strs)

    @property
    def default(self) -> str:
        """The weakest choice, used when no rule sets the attribute."""
        return self.choices[0]


@attrs.frozen
class Step:
    """One step of an instrument, in order.

    Attributes:
        when: When it happens ("within six weeks").
        what: What happens, in words.
        source: Where DFØ says so.
    """

    when: str
    what: str
    source: str = ""

    def to_dict(self) -> dict[str, str]:
        """``{"when": ..., "what": ..., "source": ...}``."""
        return {"when": self.when, "what": self.what, "source": self.source}


@attrs.frozen
class Template:
    """A template DFØ publishes for an instrument.

    Attributes:
        name: Its name, as DFØ gives it.
        url: Where it is.
    """

    name: str
    url: str

    def to_dict(self) -> dict[str, str]:
        """``{"name": ..., "url": ...}``."""
        return {"name": self.name, "url": self.url}


@attrs.frozen
class Label:
    """A label DFØ accepts as documentation, "or equivalent".

    Attributes:
        name: The label ("TCO Certified").
        categories: The product categories it applies to.
        source: Where DFØ names it.
    """

    name: str
    categories: tuple[str, ...] = ()
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """``{"name": ..., "or_equivalent": true, "source": ...}``."""
        return {"name": self.name, "or_equivalent": True, "source": self.source}


@attrs.frozen
class InstrumentType:
    """A kind of SRPP instrument a rule can recommend.

    Attributes:
        id: Stable identifier (``"contract-clauses"``).
        phase: The phase of the procurement it belongs to.
        title: A short title.
        summary: What the buyer does, in a sentence or two.
        sources: Where the guidance for it is.
        attributes: Attributes a recommendation of it carries (``form`` for the
            self-assessment).
        steps: What the buyer does, in order, with when and the source (the
            self-assessment's follow-up sequence).
        templates: DFØ's templates for it, by name and URL.
        labels: Labels DFØ accepts as documentation ("or equivalent"), per category.
        notes: What else the buyer needs to act on it (documentation to ask for,
            preconditions).
    """

    id: str
    phase: Phase = attrs.field(converter=Phase)
    title: str
    summary: str
    sources: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    attributes: tuple[AttributeSpec, ...] = attrs.field(default=(), converter=_specs)
    steps: tuple[Step, ...] = attrs.field(default=(), converter=_steps)
    templates: tuple[Template, ...] = attrs.field(default=(), converter=_templates)
    labels: tuple[Label, ...] = attrs.field(default=(), converter=_labels)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_strs)


@attrs.frozen
class Instrument:
    """One recommended instrument.

    Attributes:
        id: The instrument type's id.
        phase: Its phase.
        strength: ``should`` or ``consider``.
        rule: The rule that decided its strength.
        reason: Why, citing the facts that made the rule fire.
        sources: Where the guidance behind it is.
        attributes: Further attributes, as ``(name, value)`` pairs (``("form", "full")``).
        rules: Every rule that concluded it, in rule-set order.
        steps: Its steps, from the instrument catalogue (the self-assessment's sequence).
        templates: DFØ's templates for it.
        labels: Labels DFØ accepts "or equivalent" for the categories bought.
        notes: What else the buyer needs to act on it.
    """

    id: str
    phase: Phase
    strength: Strength
    rule: str
    reason: str
    sources: tuple[str, ...]
    attributes: tuple[tuple[str, str], ...] = ()
    rules: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    templates: tuple[Template, ...] = ()
    labels: tuple[Label, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The instrument in the recommendation document."""
        doc: dict[str, Any] = {
            "id": self.id,
            "phase": self.phase.value,
            "strength": self.strength.value,
            "rule": self.rule,
            "reason": self.reason,
            "sources": list(self.sources),
        }
        doc.update(self.attributes)
        doc["rules"] = list(self.rules)
        if self.steps:
            doc["steps"] = [x.to_dict() for x in self.steps]
        if self.templates:
            doc["templates"] = [x.to_dict() for x in self.templates]
        if self.labels:
            doc["labels"] = [x.to_dict() for x in self.labels]
        if self.notes:
            doc["notes"] = list(self.notes)
        return doc


def _pairs(value: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> tuple[tuple[str, Any], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(k), _pairs(v) if isinstance(v, Mapping) else v) for k, v in items)


def _unpairs(value: Any) -> Any:
    if isinstance(value, tuple) and all(isinstance(x, tuple) and len(x) == 2 for x in value):
        return {k: _unpairs(v) for k, v in value}
    return value


def _iso_date(value: datetime.date | str) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


@attrs.frozen
class Provenance:
    """What produced a recommendation, so a saved result can be reproduced and compared.

    Attributes:
        srpp: srpp's version (``srpp.__version__``).
        rules: The rule set's name.
        digest: ``"sha256:<hex>"`` of the rule set's content (:attr:`srpp.RuleSet.digest`).
        data: The versions of the shipped data that were used: ``("products", (...))`` for
            the product list and ``("cpv", (...))`` for the CPV list and srpp's mapping, as
            ``(key, value)`` pairs.
        policy: The parameter values the caller's policy changed, as ``(name, value)``
            pairs; empty when the rule set's own values were used.
        date: The day the rule set's thresholds were read for.
        exchange_rates: The exchange rate the caller's policy gave for the contract's
            currency (NOK per unit), as ``(code, rate)`` pairs; empty when the value is in
            NOK, unknown, or its rate came from the contract itself. Shown in the
            document's ``policy`` under ``exchange_rates``.

    >>> p = Provenance("0.2.0", "srpp-default", "sha256:00", {"products": {"version": "x"}},
    ...                {"priority_value": 2000000}, "2026-11-30")
    >>> p.to_dict()["policy"], p.to_dict()["date"]
    ({'priority_value': 2000000}, '2026-11-30')
    """

    srpp: str
    rules: str
    digest: str
    data: tuple[tuple[str, Any], ...] = attrs.field(default=(), converter=_pairs)
    policy: tuple[tuple[str, Any], ...] = attrs.field(default=(), converter=_pairs)
    date: datetime.date = attrs.field(factory=datetime.date.today, converter=_iso_date)
    exchange_rates: tuple[tuple[str, Decimal], ...] = attrs.field(default=(), converter=_pairs)

    def to_dict(self) -> dict[str, Any]:
        """``{"srpp", "rules": {"name", "digest"}, "data", "policy", "date"}``, JSON-ready;
        ``policy`` holds the changed parameter values and, when the policy gave the
        contract's exchange rate, ``exchange_rates`` (``{"EUR": 11.5}``, NOK per unit)."""
        policy: dict[str, Any] = {k: _unpairs(v) for k, v in self.policy}
        if self.exchange_rates:
            policy["exchange_rates"] = {k: _number(Decimal(v)) for k, v in self.exchange_rates}
        return {
            "srpp": self.srpp,
            "rules": {"name": self.rules, "digest": self.digest},
            "data": {k: _unpairs(v) for k, v in self.data},
            "policy": policy,
            "date": self.date.isoformat(),
        }


def _number(value: Decimal) -> int | float:
    """A decimal as a JSON number: whole ones as ``int``."""
    return int(value) if value == value.to_integral_value() else float(value)


@attrs.frozen
class Recommendation:
    """What srpp recommends for one contract, and why.

    Attributes:
        contract: The contract evaluated.
        risk: Its risk per tier (products, then overrides).
        high_risk: Whether the rule set judged the procurement high-risk; ``None`` when
            srpp has no risk data for something bought and nothing known makes the purchase
            high-risk (unknown is not low: the buyer must assess it).
        priority: Whether the rule set judged it a priority contract; ``None`` when neither
            the value nor the period is known.
        instruments: The instruments, ordered by phase, then as the rule set's instrument
            catalogue lists them.
        notes: Disclaimers, and why nothing (more) is recommended.
        facts: The facts the rules saw, as ``(name, value)`` pairs.
        fired: The ids of the rules that fired, in rule-set order.
        provenance: The rule set, data, policy and date that produced it (``None`` only
            for a recommendation built by hand).
        overridden: The tiers where the buyer's assessment replaced DFØ's rating.
        language: The language of its words (reasons, notes): ``"en"`` or ``"nb"``.
    """

    contract: Contract
    risk: RiskProfile
    high_risk: bool | None
    priority: bool | None
    instruments: tuple[Instrument, ...]
    notes: tuple[str, ...]
    facts: tuple[tuple[str, Any], ...] = ()
    fired: tuple[str, ...] = ()
    provenance: Provenance | None = None
    overridden: tuple[Tier, ...] = ()
    language: str = "en"

    def __contains__(self, instrument_id: object) -> bool:
        return any(i.id == instrument_id for i in self.instruments)

    def get(self, instrument_id: str) -> Instrument | None:
        """The recommended instrument with this id, or ``None``."""
        return next((i for i in self.instruments if i.id == instrument_id), None)

    @property
    def notice_codes(self) -> dict[str, Any] | None:
        """The eForms codes to declare in the notice when the contract clauses are
        recommended, else ``None``: BT-06 ``soc-obj`` and BT-775 ``hum-right``, with their
        names and the eForms SDK version they are from (``{"BT-06": ["soc-obj"], ...}``).
        """
        if "contract-clauses" not in self:
            return None
        from ._codes import notice_codes

        return notice_codes()

    def to_dict(self, language: str | None = None) -> dict[str, Any]:
        """The recommendation document (see the docs for its format).

        Its words (reasons, notes) are in :attr:`language`, the language :func:`srpp.recommend`
        made them in; ids, strengths, forms and codes are the same in every language.

        Args:
            language: ``None``, or the recommendation's own language (a check for callers that
                need a particular one).

        Raises:
            ValueError: ``language`` is not the recommendation's; its words are made when it
                is recommended, so ask :func:`srpp.recommend` for them in that language.
        """
        if language is not None and language != self.language:
            raise ValueError(
                f"this recommendation's words are in {self.language!r}, not {language!r}: "
                f"recommend it with language={language!r} for them"
            )
        return {
            "language": self.language,
            "contract": self.contract.to_dict(),
            "risk": self.risk.to_dict(),
            "high_risk": self.high_risk,
            "priority": self.priority,
            "overridden": [t.value for t in self.overridden],
            "instruments": [i.to_dict() for i in self.instruments],
            "notes": list(self.notes),
            "notice_codes": self.notice_codes,
            "trace": {
                "facts": {k: _plain(v) for k, v in self.facts},
                "fired": list(self.fired),
            },
            "provenance": None if self.provenance is None else self.provenance.to_dict(),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
