"""A Babel extractor for the texts in srpp's data files (rule sets in TOML, catalogues in JSON,
the CPV mapping in CSV).

Babel finds the texts in Python modules and Jinja2 templates itself; the words of the rule
set (reasons, labels, notes, parameter descriptions) and of the instrument and product
catalogues (titles, summaries, steps, category names) are data, and this extractor finds them.
``babel.cfg`` names it as ``srpp._babel:extract_data``, with the keys whose string values are
texts, and the top-level keys to leave out::

    [srpp._babel:extract_data: src/srpp/data/products.json]
    keys = name
    skip = products

Values that look like identifiers (``"form"``, ``"srpp-default"``) are never texts. Only the
standard library is used, so the extractor runs wherever ``pybabel`` does.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

__all__ = ["extract_data", "texts"]

_IDENTIFIER = re.compile(r"[a-z0-9_\-]+")


def texts(doc: Any, keys: Collection[str], skip: Collection[str] = ()) -> Iterator[str]:
    """Every string (or string in a list) under one of ``keys``, in document order.

    >>> list(texts({"title": "A", "id": "x", "steps": ["B", "C"], "more": [{"title": "D"}]},
    ...            {"title", "steps"}))
    ['A', 'B', 'C', 'D']
    """

    def walk(node: Any, key: str | None, top: bool) -> Iterator[str]:
        if isinstance(node, Mapping):
            for k, v in node.items():
                if not (top and k in skip):
                    yield from walk(v, k, False)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, key, False)
        elif isinstance(node, str) and key in keys and not _IDENTIFIER.fullmatch(node):
            yield node

    yield from walk(doc, None, True)


def extract_data(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Mapping[str, str]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extraction interface: ``(line, function, message, comments)`` per text."""
    raw = fileobj.read()
    text = raw.decode("utf-8-sig")
    name = str(getattr(fileobj, "name", ""))
    keys = set(options.get("keys", "").split())
    if name.endswith(".csv"):  # a table: every cell of the named columns is a text
        import csv

        lines = text.splitlines()
        rows = csv.DictReader(line for line in lines if not line.startswith("#"))  # comments
        for message in dict.fromkeys(row[k] for row in rows for k in sorted(keys) if row.get(k)):
            yield _line_of(message, lines), None, message, []
        return
    doc = tomllib.loads(text) if name.endswith(".toml") else json.loads(text)
    skip = set(options.get("skip", "").split())
    lines = text.splitlines()
    for message in texts(doc, keys, skip):
        yield _line_of(message, lines), None, message, []


def _line_of(message: str, lines: list[str]) -> int:
    probe = message[:40]
    encoded = json.dumps(probe, ensure_ascii=False)[1:-1]
    for n, line in enumerate(lines, 1):
        if probe in line or encoded in line:
            return n
    return 1
