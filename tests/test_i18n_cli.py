"""The command line in Norwegian: help, argparse's own messages and srpp's error messages."""

from __future__ import annotations

import argparse
import ast
import gettext
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srpp import InvalidContractError, Problem
from srpp._argparse_i18n import ARGPARSE_PLURALS, ARGPARSE_TEXTS
from srpp._cli import main
from srpp._i18n import current_language, speaking


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def exits(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """argparse's exits (help, usage errors): the status and what it printed."""
    with pytest.raises(SystemExit) as stop:
        main(list(argv), io.StringIO(), io.StringIO())
    captured = capsys.readouterr()
    return int(stop.value.code or 0), captured.out, captured.err


def norwegian_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Norwegian locale and no SRPP_LANG, as a Norwegian buyer's terminal."""
    monkeypatch.delenv("SRPP_LANG", raising=False)
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")


class TestHelp:
    def test_lang_nb_before_the_command_gives_norwegian_help(self, capsys: pytest.CaptureFixture[str]) -> None:
        """srpp --lang nb recommend --help: argparse's headings and srpp's texts in bokmål."""
        code, out, _ = exits(capsys, "--lang", "nb", "recommend", "--help")
        assert code == 0
        assert out.startswith("bruk: srpp recommend")
        assert "\nposisjonsargumenter:\n" in out and "\nvalg:\n" in out
        assert "vis denne hjelpeteksten og avslutt" in out
        assert "--example NAVN" in out and "skriv til FIL i stedet for standard ut" in out
        for english in ("usage:", "options:", "show this help", "standard output", "a rule set file"):
            assert english not in out, english

    @pytest.mark.parametrize("argv", [["recommend", "--lang=nb", "--help"], ["--help"]])
    def test_the_language_is_found_anywhere_or_in_the_environment(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
    ) -> None:
        """--lang=nb after the command, or SRPP_LANG=nb, chooses the help's language too."""
        if "--lang=nb" not in argv:
            monkeypatch.setenv("SRPP_LANG", "nb")
        out = exits(capsys, *argv)[1]
        assert out.startswith("bruk: srpp") and "vis denne hjelpeteksten og avslutt" in out

    def test_the_locale_chooses_the_help_language(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """LANG=nb_NO.UTF-8 alone: the command listing in Norwegian, the command names as they are."""
        norwegian_environment(monkeypatch)
        out = exits(capsys, "--help")[1]
        assert "KOMMANDO" in out and "recommend" in out and "katalogen over virkemidler" in out

    def test_english_help_is_unchanged(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Without a Norwegian choice the help is argparse's English."""
        out = exits(capsys, "recommend", "--help")[1]
        assert out.startswith("usage: srpp recommend") and "show this help message and exit" in out
        assert "\noptions:\n" in out and "write to FILE instead of standard output" in out


class TestArgparseMessages:
    @pytest.mark.parametrize(
        ("argv", "norwegian"),
        [
            ([], "srpp: feil: disse argumentene må oppgis: KOMMANDO"),
            (["recommend", "--format", "x"], "argument --format: ugyldig valg: 'x'"),
            (["products", "surplus"], "srpp: feil: ukjente argumenter: surplus"),
            (["recommend", "--example"], "argument --example: ventet ett argument"),
            (["recommed"], "ugyldig valg: 'recommed'"),
        ],
    )
    def test_usage_errors_are_norwegian_on_this_python(
        self, capsys: pytest.CaptureFixture[str], argv: list[str], norwegian: str
    ) -> None:
        """argparse's own errors, in the running Python's wording, come out in bokmål."""
        code, _, err = exits(capsys, "--lang", "nb", *argv)
        assert code == 2 and norwegian in err, err
        assert err.startswith("bruk: srpp") and "error:" not in err

    def test_usage_errors_stay_english_without_norwegian(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The English run prints argparse's own text."""
        err = exits(capsys, "products", "surplus")[2]
        assert "srpp: error: unrecognized arguments: surplus" in err

    def test_argparse_is_left_as_it_was(self, capsys: pytest.CaptureFixture[str]) -> None:
        """After main (even one that exits), argparse's lookups are its own again."""
        exits(capsys, "--lang", "nb", "recommend", "--format", "x")
        run("--lang", "nb", "products")
        assert argparse._ is gettext.gettext  # type: ignore[attr-defined]
        assert argparse.ngettext is gettext.ngettext  # type: ignore[attr-defined]
        assert current_language() == "en"
        p = argparse.ArgumentParser(prog="x")
        assert "usage: x" in p.format_usage()

    def test_every_argparse_text_a_person_reads_is_translated(self) -> None:
        """The running Python's argparse has no user-facing text srpp's list lacks.

        argparse's texts change between Python versions (3.13 added section and default
        texts); this test reads the running version's source, so each CI Python checks its own.
        """
        for_programmers = {
            "'required' is an invalid argument for positionals", "%r is not callable",
            ".__call__() not defined", "argument \"-\" with mode %r",
            "can't open '%(filename)s': %(error)s", "cannot have multiple subparser arguments",
            "cannot merge actions - two groups are named %r", "conflicting subparser alias: %s",
            "conflicting subparser: %s", "dest= is required for options like %r",
            "invalid conflict_resolution value: %r",
            "invalid option string %(option)r: must start with a character %(prefix_chars)r",
            "mutually exclusive arguments must be optional", "conflicting option string: %s",
        }  # fmt: skip
        tree = ast.parse(Path(argparse.__file__).read_text("utf-8"))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    found.add(node.args[0].value)
        known = set(ARGPARSE_TEXTS) | {singular for singular, _ in ARGPARSE_PLURALS}
        assert found - for_programmers <= known, sorted(found - for_programmers - known)
        with speaking("nb"):
            from srpp._i18n import gettext as srpp_gettext, ngettext

            same = {"%(heading)s:", "argument %(argument_name)s: %(message)s"}  # the same in bokmål
            untranslated = [t for t in ARGPARSE_TEXTS if srpp_gettext(t) == t and t not in same]
            assert not untranslated
            assert ngettext(*ARGPARSE_PLURALS[0], 2) != ARGPARSE_PLURALS[0][1]


class TestSrppMessages:
    def test_a_missing_command_line_input_is_norwegian(self) -> None:
        """srpp's own messages follow --lang."""
        code, _, err = run("recommend", "--lang", "nb")
        assert code == 2 and err == "srpp: oppgi en FIL (eller - for standard inn) eller et --example\n"
        code, _, err = run("recommend", "--example", "nope", "--lang", "nb")
        assert code == 2 and "ukjent eksempel 'nope'; eksemplene er: " in err

    def test_the_heads_of_errors_follow_the_language_of_the_call(self) -> None:
        """invalid contract (2 problems) / ugyldig kontrakt (2 feil); the fields are kept."""
        problems = [Problem("value.amount", "x"), Problem("products", "y")]
        assert str(InvalidContractError(problems)).startswith("invalid contract (2 problems)\n")
        with speaking("nb"):
            error = InvalidContractError(problems)
        assert str(error).startswith("ugyldig kontrakt (2 feil)\n  - value.amount: x")

    def test_speaking_restores_the_language_and_refuses_unknown_ones(self) -> None:
        """A block's language ends with it; an unknown language names the choices."""
        with speaking("nb"):
            assert current_language() == "nb"
            with speaking(None):
                assert current_language() == "nb"
        assert current_language() == "en"
        with pytest.raises(ValueError, match="en, nb"):
            with speaking("de"):
                pass


def test_the_installed_command_speaks_norwegian_under_a_norwegian_locale(tmp_path: Path) -> None:
    """A real process: LANG=nb_NO.UTF-8 and no SRPP_LANG; a usage error in bokmål."""
    env = {"LANG": "nb_NO.UTF-8", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "srpp", "cpv"], capture_output=True, env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert "srpp cpv: feil: disse argumentene må oppgis: KODE" in done.stderr.decode("utf-8")


class TestErrorMessagesInNorwegian:
    BAD = {"products": ["laptopz"], "value": {"amount": "150.000"}, "duration_months": 0, "extra": 1}

    def test_a_missing_file_under_a_norwegian_locale(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """LANG=nb_NO.UTF-8 srpp recommend MISSING: the reason in bokmål, exit status 2."""
        norwegian_environment(monkeypatch)
        missing = tmp_path / "finnes-ikke.json"
        code, _, err = run("recommend", str(missing))
        assert code == 2
        assert err == f"srpp: {missing}: kan ikke leses: filen eller mappen finnes ikke\n"

    def test_an_invalid_document_names_the_same_fields_in_norwegian(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """Every problem in bokmål, each after its unchanged field path."""
        norwegian_environment(monkeypatch)
        path = tmp_path / "kontrakt.json"
        path.write_text(json.dumps(self.BAD), "utf-8")
        code, _, err = run("recommend", str(path))
        assert code == 2
        lines = err.splitlines()
        where = f"srpp: {path}: linje 1, kontrakt nr. 1: "
        assert f'{where}value.amount: "150.000" er tvetydig: et punktum foran tre sifre' in lines[0]
        assert f"{where}duration_months: må være et helt antall måneder fra 1 til 1200, men er 0" in lines
        assert f"{where}extra: ukjent nøkkel" in lines
        assert lines[-1] == f"srpp: 1 av 1 kontrakt i {path} er ikke gyldig"

    def test_an_unknown_product_suggests_a_name_in_norwegian(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """Did-you-mean over both languages' names, said in bokmål; the id stays as it is."""
        norwegian_environment(monkeypatch)
        path = tmp_path / "kontrakt.json"
        path.write_text(json.dumps({"products": ["bærbare PC-err"], "duration_months": 12}), "utf-8")
        err = run("recommend", str(path))[2]
        assert "products[0]: ukjent produkt 'bærbare PC-err'; mente du 'Bærbare PC-er' (laptops)?" in err
        assert run("instruments", "markedsdialogg", "--lang", "nb")[2] == (
            "srpp: ukjent virkemiddel 'markedsdialogg'; mente du 'markedsdialog' (market-dialogue)?\n"
        )

    def test_recommend_with_language_raises_in_that_language(self) -> None:
        """recommend(..., language="nb") reports a bad document in bokmål; English by default."""
        import srpp

        with pytest.raises(InvalidContractError) as nb:
            srpp.recommend(self.BAD, language="nb")
        with pytest.raises(InvalidContractError) as en:
            srpp.recommend(self.BAD)
        assert str(nb.value).startswith("ugyldig kontrakt (4 feil)")
        assert str(en.value).startswith("invalid contract (4 problems)")
        assert [p.field for p in nb.value.problems] == [p.field for p in en.value.problems]
        assert current_language() == "en"

    def test_english_messages_are_unchanged(self, tmp_path: Path) -> None:
        """Without Norwegian the messages read as before."""
        path = tmp_path / "c.json"
        path.write_text(json.dumps(self.BAD), "utf-8")
        err = run("recommend", str(path))[2]
        assert "extra: unknown key" in err and "products[0]: unknown product 'laptopz'; did you mean" in err
        assert err.endswith(f"srpp: 1 of 1 contract in {path} is not valid\n")


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**14), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6), st.sampled_from(["laptops", "bærbare PC-er", "møbel", "150.000", "1 000,5", "EUR",
                                          "2026-13-01", "high", "30213100-5", "3021310", "should"]),
)  # fmt: skip
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=2) | st.dictionaries(
    st.sampled_from(["amount", "currency", "exchange_rate", "energy", "x"]), inner, max_size=2), max_leaves=5)
KEYS = ["products", "value", "duration_months", "duration_days", "start_date", "end_date", "date",
        "market_maturity", "contains_conflict_minerals", "risk_overrides", "cpv", "unknown"]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(st.sampled_from(KEYS), values, min_size=1, max_size=4))
def test_field_paths_are_the_same_in_both_languages(doc: dict[str, Any]) -> None:
    """Only the words of a problem change with the language: its field, and which problems
    there are, never do (DESIGN invariant 10, for errors)."""
    import srpp

    outcomes = {}
    for language in ("en", "nb"):
        try:
            srpp.recommend(doc, language=language)
            outcomes[language] = None
        except InvalidContractError as exc:
            outcomes[language] = [p.field for p in exc.problems]
    assert outcomes["en"] == outcomes["nb"]


def test_examples_lists_the_norwegian_titles() -> None:
    """srpp examples --lang nb: the same names, the titles a Norwegian buyer writes."""
    en_out, nb_out = run("examples")[1], run("examples", "--lang", "nb")[1]
    en = dict(line.split(None, 1) for line in en_out.split("\n\n")[0].splitlines())
    nb = dict(line.split(None, 1) for line in nb_out.split("\n\n")[0].splitlines())
    assert en.keys() == nb.keys() and len(en) >= 3
    assert nb["laptop-framework"] == "Rammeavtale for bærbare PC-er og skjermer"
    assert all(nb[name] != en[name] for name in en)
    # the example plans follow, for srpp portfolio, in the same language
    assert "plan-2027            12 contracts" in en_out
    assert "plan-2027            12 kontrakter" in nb_out and "portfolio --example" in nb_out


def test_notices_that_cannot_be_read_are_reported_in_norwegian(tmp_path: Path) -> None:
    """srpp screen --lang nb: each unreadable notice's problem in bokmål, its file as the field."""
    (tmp_path / "a.json").write_text("hello", "utf-8")
    (tmp_path / "b.xml").write_text("<root/>", "utf-8")
    release = {"ocid": "ocds-x-1", "id": "1",
               "tender": {"items": [{"classification": {"scheme": "UNSPSC", "id": "123"}}]}}  # fmt: skip
    (tmp_path / "c.json").write_text(json.dumps(release), "utf-8")
    code, out, err = run("screen", str(tmp_path), str(tmp_path / "none.xml"), "--format", "jsonl", "--lang", "nb")
    errors = [json.loads(line)["error"] for line in out.splitlines()]
    assert code == 2 and err == "srpp: 4 av 4 kunngjøringer kunne ikke leses eller vurderes; se radene deres\n"
    assert errors[0] == f"{tmp_path / 'a.json'}: verken eForms XML (begynner med '<') eller OCDS JSON (begynner med '{{' eller '[')"
    assert errors[1].startswith(f"{tmp_path / 'b.xml'}: ikke en eForms-kunngjøring: rotelementet er 'root'")
    assert errors[2] == (f"{tmp_path / 'c.json'}: ingen CPV-hovedkode (tender.items[].classification med scheme "
                         "CPV) i ocds-x-1 som srpp kan bruke: 123: kodeverk 'UNSPSC', ikke en CPV-hovedkode")  # fmt: skip
    assert errors[3] == f"{tmp_path / 'none.xml'}: filen eller mappen finnes ikke"


def test_screen_in_norwegian_reports_in_norwegian_and_leaves_the_caller_english(tmp_path: Path) -> None:
    """srpp.screen(..., language="nb"): the rows' errors in bokmål; between rows the
    caller's language is its own."""
    import srpp

    (tmp_path / "a.json").write_text("", "utf-8")
    (tmp_path / "b.json").write_text("", "utf-8")
    rows = []
    for row in srpp.screen([tmp_path], language="nb"):
        assert current_language() == "en"
        rows.append(row.error)
    assert rows == [f"{tmp_path / n}: tom: ingen kunngjøring i den" for n in ("a.json", "b.json")]
    assert [r.error for r in srpp.screen([tmp_path])][0].endswith("empty: no notice in it")


def test_a_bad_policy_file_is_reported_in_norwegian(tmp_path: Path) -> None:
    """Every problem of a policy file in bokmål, at its unchanged path in the file."""
    policy = tmp_path / "policy.toml"
    policy.write_text('parametres = 1\n[exchange_rates]\nEUR = "x"\nNOK = 2\n', "utf-8")
    code, _, err = run("rules", "--policy", str(policy), "--lang", "nb")
    assert code == 2 and err.splitlines() == [
        f"srpp: {policy}: parametres: ukjent nøkkel; mente du 'parameters'?",
        f"srpp: {policy}: exchange_rates.EUR: må være et positivt antall NOK per EUR, men er 'x'",
        f"srpp: {policy}: exchange_rates.NOK: NOK er srpps basisvaluta, så kursen er 1 per definisjon, "
        "men er 2; fjern exchange_rates.NOK",
    ]
    policy.write_text("[parameters]\nnope = 1\n", "utf-8")
    err = run("rules", "--policy", str(policy), "--lang", "nb")[2]
    assert err.startswith(f"srpp: {policy}: parameters.nope: ukjent parameter 'nope'; ventet en av ")


def test_a_policy_value_the_rule_set_refuses_is_reported_in_norwegian(tmp_path: Path) -> None:
    """Values checked against the rule set's parameters: bokmål, at the policy's own paths."""
    policy = tmp_path / "policy.toml"
    policy.write_text('[parameters]\npriority_value = -5\nhigh_risk_level = "hgh"\n', "utf-8")
    code, _, err = run("recommend", "--example", "laptop-framework", "--policy", str(policy), "--lang", "nb")
    assert code == 2 and sorted(err.splitlines()) == [
        f"srpp: {policy}: parameters.high_risk_level: ukjent risikonivå 'hgh'; mente du 'high'?",
        f"srpp: {policy}: parameters.priority_value: må være et helt antall NOK fra 0 til under 1e13, men er -5",
    ]


_BAD_RULES = """\
extends = "srpp-default"
remove = ["no-such-rule"]
nmae = "mine"

[[rules]]
id = "mine"
reason = "Because."
sources = ["https://example.org"]
when = {fact = "contract_vlaue", op = "=>", value = 5}
then = {recommend = "code-of-conduct", strength = "strong"}

[[rules]]
id = "mine"
reason = "Again."
when = {fact = "risk_level", op = ">", value = 1}
then = {derive = "own_fact", label = "Own fact"}

[[rules]]
id = "third"
reason = ""
when = {all = []}
then = {recommend = "market-dialogue"}

[[rules]]
id = "fourth"
reason = "Why."
when = 5
then = {derive = "other_fact", label = "Other"}
"""

# the rule file's own keys, which are the same in every language, and None (a missing value)
_RULE_KEYS = {"rules", "None", "strength", "holds", "value", "param", "recommend", "derive", "extends", "op", "when", "then"}


def _english_in(lines: list[str], prefix: str) -> set[str]:
    """English words left in error lines, after their paths, quoted values and file keys."""
    from .test_i18n_text import _english_left

    messages = [line.removeprefix(prefix).split(": ", 1)[1] for line in lines]
    return _english_left(re.sub(r"'[^']*'", " ", "\n".join(messages)), _RULE_KEYS)


def test_a_bad_rule_file_is_reported_in_norwegian(tmp_path: Path) -> None:
    """Every problem of a rule file in bokmål, at the same paths as in English."""
    rules = tmp_path / "rules.toml"
    rules.write_text(_BAD_RULES, "utf-8")
    prefix = f"srpp: {rules}: "
    code_en, _, err_en = run("rules", "--rules", str(rules), "--lang", "en")
    code_nb, _, err_nb = run("rules", "--rules", str(rules), "--lang", "nb")
    english, norwegian = err_en.splitlines(), err_nb.splitlines()
    assert code_en == code_nb == 2 and len(english) == len(norwegian) >= 10
    assert all(line.startswith(prefix) for line in english + norwegian)
    paths = [[line.removeprefix(prefix).split(": ", 1)[0] for line in lines] for lines in (english, norwegian)]
    assert paths[0] == paths[1]
    for line in [
        "nmae: ukjent nøkkel; mente du 'name'?",
        "rules[0].then.strength: ukjent verdi for strength 'strong'; ventet en av 'consider', 'should'",
        "rules[1] (mine).id: regel-id-en 'mine' står to ganger (også i rules[0])",
        "rules[2].then.strength: må oppgis",
        "remove[0]: ukjent regel i 'srpp-default' 'no-such-rule'",
        "rules[0] (mine).when.op: ukjent operator '=>'; mente du '>='?",
        "rules[0] (mine).then.recommend: ukjent virkemiddel 'code-of-conduct'; ventet en av "
        "'conflict-minerals-clause', 'contract-clauses', 'market-dialogue', 'selection-criterion', "
        "'self-assessment'",
        "rules[3].when: må være en betingelse som tabell/objekt, men er 5",
    ]:
        assert prefix + line in norwegian, line
    assert "rules[0] (mine).when.fact: ukjent faktum 'contract_vlaue'" in "\n".join(norwegian)
    assert _english_in(norwegian, prefix) == set()
    assert _english_in(english, prefix)  # the check finds the English it looks for
    # the same problems when a recommendation reads the file
    code, _, err = run("recommend", "--example", "laptop-framework", "--rules", str(rules), "--lang", "nb")
    assert code == 2 and err.splitlines() == norwegian


def test_a_bad_rule_set_check_is_reported_in_norwegian(tmp_path: Path) -> None:
    """Problems found when checking the rule set as a whole, and in extends, in bokmål."""
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rules]]\nid = "a"\nreason = "A."\nsources = ["s"]\n'
        'when = {fact = "value", op = "=<", value = 3}\nthen = {derive = "highest_risk", label = ""}\n'
        '[[rules]]\nid = "b"\nreason = "B."\nwhen = {fact = "high_risk", op = "==", value = true}\n'
        'then = {derive = "b_fact", label = "B"}\n',
        "utf-8",
    )
    prefix = f"srpp: {rules}: "
    err = run("rules", "--rules", str(rules), "--lang", "nb")[2].splitlines()
    assert prefix + ("rules[0] (a).then.derive: 'highest_risk' er et faktum i vokabularet; et avledet faktum "
                     "må ha et eget navn") in err  # fmt: skip
    assert prefix + "rules[0] (a).then.label: må si faktumet med ord" in err
    assert prefix + "rules[0] (a).when.op: ukjent operator '=<'; mente du '<='?" in err
    assert prefix + ("rules[1] (b).when.fact: ukjent faktum 'high_risk': regelen 'high-risk' i srpp-default "
                     "avleder det, og dette regelsettet har ikke den regelen (en regelfil får den med "
                     'extends = "srpp-default")') in err  # fmt: skip
    assert _english_in(err, prefix) == set()
    rules.write_text('extends = "srpp-defualt"\n', "utf-8")
    assert run("rules", "--rules", str(rules), "--lang", "nb")[2] == (
        f"{prefix}extends: ukjent regelsett 'srpp-defualt'; mente du 'srpp-default'? (eller oppgi stien til "
        "en .toml- eller .json-regelfil)\n"
    )


