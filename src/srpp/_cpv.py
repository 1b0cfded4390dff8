"""CPV codes (Common Procurement Vocabulary): validation, labels, and srpp's product mapping.

A CPV code is eight digits and a check digit (``30213100-6``); digits 1-2 are the division,
3 the group, 4 the class, 5 the category, and trailing zeros carry no meaning. A code maps to
a product through the longest prefix of its significant digits that srpp's mapping lists, so
a more specific code maps like its parent unless the mapping lists it (or a closer parent)
explicitly. The mapping may list a code with no product, to stop a broad parent's mapping.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re

import importlib_resources

from ._catalogue import Catalogue, default_catalogue
from ._errors import UnknownNameError
from ._model import CpvCode

__all__ = ["cpv", "cpv_problem"]

_SHAPE = re.compile(r"^(\d{8})(?:-(\d))?$")


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


@functools.cache
def _mapping() -> dict[str, tuple[str, str]]:
    """Significant prefix -> (the listed code, product id or "" for none)."""
    return {significant(code[:8]): (code, pid) for code, pid, _ in mapping_notes()}


def _nearest(digits: str, n: int = 3) -> list[str]:
    vocab = _vocabulary()
    for length in range(len(digits), -1, -1):  # the longest prefix shared by n codes or more
        found = [k for k in vocab if k.startswith(digits[:length])]
        if len(found) >= n:
            target = int(digits.ljust(8, "0"))
            found.sort(key=lambda k: abs(int(k) - target))
            return [f"{vocab[k][0]} ({vocab[k][1]})" for k in sorted(found[:n])]
    return []


def cpv_problem(code: object) -> str | None:
    """What is wrong with a CPV code, with the nearest valid codes; ``None`` if it is valid."""
    if not isinstance(code, str):
        return f"must be a CPV code like '30213100-6', got {type(code).__name__} {code!r}"
    m = _SHAPE.match(code.strip())
    if m is None:
        return f"must be a CPV code like '30213100-6' (8 digits, a dash, a check digit), got {code!r}"
    digits, check = m.groups()
    known = _vocabulary().get(digits)
    if known is None:
        near = _nearest(digits)
        return f"unknown CPV code {code!r}" + (f"; nearest: {', '.join(near)}" if near else "")
    if check is not None and known[0] != f"{digits}-{check}":
        return f"wrong check digit in {code!r}: the code is {known[0]} ({known[1]})"
    return None


def cpv(code: str, catalogue: Catalogue | None = None) -> CpvCode:
    """Look up a CPV code: its label and the product it maps to (``None`` if none).

    Raises :class:`~srpp.UnknownNameError` for a malformed or unknown code, naming the
    nearest valid ones.

    >>> c = cpv("30213100-6")
    >>> c.label, c.product.id
    ('Portable computers', 'laptops')
    >>> cpv("39160000-1").product is None
    True
    """
    problem = cpv_problem(code)
    if problem is not None:
        raise UnknownNameError(problem)
    cat = default_catalogue() if catalogue is None else catalogue
    digits = code.strip()[:8]
    full, label = _vocabulary()[digits]
    sig = significant(digits)
    mapping = _mapping()
    for length in range(len(sig), 1, -1):
        entry = mapping.get(sig[:length])
        if entry is not None:
            listed, pid = entry
            product = cat.product(pid) if pid and pid in cat else None
            return CpvCode(full, label, product, listed)
    return CpvCode(full, label, None, None)


def mapping_notes() -> list[tuple[str, str, str]]:
    """The mapping file's rows: ``(code, product id or "", note)``."""
    lines = [line for line in _read("cpv_map.csv").splitlines(keepends=True) if not line.startswith("#")]
    return sorted((r["cpv"], r["product"], r["note"]) for r in csv.DictReader(io.StringIO("".join(lines))))


def mapping_rows() -> list[tuple[str, str]]:
    """The mapping as listed: ``(code, product id or "")``, for documentation and tests."""
    return sorted(_mapping().values())


def all_codes() -> list[str]:
    """Every CPV 2008 code."""
    return [full for full, _ in _vocabulary().values()]


