"""Did-you-mean suggestions for misspelt names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest known name, or ``""``."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def unknown(kind: str, name: object, known: Iterable[str]) -> str:
    """A message for an unknown name with a suggestion: ``unknown product 'laptop'; ...``."""
    known = sorted(known)
    hint = did_you_mean(name, known) if isinstance(name, str) else ""
    if not hint and len(known) <= 8:
        hint = f"; expected one of {', '.join(repr(k) for k in known)}"
    return f"unknown {kind} {name!r}{hint}"
