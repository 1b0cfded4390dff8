"""Provenance: every result says which srpp, rule set, data, policy and date produced it."""

from __future__ import annotations

import datetime
import io
import json
import pickle
import re

import srpp
from srpp import Provenance
from srpp._cli import main
from srpp.rules import default_rules

DOC = {"id": "p-1", "products": ["laptops"], "value": {"amount": 2_000_000}, "duration_months": 12}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


class TestProvenance:
    def test_a_result_names_srpp_the_rule_set_data_policy_and_date(self) -> None:
        """to_dict()["provenance"] has every key DESIGN.md promises."""
        p = srpp.recommend(DOC).to_dict()["provenance"]
        assert p["srpp"] == srpp.__version__
        assert p["rules"] == {"name": "srpp-default", "digest": default_rules().digest}
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", p["rules"]["digest"])
        assert set(p["data"]) == {"products", "cpv"}
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", p["data"]["products"]["version"])
        assert p["data"]["cpv"]["version"] == "CPV 2008"
        assert p["policy"] == {}
        assert p["date"] == datetime.date.today().isoformat()

    def test_the_date_is_the_contracts_date_when_it_gives_one(self) -> None:
        """A contract dated 2026-01-15 is judged, and recorded, for that day."""
        r = srpp.recommend({**DOC, "date": "2026-01-15"})
        assert r.to_dict()["provenance"]["date"] == "2026-01-15"

    def test_the_policy_lists_only_values_that_differ(self) -> None:
        """A policy value equal to the rule set's own is not a difference."""
        own = default_rules().parameter("act_threshold").value
        r = srpp.recommend(DOC, policy={"priority_value": 2_000_000, "act_threshold": own})
        assert r.to_dict()["provenance"]["policy"] == {"priority_value": 2_000_000}
        # the rule set recorded is the caller's, not the one the policy made
        assert r.provenance is not None and r.provenance.digest == default_rules().digest

    def test_two_rule_sets_are_told_apart(self) -> None:
        """Another rule set: another name and digest; a renamed copy: same digest."""
        mine = default_rules().without("conflict-minerals-clause")
        a, b = srpp.recommend(DOC).provenance, srpp.recommend(DOC, rules=mine).provenance
        assert a is not None and b is not None
        assert (b.rules, b.digest != a.digest) == ("srpp-default (modified)", True)
        c = srpp.recommend(DOC, rules=mine.renamed("ours")).provenance
        assert c is not None and c.rules == "ours" and c.digest == b.digest

    def test_products_of_ones_own_are_named(self) -> None:
        """A downstream catalogue's product shows under data.products.own."""
        from tests.test_extending import DRONES

        cat = srpp.default_catalogue().with_products(DRONES)
        doc = {"products": ["drones", "laptops"], "value": {"amount": 8_000_000}, "duration_months": 12}
        p = srpp.recommend(doc, catalogue=cat).to_dict()["provenance"]
        assert p["data"]["products"]["own"] == ["drones"]
        assert "own" not in srpp.recommend(DOC).to_dict()["provenance"]["data"]["products"]

    def test_batches_carry_the_same_provenance(self) -> None:
        """recommend_many's results equal recommend's, provenance included."""
        single = srpp.recommend(DOC)
        many = list(srpp.recommend_many([DOC, DOC]))
        assert all(r.provenance == single.provenance for r in many)

    def test_provenance_is_a_value(self) -> None:
        """Frozen, comparable, picklable; the same object is reused per rule set and day."""
        a, b = srpp.recommend(DOC).provenance, srpp.recommend(DOC).provenance
        assert a is b and pickle.loads(pickle.dumps(a)) == a
        assert isinstance(a, Provenance) and json.dumps(a.to_dict())


