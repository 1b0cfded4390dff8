"""Rule sets as data: validation, documents, pickling and building new rule sets."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import attrs

import pytest
from hypothesis import given

import srpp
from srpp import InvalidPolicyError, InvalidRuleSetError, Strength
from srpp.rules import (
    AllOf,
    Compare,
    Derive,
    Holds,
    Parameter,
    Policy,
    Recommend,
    Recommended,
    Rule,
    RuleSet,
    default_rules,
)

from .strategies import rule_sets

SRC = ("https://example.org/guidance",)


def rule(id: str, when: object, then: object) -> Rule:
    return Rule(id, when, then, f"reason of {id}", SRC)  # type: ignore[arg-type]


class TestDefaultRules:
    def test_the_default_rules_encode_the_five_rules_of_the_design(self) -> None:
        """Every instrument of the design is concluded by some default rule."""
        concluded = {r.then.instrument for r in default_rules() if isinstance(r.then, Recommend)}
        assert concluded == {"market-dialogue", "contract-clauses", "selection-criterion",
                             "conflict-minerals-clause", "self-assessment"}  # fmt: skip

    def test_every_threshold_is_a_parameter_with_a_source(self) -> None:
        """The policy numbers of the design, each sourced."""
        params = {p.name: p for p in default_rules().parameters}
        assert params["act_threshold"].value == 100_000
        assert params["priority_value"].value == 1_300_000
        assert params["priority_duration"].value == 24
        assert params["full_self_assessment_value"].value == 50_000_000
        assert all(p.source.startswith("https://") for p in params.values())

    def test_every_rule_has_a_reason_and_a_source(self) -> None:
        """Invariant 7 starts here: rules carry their reasons and sources."""
        for r in default_rules():
            assert r.reason and r.sources


class TestValidation:
    def test_every_problem_is_reported_at_once(self) -> None:
        """Unknown fact, unknown instrument, duplicate id and a cycle: one error, four problems."""
        rules = [
            rule("a", Compare("valeu", ">=", 5), Recommend("market-dialogue", "should")),
            rule("b", Compare("value", ">=", 5), Recommend("market-dialog", "should")),
            rule("b", Compare("value", ">=", 5), Derive("x", "x holds")),
            rule("c", Holds("y"), Derive("z", "z holds")),
            rule("d", Holds("z"), Derive("y", "y holds")),
        ]
        with pytest.raises(InvalidRuleSetError) as e:
            RuleSet(rules)
        text = str(e.value)
        assert "unknown fact 'valeu'; did you mean 'value'?" in text
        assert "unknown instrument 'market-dialog'; did you mean 'market-dialogue'?" in text
        assert "duplicate rule id 'b'" in text
        assert "dependency cycle" in text
        assert len(e.value.problems) >= 4

    @pytest.mark.parametrize(
        ("when", "message"),
        [
            (Compare("market_maturity", ">=", "high"), "does not apply to a choice fact"),
            (Compare("raw_material", ">=", "extreme"), "is compared with a risk level"),
            (Compare("value", ">=", True), "is compared with a whole number of NOK"),
            (Compare("value", ">=", None, "no_such_param"), "unknown parameter"),
            (Compare("value", "=>", 5), "unknown operator"),
            (Compare("value", ">=", 5, "p"), "exactly one of value and param"),
            (Holds("value"), "holds tests boolean facts"),
            (Recommended("clauses"), "unknown instrument"),
            (AllOf(()), "needs at least one condition"),
        ],
    )
    def test_bad_conditions_are_named(self, when: object, message: str) -> None:
        """Each kind of bad condition gives a message that says what is wrong."""
        with pytest.raises(InvalidRuleSetError, match=message):
            RuleSet([rule("r", when, Recommend("market-dialogue", "should"))],
                    parameters=[Parameter("p", "money", 5)])  # fmt: skip

    def test_unknown_attribute_choice_is_an_error(self) -> None:
        """form must be simplified or full."""
        with pytest.raises(InvalidRuleSetError, match="unknown choice 'long'"):
            RuleSet([rule("r", Compare("value", ">=", 0),
                          Recommend("self-assessment", "should", {"form": "long"}))])  # fmt: skip

    def test_a_derived_fact_cannot_shadow_a_base_fact(self) -> None:
        """Derive('value') would be ambiguous."""
        with pytest.raises(InvalidRuleSetError, match="a derived fact needs a name of its own"):
            RuleSet([rule("r", Compare("value", ">=", 0), Derive("value", "v"))])

    def test_a_rule_that_tests_what_it_concludes_is_a_cycle(self) -> None:
        """A rule cannot depend on itself."""
        with pytest.raises(InvalidRuleSetError, match="dependency cycle: r -> r"):
            RuleSet([rule("r", Recommended("contract-clauses"), Recommend("contract-clauses", "should"))])

    def test_colliding_property_names_are_rejected(self) -> None:
        """Two fact names with the same engine hash would be confused by durable-rules."""
        from srpp.rules import Fact, FactKind
        from srpp.rules._check import fnv1a_32

        # the measured collision of the engine notes, reproduced with our hash
        assert fnv1a_32("attr_70789") == fnv1a_32("attr_2110122")
        facts = [Fact("attr_70789", FactKind.BOOL, "a", bool), Fact("attr_2110122", FactKind.BOOL, "b", bool)]
        with pytest.raises(InvalidRuleSetError, match="same hash"):
            default_rules().with_facts(*facts)


class TestDocuments:
    def test_default_rules_round_trip_through_json(self) -> None:
        """from_dict(to_dict()) is equal to the original."""
        rs = default_rules()
        assert RuleSet.from_dict(json.loads(rs.to_json())) == rs

    @given(rule_sets())
    def test_generated_rule_sets_round_trip_and_pickle(self, rs: RuleSet) -> None:
        """Rule sets are values: JSON and pickle give equal rule sets."""
        assert RuleSet.from_dict(json.loads(rs.to_json())) == rs
        assert pickle.loads(pickle.dumps(rs)) == rs

    def test_a_toml_rule_file_loads(self, tmp_path: Path) -> None:
        """A small TOML rule file, as a downstream project writes it."""
        f = tmp_path / "mine.toml"
        f.write_text(
            'name = "mine"\n'
            "[[rules]]\n"
            'id = "big"\n'
            'reason = "Big contracts get a dialogue."\n'
            'sources = ["https://example.org"]\n'
            'when = { fact = "value", op = ">=", value = 10000000 }\n'
            'then = { recommend = "market-dialogue", strength = "should" }\n'
        )
        rs = RuleSet.load(f)
        assert rs.name == "mine" and rs.rule("big").then == Recommend("market-dialogue", Strength.SHOULD)

    def test_a_bad_rule_file_lists_every_problem_with_its_path(self, tmp_path: Path) -> None:
        """Unknown keys and bad values in a file: one error, paths into the document."""
        f = tmp_path / "bad.json"
        f.write_text(json.dumps({"rules": [
            {"id": "a", "reason": "r", "when": {"fact": "value", "op": ">="}, "then": {"recommend": "x"}},
            {"id": "b", "reason": "r", "whn": {}, "then": {"derive": "d", "label": "d"}},
        ]}))  # fmt: skip
        with pytest.raises(InvalidRuleSetError) as e:
            RuleSet.load(f)
        fields = {p.field for p in e.value.problems}
        assert "rules[0].then.strength" in fields
        assert "rules[1].whn" in fields and "rules[1].when" in fields

    def test_a_rule_file_can_never_run_code(self, tmp_path: Path) -> None:
        """Anything that is not a known key is rejected; strings are never evaluated."""
        f = tmp_path / "evil.json"
        f.write_text(json.dumps({"rules": [{"id": "a", "reason": "r", "sources": ["s"],
            "when": {"fact": "__import__('os').system('false')", "op": "==", "value": 1},
            "then": {"recommend": "market-dialogue", "strength": "should"}}]}))  # fmt: skip
        with pytest.raises(InvalidRuleSetError, match="unknown fact"):
            RuleSet.load(f)

    def test_unreadable_and_malformed_files(self, tmp_path: Path) -> None:
        """Missing files and bad syntax are InvalidRuleSetErrors, not OSErrors."""
        with pytest.raises(InvalidRuleSetError, match="cannot read"):
            RuleSet.load(tmp_path / "missing.toml")
        (tmp_path / "x.toml").write_text("rules = [")
        with pytest.raises(InvalidRuleSetError, match="not valid TOML"):
            RuleSet.load(tmp_path / "x.toml")


class TestBuilding:
    def test_with_rules_replace_and_without_make_new_rule_sets(self) -> None:
        """The original never changes; each call returns a validated new rule set."""
        rs = default_rules()
        extra = rule("extra", Compare("value", ">=", 10**9), Recommend("market-dialogue", "should"))
        bigger = rs.with_rules(extra)
        assert "extra" in bigger and "extra" not in rs
        assert len(bigger.without("extra")) == len(rs)
        replaced = rs.replace(rule("mature-market", Compare("market_maturity", "!=", "low"),
                                   Derive("mature_market", "the market is not immature")))  # fmt: skip
        assert replaced.rule("mature-market").when == Compare("market_maturity", "!=", "low")

    def test_removing_a_rule_others_depend_on_is_an_error(self) -> None:
        """Without 'high-risk', rules testing high_risk have an unknown fact."""
        with pytest.raises(InvalidRuleSetError, match="unknown fact 'high_risk'"):
            default_rules().without("high-risk")

    def test_unknown_rule_ids_are_errors(self) -> None:
        """without/replace name the unknown id with a suggestion."""
        with pytest.raises(InvalidRuleSetError, match="did you mean 'priority'"):
            default_rules().without("priorty")

    def test_policy_changes_parameters(self) -> None:
        """with_policy gives a new rule set with the new values."""
        rs = default_rules().with_policy(Policy({"priority_value": 5}))
        assert rs.parameter("priority_value").value == 5
        assert default_rules().parameter("priority_value").value == 1_300_000

    def test_unknown_or_bad_policy_values_are_errors(self) -> None:
        """An unknown parameter gets a suggestion; a bad value says why."""
        with pytest.raises(InvalidPolicyError, match="did you mean 'priority_value'"):
            default_rules().with_policy({"priority_valu": 5})
        with pytest.raises(InvalidPolicyError, match="must be a whole number"):
            default_rules().with_policy({"priority_value": "lots"})

    def test_policy_files(self, tmp_path: Path) -> None:
        """A policy file with parameters and exchange rates."""
        f = tmp_path / "policy.toml"
        f.write_text("[parameters]\npriority_value = 2000000\n[exchange_rates]\nEUR = 11.5\n")
        p = Policy.load(f)
        assert dict(p.values) == {"priority_value": 2_000_000}
        assert str(dict(p.exchange_rates)["EUR"]) == "11.5"
        f.write_text("[parameters]\npriority_value = true\n")
        with pytest.raises(InvalidPolicyError, match=r"parameters\.priority_value"):
            Policy.load(f)


class TestDefaultPolicyVersion2:
    def test_every_parameter_has_a_basis_and_a_source(self) -> None:
        """law, guidance or srpp, each with a URL; guidance and srpp pages with their date
        where the page shows one."""
        for p in default_rules().parameters:
            assert p.basis in ("law", "guidance", "srpp"), p.name
            assert p.source.startswith("https://"), p.name
            if p.basis == "srpp":
                assert "srpp" in p.description, p.name

    def test_the_figures_of_the_design_table(self) -> None:
        """DESIGN.md's table, value and basis."""
        got = {p.name: (p.value, p.basis) for p in default_rules().parameters}
        assert got == {
            "act_threshold": (100_000, "law"),
            "high_risk_level": ("medium_high", "guidance"),
            "particular_risk_level": ("very_high", "srpp"),
            "priority_value": (1_300_000, "srpp"),
            "priority_duration": (24, "srpp"),
            "conflict_minerals_level": ("high", "srpp"),
            "full_self_assessment_value": (50_000_000, "srpp"),
        }

    def test_no_rule_credits_an_srpp_figure_to_dfo(self) -> None:
        """A rule deriving from an srpp figure says 'srpp' in its reason or its label."""
        from srpp.rules import Derive
        from srpp.rules._check import walk

        rs = default_rules()
        mine = {p.name for p in rs.parameters if p.basis == "srpp"}
        for r in rs:
            if {c.param for c in walk(r.when) if isinstance(c, Compare)} & mine:
                text = r.reason + (r.then.label if isinstance(r.then, Derive) else "")
                assert "srpp" in text, r.id

    def test_srpp_rules_listing_shows_every_basis(self) -> None:
        """`srpp rules`: each parameter with its basis in words and its source."""
        from srpp._writers.text import parameters_text

        text = parameters_text(default_rules())
        for p in default_rules().parameters:
            assert p.source in text
        assert text.count("srpp's reading") >= 5 and "DFØ's guidance" in text and "law" in text


