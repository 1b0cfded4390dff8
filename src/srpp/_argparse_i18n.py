"""argparse's own messages in srpp's language, for the command line only.

argparse looks its texts up through the module-level ``_`` and ``ngettext`` it imports from
:mod:`gettext` (the ``messages`` domain, which no system ships in Norwegian). While
:func:`srpp._cli.main` runs, :func:`argparse_in_srpp_language` points those two names at
functions that look the texts up in srpp's own catalogue, in the language of the current call
(:func:`srpp._i18n.current_language`), and puts argparse's own functions back afterwards. A
text srpp's catalogue does not have, and any text while the language is English, goes to
argparse's original function, so nothing else changes.

The texts are listed below with the no-op marker ``N_`` so that ``pybabel extract`` keeps them
in the catalogue. They are the ones a person can meet on Python 3.11, 3.12 and 3.13 (3.13 added
the ``%(heading)s:`` section title, ``(default: ...)``, the version option's help, warnings and
deprecations; the test suite checks the running Python's argparse against this list).
"""

from __future__ import annotations

import argparse
import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Final

from ._i18n import N_, current_language, translations

__all__ = ["ARGPARSE_TEXTS", "ARGPARSE_PLURALS", "argparse_in_srpp_language"]

#: argparse's texts that a person reads (its errors for programmers are left out).
ARGPARSE_TEXTS: Final = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("subcommands"),
    N_("%(heading)s:"),
    N_(" (default: %(default)s)"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("%(prog)s: warning: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("not allowed with argument %s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("unexpected option string: %s"),
    N_("argument '%(argument_name)s' is deprecated"),
    N_("option '%(option)s' is deprecated"),
    N_("command '%(parser_name)s' is deprecated"),
)

#: argparse's texts with a plural form (singular, plural).
ARGPARSE_PLURALS: Final = (("expected %s argument", "expected %s arguments"),)


def _plural_forms_for_pybabel(ngettext: Callable[[str, str, int], str]) -> None:  # pragma: no cover
    """Never called: the plural texts above as ngettext calls, which is how pybabel finds them."""
    ngettext("expected %s argument", "expected %s arguments", 1)


_lock = threading.Lock()
_users = 0
_originals: tuple[Callable[[str], str], Callable[[str, str, int], str]] | None = None


def _translating(
    original: Callable[[str], str], original_n: Callable[[str, str, int], str]
) -> tuple[Callable[[str], str], Callable[[str, str, int], str]]:
    def gettext(message: str) -> str:
        language = current_language()
        if language == "en" or not message:
            return original(message)
        found = translations(language).gettext(message)
        return found if found != message else original(message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        language = current_language()
        if language == "en":
            return original_n(singular, plural, n)
        return translations(language).ngettext(singular, plural, n)

    return gettext, ngettext


@contextlib.contextmanager
def argparse_in_srpp_language() -> Iterator[None]:
    """Inside the block, argparse speaks the language of the current call.

    argparse's module-level ``_`` and ``ngettext`` are replaced while at least one block is
    open (a count, so threads may overlap) and restored when the last one closes. The
    replacement asks the current call's language each time, so a thread outside the block
    that speaks English meanwhile still gets argparse's own texts.
    """
    global _users, _originals
    with _lock:
        if _users == 0:
            _originals = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]
            argparse._, argparse.ngettext = _translating(*_originals)  # type: ignore[attr-defined]
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _originals is not None:
                argparse._, argparse.ngettext = _originals  # type: ignore[attr-defined]
                _originals = None
