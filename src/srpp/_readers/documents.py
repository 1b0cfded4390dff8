"""Contract documents to and from the domain model, through cattrs.

Every problem in a document is collected and raised at once as one
:class:`~srpp.InvalidContractError`, each problem naming its field path.
"""

from __future__ import annotations

import datetime
import enum
import functools
import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NewType, TypeVar

import attrs
import cattrs
from cattrs.errors import ForbiddenExtraKeysError

from .._amount import parse_amount
from .._cpv import cpv, cpv_problem
from .._errors import InvalidAmountError, InvalidContractError, Problem
from .._i18n import N_, gettext
from .._model import (
    MAX_DAYS,
    MAX_MONTHS,
    Contract,
    MarketMaturity,
    Money,
    Product,
    RiskLevel,
    RiskProfile,
    Tier,
    _plain,
    money_problems,
    period_problems,
)
from .._suggest import did_you_mean, unknown

Months = NewType("Months", int)
Days = NewType("Days", int)
IsoDate = NewType("IsoDate", datetime.date)
ProductId = NewType("ProductId", str)
CpvId = NewType("CpvId", str)
Amount = NewType("Amount", Decimal)
E = TypeVar("E", bound=enum.Enum)


@attrs.frozen
class _MoneyDoc:
    amount: Amount
    currency: str = "NOK"
    exchange_rate: Decimal | None = None


@attrs.frozen
class _ContractDoc:
    value: _MoneyDoc | None = None
    duration_months: Months | None = None
    duration_days: Days | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    date: IsoDate | None = None
    products: tuple[ProductId, ...] = ()
    market_maturity: MarketMaturity = MarketMaturity.UNKNOWN
    contains_conflict_minerals: bool | None = None
    risk_overrides: dict[Tier, RiskLevel] = attrs.Factory(dict)
    id: str | None = None
    title: str | None = None
    cpv: tuple[CpvId, ...] = ()


