"""Names people write for products, categories and instruments, in English and Norwegian.

A buyer writes ``"bærbare PC-er"``, ``"Laptop"`` or ``"markedsdialog"``; srpp's ids are
``laptops`` and ``market-dialogue``. An :class:`Aliases` table maps every way of writing a
name to its id: the id itself, the English name, the Norwegian name, and the extra spellings
in ``srpp/data/aliases.json``, each compared after :func:`normalise` (case, hyphens, spaces
and punctuation do not matter). An unknown name gets a did-you-mean over all of them, in
both languages.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping

import importlib_resources

from ._errors import UnknownNameError
from ._i18n import N_, gettext

__all__ = ["Aliases", "extra_spellings", "normalise"]

_SEPARATORS = re.compile(r"[\s\-_/.,;:()'\"]+")


def normalise(name: str) -> str:
    """A name compared loosely: NFC, case-folded, separators as single spaces.

    >>> normalise("  Bærbare PC-er "), normalise("market_dialogue")
    ('bærbare pc er', 'market dialogue')
    """
    text = unicodedata.normalize("NFC", name).casefold()
    return _SEPARATORS.sub(" ", text).strip()


class Aliases:
    """Every way of writing the names of one kind of thing, mapped to their ids.

    Args:
        kind: What the names are of: ``"product"``, ``"category"`` or ``"instrument"``
            (messages name it in the language of the current call).
        names: ``(id, name)`` pairs; an id may have many names. The ids are names too.
    """

    def __init__(self, kind: str, names: Iterable[tuple[str, str]]) -> None:
        self.kind = kind
        self._ids: dict[str, None] = {}
        self._by_name: dict[str, str] = {}
        self._shown: dict[str, str] = {}  # normalised name -> the name as written
        pairs = list(names)
        for ident, _name in pairs:  # ids first: an id always means itself
            self._add(ident, ident)
        for ident, name in pairs:
            if name:
                self._add(ident, name)

    def _add(self, ident: str, name: str) -> None:
        self._ids.setdefault(ident)
        key = normalise(name)
        if key and key not in self._by_name:
            self._by_name[key] = ident
            self._shown[key] = name

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalise(name) in self._by_name

    def resolve(self, name: str) -> str:
        """The id that ``name`` means.

        Raises:
            UnknownNameError: No id or name matches; the message suggests the closest name
                in either language (with its id).
        """
        if name in self._ids:
            return name
        found = self._by_name.get(normalise(name))
        if found is None:
            raise UnknownNameError(self.unknown(name))
        return found

    def unknown(self, name: object) -> str:
        """The message for a name that matches nothing: ``unknown product 'x'; did you mean ...``."""
        kind = gettext(_KINDS.get(self.kind, self.kind))
        head = gettext("unknown {kind} {name}").format(kind=kind, name=repr(name))
        if not isinstance(name, str):
            return head
        close = difflib.get_close_matches(normalise(name), list(self._by_name), n=1, cutoff=0.6)
        if close:
            shown, ident = self._shown[close[0]], self._by_name[close[0]]
            meant = repr(shown) + (f" ({ident})" if shown != ident else "")
            hint = gettext("; did you mean {name}?").format(name=meant)
        elif len(self._ids) <= 8:
            hint = gettext("; expected one of {names}").format(names=", ".join(repr(k) for k in self._ids))
        else:
            listing = "instruments" if self.kind == "instrument" else "products"
            message = gettext("; no {kind} has a similar name ('srpp {listing}' lists them)")
            hint = message.format(kind=kind, listing=listing)
        return head + hint


# the kinds of names, as messages say them (translated when the message is made)
_KINDS = {"product": N_("product"), "category": N_("category"), "instrument": N_("instrument")}


@functools.cache
def extra_spellings() -> Mapping[str, Mapping[str, tuple[str, ...]]]:
    """The shipped extra spellings: ``{"products": {"laptops": ("laptop", ...)}, ...}``."""
    raw = json.loads(
        importlib_resources.files("srpp.data").joinpath("aliases.json").read_text("utf-8")
    )
    return {
        kind: {ident: tuple(names) for ident, names in table.items()}
        for kind, table in raw.items()
        if not kind.startswith("$")
    }
