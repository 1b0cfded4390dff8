"""OCDS 1.1 data (Open Contracting Data Standard) to contract documents.

Read: a release, a record, a release package, a record package, a JSON array of these, or
JSON Lines of any of them. One contracting process (one ``ocid``) is one notice: the
releases of an ``ocid`` found in one file (or, in one screening, in several files: see
:class:`SharedReleases`) are compiled into one compiled release with
``ocdsmerge`` (the standard's reference implementation of its merge rules); a record's own
``compiledRelease`` is used when it has one.

Where each field comes from (paths in the compiled release):

==============  ===========================================================================
procedure id    ``ocid``
notice id       the release ``id`` (of the latest release, when several are compiled)
title           ``tender.title``
buyer           ``buyer.name``, else the name of the party ``buyer.id`` names, else the
                parties with the role ``buyer``
kind            the latest release's ``tag`` (joined by "+"); ``compiled`` for a record
                without them
date            the latest release's ``date``
CPV             ``tender.classification`` and ``tender.items[].classification`` with
                scheme ``CPV`` (else the awards' and contracts' items); scheme ``CPVS``
                and ``additionalClassifications`` are not main codes
value           ``tender.techniques.frameworkAgreement.value`` or ``tender.value``; else per
                lot the same two; else the awards' ``maximumValue`` or ``value`` (active or
                pending); else the contracts' ``value``
period          each lot's ``contractPeriod``, else ``tender.contractPeriod``, else the
                awards' ``contractPeriod`` and contracts' ``period``: ``startDate`` to
                ``maxExtentDate`` (options and extensions included) or ``endDate``, else
                ``durationInDays``
declared        ``tender.lots[].sustainability[].goal`` (and ``tender.sustainability``),
                read back into eForms codes (OCDS sustainability extension)
==============  ===========================================================================
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from .._errors import InvalidNoticeError
from .._i18n import gettext
from .notices import (
    Amount,
    Notice,
    NOTICE_LIMITS,
    Period,
    amount_or_unread,
    choose_cpv,
    choose_period,
    choose_value,
    contract_document,
    iso_date,
    notice_error,
    total,
)

__all__ = ["SharedReleases", "bare_releases", "read_ocds"]

# The merge rules of the OCDS 1.1 release schema for the fields srpp reads, so that
# ocdsmerge never fetches the schema over the network: ``id``, ``date`` and ``tag`` belong
# to each release; lists of codes or of objects without ``id`` are replaced whole.
MERGE_RULES: dict[tuple[str, ...], str] = {
    ("id",): "omitWhenMerged",
    ("date",): "omitWhenMerged",
    ("tag",): "omitWhenMerged",
    ("tender", "items", "additionalClassifications"): "wholeListMerge",
    ("awards", "items", "additionalClassifications"): "wholeListMerge",
    ("contracts", "items", "additionalClassifications"): "wholeListMerge",
    ("parties", "additionalIdentifiers"): "wholeListMerge",
    ("parties", "roles"): "wholeListMerge",
    ("tender", "sustainability"): "wholeListMerge",
    ("tender", "lots", "sustainability"): "wholeListMerge",
}

# OCDS sustainability goals (sustainability extension, codes of 2023-04-12) -> eForms codes
_GOAL_BT775 = {
    "social.accessibility": "acc-all",
    "social.ethnicEquality": "et-eq",
    "social.genderEquality": "gen-eq",
    "social.humanRightsInSupplyChains": "hum-right",
    "social.disadvantagedEmploymentOpportunities": "opp",
    "social.laborRightsPromotion": "work-cond",
}
_EFORMS_BT06 = {"inn-pur", "env-imp", "soc-obj", "none"}
_EFORMS_BT775 = {"acc-all", "et-eq", "gen-eq", "hum-right", "opp", "work-cond", "other"}
_NOT_AWARDED = {"cancelled", "unsuccessful"}


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _amount(value: Any, path: str, unread: list[tuple[str, str, str]]) -> Amount | None:
    """The amount at ``path`` (an OCDS Value object); one present but unreadable is added
    to ``unread``."""
    money = _obj(value)
    number = amount_or_unread(money.get("amount"), f"{path}.amount", unread)
    currency = _str(money.get("currency"))
    if number is None:
        return None
    if currency is None:
        unread.append((f"{path}.currency", "" if money.get("currency") is None else repr(money.get("currency")),
                       "an amount needs its currency; the value is read as unknown"))  # fmt: skip
        return None
    return Amount(number, currency)


def _period(value: Any) -> Period | None:
    p = _obj(value)
    start = iso_date(p.get("startDate"))
    end = iso_date(p.get("maxExtentDate")) or iso_date(p.get("endDate"))
    if start is not None and end is not None and end >= start:
        return Period(start=start, end=end)
    days = p.get("durationInDays")
    if isinstance(days, int) and not isinstance(days, bool) and days > 0:
        return Period(days=days)
    return None


def _main_codes(release: Mapping[str, Any], aside: list[tuple[str, str]]) -> list[str]:
    tender = _obj(release.get("tender"))

    def from_classification(c: Mapping[str, Any], into: list[str]) -> None:
        code = _str(c.get("id"))
        scheme = (_str(c.get("scheme")) or "CPV").upper()
        if code is None:
            return
        if scheme == "CPV":
            into.append(code)
        else:
            aside.append((code, gettext("scheme {scheme}, not a main CPV code").format(scheme=repr(c.get("scheme")))))

    codes: list[str] = []
    if tender.get("classification") is not None:
        from_classification(_obj(tender.get("classification")), codes)
    for item in _list(tender.get("items")):
        from_classification(_obj(item.get("classification")), codes)
    if not codes:
        for part in (*_list(release.get("awards")), *_list(release.get("contracts"))):
            for item in _list(part.get("items")):
                from_classification(_obj(item.get("classification")), codes)
    return codes


def _value(release: Mapping[str, Any], unread: list[tuple[str, str, str]]) -> Amount | None:
    tender = _obj(release.get("tender"))

    def framework_or_value(obj: Mapping[str, Any], path: str) -> Amount | None:
        framework = _obj(_obj(obj.get("techniques")).get("frameworkAgreement"))
        maximum = _amount(framework.get("value"), f"{path}.techniques.frameworkAgreement.value", unread)
        return maximum or _amount(obj.get("value"), f"{path}.value", unread)

    def each(key: str) -> list[tuple[int, Mapping[str, Any]]]:
        items = release.get(key) if key != "lots" else tender.get("lots")
        return [(j, v) for j, v in enumerate(items) if isinstance(v, Mapping)] if isinstance(items, list) else []

    lots = each("lots")
    awarded = [
        _amount(a.get("maximumValue"), f"awards[{j}].maximumValue", unread)
        or _amount(a.get("value"), f"awards[{j}].value", unread)
        for j, a in each("awards")
        if a.get("status") not in _NOT_AWARDED
    ]
    contracts = [(j, c) for j, c in each("contracts") if c.get("status") != "cancelled"]
    return choose_value(
        framework_or_value(tender, "tender"),
        total([framework_or_value(lot, f"tender.lots[{j}]") for j, lot in lots], "tender.lots[*].value.amount",
              unread) if lots else None,
        total([a for a in awarded if a is not None], "awards[*].value.amount", unread),
        total([_amount(c.get("value"), f"contracts[{j}].value", unread) for j, c in contracts],
              "contracts[*].value.amount", unread) if contracts else None,
    )


def _period_of(release: Mapping[str, Any]) -> Period | None:
    tender = _obj(release.get("tender"))
    found = choose_period(_period(lot.get("contractPeriod")) for lot in _list(tender.get("lots")))
    if found is None:
        found = _period(tender.get("contractPeriod"))
    if found is None:
        found = choose_period(
            [_period(a.get("contractPeriod")) for a in _list(release.get("awards"))]
            + [_period(c.get("period")) for c in _list(release.get("contracts"))]
        )
    return found


def _buyer(release: Mapping[str, Any]) -> str | None:
    buyer = _obj(release.get("buyer"))
    parties = _list(release.get("parties"))
    name = _str(buyer.get("name"))
    if name is None and buyer.get("id") is not None:
        name = next((_str(p.get("name")) for p in parties if p.get("id") == buyer.get("id")), None)
    if name is None:
        names = [
            n
            for p in parties
            if isinstance(p.get("roles"), list) and "buyer" in p["roles"] and (n := _str(p.get("name")))
        ]
        name = "; ".join(dict.fromkeys(names)) or None
    return name


def _goals(entries: Any) -> dict[str, tuple[str, ...]]:
    bt06: list[str] = []
    bt775: list[str] = []
    for entry in _list(entries):
        goal = _str(entry.get("goal")) or ""
        if goal in _EFORMS_BT06:
            code06: str | None = goal
        elif goal in _EFORMS_BT775:
            code06 = "soc-obj"
            bt775.append(goal)
        elif goal.startswith("environmental"):
            code06 = "env-imp"
        elif goal.startswith("social"):
            code06 = "soc-obj"
            if goal in _GOAL_BT775:
                bt775.append(_GOAL_BT775[goal])
        elif goal in ("innovation", "economic.innovativePurchase"):
            code06 = "inn-pur"
        else:
            code06 = None
        if code06 is not None:
            bt06.append(code06)
    return {"BT-06": tuple(dict.fromkeys(bt06)), "BT-775": tuple(dict.fromkeys(bt775))}


def _declared(release: Mapping[str, Any]) -> dict[str, dict[str, tuple[str, ...]]]:
    tender = _obj(release.get("tender"))
    lots = _list(tender.get("lots"))
    if not lots:
        return {"procedure": _goals(tender.get("sustainability"))}
    procedure = _goals(tender.get("sustainability"))
    declared = {}
    for n, lot in enumerate(lots, 1):
        mine = _goals(lot.get("sustainability"))
        declared[_str(lot.get("id")) or f"lot {n}"] = {
            term: tuple(dict.fromkeys(procedure[term] + mine[term])) for term in mine
        }
    return declared


def notice_from_release(
    release: Mapping[str, Any], source: str, *, kind: str | None = None,
    notice_id: str | None = None, date: str | None = None,
) -> Notice:  # fmt: skip
    """One compiled (or single) release as a :class:`Notice`.

    Raises:
        InvalidNoticeError: The release gives no CPV main code to judge the purchase by.
    """
    other: list[tuple[str, str]] = []
    cpv, aside = choose_cpv(_main_codes(release, other))
    aside = other + aside
    ocid = _str(release.get("ocid"))
    if not cpv:
        if ocid:
            missing = gettext("no CPV main code (tender.items[].classification with scheme CPV) in {ocid}")
            missing = missing.format(ocid=ocid)
        else:
            missing = gettext("no CPV main code (tender.items[].classification with scheme CPV)")
        if aside:
            usable = gettext(" that srpp can use: {codes}")
            missing += usable.format(codes="; ".join(f"{c}: {r}" for c, r in aside))
        raise notice_error(source, missing)
    tender = _obj(release.get("tender"))
    when = iso_date(date if date is not None else release.get("date"))
    title = _str(tender.get("title"))
    tags = release.get("tag")
    if kind is None and isinstance(tags, list):
        kind = "+".join(t for t in tags if isinstance(t, str)) or None
    unread: list[tuple[str, str, str]] = []
    return Notice(
        document=contract_document(
            id=ocid, title=title, cpv=cpv, value=_value(release, unread), period=_period_of(release),
            date=when,
        ),  # fmt: skip
        id=notice_id if notice_id is not None else _str(release.get("id")),
        title=title,
        buyer=_buyer(release),
        format="ocds",
        kind=kind,
        date=when.isoformat() if when is not None else None,
        source=source,
        declared=_declared(release),
        set_aside=tuple(aside),
        unread=tuple(dict.fromkeys(unread)),
    )


def _latest(releases: list[Mapping[str, Any]]) -> Mapping[str, Any]:
    return max(releases, key=lambda r: str(r.get("date") or ""))


def compile_releases(releases: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The compiled release of releases of one ``ocid``, by ocdsmerge's merge routine."""
    import ocdsmerge
    from ocdsmerge.exceptions import DuplicateIdValueWarning

    merger = ocdsmerge.Merger(merge_rules=MERGE_RULES)
    with warnings.catch_warnings():
        # the same id twice in a list is the publisher's slip; merging keeps the last
        warnings.simplefilter("ignore", DuplicateIdValueWarning)
        compiled: dict[str, Any] = merger.create_compiled_release([dict(r) for r in releases])
    return compiled