class _FieldError(ValueError):
    """A problem found in a hook about a field below the one being structured."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _got(message: str, value: object, **fields: object) -> str:
    """A translated message with ``{kind}`` (the JSON/Python type) and ``{value}`` filled in."""
    return message.format(kind=_type_name(value), value=repr(value), **fields)


def _strict_str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise TypeError(_got(gettext("must be a string, got {kind} {value}"), value))
    return value


def _strict_bool(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(_got(gettext("must be true or false, got {kind} {value}"), value))
    return value


def _months(value: object, _: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_MONTHS:
        message = gettext("must be a whole number of months from 1 to {most}, got {value}")
        raise ValueError(_got(message, value, most=MAX_MONTHS))
    return value


def _days(value: object, _: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_DAYS:
        message = gettext("must be a whole number of days from 1 to {most}, got {value}")
        raise ValueError(_got(message, value, most=MAX_DAYS))
    return value


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: object, _: object) -> datetime.date:
    if not isinstance(value, str):
        raise TypeError(_got(gettext('must be an ISO date string like "2026-11-30", got {kind} {value}'), value))
    text = value.strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(_got(gettext('must be an ISO date (YYYY-MM-DD) like "2026-11-30", got {value}'), value)) from None


def _decimal(value: object, _: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(_got(gettext("must be a number, got {kind} {value}"), value))
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(_got(gettext("must be a finite number, got {value}"), value))
    if isinstance(value, str) and not re.fullmatch(r"\s*[0-9]+(\.[0-9]+)?\s*", value):
        # Decimal also reads full-width digits, "1_000", "1e3" and "-0"; the schema does not
        message = gettext("must be a number written with the digits 0-9 and a decimal point, got {value}")
        raise ValueError(_got(message, value))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_got(gettext("must be a number, got {value}"), value)) from None
    if not number.is_finite():
        raise ValueError(_got(gettext("must be a finite number, got {value}"), value))
    return number


def _amount(value: object, _: object) -> Amount:
    if isinstance(value, str) and value.strip().startswith(("-", "+")):
        # "-0" parses to a zero; an amount is never signed text (as the JSON Schema says)
        raise ValueError(_got(gettext("must be a non-negative amount without a sign, got {value}"), value))
    try:
        return Amount(parse_amount(value))
    except InvalidAmountError as exc:
        raise ValueError(str(exc)) from None


def _enum_hook(kind: str) -> Any:
    def hook(value: object, cls: type[E]) -> E:
        try:
            return cls(value)
        except ValueError:
            raise ValueError(unknown(gettext(kind), value, [m.value for m in cls])) from None

    return hook


def _describe(exc: BaseException, _type: object = None) -> str:
    if isinstance(exc, ForbiddenExtraKeysError):
        known = [a.name for a in attrs.fields(exc.cl)]
        return "\x1e".join(
            f"{key}\x1f" + gettext("unknown key") + did_you_mean(key, known) for key in sorted(exc.extra_fields)
        )
    if isinstance(exc, KeyError):
        return gettext("is required")
    if isinstance(exc, _FieldError):
        return f"{exc.problem.field}\x1f{exc.problem.message}"
    if isinstance(exc, TypeError | ValueError) and str(exc):
        return str(exc)
    return gettext("is not valid ({error})").format(error=type(exc).__name__)


def _problems(exc: Exception) -> list[Problem]:
    problems = []
    for line in cattrs.transform_error(exc, format_exception=_describe):
        messages, _, path = line.rpartition(" @ ")
        base = path.removeprefix("$").removeprefix(".")
        # mapping keys come back as ``risk_overrides['x']``; write them as dotted paths
        base = base.replace("['", ".").replace("']", "")
        for message in messages.split("\x1e"):
            field = base
            if "\x1f" in message:
                sub, _, message = message.partition("\x1f")
                field = f"{base}.{sub}" if base else sub
            problems.append(Problem(field, message))
    return problems


@functools.lru_cache(maxsize=16)
def _converter(catalogue: Any, rates: tuple[tuple[str, Decimal], ...]) -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(Months, _months)
    conv.register_structure_hook(Days, _days)
    conv.register_structure_hook(IsoDate, _iso_date)
    conv.register_structure_hook(Decimal, _decimal)
    conv.register_structure_hook(Amount, _amount)
    conv.register_structure_hook(RiskLevel, _enum_hook(N_("risk level")))
    conv.register_structure_hook(Tier, _enum_hook(N_("tier")))
    conv.register_structure_hook(MarketMaturity, _enum_hook(N_("market maturity")))

    def product(value: object, _: object) -> ProductId:
        pid = _strict_str(value, None)
        if pid in catalogue:
            return ProductId(pid)
        aliases = getattr(catalogue, "aliases", None)  # a Catalogue knows other names too
        if aliases is None:
            raise ValueError(unknown(gettext("product"), pid, catalogue.ids()))
        if pid not in aliases:
            raise ValueError(aliases.unknown(pid))
        return ProductId(aliases.resolve(pid))

    conv.register_structure_hook(ProductId, product)

    def cpv_code(value: object, _: object) -> CpvId:
        problem = cpv_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return CpvId(str(value).strip())

    conv.register_structure_hook(CpvId, cpv_code)

    _list_of(conv, tuple[CpvId, ...], N_("must be a list of CPV codes, got {kind} {value}"))
    money_fn = conv.get_structure_hook(_MoneyDoc)
    rate_of = dict(rates)

    def money(value: object, _: object) -> _MoneyDoc:
        if not isinstance(value, Mapping):
            message = gettext('must be an object like {example}, got {kind} {value}')
            raise TypeError(_got(message, value, example='{"amount": 100000, "currency": "NOK"}'))
        doc = money_fn(value, _MoneyDoc)
        rate = doc.exchange_rate if doc.exchange_rate is not None else rate_of.get(doc.currency)
        problems = money_problems(doc.amount, doc.currency, rate)
        if problems:
            # report the first here; the rest are almost always consequences of it
            raise _FieldError(problems[0])
        return _MoneyDoc(doc.amount, doc.currency, rate)

    conv.register_structure_hook(_MoneyDoc, money)

    _list_of(conv, tuple[ProductId, ...], N_("must be a list of product ids, got {kind} {value}"))
    return conv


def _list_of(conv: cattrs.Converter, kind: Any, message: str) -> None:
    """Structure ``kind`` (a tuple type) only from a JSON list, never from a string;
    ``message`` (English, marked with ``N_``) says so, with ``{kind}`` and ``{value}``."""
    base = conv.get_structure_hook(kind)

    def hook(value: object, _: object) -> Any:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise TypeError(_got(gettext(message), value))
        return tuple(base(value, kind))

    conv.register_structure_hook_func(lambda t: t == kind, hook)


def _keys(doc: Mapping[Any, Any]) -> list[Any]:
    """Every key of a document and of the objects inside it (value, risk_overrides)."""
    keys = list(doc)
    for inner in doc.values():
        if isinstance(inner, Mapping):
            keys += list(inner)
    return keys


def contract_from_dict(
    doc: Mapping[str, Any],
    *,
    catalogue: Any = None,
    exchange_rates: Mapping[str, Decimal | int | float | str] | None = None,
) -> Contract:
    """See :meth:`srpp.Contract.from_dict`."""
    from .._catalogue import default_catalogue

    catalogue = default_catalogue() if catalogue is None else catalogue
    if not exchange_rates and type(doc) is dict and doc.keys() <= _PLAIN_KEYS:
        found = _plain_contract(doc, catalogue, ())  # the common case, valid: no cattrs
        if found is not None:
            return found
    if not isinstance(doc, Mapping):
        raise InvalidContractError(
            [Problem("", gettext("a contract document must be a JSON object, got {kind}").format(kind=_type_name(doc)))]
        )
    odd = [k for k in _keys(doc) if not isinstance(k, str)]
    if odd:
        raise InvalidContractError(
            [Problem(repr(k), _got(gettext("keys of a contract document must be strings, got {kind} {value}"), k))
             for k in odd]  # fmt: skip
        )
    if exchange_rates:
        from ..rules._model import Policy

        rates = Policy(exchange_rates=exchange_rates).exchange_rates  # checked: InvalidPolicyError
    else:
        rates = ()
    if rates and type(doc) is dict and doc.keys() <= _PLAIN_KEYS:
        found = _plain_contract(doc, catalogue, rates)
        if found is not None:
            return found
    conv = _converter(catalogue, rates)
    try:
        parsed = conv.structure(dict(doc), _ContractDoc)
    except Exception as exc:  # cattrs groups every problem of the document
        raise InvalidContractError(_problems(exc)) from None
    problems = []
    # a CPV code counts once with or without its check digit
    for key, items in (("products", list(parsed.products)), ("cpv", [c[:8] for c in parsed.cpv])):
        seen: set[str] = set()
        for item in items:
            if item in seen:
                problems.append(Problem(key, gettext("names {item} more than once").format(item=repr(item))))
            seen.add(item)
    if not parsed.products and not parsed.cpv:
        problems.append(
            Problem("products", gettext("must name at least one product (or give CPV codes in cpv)"))
        )
    problems += period_problems(
        parsed.duration_months, parsed.duration_days, parsed.start_date, parsed.end_date
    )
    if problems:
        raise InvalidContractError(problems)
    value = parsed.value
    return Contract(
        products=tuple(catalogue.product(p) for p in parsed.products),
        cpv=tuple(cpv(c, catalogue) for c in parsed.cpv),
        value=None if value is None else Money(value.amount, value.currency, value.exchange_rate),
        duration_months=parsed.duration_months,
        duration_days=parsed.duration_days,
        start_date=parsed.start_date,
        end_date=parsed.end_date,
        date=parsed.date,
        market_maturity=parsed.market_maturity,
        contains_conflict_minerals=parsed.contains_conflict_minerals,
        risk_overrides=RiskProfile(**{t.value: lv for t, lv in parsed.risk_overrides.items()}),
        id=parsed.id,
        title=parsed.title,
    )


_PLAIN_KEYS = frozenset(
    ("id", "title", "products", "value", "duration_months", "market_maturity",
     "contains_conflict_minerals", "risk_overrides")
)  # fmt: skip
_MONEY_KEYS = frozenset(("amount", "currency", "exchange_rate"))
_MATURITIES = {m.value: m for m in MarketMaturity}
_LEVELS = {lv.value: lv for lv in RiskLevel}
_TIER_KEYS = frozenset(t.value for t in Tier)
_NO_OVERRIDES = RiskProfile()


def _plain_contract(doc: dict[str, Any], catalogue: Any, rates: tuple[tuple[str, Decimal], ...]) -> Contract | None:
    """The contract of a document of the common shape that is valid, read without cattrs;
    ``None`` when anything is unusual or wrong, for the full path to read and report.

    The common shape: products by id (at least one, each once), a value in NOK as a number,
    a period in months, and optionally the market maturity, conflict minerals, risk
    overrides, id and title. For such a document it gives the contract the full path gives
    (tests compare them); it reports nothing itself.
    """
    ids = doc.get("products")
    if type(ids) is not list or not ids:
        return None
    for pid in ids:
        if type(pid) is not str or pid not in catalogue:
            return None
    if len(set(ids)) != len(ids):
        return None
    value = doc.get("value")
    money = None
    if value is not None:
        if type(value) is not dict or not value.keys() <= _MONEY_KEYS:
            return None
        raw = value.get("amount")
        if (type(raw) is not int and type(raw) is not float) or value.get("currency", "NOK") != "NOK":
            return None
        if value.get("exchange_rate") is not None or any(code == "NOK" for code, _ in rates):
            return None
        try:
            money = Money(raw)  # parse_amount, as the full path reads it, and the money's checks
        except (InvalidAmountError, InvalidContractError):
            return None
    months = doc.get("duration_months")
    if months is not None and (type(months) is not int or not 0 < months <= MAX_MONTHS):
        return None
    named = doc.get("market_maturity", "unknown")
    maturity = _MATURITIES.get(named) if type(named) is str else None
    minerals = doc.get("contains_conflict_minerals")
    if maturity is None or (minerals is not None and type(minerals) is not bool):
        return None
    ident, title = doc.get("id"), doc.get("title")
    if (ident is not None and type(ident) is not str) or (title is not None and type(title) is not str):
        return None
    profile = _NO_OVERRIDES
    if "risk_overrides" in doc:
        overrides = doc["risk_overrides"]
        if type(overrides) is not dict or not overrides.keys() <= _TIER_KEYS:
            return None
        levels = {}
        for tier, named in overrides.items():
            level = _LEVELS.get(named) if type(named) is str else None
            if level is None:
                return None
            levels[tier] = level
        if levels:
            profile = RiskProfile(**levels)
    return Contract(
        products=tuple(catalogue.product(p) for p in ids),
        value=money,
        duration_months=months,
        market_maturity=maturity,
        contains_conflict_minerals=minerals,
        risk_overrides=profile,
        id=ident,
        title=title,
    )


def contract_to_dict(contract: Contract) -> dict[str, Any]:
    """See :meth:`srpp.Contract.to_dict`."""
    doc: dict[str, Any] = {}
    if contract.id is not None:
        doc["id"] = contract.id
    if contract.title is not None:
        doc["title"] = contract.title
    if contract.products or not contract.cpv:
        doc["products"] = [p.id for p in contract.products]
    if contract.cpv:
        doc["cpv"] = [c.code for c in contract.cpv]
    if contract.value is not None:
        money = contract.value
        value: dict[str, Any] = {"amount": _plain(money.amount), "currency": money.currency}
        if money.currency != "NOK" and money.exchange_rate is not None:
            value["exchange_rate"] = _plain(money.exchange_rate)
        doc["value"] = value
    # the period the way it was given; reading it back gives the same months
    if contract.start_date is not None and contract.end_date is not None:
        doc["start_date"] = contract.start_date.isoformat()
        doc["end_date"] = contract.end_date.isoformat()
    elif contract.duration_days is not None:
        doc["duration_days"] = contract.duration_days
    elif contract.duration_months is not None:
        doc["duration_months"] = contract.duration_months
    if contract.date is not None:
        doc["date"] = contract.date.isoformat()
    doc["market_maturity"] = contract.market_maturity.value
    if contract.contains_conflict_minerals is not None:
        doc["contains_conflict_minerals"] = contract.contains_conflict_minerals
    overrides = {t: lv for t, lv in contract.risk_overrides.to_dict().items() if lv is not None}
    if overrides:
        doc["risk_overrides"] = overrides
    return doc


def product_to_dict(product: Product) -> dict[str, Any]:
    """A product as a plain document."""
    return {
        "id": product.id,
        "name": product.name,
        "category": product.category,
        "risk": product.risk.to_dict(),
        "conflict_minerals": product.conflict_minerals,
        "source_url": product.source_url,
        "source_version": product.source_version,
        "source_date": None if product.source_date is None else product.source_date.isoformat(),
        "read_date": None if product.read_date is None else product.read_date.isoformat(),
        "name_nb": product.name_nb,
        **({"cpv": list(product.cpv)} if product.cpv else {}),
    }
