"""The HTML writer: case records and portfolio pages, checked as markup and in a real browser."""

from __future__ import annotations

import io
import itertools
import json
import re
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import html5lib
import pytest
from PIL import Image, ImageStat

import srpp
from srpp._cli import examples, main
from srpp._writers.html import contrast, ink, portfolio_html, recommendation_html

from . import browser as chromium

HERE = Path(__file__).parent


def example(name: str, folder: str = "examples") -> Any:
    return json.loads(examples(folder)[name].read_text("utf-8"))


@pytest.fixture(scope="module")
def case_page() -> str:
    return recommendation_html(srpp.recommend(example("laptop-framework")))


@pytest.fixture(scope="module")
def plan_page() -> str:
    return portfolio_html(srpp.prioritise(example("plan-2027", "portfolios")))


@pytest.fixture(scope="module")
def screen_page() -> str:
    return srpp.screen_html(srpp.screen(HERE / "notices"))


def parse(page: str) -> ElementTree.Element:
    """The page parsed by html5lib in strict mode: any parse error fails."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    root: ElementTree.Element = parser.parse(page)
    for el in root.iter():  # SVG elements come in the SVG namespace: plain names are simpler
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def text_of(el: ElementTree.Element) -> str:
    return " ".join(" ".join(el.itertext()).split())  # (no-break spaces count as spaces)


class _Proxy:
    """A recommendation whose document carries keys other issues add (steps, provenance ...)."""

    def __init__(self, rec: srpp.Recommendation, **extra: Any) -> None:
        self.contract = rec.contract
        self._rec = rec
        self._extra = extra

    def to_dict(self) -> dict[str, Any]:
        doc = self._rec.to_dict()
        for key, value in self._extra.items():
            if key == "steps":
                for i in doc["instruments"]:
                    if i["id"] == "self-assessment":
                        i["steps"] = value
            else:
                doc[key] = value
        return doc


class TestCaseRecord:
    def test_shows_contract_risk_instruments_sources_notes(self, case_page: str) -> None:
        """Every part of the case record the buyer files is there, with data from the result."""
        rec = srpp.recommend(example("laptop-framework"))
        root = parse(case_page)
        body = text_of(root)
        assert "Framework agreement for laptops and monitors" in body
        assert "NOK 24,000,000 excl. VAT" in body
        for i in rec.instruments:
            assert i.reason in body
            for s in i.sources:
                assert root.find(f".//a[@href='{s}']") is not None
        for n in rec.notes:
            assert n in body
        headings = [text_of(h) for h in root.iter("h2")]
        assert headings[:1] == ["2026-017 Framework agreement for laptops and monitors"]
        for h in (
            "The contract",
            "Risk per supply-chain tier",
            "Recommended instruments",
            "Notes",
            "The buyer's assessment",
        ):
            assert h in [text_of(x) for x in root.iter("h3")]

    def test_risk_table_gives_dfo_rating_and_marks_overrides(self) -> None:
        """An overridden tier shows DFØ's rating beside the buyer's, marked as the buyer's own."""
        doc = {**example("laptop-framework"), "risk_overrides": {"assembly": "very_high"}}
        root = parse(recommendation_html(srpp.recommend(doc)))
        rows = {
            text_of(r.find("th")): [text_of(td) for td in r.findall("td")]
            for r in root.iter("tr")
            if r.find("th[@scope='row']") is not None
        }
        assert rows["Assembly"] == ["medium high", "very high (buyer's own assessment)"]
        assert rows["Raw material"] == ["very high", "very high"]

    def test_blank_fields_for_the_buyer_are_labelled(self, case_page: str) -> None:
        """Market-maturity basis, decision and reason are empty fields, each with a label."""
        root = parse(case_page)
        labels = {lab.get("for"): text_of(lab) for lab in root.iter("label") if lab.get("for")}
        areas = list(root.iter("textarea"))
        assert len(areas) == 2 and all(not (a.text or "").strip() for a in areas)
        assert any("market's maturity" in labels[a.get("id")] for a in areas)
        assert any("Reason for the decision" in labels[a.get("id")] for a in areas)
        radios = [i for i in root.iter("input") if i.get("type") == "radio"]
        assert len(radios) == 3 and not any(r.get("checked") is not None for r in radios)

    def test_keys_a_result_lacks_are_not_shown_and_those_it_has_are(self) -> None:
        """Provenance, notice codes and steps appear exactly when the document carries them."""
        rec = srpp.recommend(example("laptop-framework"))
        doc = rec.to_dict()
        plain = text_of(parse(recommendation_html(rec)))
        assert ("Provenance" in plain) == ("provenance" in doc)
        assert ("Codes for the notice" in plain) == bool(doc.get("notice_codes"))
        if doc.get("notice_codes"):
            assert "BT-775 hum-right (Human rights due diligence in global supply chains)" in plain
        bare = _Proxy(rec, provenance=None, notice_codes=None)
        text = text_of(parse(recommendation_html([bare])))
        assert "Provenance" not in text and "Codes for the notice" not in text
        for step in next(i for i in doc["instruments"] if i["id"] == "self-assessment").get("steps", []):
            assert f"{step['what']} ({step['when']})" in plain
        richer = _Proxy(
            rec,
            provenance={
                "srpp": "0.2.0",
                "rules": {"name": "default", "digest": "sha256:abc"},
                "policy": {},
                "date": "2026-11-30",
            },
            notice_codes={"BT-06": ["soc-obj"], "BT-775": ["hum-right"]},
            steps=["Send the form at signing", {"title": "Answer", "when": "within six weeks"}],
            overridden=["component"],
        )
        text = text_of(parse(recommendation_html([richer])))
        assert "Provenance" in text and "Rule set, checksum sha256:abc" in text
        assert "Policy the rule set's own values" in text
        assert "BT-775 hum-right" in text and "BT-06 soc-obj" in text
        assert "Send the form at signing" in text and "Answer (within six weeks)" in text
        assert "high (buyer's own assessment)" in text

    def test_text_is_escaped(self) -> None:
        """A contract's own words cannot inject markup: autoescaping is on."""
        doc = {**example("laptop-framework"), "title": "<script>alert(1)</script> & co"}
        page = recommendation_html(srpp.recommend(doc))
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page

    @pytest.mark.parametrize("lang", ["en", "nb"])
    def test_a_period_given_as_dates_or_days_is_shown_as_the_text_report_shows_it(self, lang: str) -> None:
        """Dates and days, not "not known": in the case record and the portfolio's table."""
        base = {"products": ["laptops"], "value": {"amount": 2_000_000}}
        dated = srpp.recommend(base | {"id": "d", "start_date": "2026-01-01", "end_date": "2027-06-30"})
        days = srpp.recommend(base | {"id": "n", "duration_days": 400})
        months = {"en": ("18 months", "14 months (400 days)"), "nb": ("18 måneder", "14 måneder (400 dager)")}[lang]
        page = recommendation_html([dated, days], language=lang)
        assert f"{months[0]} (2026-01-01 – 2027-06-30)" in page
        assert months[1] in page
        plan = portfolio_html(srpp.Portfolio.rank([dated, days]), language=lang)
        assert f"{months[0]} (2026-01-01 – 2027-06-30)" in plan and months[1] in plan
        assert 'data-value="18">18</td>' in plan and 'data-value="14">14</td>' in plan

    def test_several_contracts_get_unique_sections_and_a_contents_list(self) -> None:
        recs = [srpp.recommend(example(n)) for n in ("laptop-framework", "canteen-coffee")]
        recs.append(srpp.recommend({**example("laptop-framework")}))  # the same id twice
        root = parse(recommendation_html(recs))
        ids = [s.get("id") for s in root.iter("section")]
        assert len(ids) == 3 == len(set(ids))
        assert [a.get("href") for a in root.find(".//nav").iter("a")] == [f"#{i}" for i in ids]


