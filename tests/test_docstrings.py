"""The examples in srpp's docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import srpp

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(srpp.__path__, "srpp.") if m.name != "srpp.__main__"
)


@pytest.mark.parametrize("name", ["srpp", *MODULES])
def test_docstring_examples(name: str) -> None:
    """doctest over one module of the installed package."""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_there_are_docstring_examples_to_run() -> None:
    """The public entry points carry examples."""
    finder = doctest.DocTestFinder()
    examples = sum(len(t.examples) for t in finder.find(srpp) if t.examples)
    assert examples >= 3
