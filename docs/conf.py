"""Sphinx configuration for srpp's documentation (Sphinx + MyST; see docs/README.md)."""

from __future__ import annotations

from pathlib import Path

import srpp
from srpp._writers.text import parameters_text, products_table, rules_text
from srpp.rules import default_rules

project = "srpp"
author = "The srpp developers"
release = version = srpp.__version__
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
]
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build", "README.md"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
napoleon_google_docstring = True
napoleon_use_ivar = True
html_theme = "alabaster"
suppress_warnings = ["myst.header"]
# Sphinx ignores exception details by default; the messages shown in the docs are part of
# what they promise, so they are compared too.
import doctest as _doctest  # noqa: E402

doctest_default_flags = _doctest.ELLIPSIS | _doctest.DONT_ACCEPT_TRUE_FOR_1


def _generate() -> None:
    """Write the pages that come from srpp itself, so they cannot drift from the code."""
    out = Path(__file__).parent / "_generated"
    out.mkdir(exist_ok=True)
    rs = default_rules()
    (out / "parameters.md").write_text(parameters_text(rs, markdown=True) + "\n", "utf-8")
    (out / "rules.md").write_text(rules_text(rs, markdown=True).replace("### ", "#### "), "utf-8")
    (out / "products.md").write_text(products_table(srpp.products(), markdown=True), "utf-8")
    from srpp._cpv import mapping_table

    rows = ["| CPV code | label | case | product | note |", "|---|---|---|---|---|"]
    for code, coverage, pid, note in mapping_table():
        rows.append(f"| {code} | {srpp.cpv(code).label} | {coverage.value} | {pid or '-'} | {note} |")
    (out / "cpv.md").write_text("\n".join(rows) + "\n", "utf-8")
    (out / "product_sources.md").write_text(product_sources(), "utf-8")


def product_sources() -> str:
    """Per product: Norwegian name, source page and version, page date, read date, and why."""
    import json

    import importlib_resources

    data = json.loads(importlib_resources.files("srpp.data").joinpath("products.json").read_text("utf-8"))
    rows = ["| product | Norwegian name | source (version) | page date | read | which version, and why |",
            "|---|---|---|---|---|---|"]  # fmt: skip
    for p in data["products"]:
        nb = p["name_nb"] + ("" if p["name_nb_from"] == "dfo" else " (srpp's)")
        rows.append(f"| `{p['id']}` | {nb} | [{p['source_version']}]({p['source_url']}) | "
                    f"{p['source_date'] or 'not shown'} | {p['read_date']} | {p['why']} |")  # fmt: skip
    rows += ["", "Rows srpp could not read cell by cell, and does not ship:", ""]
    rows += [f"- {u['product']}: {u['why']} ([page]({u['source_url']}), read {u['read_date']})"
             for u in data["unverified"]]  # fmt: skip
    return "\n".join(rows) + "\n"


_generate()

def _example_files() -> str:
    """Write every block marked ``<!-- file: NAME -->`` in the docs into a fresh folder.

    Doctests and the shell examples run in that folder, so a page's example files are the
    files its examples read (tests/test_docs.py checks the same blocks).
    """
    import re
    import tempfile

    folder = tempfile.mkdtemp(prefix="srpp-docs-")
    marked = re.compile(r"^<!-- file: (\S+) -->\n```[^\n]*\n(.*?)^```$", re.M | re.S)
    for page in Path(__file__).parent.glob("*.md"):
        for name, body in marked.findall(page.read_text("utf-8")):
            (Path(folder) / name).write_text(body, "utf-8")
    return folder


_FILES = _example_files()

# docstring examples pulled in by autodoc run without their module's globals; every example
# runs in the folder of the docs' example files
doctest_global_setup = f"""
import os
os.chdir({_FILES!r})
import srpp
from srpp import *
from srpp import Contract, Policy, product, products, recommend
from srpp.rules import *
"""
