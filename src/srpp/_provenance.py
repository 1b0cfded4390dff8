"""Provenance: which srpp, rule set, data, policy and date produced a recommendation.

Everything that does not depend on the contract is computed once: the rule set's digest is
cached on the rule set, the shipped data's versions and digests once per process, and the
provenance objects themselves per (rule set, policy, products of one's own, date).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from decimal import Decimal
import time
import weakref
from typing import Any

import importlib_resources

from ._model import Contract, Provenance
from .rules._model import Policy, RuleSet

__all__ = ["data_versions", "provenance"]


def _file(name: str) -> bytes:
    return importlib_resources.files("srpp.data").joinpath(name).read_bytes()


def _sha256(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return "sha256:" + h.hexdigest()


@functools.cache
def data_versions() -> dict[str, dict[str, str]]:
    """The versions of the shipped data, read from the files themselves, with their digests.

    ``products``: the high-risk list (``products.json``): the newest date its sources give
    (``source_date``), else the source versions it names; the newest day srpp read them
    (``read``, where the file gives one); and the file's digest. ``cpv``: the
    CPV list (``cpv2008.json``) and srpp's mapping (``cpv_map.csv``), with their digest.
    """
    raw_products = _file("products.json")
    doc = json.loads(raw_products)
    items = doc.get("products", [])
    dates = sorted({str(p["source_date"]) for p in items if p.get("source_date")})
    versions = sorted({str(p["source_version"]) for p in items if p.get("source_version")})
    products = {"version": str(doc.get("version") or (dates[-1] if dates else "; ".join(versions)))}
    read = sorted({str(p["read_date"]) for p in items if p.get("read_date")})
    if read:
        products["read"] = read[-1]
    products["digest"] = _sha256(raw_products)
    raw_cpv, raw_map = _file("cpv2008.json"), _file("cpv_map.csv")
    cpv_doc = json.loads(raw_cpv)
    cpv = {"version": str(cpv_doc.get("version") or "CPV 2008"), "digest": _sha256(raw_cpv, raw_map)}
    return {"products": products, "cpv": cpv}


@functools.lru_cache(maxsize=256)
def _policy_values(rs_digest: str, parameters: tuple[tuple[str, Any], ...], policy: Policy) -> tuple[tuple[str, Any], ...]:
    """The policy's values that differ from the rule set's own."""
    own = dict(parameters)
    return tuple((name, value) for name, value in policy.values if own.get(name) != value)


@functools.lru_cache(maxsize=1024)
def _made(
    version: str, name: str, digest: str, policy: tuple[tuple[str, Any], ...],
    own: tuple[str, ...], date: datetime.date, rates: tuple[tuple[str, Decimal], ...] = (),
) -> Provenance:  # fmt: skip
    data: dict[str, Any] = dict(data_versions())
    if own:
        data["products"] = {**data["products"], "own": list(own)}
    return Provenance(version, name, digest, data, policy, date, rates)


@functools.cache
def _shipped() -> dict[str, Any]:
    from ._catalogue import default_catalogue

    return {p.id: p for p in default_catalogue().products}


_day: tuple[float, float, datetime.date] = (0.0, 0.0, datetime.date.min)


def today() -> datetime.date:
    """``datetime.date.today()``, asked of the system once a day: the day is known from its
    local midnight to the next (asking for the local date is slow, and asked per contract)."""
    global _day
    start, end, day = _day
    if start <= time.time() < end:
        return day
    day = datetime.date.today()
    start = datetime.datetime.combine(day, datetime.time()).timestamp()
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()).timestamp()
    _day = (start, end, day)
    return day


def provenance(rs: RuleSet, policy: Policy, contract: Contract) -> Provenance:
    """The provenance of the recommendation of ``contract`` by ``rs`` under ``policy``.

    ``rs`` is the rule set as the caller gave it (before the policy); ``data.products.own``
    lists the contract's products that are not srpp's shipped ones (a downstream catalogue's);
    the policy's exchange rate for the contract's currency, when it was the one used, is
    recorded with the policy's values (it changes the value in NOK, so the result).
    """
    global _last
    shipped = _shipped()
    own = tuple(
        p.id for p in contract.all_products if (s := shipped.get(p.id)) is not p and s != p
    )
    rates: tuple[tuple[str, Decimal], ...] = ()
    money = contract.value
    if policy.exchange_rates and money is not None and money.currency != "NOK":
        rate = dict(policy.exchange_rates).get(money.currency)
        if rate is not None and money.exchange_rate == rate:  # the policy's rate was used
            rates = ((money.currency, rate),)
    date = contract.date or today()
    last = _last  # the common case: the rule set, policy, ... of the previous call
    if last is not None and last[0]() is rs and last[1] is policy and last[2:5] == (own, date, rates):
        return last[5]
    from . import __version__

    values = (
        _policy_values(rs.digest, tuple((p.name, p.value) for p in rs.parameters), policy)
        if policy.values
        else ()
    )
    made = _made(__version__, rs.name, rs.digest, values, own, date, rates)
    _last = (weakref.ref(rs), policy, own, date, rates, made)
    return made


_last: (
    tuple[weakref.ref[RuleSet], Policy, tuple[str, ...], datetime.date, tuple[tuple[str, Decimal], ...], Provenance]
    | None
) = None
"""The last provenance made, with the rule set (weakly: it may go), policy, products of one's
own, date and exchange rate it was made for."""
