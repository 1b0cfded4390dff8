"""recommend_many's return type follows return_exceptions, as mypy sees it."""

from __future__ import annotations

from pathlib import Path

from mypy import api

CODE = '''
import srpp

docs = [{"products": ["laptops"], "value": {"amount": 1}, "duration_months": 1}]
plain: list[srpp.Recommendation] = list(srpp.recommend_many(docs))
either: list[srpp.Recommendation | srpp.SrppError] = list(srpp.recommend_many(docs, return_exceptions=True))
wrong: list[srpp.Recommendation] = list(srpp.recommend_many(docs, return_exceptions=True))
'''


def test_return_exceptions_decides_the_element_type(tmp_path: Path) -> None:
    """Without it, results are Recommendations; with it, they may be errors (line 7 fails)."""
    f = tmp_path / "use.py"
    f.write_text(CODE)
    out, _, status = api.run([str(f), "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "c")])
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert status == 1 and len(errors) == 1 and "use.py:7:" in errors[0], out


def test_the_package_shows_only_its_api() -> None:
    """Every public name of ``srpp`` (what ``dir`` and completion show) is in ``__all__``
    or a subpackage: no stray names such as a ``__future__`` import."""
    import types

    import srpp

    stray = [n for n in dir(srpp) if not n.startswith("_") and n not in srpp.__all__
             and not isinstance(getattr(srpp, n), types.ModuleType)]  # fmt: skip
    assert stray == []
