"""Languages: gettext catalogues shipped in the package, and numbers, money and dates per locale.

English is the source language: every text srpp shows a person is written in English in the
code and the data files and marked for translation. The translations live in gettext
catalogues managed with Babel (``babel.cfg`` says where the texts are; ``pybabel extract``,
``pybabel update``; see docs/i18n.md). The build compiles them (``hatch_build.py``), so a wheel
ships ``srpp/locale/<lang>/LC_MESSAGES/srpp.mo``; they are read with importlib.resources.

Languages are given as ``"en"`` or ``"nb"`` (Norwegian bokmål). For :func:`resolve_language`,
``None`` means the language of the environment; for :func:`gettext` and :func:`ngettext`, the
language of the current call (:func:`current_language`).

Messages (errors, problems, the command line's own words) are made in the language of the
current call: a context variable that the command line sets from ``--lang`` (and the
environment) and that API functions taking ``language=`` set while they run. Outside those it
is English, so a library call without a language speaks as it always did. Messages are built
as ``gettext("... {field} ...").format(field=...)``, with named placeholders a translator may
reorder; field paths, ids and codes are never translated.
"""

from __future__ import annotations

import datetime
import contextvars
import functools
import gettext as _gettext
import io
import os
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

import importlib_resources

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "N_",
    "current_language",
    "format_date",
    "format_decimal",
    "format_money",
    "format_percent",
    "gettext",
    "language_of_locale",
    "ngettext",
    "resolve_language",
    "speaking",
    "translations",
    "yes_no",
]

DOMAIN: Final = "srpp"
#: The languages srpp speaks: English (the source language) and Norwegian bokmål.
LANGUAGES: Final = ("en", "nb")
#: Babel's locale for each language when formatting numbers and dates.
_LOCALES: Final = {"en": "en", "nb": "nb_NO"}
# the locale names that mean Norwegian: bokmål, "Norwegian" and nynorsk (which srpp does
# not speak; its readers read bokmål far better than English)
_NORWEGIAN: Final = ("nb", "no", "nn")


_CURRENT: contextvars.ContextVar[str] = contextvars.ContextVar("srpp_language", default="en")


def current_language() -> str:
    """The language messages are made in now: ``"en"`` unless :func:`speaking` says otherwise."""
    return _CURRENT.get()


class speaking:  # noqa: N801 -- used as a function: ``with speaking("nb"):``
    """Make messages in ``language`` inside the block (``None``: keep the current one).

    The language is a context variable, so threads and asyncio tasks each keep their own.

    >>> with speaking("nb"):
    ...     gettext("yes")
    'ja'
    >>> gettext("yes")
    'yes'

    Raises:
        ValueError: ``language`` is not one of :data:`LANGUAGES`.
    """

    __slots__ = ("_language", "_token")

    def __init__(self, language: str | None) -> None:
        if language is not None and language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
        self._language = language
        self._token: contextvars.Token[str] | None = None

    def __enter__(self) -> str:
        if self._language is None:
            return _CURRENT.get()
        self._token = _CURRENT.set(self._language)
        return self._language

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
            self._token = None


def N_(message: str) -> str:  # noqa: N802 -- gettext's conventional name for a marker
    """Mark ``message`` for extraction without translating it here (it is looked up later)."""
    return message


def language_of_locale(name: str | None) -> str | None:
    """The srpp language of a POSIX locale name, or ``None``: ``"nb_NO.UTF-8"`` -> ``"nb"``.

    >>> language_of_locale("nb_NO.UTF-8"), language_of_locale("en_GB"), language_of_locale("C")
    ('nb', 'en', None)
    """
    if not name:
        return None
    code = name.split(":")[0].split(".")[0].split("@")[0].split("_")[0].lower()
    if code in _NORWEGIAN:
        return "nb"
    if code == "en":
        return "en"
    return None