class TestSchedules:
    def test_a_parameter_is_read_for_the_contracts_date(self) -> None:
        """A rule file adds the reform's date; contracts before and after it differ."""
        import datetime

        from srpp.rules import Change

        p = default_rules().parameter("act_threshold")
        rs = default_rules().with_parameters(
            attrs.evolve(p, schedule=(Change(datetime.date(2027, 7, 1), 300_000, "https://example.org/x"),))
        )
        doc = {"products": ["laptops"], "value": {"amount": 200_000}, "duration_months": 12}
        before = srpp.recommend({**doc, "date": "2027-06-30"}, rules=rs)
        after = srpp.recommend({**doc, "date": "2027-07-01"}, rules=rs)
        assert before.instruments and not after.instruments
        assert any("300,000" in n for n in after.notes)

    def test_a_schedule_in_a_rule_file(self, tmp_path: Any) -> None:
        """extends + schedule: TOML dates, checked; a value alone drops the schedule."""
        f = tmp_path / "mine.toml"
        f.write_text('extends = "srpp-default"\n[parameters.act_threshold]\n'
                     'schedule = [{since = 2027-07-01, value = 300_000, source = "https://example.org/x"}]\n')
        rs = RuleSet.load(f)
        p = rs.parameter("act_threshold")
        import datetime

        assert p.value_on(datetime.date(2027, 7, 1)) == 300_000 and p.value_on(datetime.date(2027, 6, 30)) == 100_000
        assert RuleSet.from_dict(rs.to_dict()).parameter("act_threshold") == p

    def test_bad_schedules_are_refused_naming_the_field(self) -> None:
        """Out of order, wrong kind of value, unknown basis."""
        import datetime

        from srpp.rules import Change

        bad = Parameter("t", "money", 1, basis="dfo", schedule=(
            Change(datetime.date(2027, 1, 1), "x"), Change(datetime.date(2026, 1, 1), 5)))
        with pytest.raises(srpp.InvalidRuleSetError) as e:
            default_rules().with_parameters(bad)
        fields = {p.field for p in e.value.problems}
        assert {"parameters.t.basis", "parameters.t.schedule[0].value", "parameters.t.schedule"} <= fields

    def test_a_policy_value_applies_on_every_date(self) -> None:
        """A policy's number replaces the schedule too."""
        import datetime

        from srpp.rules import Change

        p = default_rules().parameter("act_threshold")
        rs = default_rules().with_parameters(attrs.evolve(p, schedule=(Change(datetime.date(2027, 7, 1), 300_000),)))
        assert rs.with_policy({"act_threshold": 150_000}).parameter("act_threshold").schedule == ()


