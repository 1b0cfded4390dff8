"""Languages: choosing one, the shipped catalogues, Babel formatting, the data extractor."""

from __future__ import annotations

import datetime
import io
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from srpp import _i18n
from srpp._babel import extract_data, texts
from srpp._i18n import format_date, format_money, format_percent, resolve_language, yes_no

ROOT = Path(__file__).resolve().parents[1]
NB_PO = ROOT / "src" / "srpp" / "locale" / "nb" / "LC_MESSAGES" / "srpp.po"


class TestChoosingTheLanguage:
    @pytest.mark.parametrize(
        ("language", "environ", "expected"),
        [
            ("nb", {"SRPP_LANG": "en"}, "nb"),
            ("en", {"LANG": "nb_NO.UTF-8"}, "en"),
            (None, {"SRPP_LANG": "nb", "LANG": "en_GB.UTF-8"}, "nb"),
            (None, {"SRPP_LANG": "en", "LANG": "nb_NO.UTF-8"}, "en"),
            (None, {"LANG": "nb_NO.UTF-8"}, "nb"),
            (None, {"LANG": "no_NO"}, "nb"),
            (None, {"LC_ALL": "nn_NO.UTF-8", "LANG": "en_US"}, "nb"),
            (None, {"LANGUAGE": "en", "LANG": "nb_NO.UTF-8"}, "en"),
            (None, {"LANG": "de_DE.UTF-8"}, "en"),
            (None, {"LANG": "C.UTF-8"}, "en"),
            (None, {}, "en"),
        ],
    )
    def test_argument_then_srpp_lang_then_the_locale(
        self, language: str | None, environ: dict[str, str], expected: str
    ) -> None:
        """An explicit language wins, then SRPP_LANG, then the locale as gettext reads it."""
        assert resolve_language(language, environ) == expected

    @pytest.mark.parametrize(("language", "environ"), [("de", {}), (None, {"SRPP_LANG": "sv"})])
    def test_an_unknown_language_is_an_error_naming_the_choices(
        self, language: str | None, environ: dict[str, str]
    ) -> None:
        """No silent fallback for a language asked for by name."""
        with pytest.raises(ValueError, match="en, nb"):
            resolve_language(language, environ)


class TestCatalogues:
    def test_norwegian_words_come_from_the_shipped_catalogue(self) -> None:
        """The nb catalogue is found with importlib.resources and translates."""
        assert yes_no(True, "nb") == "ja" and yes_no(False, "nb") == "nei"
        assert yes_no(None, "nb") == "ukjent"
        assert _i18n.gettext("Electronics and ICT", "nb") == "Elektronikk og IKT"

    def test_english_is_the_source_language(self) -> None:
        """English texts are shown as written."""
        assert yes_no(True, "en") == "yes"
        assert _i18n.gettext("Electronics and ICT", "en") == "Electronics and ICT"

    def test_the_catalogue_is_a_valid_po_file(self) -> None:
        """Babel reads the committed catalogue without errors."""
        with NB_PO.open("rb") as fh:
            catalog = read_po(fh, locale="nb", abort_invalid=True)
        assert catalog.locale is not None and str(catalog.locale) == "nb"

    def test_the_wheel_ships_compiled_catalogues_and_not_their_sources(self, tmp_path: Path) -> None:
        """The build hook compiles every .po into the wheel as .mo."""
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
             "-w", str(tmp_path), str(ROOT)],
            check=True, capture_output=True,
        )  # fmt: skip
        (wheel,) = tmp_path.glob("srpp-*.whl")
        names = zipfile.ZipFile(wheel).namelist()
        assert "srpp/locale/nb/LC_MESSAGES/srpp.mo" in names
        assert not [n for n in names if n.endswith(".po")]
        mo = zipfile.ZipFile(wheel).read("srpp/locale/nb/LC_MESSAGES/srpp.mo")
        import gettext

        assert gettext.GNUTranslations(io.BytesIO(mo)).gettext("yes") == "ja"


class TestFormatting:
    def test_money_in_norwegian(self) -> None:
        """24 000 000 kr, with no-break spaces so an amount never breaks."""
        assert format_money(24_000_000, "nb") == "24\u00a0000\u00a0000\u00a0kr"
        assert format_money(Decimal("1300000.5"), "nb") == "1\u00a0300\u00a0000,50\u00a0kr"

    def test_money_in_english(self) -> None:
        """NOK 24,000,000 as before."""
        assert format_money(24_000_000, "en") == "NOK 24,000,000"
        assert format_money(Decimal("99.99"), "en", "EUR") == "EUR 99.99"

    def test_dates(self) -> None:
        """30.11.2026 in Norwegian, ISO in English."""
        day = datetime.date(2026, 11, 30)
        assert (format_date(day, "nb"), format_date(day, "en")) == ("30.11.2026", "2026-11-30")

    def test_percentages(self) -> None:
        """A decimal comma and a no-break space before % in Norwegian."""
        assert format_percent(0.1234, "nb") == "12,3\u00a0%"
        assert format_percent(0.1234, "en") == "12.3%"


class TestExtractor:
    def test_texts_are_found_under_the_named_keys_only(self) -> None:
        """Ids and identifier-like values are never texts; skipped top-level keys are left out."""
        doc = {"name": "srpp-default", "notes": ["A note."], "products": [{"name": "Laptops"}],
               "rules": [{"id": "x", "reason": "Because.", "then": {"label": "a label"}}]}  # fmt: skip
        assert list(texts(doc, {"name", "notes", "reason", "label"}, {"products"})) == [
            "A note.", "Because.", "a label"]  # fmt: skip

    def test_babel_interface_on_toml_with_line_numbers(self) -> None:
        """(line, function, message, comments) as pybabel expects."""
        fh = io.BytesIO(b'name = "x"\n\n[[rules]]\nreason = "Why, in words."\n')
        fh.name = "rules.toml"  # type: ignore[attr-defined]
        assert list(extract_data(fh, {}, [], {"keys": "reason"})) == [(4, None, "Why, in words.", [])]