class TestPortfolioPage:
    def test_headline_figures(self, plan_page: str) -> None:
        """The share of spend on high-risk purchases and how many contracts to assess."""
        p = srpp.prioritise(example("plan-2027", "portfolios"))
        total = sum(e.contract.value.nok for e in p)
        share = p.high_risk_spend / total
        figures = [text_of(li) for li in parse(plan_page).find(".//ul[@class='figures']")]
        assert figures[0].startswith(f"{float(share) * 100:.1f}% of the spend")
        # the contracts the rules recommend instruments for: not the toner, high-risk but
        # below the Procurement Act's threshold
        to_assess = sum(1 for e in p if e.instruments)
        assert to_assess == p.to_assess == sum(1 for e in p if e.high_risk) - 1
        assert (
            figures[1].startswith(f"{to_assess} contracts to assess") and f"of {len(p)}" in figures[1]
        )

    def test_ranked_table_links_every_contract_to_its_case_record(self, plan_page: str) -> None:
        root = parse(plan_page)
        table = root.find(".//table[@id='ranking-table']")
        rows = table.find("tbody").findall("tr")
        p = srpp.prioritise(example("plan-2027", "portfolios"))
        assert len(rows) == len(p)
        sections = {s.get("id") for s in root.iter("section")}
        for row, entry in zip(rows, p, strict=True):
            assert text_of(row.find("td")) == str(entry.rank)
            link = row.find("th/a")
            assert link.get("href")[1:] in sections
            assert entry.contract.id in text_of(link)

    def test_charts_are_matplotlib_svg_with_text_as_paths(self, plan_page: str) -> None:
        """Two inline SVG charts, drawn by matplotlib, needing no font: no <text>, only paths."""
        root = parse(plan_page)
        svgs = root.findall(".//svg")
        assert [s.get("id") for s in svgs] == ["chart-spend", "chart-heat"]
        for s in svgs:
            assert s.find(".//text") is None
            assert len(list(s.iter("path"))) > 20
            assert s.find(".//style") is not None  # matplotlib's own style element
        assert "Electronics and ICT" in text_of(svgs[0].find("desc"))

    def test_heat_map_of_a_large_plan_shows_the_first_contracts(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from srpp._writers import html

        monkeypatch.setattr(html, "HEAT_MAP_ROWS", 3)
        page = portfolio_html(srpp.prioritise(example("plan-2027", "portfolios")))
        root = parse(page)
        caption = text_of(root.findall(".//figcaption")[1])
        assert caption.endswith("(the first 3 of 12 contracts)")
        desc = text_of(root.find(".//svg[@id='chart-heat']/desc"))
        assert desc.count("Raw material") == 3
        assert len(root.find(".//table[@id='ranking-table']/tbody").findall("tr")) == 12

    def test_a_plan_with_unknown_values_still_renders(self) -> None:
        """An empty plan, one entry, contracts at the planning stage (no value, no period,
        risk unknown): the page renders and says what is not known."""
        p = srpp.Portfolio.rank([srpp.recommend(example("canteen-coffee"))])
        parse(portfolio_html(p))
        planning = [
            srpp.recommend({"id": "P-1", "products": ["laptops"]}),
            srpp.recommend({"id": "P-2", "cpv": ["30192000-1"], "duration_days": 400}),
            srpp.recommend({"id": "P-3", "cpv": ["44000000-0"], "value": {"amount": 1_000_000}}),
        ]
        root = parse(portfolio_html(srpp.Portfolio.rank(planning)))
        body = text_of(root)
        assert "Value not known" in body and "Duration not known" in body
        assert "unknown" in text_of(root.find(".//table[@id='ranking-table']"))
        assert len(root.findall(".//svg")) == 2
        empty = portfolio_html(srpp.Portfolio.rank([]))
        assert "chart-heat" not in empty
        parse(empty)


def _pages(case_page: str, plan_page: str) -> list[str]:
    return [case_page, plan_page]


class TestMarkup:
    """HTML validation and an accessibility check of the markup of both pages."""

    @pytest.fixture(params=["case", "plan", "screen"])
    def page(
        self, request: pytest.FixtureRequest, case_page: str, plan_page: str, screen_page: str
    ) -> str:
        return {"case": case_page, "plan": plan_page, "screen": screen_page}[request.param]

    def test_is_valid_html5_and_self_contained(self, page: str) -> None:
        """Strict parse; nothing loads from outside: no external scripts, styles, images, fonts."""
        root = parse(page)
        assert page.startswith("<!DOCTYPE html>")
        assert root.find(".//link") is None and root.find(".//img") is None
        assert all(s.get("src") is None for s in root.iter("script"))
        assert not re.search(r"url\(\s*['\"]?(?!#)", page), (
            "a CSS url() to something outside the page"
        )
        assert "@import" not in page and "@font-face" not in page
        csp = root.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")
        assert "default-src 'none'" in csp
        ids = [e.get("id") for e in root.iter() if e.get("id")]
        assert len(ids) == len(set(ids)), "duplicate ids"

    def test_lang_title_and_heading_order(self, page: str) -> None:
        root = parse(page)
        assert root.get("lang") == "en"
        assert text_of(root.find(".//title"))
        levels = [int(e.tag[1]) for e in root.iter() if re.fullmatch(r"h[1-6]", str(e.tag))]
        assert levels[0] == 1 and levels.count(1) == 1
        for a, b in itertools.pairwise(levels):
            assert b <= a + 1, f"heading level jumps from h{a} to h{b}"

    def test_tables_have_captions_and_scoped_headers(self, page: str) -> None:
        root = parse(page)
        tables = list(root.iter("table"))
        assert tables
        for t in tables:
            assert text_of(t.find("caption"))
            heads = t.find("thead").findall("tr/th")
            assert heads and all(h.get("scope") == "col" and text_of(h) for h in heads)
            for row in t.find("tbody").findall("tr"):
                assert row.find("th[@scope='row']") is not None

    def test_graphics_links_and_controls_are_named(self, page: str) -> None:
        """Every svg is an img with a title and description; links have text; controls labels."""
        root = parse(page)
        by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
        for s in root.iter("svg"):
            assert s.get("role") == "img"
            names = s.get("aria-labelledby").split()
            assert [by_id[n].tag for n in names] == ["title", "desc"]
            assert all(text_of(by_id[n]) for n in names)
        for a in root.iter("a"):
            assert text_of(a)
        labelled = {lab.get("for") for lab in root.iter("label")}
        wrapped = {id(i) for lab in root.iter("label") for i in lab.iter("input")}
        for control in [*root.iter("textarea"), *root.iter("input")]:
            assert control.get("id") in labelled or id(control) in wrapped

    def test_colours_have_enough_contrast_and_are_never_the_only_cue(self, page: str) -> None:
        """Risk badges pass WCAG AA (4.5:1) and carry their level in words too."""
        css = re.search(r"<style>(.*?)</style>", page, re.S).group(1)  # type: ignore[union-attr]
        badges = re.findall(r"\.level-(\w+) \{ background: (#\w{6});(?: color: (#\w{6});)?", css)
        assert len(badges) == 6
        ink_default = re.search(r"--ink: (#\w{6})", css).group(1)  # type: ignore[union-attr]

        def rgb(h: str) -> tuple[float, ...]:
            return tuple(int(h[i : i + 2], 16) / 255 for i in (1, 3, 5))

        for _level, bg, fg in badges:
            assert contrast(rgb(bg), rgb(fg or ink_default)) >= 4.5, (bg, fg)
        for span in parse(page).iter("span"):
            if (span.get("class") or "").startswith("level "):
                assert text_of(span)

    def test_heat_map_text_colour_reads_on_every_level(self) -> None:
        from srpp._writers.html import _LEVEL_COLOURS

        for face in _LEVEL_COLOURS.values():
            colour = tuple(int(face[i : i + 2], 16) / 255 for i in (1, 3, 5))
            text = (1.0, 1.0, 1.0) if ink(colour) == "#ffffff" else (0.0, 0.0, 0.0)
            assert contrast(colour, text) >= 4.5


class TestScreenPage:
    def test_a_row_per_notice_with_the_codes_it_lacks(self, screen_page: str) -> None:
        """Every notice has a row; judged ones link to their case record, the others say why."""
        rows = list(srpp.screen(HERE / "notices"))
        root = parse(screen_page)
        trs = root.find(".//table[@id='screen-table']/tbody").findall("tr")
        assert len(trs) == len(rows)
        sections = {s.get("id") for s in root.iter("section")}
        for tr, row in zip(trs, rows, strict=True):
            text = text_of(tr)
            assert row.source in text
            link = tr.find("th/a")
            if row.ok:
                assert link is not None and link.get("href")[1:] in sections
                for g in row.gap or ():
                    assert f"{g['term']} {g['code']}" in text
            else:
                assert link is None and "Not judged:" in text
        figures = [text_of(li) for li in root.find(".//ul[@class='figures']")]
        assert figures[0] == f"{len(rows)} notices screened"
        assert f"{sum(1 for r in rows if not r.ok)} notices that could not be read" in figures[-1]

    def test_command_line(self, tmp_path: Path) -> None:
        target = tmp_path / "screen.html"
        err = io.StringIO()
        status = main(["screen", str(HERE / "notices"), "--format", "html", "-o", str(target)],
                      io.StringIO(), err)  # fmt: skip
        assert status == 2  # two notices cannot be judged, as in every other format
        assert "2 of 11 notices could not be read or judged" in err.getvalue()
        parse(target.read_text("utf-8"))
        argv = [
            "screen",
            str(HERE / "notices"),
            "--format",
            "html",
            "--lang",
            "nb",
            "-o",
            str(target),
        ]
        assert main(argv, io.StringIO(), io.StringIO()) == 2
        page = target.read_text("utf-8")
        assert '<html lang="nb">' in page and "kunngjøringer gjennomgått" in page


class TestNorwegian:
    """Both pages in Norwegian bokmål: every text of the templates translated, numbers as
    Norwegians write them, the same structure as in English."""

    @pytest.mark.parametrize("lang", ["en", "nb"])
    def test_screening_dates_and_policy_figures_as_the_language_writes_them(self, lang: str) -> None:
        """The summary table's dates as the case records write them (``20.06.2025`` in
        Norwegian), the policy's exchange rates with the language's decimal sign."""
        from srpp._writers.html import screen_html

        rows = srpp.screen([HERE / "notices"], policy=srpp.Policy(exchange_rates={"EUR": 11.5, "SEK": 1.02}))
        page = screen_html(rows, language=lang)
        dates = [d for d in re.findall(r'<td class="date" data-value="([^"]*)">([^<]*)</td>', page) if d[0]]
        assert len(dates) > 5
        for iso, shown in dates:
            y, m, d = iso[:10].split("-")
            assert shown == (f"{d}.{m}.{y}" if lang == "nb" else iso[:10])
        record_dates = re.findall(r"<dd>(\d[\d.-]+)</dd>", page)
        assert {shown for _, shown in dates} <= set(record_dates)
        rate = re.findall(r"EUR</dt>\s*<dd>([^<]*)</dd>", page)
        assert rate and set(rate) == {"11,5" if lang == "nb" else "11.5"}

    def test_every_template_text_has_a_norwegian_translation(self) -> None:
        from babel.messages.pofile import read_po
        from jinja2.ext import babel_extract

        po_path = HERE.parent / "src" / "srpp" / "locale" / "nb" / "LC_MESSAGES" / "srpp.po"
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        folder = HERE.parent / "src" / "srpp" / "_writers" / "templates"
        missing, seen = [], 0
        for template in sorted(folder.glob("*.html")):
            with template.open("rb") as fh:
                options = {"extensions": "jinja2.ext.i18n", "trimmed": "false"}
                for _line, _func, message, _comments in babel_extract(
                    fh, ["gettext", "ngettext"], [], options
                ):
                    key = message if isinstance(message, str) else next(iter(message))
                    seen += 1
                    entry = catalog.get(key)
                    text = entry.string if entry is not None else None
                    if not text or (isinstance(text, tuple) and not all(text)) or entry.fuzzy:
                        missing.append((template.name, key))
        assert seen > 60 and missing == []

    def test_pages_in_norwegian(self) -> None:
        rec = srpp.recommend(example("laptop-framework"))
        root = parse(recommendation_html(rec, language="nb"))
        assert root.get("lang") == "nb"
        body = text_of(root)
        assert "Saksnotat om samfunnsansvar" in body and "Oppdragsgivers vurdering" in body
        assert "24 000 000 kr ekskl. mva." in body and "48 måneder" in body
        plan = srpp.prioritise(example("plan-2027", "portfolios"))
        root = parse(portfolio_html(plan, language="nb"))
        figures = [text_of(li) for li in root.find(".//ul[@class='figures']")]
        assert re.match(r"\d+,\d % av innkjøpene", figures[0])
        assert "Elektronikk og IKT" in text_of(root.find(".//svg/desc"))

    def test_same_structure_in_both_languages(self, plan_page: str) -> None:
        """Language changes words only: the same sections, rows, links and charts."""
        plan = srpp.prioritise(example("plan-2027", "portfolios"))
        nb = parse(portfolio_html(plan, language="nb"))
        en = parse(plan_page)

        def shape(root: ElementTree.Element) -> list[Any]:
            return [
                (e.tag, e.get("id"), e.get("href"))
                for e in root.iter()
                if e.tag in {"section", "a", "svg", "tr", "h1", "h2", "h3", "h4", "h5"}
            ]

        assert shape(nb) == shape(en)


class TestCommandLine:
    @pytest.mark.parametrize(
        ("argv", "marker"),
        [
            (["portfolio", "--example", "plan-2027"], 'id="chart-spend"'),
            (["recommend", "--example", "laptop-framework"], 'id="case-2026-017"'),
        ],
    )
    @pytest.mark.parametrize("language", ["en", "nb"])
    def test_format_html_to_a_file(
        self, tmp_path: Path, argv: list[str], marker: str, language: str
    ) -> None:
        target = tmp_path / "page.html"
        out, err = io.StringIO(), io.StringIO()
        status = main([*argv, "--format", "html", "--lang", language, "-o", str(target)], out, err)
        assert status == 0
        assert out.getvalue() == "" and err.getvalue() == ""
        page = target.read_text("utf-8")
        assert marker in page and page.rstrip().endswith("</html>")
        assert f'<html lang="{language}">' in page
        assert list(tmp_path.iterdir()) == [target]

    def test_without_the_extra_a_clear_error(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """No Jinja2 installed: one line naming the extra to install, exit status 2."""
        from srpp._writers import html

        html._environment.cache_clear()
        monkeypatch.setitem(sys.modules, "jinja2", None)  # import jinja2 now raises ImportError
        try:
            err = io.StringIO()
            argv = ["recommend", "--example", "laptop-framework", "--format", "html"]
            assert main(argv, io.StringIO(), err) == 2
            assert err.getvalue() == (
                "srpp: HTML output needs jinja2: install srpp with the html extra "
                "(pip install 'srpp-norway[html]')\n"
            )
            with pytest.raises(srpp.MissingExtraError):
                srpp.recommendation_html(srpp.recommend(example("laptop-framework")))
        finally:
            html._environment.cache_clear()

    def test_output_to_a_missing_folder_is_a_clear_error(self, tmp_path: Path) -> None:
        err = io.StringIO()
        status = main(
            [
                "recommend",
                "--example",
                "laptop-framework",
                "--format",
                "html",
                "-o",
                str(tmp_path / "no" / "x.html"),
            ],
            io.StringIO(),
            err,
        )
        assert status == 2
        assert err.getvalue().startswith("srpp: --output ") and "cannot write" in err.getvalue()


# -- in a real browser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def chrome() -> Any:
    if chromium.chromium() is None:
        pytest.skip("no chromium on PATH; .ci/run installs Debian's chromium")
    with chromium.browser() as b:
        yield b


def _variance(png: bytes) -> float:
    im = Image.open(io.BytesIO(png)).convert("L")
    im.thumbnail((400, 400))
    return float(ImageStat.Stat(im).var[0])


@pytest.mark.parametrize("which", ["case", "plan", "screen"])
@pytest.mark.parametrize("language", ["en", "nb"])
def test_page_opens_offline_in_chromium_without_errors(
    which: str,
    language: str,
    chrome: Any,
    tmp_path: Path,
    case_page: str,
    plan_page: str,
    screen_page: str,
) -> None:
    """Loaded from a file in headless Chromium: no errors, no request but the page itself, a
    screenshot that is not blank, and a printout to PDF; in both languages."""
    path = tmp_path / f"{which}.html"
    if language == "en":
        html = {"case": case_page, "plan": plan_page, "screen": screen_page}[which]
    elif which == "screen":
        html = srpp.screen_html(srpp.screen(HERE / "notices"), language="nb")
    elif which == "case":
        html = recommendation_html(srpp.recommend(example("laptop-framework")), language="nb")
    else:
        html = portfolio_html(srpp.prioritise(example("plan-2027", "portfolios")), language="nb")
    path.write_text(html, "utf-8")
    page = chromium.open_page(chrome, path.as_uri())
    assert page.errors == []
    assert page.requests == [path.as_uri()]
    assert page.evaluate("document.documentElement.lang") == language
    png = page.screenshot()
    with Image.open(io.BytesIO(png)) as im:
        assert im.size[0] == 1200
    # a blank page has no variance at all; the top of each page has headings, text and boxes
    top = page.screenshot(clip={"x": 0, "y": 0, "width": 1200, "height": 1000})
    assert _variance(top) > 300
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    cases = page.evaluate("document.querySelectorAll('section.case').length")
    # printed, every case record after the first section starts on a page of its own
    assert pages >= (cases + 1 if which != "case" else 2)


def test_charts_are_visible_in_chromium(chrome: Any, tmp_path: Path, plan_page: str) -> None:
    """Each chart has a size on screen, is not hidden, and its pixels are not blank."""
    path = tmp_path / "plan.html"
    path.write_text(plan_page, "utf-8")
    page = chromium.open_page(chrome, path.as_uri())
    page.screenshot()  # sets the viewport
    boxes = page.evaluate("""Array.from(document.querySelectorAll('svg.chart')).map(s => {
        const r = s.getBoundingClientRect(), st = getComputedStyle(s);
        return {id: s.id, x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height,
                visible: st.display !== 'none' && st.visibility === 'visible'
                         && st.opacity === '1'};
    })""")
    assert [b["id"] for b in boxes] == ["chart-spend", "chart-heat"]
    for box in boxes:
        assert box["visible"] and box["width"] > 300 and box["height"] > 200
        clip = {k: box[k] for k in ("x", "y", "width", "height")}
        assert _variance(page.screenshot(clip=clip)) > 200, box["id"]


def test_ranked_table_sorts_with_javascript(chrome: Any, tmp_path: Path, plan_page: str) -> None:
    """The progressive enhancement: a header button sorts the rows, and says how."""
    path = tmp_path / "plan.html"
    path.write_text(plan_page, "utf-8")
    page = chromium.open_page(chrome, path.as_uri())
    ranks = (
        "Array.from(document.querySelectorAll('#ranking-table tbody tr'))"
        ".map(r => +r.cells[0].textContent)"
    )
    before = page.evaluate(ranks)
    assert before == sorted(before)
    page.evaluate("document.querySelectorAll('#ranking-table thead button')[0].click()")
    page.evaluate("document.querySelectorAll('#ranking-table thead button')[0].click()")
    assert page.evaluate(ranks) == sorted(before, reverse=True)
    assert (
        page.evaluate("document.querySelector('#ranking-table thead th').getAttribute('aria-sort')")
        == "descending"
    )
    assert page.errors == []


def test_docs_show_a_screenshot_of_each_page() -> None:
    docs = HERE.parent / "docs"
    text = (docs / "html.md").read_text("utf-8")
    for name in ("case-record.png", "portfolio.png", "screening.png"):
        assert f"_static/{name}" in text
        with Image.open(docs / "_static" / name) as im:
            assert im.size[0] >= 600 and im.size[1] >= 600
        assert (docs / "_static" / name).stat().st_size < 400_000
