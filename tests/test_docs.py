"""The documentation builds with warnings as errors, and its examples run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("builder", ["html", "doctest"])
def test_docs_build_clean(builder: str, tmp_path: Path) -> None:
    """sphinx-build -W: any warning fails; the doctest builder runs every example."""
    out = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", builder,
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / builder)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