def resolve_language(language: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: ``language`` if given, else ``SRPP_LANG``, else the locale.

    The locale is read as gettext does: ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``;
    a Norwegian locale (``nb``, ``no``, ``nn``) gives ``"nb"``, anything else English.

    Raises:
        ValueError: ``language`` or ``SRPP_LANG`` is not one of :data:`LANGUAGES`.

    >>> resolve_language("nb"), resolve_language(None, {"LANG": "nb_NO.UTF-8"})
    ('nb', 'nb')
    >>> resolve_language(None, {"SRPP_LANG": "en", "LANG": "nb_NO.UTF-8"})
    'en'
    """
    env = os.environ if environ is None else environ
    if language is None:
        language = env.get("SRPP_LANG") or None
        if language is not None:
            language = language.strip().lower()
            if language not in LANGUAGES:
                message = gettext("SRPP_LANG must be one of {choices}, got {value}")
                raise ValueError(message.format(choices=", ".join(LANGUAGES), value=repr(env["SRPP_LANG"])))
    if language is None:
        for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            value = env.get(var)
            if value:
                return language_of_locale(value) or "en"
        return "en"
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return language


@functools.cache
def translations(language: str) -> _gettext.NullTranslations:
    """The gettext translations of ``language`` (English: the texts as written).

    Reads the compiled catalogue shipped in the package. In a source checkout where the
    catalogue was edited after it was last compiled (or never compiled), the ``.po`` file is
    compiled in memory with Babel instead, so a developer sees the current texts.
    """
    if language == "en":
        return _gettext.NullTranslations()
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    folder = importlib_resources.files("srpp").joinpath("locale", language, "LC_MESSAGES")
    mo, po = folder.joinpath(f"{DOMAIN}.mo"), folder.joinpath(f"{DOMAIN}.po")
    if po.is_file() and (not mo.is_file() or _newer(po, mo)):
        return _compile_in_memory(po.read_bytes())
    with mo.open("rb") as fh:
        return _gettext.GNUTranslations(fh)


def _newer(a: object, b: object) -> bool:
    try:
        return os.stat(str(a)).st_mtime > os.stat(str(b)).st_mtime
    except OSError:
        return False


def _compile_in_memory(po: bytes) -> _gettext.GNUTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po))
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def gettext(message: str, language: str | None = None) -> str:
    """``message`` (English) in ``language``; unchanged when there is no translation.

    Without ``language``, in the language of the current call (:func:`current_language`).
    """
    if language is None:
        language = _CURRENT.get()
    if language == "en" or not message:
        return message
    return translations(language).gettext(message)


def ngettext(singular: str, plural: str, n: int, language: str | None = None) -> str:
    """The singular or plural of a message for ``n``, in ``language`` (default: the current one)."""
    if language is None:
        language = _CURRENT.get()
    return translations(language).ngettext(singular, plural, n)


def yes_no(value: bool | None, language: str) -> str:
    """``yes`` / ``no`` / ``unknown`` in ``language``."""
    if value is None:
        return gettext(N_("unknown"), language)
    return gettext(N_("yes"), language) if value else gettext(N_("no"), language)


def format_decimal(number: Decimal | int | float, language: str, digits: int | None = None) -> str:
    """A number as the language writes it: ``1 234 567,5`` (nb), ``1,234,567.5`` (en).

    ``digits`` fixes the number of decimals; by default as many as the number has.
    """
    from babel.numbers import format_decimal as fmt

    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return str(fmt(number, format=pattern, locale=_LOCALES[language], decimal_quantization=True))


def format_money(amount: Decimal | int | float, language: str, currency: str = "NOK") -> str:
    """An amount of money: ``24 000 000 kr`` (nb), ``NOK 24,000,000`` (en).

    Whole amounts are shown without decimals, others with two. Babel gives the symbol and
    the separators (no-break spaces in Norwegian, so an amount never breaks over lines).

    >>> format_money(24_000_000, "nb") == "24\\u00a0000\\u00a0000\\u00a0kr"
    True
    >>> format_money(Decimal("1300000.5"), "en")
    'NOK 1,300,000.50'
    """
    from babel.numbers import format_currency

    whole = Decimal(str(amount)) == Decimal(str(amount)).to_integral_value()
    digits = "" if whole else ".00"
    pattern = f"#,##0{digits}\u00a0¤" if language == "nb" else f"¤¤\u00a0#,##0{digits}"
    text = format_currency(
        amount, currency, format=pattern, locale=_LOCALES[language], currency_digits=False
    )
    return str(text).replace("\u00a0", " ") if language == "en" else str(text)


def format_percent(fraction: float, language: str) -> str:
    """A share with one decimal: ``12,3 %`` (nb), ``12.3%`` (en)."""
    number = format_decimal(round(fraction * 100, 1), language, digits=1)
    return f"{number}\u00a0%" if language == "nb" else f"{number}%"


def format_date(day: datetime.date, language: str) -> str:
    """A date: ``30.11.2026`` (nb); ISO ``2026-11-30`` in English, as Norwegian buyers read it.

    >>> format_date(datetime.date(2026, 11, 30), "nb")
    '30.11.2026'
    """
    if language == "nb":
        from babel.dates import format_date as fmt

        return str(fmt(day, format="dd.MM.yyyy", locale=_LOCALES[language]))
    return day.isoformat()