class TestReports:
    def test_every_format_of_srpp_recommend_shows_it(self) -> None:
        """Text, Markdown and JSON all carry the rule set's name and digest, data and date."""
        digest = default_rules().digest
        today = datetime.date.today().isoformat()
        for fmt in ("text", "markdown"):
            code, out, _ = run("recommend", "--example", "laptop-framework", "--format", fmt)
            assert code == 0 and "Provenance" in out and digest in out and today in out
            assert "srpp-default" in out and "CPV 2008" in out
        code, out, _ = run("recommend", "--example", "laptop-framework", "--format", "json")
        assert json.loads(out)["provenance"]["rules"]["digest"] == digest

    def test_a_policy_file_and_a_rule_file_show_in_the_report(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        """--policy values and --rules names appear, so two runs can be compared."""
        policy = tmp_path / "policy.toml"
        policy.write_text("[parameters]\npriority_value = 2000000\n")
        rules = tmp_path / "ours.toml"
        rules.write_text('extends = "srpp-default"\nremove = ["conflict-minerals-clause"]\n')
        code, out, err = run("recommend", "--example", "laptop-framework", "--policy", str(policy),
                             "--rules", str(rules), "--format", "json")  # fmt: skip
        assert code == 0, err
        p = json.loads(out)["provenance"]
        assert p["policy"] == {"priority_value": 2_000_000} and p["rules"]["name"] == "ours"
        code, out, _ = run("recommend", "--example", "laptop-framework", "--policy", str(policy))
        assert "priority_value = 2000000" in out


class TestExchangeRates:
    EUR = {"id": "e-1", "products": ["laptops"], "value": {"amount": 200_000, "currency": "EUR"},
           "duration_months": 12}  # fmt: skip

    def test_a_rate_from_the_policy_is_in_the_provenance(self) -> None:
        """The policy's rate changes the value in NOK, so the result: it is recorded."""
        r = srpp.recommend(self.EUR, policy={"exchange_rates": {"EUR": 11.5, "SEK": 1.02}})
        assert r.to_dict()["provenance"]["policy"] == {"exchange_rates": {"EUR": 11.5}}

    def test_a_rate_the_contract_gives_itself_is_not_the_policys(self) -> None:
        """The document's own rate is in the contract; the policy's unused one is not shown."""
        doc = {**self.EUR, "value": {"amount": 200_000, "currency": "EUR", "exchange_rate": 11}}
        r = srpp.recommend(doc, policy={"exchange_rates": {"EUR": 11.5}})
        assert r.to_dict()["provenance"]["policy"] == {}
        assert srpp.recommend(DOC, policy={"exchange_rates": {"EUR": 11.5}}).to_dict()["provenance"]["policy"] == {}

    def test_every_format_shows_it(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        """JSON, text (English and Norwegian), Markdown and HTML of srpp recommend --policy."""
        policy = tmp_path / "rates.toml"
        policy.write_text("[exchange_rates]\nEUR = 11.5\n")
        doc = tmp_path / "c.json"
        doc.write_text(json.dumps(self.EUR))
        code, out, err = run("recommend", str(doc), "--policy", str(policy), "--format", "json")
        assert code == 0, err
        assert json.loads(out)["provenance"]["policy"] == {"exchange_rates": {"EUR": 11.5}}
        for fmt, lang, shown in (("text", "en", "exchange rate EUR = 11.5 NOK"),
                                 ("markdown", "en", "exchange rate EUR = 11.5 NOK"),
                                 ("text", "nb", "valutakurs EUR = 11,5 kr"),
                                 ("html", "en", "11.5")):  # fmt: skip
            code, out, err = run("recommend", str(doc), "--policy", str(policy), "--format", fmt, "--lang", lang)
            assert code == 0 and shown in out, (fmt, lang, err)
            assert "the rule set's own values" not in out
        assert "Policy: exchange_rates.EUR" in out  # the HTML provenance list, in words


def test_the_day_asked_once_a_day_is_the_systems_day() -> None:
    """srpp asks the system for the local date once per day (it is slow); it is the same day."""
    import datetime

    from srpp._provenance import today

    assert today() == datetime.date.today() and today() is today()