@pytest.mark.parametrize("extends", [True, False])
def test_a_rule_file_with_several_problems_reports_them_all_at_once(extends: bool) -> None:
    """A bad strength (found while reading) and a bad fact, operator and instrument (found by
    the checks of the whole rule set) come in one error, not one run after another."""
    doc: dict[str, Any] = {
        "rules": [
            {
                "id": "x", "reason": "r", "sources": ["https://example.org"],
                "when": {"fact": "valeu", "op": ">>", "value": 1},
                "then": {"recommend": "market-dialog", "strength": "must"},
            }
        ]
    }  # fmt: skip
    if extends:
        doc["extends"] = "srpp-default"
    with pytest.raises(InvalidRuleSetError) as info:
        RuleSet.from_dict(doc)
    fields = {p.field.rsplit(".", 1)[-1] for p in info.value.problems}
    assert {"strength", "fact", "op", "recommend"} <= fields, info.value.problems


RULE_TOML = """
[[rules]]
id = "{id}"
reason = "r"
sources = ["https://example.org"]
when = {{ fact = "valeu", op = "{op}", value = 1 }}
then = {{ recommend = "market-dialogue", strength = "should" }}
"""


class TestProblemsPointIntoTheFile:
    def test_a_file_that_extends_another_counts_only_its_own_rules(self, tmp_path: Path) -> None:
        """The file's first rule is rules[0], not rules[14] after the inherited ones."""
        f = tmp_path / "ours.toml"
        f.write_text('extends = "srpp-default"\n' + RULE_TOML.format(id="ours", op=">="))
        with pytest.raises(InvalidRuleSetError) as info:
            RuleSet.load(f)
        assert [p.field for p in info.value.problems] == ["rules[0] (ours).when.fact"]

    def test_a_problem_in_the_extended_file_names_that_file(self, tmp_path: Path) -> None:
        """Problems of the base file are at its own rule positions, below extends (base)."""
        (tmp_path / "base.toml").write_text('extends = "srpp-default"\n' + RULE_TOML.format(id="b", op=">="))
        (tmp_path / "ours.toml").write_text('extends = "base.toml"\n')
        with pytest.raises(InvalidRuleSetError) as info:
            RuleSet.load(tmp_path / "ours.toml")
        assert [p.field for p in info.value.problems] == ["extends (base.toml).rules[0] (b).when.fact"]

    def test_an_inherited_rule_a_file_breaks_is_named_where_it_is_written(self, tmp_path: Path) -> None:
        """A parameter the file changes in kind breaks a rule of srpp-default: that rule is
        named in srpp-default, by its position there."""
        f = tmp_path / "ours.toml"
        f.write_text('extends = "srpp-default"\n[parameters.priority_value]\nkind = "level"\nvalue = "high"\n')
        with pytest.raises(InvalidRuleSetError) as info:
            RuleSet.load(f)
        k = [r.id for r in default_rules().rules].index("priority")
        assert info.value.problems[0].field.startswith(f"extends (srpp-default).rules[{k}] (priority).when")

    def test_a_rule_id_twice_in_a_file_that_extends_is_an_error(self) -> None:
        """Without it the second rule would silently replace the first."""
        one = {"id": "x", "reason": "r", "sources": ["https://example.org"],
               "when": {"fact": "value", "op": ">=", "value": 1},
               "then": {"recommend": "market-dialogue", "strength": "should"}}  # fmt: skip
        with pytest.raises(InvalidRuleSetError, match=r"rules\[1\] \(x\)\.id: duplicate rule id 'x' \(also rules\[0\]\)"):
            RuleSet.from_dict({"extends": "srpp-default", "rules": [one, one]})

    def test_rules_after_an_unreadable_one_keep_their_positions(self) -> None:
        """A rule that cannot be read does not shift the positions of the ones after it."""
        good = {"id": "x", "reason": "r", "sources": ["https://example.org"],
                "when": {"fact": "valeu", "op": ">=", "value": 1},
                "then": {"recommend": "market-dialogue", "strength": "should"}}  # fmt: skip
        with pytest.raises(InvalidRuleSetError) as info:
            RuleSet.from_dict({"rules": [{"id": "broken"}, good]})
        assert "rules[1] (x).when.fact" in [p.field for p in info.value.problems]


