"""eForms notices (UBL XML, as published on TED and Doffin) to contract documents.

Read: contract notices, prior information notices and contract award notices of any
eForms SDK version, the Norwegian national forms (E2, E3, N-subtypes) included; they share
the elements read here. The XML is parsed with ``defusedxml``: no DTD, no entity expansion,
no external resource is ever fetched.

Where each field comes from (paths from the notice's root element):

========================  ===============================================================
procedure id              ``cbc:ContractFolderID`` (BT-04)
notice id                 ``cbc:ID`` (BT-701)
title                     ``cac:ProcurementProject/cbc:Name`` (BT-21)
buyer                     ``cac:ContractingParty/cac:Party`` -> the organisation's
                          ``cac:PartyName/cbc:Name`` (BT-500)
kind / subtype            ``cbc:NoticeTypeCode`` (BT-02) / ``efac:NoticeSubType`` (OPP-070)
date                      ``cbc:IssueDate`` (BT-05)
CPV                       ``cac:MainCommodityClassification`` (BT-262) of the procedure
                          and of every lot; additional codes (BT-263) are not read
value                     procedure ``cbc:EstimatedOverallContractAmount`` (BT-27), else
                          per lot BT-271 framework maximum or BT-27, else the result's
                          BT-118 framework maximum or BT-161 notice value
period                    each lot's ``cac:PlannedPeriod``: ``cbc:DurationMeasure``
                          (BT-36) or ``cbc:StartDate``/``cbc:EndDate`` (BT-536/537)
declared                  each lot's ``cac:ProcurementAdditionalType/cbc:ProcurementTypeCode``
                          with ``listName`` strategic-procurement (BT-06) or
                          social-objective (BT-775)
========================  ===============================================================
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree as SafeET

from .._errors import InvalidNoticeError
from .._i18n import gettext
from .notices import (
    Amount,
    Notice,
    Period,
    amount_or_unread,
    choose_cpv,
    choose_period,
    choose_value,
    contract_document,
    decimal_or_none,
    iso_date,
    notice_error,
    total,
)

__all__ = ["read_eforms"]

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
}
_ROOTS = {
    "ContractNotice": "cn",
    "PriorInformationNotice": "pin",
    "ContractAwardNotice": "can",
}
_UNIT_MONTHS = {"MONTH": 1, "YEAR": 12}
TERMS = {"strategic-procurement": "BT-06", "social-objective": "BT-775"}


def _text(node: ET.Element | None) -> str | None:
    if node is None or node.text is None:
        return None
    text = " ".join(node.text.split())
    return text or None


def _amount(node: ET.Element | None, field: str, unread: list[tuple[str, str, str]]) -> Amount | None:
    """The amount of an element (``field`` names its business term and where it is); one
    present but unreadable is added to ``unread``."""
    if node is None:
        return None
    number = amount_or_unread(_text(node), field, unread)
    currency = (node.get("currencyID") or "").strip()
    if number is None:
        return None
    if not currency:
        unread.append((f"{field} @currencyID", "", "an amount needs its currency; the value is read as unknown"))
        return None
    return Amount(number, currency)


def _period(node: ET.Element | None) -> Period | None:
    if node is None:
        return None
    duration = node.find("cbc:DurationMeasure", NS)
    if duration is not None:
        number = decimal_or_none(_text(duration))
        unit = (duration.get("unitCode") or "").upper()
        if number is not None and number == number.to_integral_value() and number > 0:
            if unit in _UNIT_MONTHS:
                return Period(months=int(number) * _UNIT_MONTHS[unit])
            if unit == "DAY":
                return Period(days=int(number))
    start = iso_date(_text(node.find("cbc:StartDate", NS)))
    end = iso_date(_text(node.find("cbc:EndDate", NS)))
    if start is not None and end is not None and end >= start:
        return Period(start=start, end=end)
    return None


def _cpv_codes(project: ET.Element | None, aside: list[tuple[str, str]]) -> list[str]:
    """The main classification codes with ``listName`` cpv (or none); others go aside."""
    codes: list[str] = []
    if project is None:
        return codes
    for node in project.findall("cac:MainCommodityClassification/cbc:ItemClassificationCode", NS):
        code = _text(node)
        scheme = (node.get("listName") or "cpv").lower()
        if code is None:
            continue
        if scheme != "cpv":
            aside.append((code, gettext("classified in {scheme}, not CPV").format(scheme=repr(node.get("listName")))))
        else:
            codes.append(code)
    return codes


def _buyer(root: ET.Element) -> str | None:
    names: dict[str, str] = {}
    for company in root.iter(f"{{{NS['efac']}}}Company"):
        org_id = _text(company.find("cac:PartyIdentification/cbc:ID", NS))
        name = _text(company.find("cac:PartyName/cbc:Name", NS))
        if org_id and name:
            names.setdefault(org_id, name)
    buyers = []
    for party in root.findall("cac:ContractingParty/cac:Party", NS):
        org_id = _text(party.find("cac:PartyIdentification/cbc:ID", NS))
        name = names.get(org_id or "") or _text(party.find("cac:PartyName/cbc:Name", NS))
        if name and name not in buyers:
            buyers.append(name)
    return "; ".join(buyers) or None


def _declared(project: ET.Element | None) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {term: [] for term in TERMS.values()}
    if project is not None:
        for node in project.findall("cac:ProcurementAdditionalType/cbc:ProcurementTypeCode", NS):
            term = TERMS.get(node.get("listName") or "")
            code = _text(node)
            if term and code and code not in found[term]:
                found[term].append(code)
    return {term: tuple(codes) for term, codes in found.items()}


def parse(data: bytes, source: str) -> ET.Element:
    """The root element of an XML notice, parsed safely; errors name the file."""
    try:
        root: ET.Element = SafeET.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        message = gettext("refused: the XML uses a DTD or entities, which notices never need ({error})")
        raise notice_error(source, message.format(error=exc)) from None
    except ET.ParseError as exc:
        raise notice_error(source, gettext("not well-formed XML: {error}").format(error=exc)) from None
    return root


def read_eforms(data: bytes, source: str) -> Notice:
    """One eForms notice (the bytes of its XML file) as a :class:`Notice`.

    Raises:
        InvalidNoticeError: The XML is not well-formed, uses a DTD or entities, is not an
            eForms notice, or gives no CPV main code (BT-262) to judge the purchase by.
    """
    root = parse(data, source)
    local = root.tag.rpartition("}")[2]
    if local not in _ROOTS:
        message = gettext("not an eForms notice: the root element is {root}, expected one of {roots}")
        raise notice_error(source, message.format(root=repr(local), roots=", ".join(_ROOTS)))
    project = root.find("cac:ProcurementProject", NS)
    # lots (BT-137, "Part" in a PIN), not groups of lots (scheme LotsGroup)
    lots = [
        lot
        for lot in root.findall("cac:ProcurementProjectLot", NS)
        if lot.findtext("cbc:ID[@schemeName='LotsGroup']", None, NS) is None
    ]
    lot_projects = [lot.find("cac:ProcurementProject", NS) for lot in lots]

    other: list[tuple[str, str]] = []
    codes = _cpv_codes(project, other)
    for lp in lot_projects:
        codes += _cpv_codes(lp, other)
    cpv, aside = choose_cpv(codes)
    aside = other + aside
    if not cpv:
        missing = gettext("no CPV main code (BT-262, cac:MainCommodityClassification/cbc:ItemClassificationCode)")
        if aside:
            usable = gettext(" that srpp can use: {codes}")
            missing += usable.format(codes="; ".join(f"{c}: {r}" for c, r in aside))
        raise notice_error(source, missing)

    unread: list[tuple[str, str, str]] = []
    estimated = "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount"
    procedure_value = (
        _amount(project.find(estimated, NS), f"BT-27 {estimated} (procedure)", unread)
        if project is not None
        else None
    )
    lot_values: list[Amount | None] = []
    framework = "cac:TenderingProcess/cac:FrameworkAgreement/cbc:EstimatedMaximumValueAmount"
    for n, (lot, lp) in enumerate(zip(lots, lot_projects, strict=True), 1):
        lot_id = _text(lot.find("cbc:ID", NS)) or f"lot {n}"
        maximum = _amount(lot.find(framework, NS), f"BT-271 {framework} ({lot_id})", unread)
        estimate = (
            _amount(lp.find(estimated, NS), f"BT-27 {estimated} ({lot_id})", unread)
            if lp is not None
            else None
        )
        lot_values.append(maximum or estimate)
    result = root.find(".//efac:NoticeResult", NS)
    result_value = None
    if result is not None:
        result_value = _amount(
            result.find("efbc:OverallMaximumFrameworkContractsAmount", NS),
            "BT-118 efac:NoticeResult/efbc:OverallMaximumFrameworkContractsAmount", unread,
        ) or _amount(result.find("cbc:TotalAmount", NS), "BT-161 efac:NoticeResult/cbc:TotalAmount", unread)
    lots_value = total(lot_values, "BT-27/BT-271 (the sum of the lots)", unread)
    value = choose_value(procedure_value, lots_value, result_value)

    period = choose_period(
        _period(lp.find("cac:PlannedPeriod", NS)) for lp in lot_projects if lp is not None
    )
    if period is None and project is not None:
        period = _period(project.find("cac:PlannedPeriod", NS))

    notice_date = iso_date(_text(root.find("cbc:IssueDate", NS)))
    title = _text(project.find("cbc:Name", NS)) if project is not None else None
    document = contract_document(
        id=_text(root.find("cbc:ContractFolderID", NS)),
        title=title,
        cpv=cpv,
        value=value,
        period=period,
        date=notice_date,
    )
    declared = {}
    for n, (lot, lp) in enumerate(zip(lots, lot_projects, strict=True), 1):
        declared[_text(lot.find("cbc:ID", NS)) or f"lot {n}"] = _declared(lp)
    return Notice(
        document=document,
        id=_text(root.find("cbc:ID", NS)),
        title=title,
        buyer=_buyer(root),
        format="eforms",
        kind=_text(root.find("cbc:NoticeTypeCode", NS)) or _ROOTS[local],
        date=notice_date.isoformat() if notice_date is not None else None,
        source=source,
        declared=declared,
        subtype=_text(root.find(".//efac:NoticeSubType/cbc:SubTypeCode", NS)),
        set_aside=tuple(aside),
        unread=tuple(unread),
    )
