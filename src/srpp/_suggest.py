"""Did-you-mean suggestions for misspelt names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ._i18n import gettext


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest known name, or ``""``."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return gettext("; did you mean {name}?").format(name=repr(close[0])) if close else ""


def unknown(kind: str, name: object, known: Iterable[str]) -> str:
    """A message for an unknown name with a suggestion: ``unknown product 'laptop'; ...``.

    ``kind`` is a word in the language of the current call (translate it before).
    """
    known = sorted(known)
    hint = did_you_mean(name, known) if isinstance(name, str) else ""
    if not hint and len(known) <= 8:
        hint = gettext("; expected one of {names}").format(names=", ".join(repr(k) for k in known))
    return gettext("unknown {kind} {name}").format(kind=kind, name=repr(name)) + hint