def test_a_rule_set_too_large_for_the_engine_is_reported_in_norwegian() -> None:
    """durable-rules' limits, dependency cycles and colliding names, in bokmål at the same paths."""
    from srpp import InvalidRuleSetError, RuleSetTooLargeError
    from srpp.rules import Compare, Fact, FactKind, Recommend, Recommended, Rule, RuleSet, default_rules

    def rule(rid: str, when: Any, then: Any = None) -> Rule:
        return Rule(rid, when, then or Recommend("market-dialogue", "consider"), "r", ("s",))

    with speaking("nb"), pytest.raises(RuleSetTooLargeError) as info:
        RuleSet([rule(f"r{i}", Compare("value", ">=", 5)) for i in range(257)])
    assert str(info.value).startswith("regelsettet 'custom' er for stort for durable-rules (1 feil)\n")
    assert [p.field for p in info.value.problems] == ["rules"]
    assert info.value.problems[0].message.startswith("257 regler ender i testen value >= NOK 5; durable-rules "
                                                     "tar høyst 256 der (motorfeil 108)")  # fmt: skip
    cycle = rule("r", Recommended("contract-clauses"), Recommend("contract-clauses", "should"))
    with speaking("nb"), pytest.raises(InvalidRuleSetError) as error:
        RuleSet([cycle])
    assert "rules[0] (r): reglene avhenger av hverandre i ring: r -> r" in [str(p) for p in error.value.problems]
    facts = [Fact("attr_70789", FactKind.BOOL, "a", bool), Fact("attr_2110122", FactKind.BOOL, "b", bool)]
    with speaking("nb"), pytest.raises(InvalidRuleSetError) as error:
        default_rules().with_facts(*facts)
    assert "facts: 'attr_2110122' og 'attr_70789' har samme hash i durable-rules" in str(error.value)


