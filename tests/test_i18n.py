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
        (wheel,) = tmp_path.glob("srpp_norway-*.whl")
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


class TestCommandLine:
    def test_lang_nb_gives_norwegian_words_and_amounts(self) -> None:
        """Headings, yes/no and amounts in Norwegian: 24 000 000 kr."""
        code, out, _ = run("recommend", "--example", "laptop-framework", "--lang", "nb")
        assert code == 0
        assert "Verdi:" in out and "24\u00a0000\u00a0000\u00a0kr ekskl. mva." in out
        assert "Høy risiko:" in out and "Planlegging" in out and "[bør]" in out

    def test_the_locale_chooses_norwegian(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """LANG=nb_NO.UTF-8 without SRPP_LANG gives Norwegian."""
        monkeypatch.delenv("SRPP_LANG")
        for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setenv("LANG", "nb_NO.UTF-8")
        assert "rangering" in run("portfolio", "--example", "plan-2027")[1]

    def test_a_bad_srpp_lang_is_bad_input(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Exit status 2 and a message naming the choices."""
        monkeypatch.setenv("SRPP_LANG", "sv")
        code, _, err = run("products")
        assert code == 2 and "SRPP_LANG" in err and "en, nb" in err

    def test_every_command_takes_lang(self) -> None:
        """--lang is accepted by every command."""
        for argv in (["recommend", "--example", "laptop-framework"], ["portfolio", "--example", "plan-2027"],
                     ["cpv", "30213100-6"], ["products"], ["rules"], ["instruments"], ["examples"]):  # fmt: skip
            assert run(*argv, "--lang", "nb")[0] == 0, argv


class TestNorwegianExamples:
    def test_the_norwegian_examples_differ_only_in_their_titles(self) -> None:
        """examples/nb and portfolios/nb are the English ones with Norwegian titles."""
        import json

        import importlib_resources

        data = importlib_resources.files("srpp.data")
        pairs = [(f"{folder}/{f.name}", f"{folder}/nb/{f.name}") for folder in ("examples", "portfolios")
                 for f in data.joinpath(folder).iterdir() if f.name.endswith(".json")]  # fmt: skip
        for en_path, nb_path in pairs:
            en, nb = (json.loads(data.joinpath(p).read_text("utf-8")) for p in (en_path, nb_path))
            untitled = lambda doc: [{k: v for k, v in d.items() if k != "title"} for d in  # noqa: E731
                                    (doc if isinstance(doc, list) else [doc])]  # fmt: skip
            assert untitled(en) == untitled(nb), nb_path


class TestExcelCsv:
    def test_norwegian_excel_csv_opens_in_columns(self) -> None:
        """BOM, ';' separators, CRLF, ja/nei and decimal commas; every row has every column."""
        import csv

        code, out, _ = run("portfolio", "--example", "plan-2027", "--format", "csv", "--excel", "--lang", "nb")
        assert code == 0 and out.startswith("\ufeff") and "\r\n" in out
        rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff")), delimiter=";"))
        assert rows[0][:4] == ["rangering", "id", "tittel", "høy risiko"]
        assert {len(r) for r in rows} == {10}
        first = rows[1]
        assert first[3] in ("ja", "nei") and "," in first[5] and "." not in first[5]
        assert "bør" in first[9] or first[9] == "ingen"

    def test_plain_csv_is_the_same_in_every_language(self) -> None:
        """Without --excel: RFC 4180, commas, ids as columns, no BOM, whatever the language."""
        import csv

        en = run("portfolio", "--example", "plan-2027", "--format", "csv", "--lang", "en")[1]
        nb = run("portfolio", "--example", "plan-2027", "--format", "csv", "--lang", "nb")[1]
        assert en.startswith("rank,id,title,high_risk,") and nb.startswith("rank,id,title,high_risk,")
        # the Norwegian example plan differs only in its titles (column 3)
        drop_title = lambda text: [r[:2] + r[3:] for r in csv.reader(io.StringIO(text))]  # noqa: E731
        assert drop_title(en) == drop_title(nb)

    def test_english_excel_csv_keeps_commas_and_points(self) -> None:
        """English Excel: BOM, ',' separators, decimal points, yes/no."""
        out = run("portfolio", "--example", "plan-2027", "--format", "csv", "--excel", "--lang", "en")[1]
        assert out.startswith("\ufeffrank,id,title,high-risk,") and ",yes," in out


def run(*argv: str) -> tuple[int, str, str]:
    from srpp._cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


class TestRecommendInNorwegian:
    DOC = {"products": ["laptops", "monitors"], "value": {"amount": 24_000_000}, "duration_months": 48,
           "market_maturity": "high"}  # fmt: skip

    def test_reasons_cite_figures_the_norwegian_way(self) -> None:
        """Amounts in reasons are Norwegian: 24 000 000 kr, at least 1 300 000 kr."""
        import srpp

        r = srpp.recommend(self.DOC, language="nb")
        assert r.language == "nb" and r.to_dict()["language"] == "nb"
        reason = r.get("contract-clauses").reason  # type: ignore[union-attr]
        assert "24\u00a0000\u00a0000\u00a0kr" in reason and "NOK" not in reason

    def test_an_unknown_language_is_refused(self) -> None:
        """recommend(language="de") names the languages."""
        import srpp

        with pytest.raises(ValueError, match="en, nb"):
            srpp.recommend(self.DOC, language="de")

    def test_to_dict_in_another_language_says_how_to_get_it(self) -> None:
        """The words are made by recommend; to_dict does not pretend to translate them."""
        import srpp

        r = srpp.recommend(self.DOC)
        assert r.to_dict(language="en")["language"] == "en"
        with pytest.raises(ValueError, match="language='nb'"):
            r.to_dict(language="nb")

    def test_recommend_many_in_norwegian_on_workers(self) -> None:
        """The language travels to a worker process and back."""
        from concurrent.futures import ProcessPoolExecutor

        import srpp

        docs = [dict(self.DOC, duration_months=m) for m in (6, 12, 48)]
        here = [srpp.recommend(d, language="nb") for d in docs]
        with ProcessPoolExecutor(1) as pool:
            there = list(srpp.recommend_many(docs, executor=pool, chunk_size=2, language="nb"))
        assert there == here and {r.language for r in there} == {"nb"}


HOW_TO_UPDATE = (
    "refresh the catalogue and translate (docs/i18n.md): pybabel extract -F babel.cfg "
    '--ignore-dirs ".* __pycache__ .venv build docs tests" --add-location=file -w 100 '
    "-o build/srpp.pot . && pybabel update -i build/srpp.pot -d src/srpp/locale -D srpp -w 100 "
    "--no-fuzzy-matching, then fill in src/srpp/locale/nb/LC_MESSAGES/srpp.po"
)


class TestCatalogueIsComplete:
    def test_every_message_is_translated_and_none_is_fuzzy(self) -> None:
        """A Norwegian reader never meets an English text srpp forgot to translate."""
        with NB_PO.open("rb") as fh:
            catalog = read_po(fh, locale="nb")
        untranslated, fuzzy = [], []
        for m in catalog:
            if not m.id:
                continue
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            if not all(strings):
                untranslated.append(m.id)
            if m.fuzzy:
                fuzzy.append(m.id)
        assert not untranslated, f"untranslated: {untranslated}"
        assert not fuzzy, f"fuzzy (check the translation, then remove the flag): {fuzzy}"

    def test_placeholders_are_kept_in_translations(self) -> None:
        """{amount} and friends appear in the translation exactly as in the English."""
        import re

        field = re.compile(r"\{[a-z_]*\}")
        with NB_PO.open("rb") as fh:
            catalog = read_po(fh, locale="nb")
        for m in catalog:
            if not m.id:
                continue
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            wanted = set(field.findall(ids[-1]))
            for s in strings:
                assert set(field.findall(s)) == wanted, (m.id, s)

    def test_every_text_of_the_code_and_data_is_in_the_catalogue(self, tmp_path: Path) -> None:
        """pybabel extract finds nothing the catalogue lacks (so no text escapes translation)."""
        pot = tmp_path / "srpp.pot"
        subprocess.run(
            [sys.executable, "-c", "from babel.messages.frontend import main; main()", "extract",
             "-F", "babel.cfg", "--ignore-dirs", ".* __pycache__ .venv build docs tests",
             "-o", str(pot), "."],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        with pot.open("rb") as fh:
            extracted = {m.id for m in read_po(fh) if m.id}
        with NB_PO.open("rb") as fh:
            known = {m.id for m in read_po(fh, locale="nb") if m.id}
        assert len(extracted) > 100
        missing = sorted(str(m) for m in extracted - known)
        assert not missing, f"not in the catalogue: {missing}; {HOW_TO_UPDATE}"
