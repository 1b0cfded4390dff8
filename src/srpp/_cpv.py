"""CPV codes (Common Procurement Vocabulary): validation, labels, and srpp's product mapping.

A CPV code is eight digits and a check digit (``30213100-6``); digits 1-2 are the division,
3 the group, 4 the class, 5 the category, and trailing zeros carry no meaning. srpp ships
the 9,454 codes of the CPV 2008 main vocabulary (Commission Regulation (EC) No 213/2008)
with their check digits, which are kept as data: no formula recomputes them for every code.

A code lands in one of three cases (:class:`~srpp.Coverage`) through the longest prefix of
its significant digits that srpp's mapping (``data/cpv_map.csv``) lists. Every division has
a row, so every code lands somewhere on purpose; more specific rows make exceptions.

Notices also carry codes of the CPV *supplementary* vocabulary (``AA01-1``, ``JA14``: two
letters and two digits, with an optional check digit), which qualify a main code and name no
product. :func:`is_supplementary` recognises them, so that a reader can skip them with a
note; in a contract document they are an error that names them for what they are.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import unicodedata

import importlib_resources

from ._catalogue import Catalogue, default_catalogue
from ._errors import UnknownNameError
from ._i18n import N_, gettext
from ._model import Coverage, CpvCode

__all__ = ["cpv", "cpv_problem", "is_supplementary"]

_MAIN = re.compile(r"([0-9]{8})(?:-([0-9]))?", re.ASCII)
_SEVEN = re.compile(r"([0-9]{7})(?:-([0-9]))?", re.ASCII)
_SUPPLEMENTARY = re.compile(r"[A-Z]{2}[0-9]{2}(?:-[0-9])?", re.ASCII)
_EXAMPLE = N_("like '30213100-6' (8 digits, optionally a dash and the check digit)")

#: The codes that the public copy srpp's list comes from holds but CPV 2008 does not.
NOT_CPV_2008 = frozenset({"60173000", "60184000", "77620000", "99999999"})


def _read(name: str) -> str:
    return importlib_resources.files("srpp.data").joinpath(name).read_text("utf-8")


@functools.cache
def _vocabulary() -> dict[str, tuple[str, str]]:
    """The eight digits of every CPV 2008 code -> (the full code, its English label)."""
    codes: dict[str, str] = json.loads(_read("cpv2008.json"))["codes"]
    return {code[:8]: (code, label) for code, label in codes.items()}


def significant(digits: str) -> str:
    """The digits that carry meaning: trailing zeros dropped, at least the division."""
    return digits.rstrip("0").ljust(2, "0")


def is_supplementary(code: object) -> bool:
    """Whether ``code`` has the shape of a CPV supplementary-vocabulary code.

    Supplementary codes (two letters, two digits, an optional dash and check digit, such as
    ``AA01-1`` or ``JA14``) describe a main code further (material, use, size); they name no
    product. Readers of notices call this to skip them with a note rather than fail.

    >>> is_supplementary("JA14"), is_supplementary("AA01-1"), is_supplementary("30213100-6")
    (True, True, False)
    """
    return isinstance(code, str) and _SUPPLEMENTARY.fullmatch(code.strip().upper()) is not None


@functools.cache
def _mapping() -> dict[str, tuple[str, Coverage, str, str]]:
    """Significant prefix -> (the listed code, its coverage, product id or "", note)."""
    return {significant(row[0][:8]): row for row in mapping_table()}


def _nearest(digits: str, n: int = 3) -> list[str]:
    vocab = _vocabulary()
    for length in range(len(digits), -1, -1):  # the longest prefix shared by n codes or more
        found = [k for k in vocab if k.startswith(digits[:length])]
        if len(found) >= n:
            target = int(digits.ljust(8, "0"))
            found.sort(key=lambda k: abs(int(k) - target))
            return [f"{vocab[k][0]} ({vocab[k][1]})" for k in sorted(found[:n])]
    return []


def _foreign_digits(text: str) -> str | None:
    """The first character that is a digit but not an ASCII one, described, if any."""
    for ch in text:
        if ch.isdigit() and not ("0" <= ch <= "9"):
            return f"{ch!r} ({unicodedata.name(ch, 'U+%04X' % ord(ch)).lower()})"
    return None


def cpv_problem(code: object) -> str | None:
    """What is wrong with a CPV main-vocabulary code, with a fix; ``None`` if it is valid.

    The check digit is optional. Supplementary-vocabulary codes, digits other than ASCII
    0-9 and codes that lost a leading zero each get a message of their own.
    """
    example = gettext(_EXAMPLE)
    if not isinstance(code, str):
        message = gettext("must be a CPV code {example}, got {kind} {value}")
        return message.format(example=example, kind=type(code).__name__, value=repr(code))
    text = code.strip()
    if is_supplementary(text):
        message = gettext(
            "{code} is a code of CPV's supplementary vocabulary, not a main code: supplementary "
            "codes only qualify a main code and name no product; give the main CPV code here, "
            "{example}"
        )
        return message.format(code=repr(code), example=example)
    foreign = _foreign_digits(text)
    if foreign is not None:
        message = gettext("must be written with ASCII digits 0-9, got {code} with {digit}")
        return message.format(code=repr(code), digit=foreign)
    m = _MAIN.fullmatch(text)
    if m is None:
        seven = _SEVEN.fullmatch(text)
        if seven is not None:
            padded = "0" + seven.group(1)
            known = _vocabulary().get(padded)
            if known is not None:
                message = gettext(
                    "has 7 digits, a CPV code has 8 digits: if a spreadsheet dropped its leading "
                    "zero, the code is {code} ({label})"
                )
                return message.format(code=known[0], label=known[1])
            message = gettext(
                "has 7 digits, a CPV code has 8 digits: with a leading zero it would be {code}, "
                "which is not a CPV code either"
            )
            return message.format(code=padded)
        return gettext("must be a CPV code {example}, got {value}").format(example=example, value=repr(code))
    digits, check = m.groups()
    if digits in NOT_CPV_2008:
        message = gettext(
            "unknown CPV code {code}: it is not in CPV 2008 (some national copies of the list add it)"
        )
        return message.format(code=repr(code))
    known = _vocabulary().get(digits)
    if known is None:
        near = _nearest(digits)
        nearest = gettext("; nearest: {codes}").format(codes=", ".join(near)) if near else ""
        return gettext("unknown CPV code {code}").format(code=repr(code)) + nearest
    if check is not None and known[0] != f"{digits}-{check}":
        message = gettext("wrong check digit in {code}: the code is {right} ({label})")
        return message.format(code=repr(code), right=known[0], label=known[1])
    return None


def cpv(code: str, catalogue: Catalogue | None = None) -> CpvCode:
    """Look up a CPV code: its label, and which of the three cases it is, and why.

    The result's ``coverage`` is ``PRODUCT`` (with the ``product``), ``NO_PRODUCT``
    (reviewed: no product of DFØ's list, such as a service) or ``NO_DATA`` (goods srpp
    cannot rate); ``reason`` says why, ``mapped_by`` which row of srpp's mapping decided.
    A mapped product that ``catalogue`` lacks gives ``NO_DATA``.

    Raises :class:`~srpp.UnknownNameError` for a malformed or unknown code, naming the
    nearest valid ones.

    >>> c = cpv("30213100-6")
    >>> c.label, c.product.id, c.coverage
    ('Portable computers', 'laptops', <Coverage.PRODUCT: 'product'>)
    >>> cpv("72000000").coverage
    <Coverage.NO_PRODUCT: 'no-product'>
    >>> cpv("34100000-8").coverage
    <Coverage.NO_DATA: 'no-data'>
    """
    problem = cpv_problem(code)
    if problem is not None:
        raise UnknownNameError(problem)
    cat = default_catalogue() if catalogue is None else catalogue
    digits = code.strip()[:8]
    full, label = _vocabulary()[digits]
    sig = significant(digits)
    mapping = _mapping()
    own = cat.own_cpv
    for length in range(len(sig), 1, -1):
        mine = own.get(sig[:length]) if own else None
        if mine is not None:  # the catalogue's own product, before srpp's mapping
            listed, product = mine
            reason = OWN_PRODUCT_REASON.format(product=product.name, listed=listed)
            return CpvCode(full, label, product, listed, Coverage.PRODUCT, reason)
        entry = mapping.get(sig[:length])
        if entry is not None:
            listed, coverage, pid, note = entry
            if coverage is not Coverage.PRODUCT:
                reason = note or _DEFAULT_REASON[coverage]
                return CpvCode(full, label, None, listed, coverage, reason)
            if pid in cat:
                product = cat.product(pid)
                reason = note or LISTED_PRODUCT_REASON.format(product=product.name)
                return CpvCode(full, label, product, listed, Coverage.PRODUCT, reason)
            reason = f"srpp's mapping names product {pid!r}, which this catalogue does not have"
            return CpvCode(full, label, None, listed, Coverage.NO_DATA, reason)
    return CpvCode(full, label, None, None, Coverage.NO_DATA, _DEFAULT_REASON[Coverage.NO_DATA])


_DEFAULT_REASON = {
    Coverage.NO_PRODUCT: N_("reviewed: holds no product of DFØ's high-risk list"),
    Coverage.NO_DATA: N_("srpp has no risk data for it"),
}
# the reasons that name a product, as templates (the writers put them in the reader's language)
LISTED_PRODUCT_REASON = N_("{product} on DFØ's high-risk list")
OWN_PRODUCT_REASON = N_("{product}, a product of the catalogue, listed under CPV {listed}")


def mapping_table() -> list[tuple[str, Coverage, str, str]]:
    """The mapping file's rows, sorted: ``(code, coverage, product id or "", note)``."""
    text = _read("cpv_map.csv").splitlines(keepends=True)
    lines = [line for line in text if not line.startswith("#")]
    return sorted(
        (r["cpv"], Coverage(r["coverage"]), r["product"], r["note"])
        for r in csv.DictReader(io.StringIO("".join(lines)))
    )


def mapping_notes() -> list[tuple[str, str, str]]:
    """The mapping file's rows: ``(code, product id or "", note)``."""
    return [(code, pid, note) for code, _, pid, note in mapping_table()]


def mapping_rows() -> list[tuple[str, str]]:
    """The mapping as listed: ``(code, product id or "")``, for documentation and tests."""
    return sorted((code, pid) for code, _, pid, _ in _mapping().values())


def all_codes() -> list[str]:
    """Every CPV 2008 code, with its check digit."""
    return [full for full, _ in _vocabulary().values()]