class TestParserAndSystemWordsInNorwegian:
    """json's and tomllib's messages and the system's reasons for a failed write, in Norwegian."""

    @pytest.mark.parametrize(
        "text",
        ['{"a": 1 "b": 2}', "", '{"a" 1}', "{1: 2}", "{} x", '"abc', '"a\x01"', '"\\q"', '"\\u12"', "[1,]", '{"a": 1,}'],
    )
    def test_every_message_of_the_json_module_is_translated(self, text: str) -> None:
        """Each of json's messages (which ones depends on the Python version) has srpp's words."""
        from srpp._readers.source import json_reason

        with pytest.raises(json.JSONDecodeError) as caught:
            json.loads(text)
        english = caught.value.msg
        with speaking("nb"):
            norwegian = json_reason(english)
        assert norwegian != english and not norwegian[:1].isupper(), (english, norwegian)
        assert json_reason(english) == english  # English stays as Python writes it

    def test_bad_json_in_norwegian_keeps_line_and_column(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.json"
        bad.write_text('{"id": "a", "products": ["laptops"] "value": 1}')
        code, _, err = run("recommend", str(bad), "--lang", "nb")
        assert code == 2 and "kolonne 37: ikke gyldig JSON: forventet skilletegnet ','" in err
        assert "Expecting" not in err
        code, _, err = run("recommend", str(bad))
        assert "column 37: not valid JSON: Expecting ',' delimiter" in err

    def test_bad_toml_in_norwegian(self, tmp_path: Path) -> None:
        rules = tmp_path / "rules.toml"
        rules.write_text('extends = "srpp-default"\nname x\n')
        code, _, err = run("recommend", "--example", "laptop-framework", "--rules", str(rules), "--lang", "nb")
        assert code == 2 and "ikke gyldig TOML: forventet '=' etter nøkkelen" in err
        assert "(linje 2, kolonne 6)" in err and "Expected" not in err
        code, _, err = run("recommend", "--example", "laptop-framework", "--rules", str(rules))
        assert "not valid TOML: Expected '=' after a key in a key/value pair (at line 2, column 6)" in err
        rules.write_text('name = "x"\nname = "y"\n')
        code, _, err = run("recommend", "--example", "laptop-framework", "--rules", str(rules), "--lang", "nb")
        assert code == 2 and "kan ikke overskrive en verdi (linje 2, kolonne 11)" in err

    def test_write_errors_in_norwegian(self, tmp_path: Path) -> None:
        import os
        import stat

        code, _, err = run("recommend", "--example", "laptop-framework", "--lang", "nb",
                           "-o", str(tmp_path / "missing" / "out.txt"))  # fmt: skip
        assert code == 2 and "kan ikke skrive: filen eller mappen finnes ikke" in err
        code, _, err = run("recommend", "--example", "laptop-framework", "--lang", "nb", "-o", str(tmp_path))
        assert code == 2 and "kan ikke skrive: er en mappe" in err
        full = tmp_path / "full"
        try:  # a node with /dev/full's numbers, so the machine's own is never touched
            os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        except OSError:
            return
        code, _, err = run("recommend", "--example", "laptop-framework", "--lang", "nb", "-o", str(full))
        assert code == 1 and "ikke mer plass på enheten" in err and "No space" not in err