def _from_releases(releases: list[Mapping[str, Any]], source: str) -> Notice:
    latest = _latest(releases)
    if len(releases) == 1:
        return notice_from_release(latest, source)
    from ocdsmerge.exceptions import OCDSMergeError

    try:
        compiled = compile_releases(releases)
    except OCDSMergeError as exc:
        message = gettext("releases of {ocid} cannot be merged: {error}")
        raise notice_error(source, message.format(ocid=latest.get("ocid"), error=exc)) from None
    tags = latest.get("tag")
    kind = "+".join(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else None
    return notice_from_release(
        compiled, source, kind=kind or None, notice_id=_str(latest.get("id")), date=latest.get("date")
    )


def _from_record(record: Mapping[str, Any], source: str) -> Notice:
    ocid = _str(record.get("ocid")) or "a record"
    # embedded releases carry their ocid; linked ones only a url, a date and tags
    embedded = [r for r in _list(record.get("releases")) if "ocid" in r]
    linked = [r for r in _list(record.get("releases")) if "ocid" not in r]
    compiled = record.get("compiledRelease")
    if isinstance(compiled, Mapping):
        dated = [r for r in _list(record.get("releases")) if r.get("date")]
        latest = _latest(dated) if dated else compiled
        tags = latest.get("tag")
        kind = "compiled"
        if latest is not compiled and isinstance(tags, list):
            kind = "+".join(t for t in tags if isinstance(t, str)) or kind
        return notice_from_release(
            compiled, source, kind=kind or "compiled",
            notice_id=_str(compiled.get("id")), date=latest.get("date"),
        )  # fmt: skip
    if embedded:
        return _from_releases(embedded, source)
    if linked:
        message = gettext(
            "record {ocid} has no compiledRelease and no embedded releases (only {linked} linked "
            "by url): nothing to read"
        )
    else:
        message = gettext("record {ocid} has no compiledRelease and no embedded releases: nothing to read")
    raise notice_error(source, message.format(ocid=ocid, linked=len(linked)))


def _items(doc: Any, line: int | None) -> Iterator[tuple[str, Any, int | None]]:
    """("release" | "record" | "error", object or message, JSON Lines line) for each
    release or record in a parsed JSON value, in order."""
    if isinstance(doc, list):
        for item in doc:
            yield from _items(item, line)
        return
    if not isinstance(doc, Mapping):
        yield "error", gettext("expected an OCDS object, got {kind}").format(kind=type(doc).__name__), line
        return
    if isinstance(doc.get("records"), list):
        for record in doc["records"]:
            yield "record", record, line
    elif isinstance(doc.get("releases"), list) and "ocid" in doc:
        yield "record", doc, line
    elif isinstance(doc.get("releases"), list):
        for release in doc["releases"]:
            yield "release", release, line
    elif "ocid" in doc:
        yield "release", doc, line
    else:
        message = gettext(
            "not OCDS: expected a release (with ocid), a record, or a package with releases or records"
        )
        yield "error", message, line


def _parse(data: bytes, source: str) -> Iterator[tuple[Any, int | None, str | None]]:
    """(JSON value, its line for JSON Lines, problem) for each JSON value of the file, read
    through srpp's reading layer (UTF-8, bounded by :data:`NOTICE_LIMITS`).

    A file that is not one JSON document is JSON Lines when its first line is a document of
    its own; then a bad line is a problem of that line only (the other lines are still
    read). Otherwise the whole file's problem (with its line and column) is raised.
    """
    from .source import ReadError, decode, parse

    try:
        text = decode(data)
    except ReadError as exc:
        raise notice_error(source, exc.message) from None
    try:
        yield parse(text, NOTICE_LIMITS), None, None
        return
    except ReadError as whole:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        try:
            if len(lines) < 2:
                raise whole
            parse(lines[0][1], NOTICE_LIMITS, lines[0][0])
        except ReadError:
            raise notice_error(source, whole.message) from None
    for n, line in lines:
        try:
            yield parse(line, NOTICE_LIMITS, n), n, None
        except ReadError as exc:
            message = exc.message
            where = gettext("line {line}").format(line=n)
            for prefix in (where + ", ", where + ": "):
                message = message.removeprefix(prefix)
            yield None, n, message


@attrs.frozen
class SharedReleases:
    """Releases of the ``ocid`` s that several files of one screening hold, to be compiled
    into one notice each, across the files.

    Attributes:
        releases: The releases of each such ``ocid``, from every file, in file order.
        owner: For each ``ocid``, the file whose reading yields its notice (the first file
            it appears in); the other files skip its releases.
        files: For each ``ocid``, every file it appears in, in order.
    """

    releases: Mapping[str, list[Mapping[str, Any]]]
    owner: Mapping[str, str]
    files: Mapping[str, tuple[str, ...]]


def bare_releases(data: bytes, source: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(ocid, release) for each release of a file that is not inside a record; nothing for
    a file that cannot be read (its reading reports that)."""
    try:
        for doc, line, problem in _parse(data, source):
            if problem is not None:
                continue
            for kind, item, _ in _items(doc, line):
                if kind == "release" and isinstance(item, Mapping) and (ocid := _str(item.get("ocid"))):
                    yield ocid, item
    except InvalidNoticeError:
        return


def read_ocds(
    data: bytes, source: str, shared: SharedReleases | None = None
) -> Iterator[Notice | InvalidNoticeError]:
    """Every contracting process in one OCDS file, as a :class:`Notice` or the error
    that says why it cannot be read (in the order their ``ocid`` first appears).

    In a file of several, each is labelled ``file#N``: the N-th notice of the file, counted
    from 1 in the order they first appear, an item that cannot be read (not an object, a
    release without ``ocid``) counting as one; an item of JSON Lines that cannot be read is
    labelled by its line, ``file:N``, like the lines that are not JSON.

    ``shared``: releases of ``ocid`` s that other files of the same screening hold too;
    the file that owns one yields its notice compiled from all of them, the others skip it.
    """
    releases: dict[str, list[Mapping[str, Any]]] = {}
    records: list[Mapping[str, Any]] = []
    # each notice of the file in order: a record, the releases of an ocid, or an error
    order: list[tuple[str, Any, int | None]] = []
    try:
        for doc, line, problem in _parse(data, source):
            if problem is not None:
                order.append(("error", problem, line))
                continue
            for kind, item, at in _items(doc, line):
                if kind == "error":
                    order.append(("error", item, at))
                elif not isinstance(item, Mapping):
                    if kind == "record":
                        message = gettext("a record must be a JSON object, got {kind}")
                    else:
                        message = gettext("a release must be a JSON object, got {kind}")
                    order.append(("error", message.format(kind=type(item).__name__), at))
                elif kind == "record":
                    records.append(item)
                    order.append(("record", len(records) - 1, at))
                else:
                    ocid = _str(item.get("ocid"))
                    if ocid is None:
                        order.append(("error", gettext("a release without ocid: cannot tell its process"), at))
                        continue
                    if shared is not None and ocid in shared.releases:
                        # releases of this ocid in other files too: one notice, in the first file
                        if shared.owner[ocid] == source and ocid not in releases:
                            releases[ocid] = list(shared.releases[ocid])
                            order.append(("release", ocid, at))
                        continue
                    if ocid not in releases:
                        releases[ocid] = []
                        order.append(("release", ocid, at))
                    releases[ocid].append(item)
    except InvalidNoticeError as exc:
        yield exc
        return
    many = len(order) > 1
    for n, (kind, key, line) in enumerate(order, 1):
        where = f"{source}#{n}" if many else source
        try:
            if kind == "error":
                yield notice_error(f"{source}:{line}" if line is not None else where, key)
            elif kind == "record":
                yield _from_record(records[key], where)
            else:
                notice = _from_releases(releases[key], where)
                if shared is not None and key in shared.files:
                    others = tuple(f for f in shared.files[key] if f != source)
                    notice = attrs.evolve(notice, merged_from=others)
                yield notice
        except InvalidNoticeError as exc:
            yield exc