@pytest.mark.parametrize(
    ("op", "meant"),
    [("=>", ">="), ("=<", "<="), ("=", "=="), ("===", "=="), ("<>", "!="), ("≥", ">="), (" >= ", ">=")],
)
def test_a_misspelt_operator_gets_the_one_meant(op: str, meant: str) -> None:
    """=> is >= (not >), <> is != and = is ==."""
    with pytest.raises(InvalidRuleSetError) as info:
        RuleSet([rule("r", Compare("value", op, 5), Recommend("market-dialogue", "should"))])
    assert info.value.problems[0].message == f"unknown operator {op!r}; did you mean {meant!r}?"


def test_an_operator_nothing_like_one_lists_the_six() -> None:
    """No guess for a word: the six operators are listed."""
    with pytest.raises(InvalidRuleSetError, match="expected one of '==', '!=', '<', '<=', '>', '>='"):
        RuleSet([rule("r", Compare("value", "about", 5), Recommend("market-dialogue", "should"))])


class TestPolicyFiles:
    @pytest.mark.parametrize("rate", [2, 0.5])
    def test_a_rate_for_nok_other_than_1_is_refused_when_the_policy_loads(self, rate: float) -> None:
        """NOK is the base currency; its rate is 1 by definition."""
        with pytest.raises(InvalidPolicyError) as info:
            Policy.from_dict({"exchange_rates": {"NOK": rate}})
        (p,) = info.value.problems
        assert p.field == "exchange_rates.NOK"
        assert "base currency" in p.message and "remove exchange_rates.NOK" in p.message
        assert Policy.from_dict({"exchange_rates": {"NOK": 1}}).exchange_rates

    @pytest.mark.parametrize(("code", "rate", "message"), [
        ("XYZ", 3, "unknown currency code 'XYZ'"),
        ("EUR", 0, "must be a positive number"),
        ("EUR", -1, "must be a positive number"),
        ("EUR", "11,5", "must be a positive number"),
    ])  # fmt: skip
    def test_bad_rates_and_unknown_currencies_are_refused_by_field(self, code: str, rate: object, message: str) -> None:
        """Every rate is checked when the policy loads, not contract by contract."""
        with pytest.raises(InvalidPolicyError, match=rf"exchange_rates\.{code}: {message}"):
            Policy.from_dict({"exchange_rates": {code: rate}})
        with pytest.raises(InvalidPolicyError, match=rf"exchange_rates\.{code}"):
            Policy(exchange_rates={code: rate})  # type: ignore[dict-item]

    def test_a_policy_file_reports_every_problem_at_once(self, tmp_path: Path) -> None:
        """Two bad values, an unknown parameter and two bad rates: one error, five problems."""
        f = tmp_path / "policy.toml"
        f.write_text('[parameters]\npriority_valu = 5\npriority_duration = true\nact_threshold = "x"\n'
                     '[exchange_rates]\nNOK = 2\nEUR = -1\nSEK = 1.0\n')  # fmt: skip
        with pytest.raises(InvalidPolicyError) as info:
            Policy.load(f, rules=default_rules())
        assert sorted(p.field for p in info.value.problems) == [
            "exchange_rates.EUR", "exchange_rates.NOK", "parameters.act_threshold",
            "parameters.priority_duration", "parameters.priority_valu",
        ]  # fmt: skip

    def test_unknown_names_and_bad_values_come_together(self) -> None:
        """with_policy reports an unknown parameter and a bad value in one error."""
        with pytest.raises(InvalidPolicyError) as info:
            default_rules().with_policy({"priority_valu": 5, "high_risk_level": "hihg"})
        assert [p.field for p in info.value.problems] == ["parameters.priority_valu", "parameters.high_risk_level"]
