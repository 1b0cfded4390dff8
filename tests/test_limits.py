"""durable-rules' limits, each checked when a rule set is built.

Every instance measured on version 1 (a rule set that passed the checks and failed later) is
refused at build time here, and a rule set just inside each limit is shown to compile and to
evaluate a contract that makes all of its tests true, in the real engine. Anything that could
hang the engine runs in a subprocess with a timeout, so the suite cannot hang.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest

import srpp
from srpp import Contract, InvalidRuleSetError, Money, RuleSetTooLargeError
from srpp.rules import AllOf, AnyOf, Compare, Derive, Fact, FactKind, Holds, Recommend, Rule, RuleSet, default_rules
from srpp.rules._check import ENGINE_NAMES, MAX_STACK, MAX_TESTS_AFTER_ONE, fnv1a_32
from srpp.rules._engine import Compiled

LAPTOPS = Contract((srpp.product("laptops"),), Money(10**9), 1200)


def rule(rid: str, when: Any, then: Any = None) -> Rule:
    then = then if then is not None else Recommend("market-dialogue", "consider")
    return Rule(rid, when, then, "r", ("s",))


def numbers(n: int, value: int = 10**6) -> tuple[Fact, ...]:
    """n number facts v0..v{n-1}, each read as ``value`` from every contract."""
    return tuple(Fact(f"v{i}", FactKind.NUMBER, f"v{i}", lambda c, v=value: v) for i in range(n))


def run_isolated(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter; a hang becomes a test failure, not a stuck suite."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout)  # fmt: skip


class TestAlphaSlots:
    def test_512_rules_value_at_least_i_are_refused_without_hanging(self) -> None:
        """The measured hang: 512 thresholds on one fact fill the engine's 512-slot table."""
        out = run_isolated("""
            from srpp import RuleSetTooLargeError
            from srpp.rules import Compare, Recommend, Rule, RuleSet
            rules = [Rule(f"r{i}", Compare("value", ">=", i), Recommend("market-dialogue", "consider"), "r", ("s",))
                     for i in range(512)]
            try:
                RuleSet(rules)
            except RuleSetTooLargeError as exc:
                print(exc)
        """)
        assert out.returncode == 0, out.stderr
        assert "512 different tests follow" in out.stdout and "slots" in out.stdout
        assert "merge thresholds" in out.stdout

    def test_one_any_of_512_equalities_is_refused_without_hanging(self) -> None:
        """The other shape of the hang: the alternatives of one any hang off one test."""
        out = run_isolated("""
            from srpp import RuleSetTooLargeError
            from srpp.rules import AnyOf, Compare, Recommend, Rule, RuleSet
            cond = AnyOf([Compare("value", "==", i) for i in range(512)])
            try:
                RuleSet([Rule("r", cond, Recommend("market-dialogue", "consider"), "r", ("s",))])
            except RuleSetTooLargeError as exc:
                print(exc)
        """)
        assert out.returncode == 0, out.stderr
        assert "different tests follow" in out.stdout

    def test_the_largest_allowed_fan_out_compiles_and_evaluates(self) -> None:
        """256 equality tests of one fact: accepted, compiled and evaluated in the engine."""
        out = run_isolated(f"""
            import srpp
            from srpp import Contract, Money
            from srpp.rules import Compare, Recommend, Rule, RuleSet
            rules = [Rule(f"r{{i}}", Compare("duration_months", "==", i), Recommend("market-dialogue", "consider"),
                          "r", ("s",)) for i in range({MAX_TESTS_AFTER_ONE})]
            rs = RuleSet(rules)
            rec = srpp.recommend(Contract((srpp.product("laptops"),), Money(1000), 7), rules=rs)
            print(rec.fired)
        """)
        assert out.returncode == 0, out.stderr
        assert "('r7',)" in out.stdout

    def test_257_rules_ending_at_one_test_are_refused(self) -> None:
        """Error 108: more than 256 rules with the same condition."""
        with pytest.raises(RuleSetTooLargeError, match="257 rules end at the test value >= NOK 5") as info:
            RuleSet([rule(f"r{i}", Compare("value", ">=", 5)) for i in range(257)])
        assert info.value.problems and "merge rules" in info.value.problems[0]


class TestFacts:
    def test_252_facts_used_by_rules_are_refused(self) -> None:
        """Error 302 (hidden behind 309 in version 1): too many properties in one message."""
        facts = numbers(252)
        with pytest.raises(RuleSetTooLargeError, match="test 252 different facts; durable-rules takes at most 251"):
            RuleSet([rule("all", AllOf([Compare(f.name, "==", 10**6) for f in facts]))], facts=facts)

    def test_251_facts_compile_and_evaluate(self) -> None:
        """Just inside the limit, with every fact present in the contract."""
        facts = numbers(251)
        rs = RuleSet([rule("all", AllOf([Compare(f.name, "==", 10**6) for f in facts]))], facts=facts)
        assert srpp.recommend(LAPTOPS, rules=rs).fired == ("all",)


class TestNames:
    @pytest.mark.parametrize(("name", "operator"), [("m4tjsp", "$neq"), ("c9sf2h", "$lte"), ("vhjyom", "$or")])
    def test_a_fact_whose_hash_is_an_operators_is_refused(self, name: str, operator: str) -> None:
        """Error 102 in version 1: the engine reads the fact's name as the operator."""
        assert fnv1a_32(name) == fnv1a_32(operator)
        fact = Fact(name, FactKind.NUMBER, name, lambda c: 1)
        with pytest.raises(InvalidRuleSetError, match=f"same 32-bit hash in durable-rules as its operator '\\{operator}'"):
            default_rules().with_facts(fact).with_rules(rule("x", Compare(name, ">=", 0)))

    def test_the_hash_is_the_engines(self) -> None:
        """Constants of durable-rules' C core (rete.c, state.h) agree with fnv1a_32."""
        assert fnv1a_32("$neq") == 2488026869 and fnv1a_32("$lte") == 2350824890
        assert fnv1a_32("sid") == 3593476751 and fnv1a_32("id") == 926444256
        assert len(set(map(fnv1a_32, ENGINE_NAMES))) == len(ENGINE_NAMES)

    def test_the_engine_itself_confuses_such_a_name(self) -> None:
        """The check guards against a real failure: the raw engine refuses m4tjsp (error 102)."""
        import json

        import durable_rules_engine as dre

        definition = {"r": {"all": [{"m": {"$and": [{"_k": 0}, {"m4tjsp": 5}]}}]}}
        with pytest.raises(dre.error, match="102"):
            dre.create_ruleset("probe", json.dumps(definition))


class TestJoinsAndNesting:
    @staticmethod
    def chain(n: int) -> list[Rule]:
        derive = [rule(f"d{i}", Compare("value", ">=", i), Derive(f"f{i}", f"f{i}")) for i in range(n)]
        return [*derive, rule("j", AllOf([Holds(f"f{i}") for i in range(n)]))]

    def test_a_rule_joining_16_derived_facts_is_refused(self) -> None:
        """Error 304, for contracts that make all 16 true."""
        with pytest.raises(RuleSetTooLargeError, match="joins 16 conclusions.*at most 15"):
            RuleSet(self.chain(16))

    def test_15_joins_evaluate_when_all_hold(self) -> None:
        """Just inside the limit, every derived fact concluded."""
        rec = srpp.recommend(LAPTOPS, rules=RuleSet(self.chain(15)))
        assert "j" in rec.fired

    @pytest.mark.parametrize("n", [14, 20])
    def test_too_many_nested_groups_are_refused(self, n: int) -> None:
        """Error 113: an any of n all-groups (2n comparisons) in one rule."""
        facts = numbers(2 * n)
        cond = AnyOf([AllOf([Compare(f"v{2 * i}", ">=", 0), Compare(f"v{2 * i + 1}", ">=", 0)]) for i in range(n)])
        with pytest.raises(RuleSetTooLargeError, match="all/any groups.*at most 15"):
            RuleSet([rule("r", cond)], facts=facts)

    def test_deep_alternation_is_refused_before_the_engine_sees_it(self) -> None:
        """all(any(all(...))) 15 levels deep: refused (error 113 in the engine)."""
        facts = numbers(16)
        cond: Any = Compare("v0", ">=", 0)
        for i in range(15):
            cond = (AnyOf if i % 2 else AllOf)([cond, Compare(f"v{i + 1}", ">=", 0)])
        with pytest.raises(RuleSetTooLargeError, match="all/any groups"):
            RuleSet([rule("r", cond)], facts=facts)

    def test_the_most_nesting_allowed_compiles_and_evaluates(self) -> None:
        """13 groups of two: accepted and evaluated with every comparison true."""
        facts = numbers(26)
        cond = AnyOf([AllOf([Compare(f"v{2 * i}", ">=", 0), Compare(f"v{2 * i + 1}", ">=", 0)]) for i in range(13)])
        rs = RuleSet([rule("r", cond)], facts=facts)
        assert srpp.recommend(LAPTOPS, rules=rs).fired == ("r",)


class TestSimultaneousMatches:
    def test_65_overlapping_thresholds_are_refused(self) -> None:
        """Error 303 for a contract above every threshold: refused when built."""
        with pytest.raises(RuleSetTooLargeError, match="can make 65 tests true at once") as info:
            RuleSet([rule(f"r{i}", Compare("value", ">=", i)) for i in range(65)])
        assert "fewer overlapping thresholds" in str(info.value)

    def test_64_overlapping_thresholds_evaluate_above_all_of_them(self) -> None:
        """Just inside the limit: every rule fires for one contract."""
        rs = RuleSet([rule(f"r{i}", Compare("value", ">=", i)) for i in range(MAX_STACK)])
        assert len(srpp.recommend(LAPTOPS, rules=rs).fired) == MAX_STACK

    def test_thresholds_that_exclude_each_other_count_once(self) -> None:
        """200 exact values of one fact: at most one is true, so the set is accepted."""
        rs = RuleSet([rule(f"r{i}", Compare("duration_months", "==", i)) for i in range(200)])
        assert srpp.recommend(LAPTOPS, rules=rs).fired == ()

    def test_joined_rules_count_with_the_contracts_own(self) -> None:
        """40 plain rules and 25 joins on one contract fact: 65 pending tests, refused."""
        rules = [rule("d", Compare("value", ">=", 0), Derive("big", "big"))]
        rules += [rule(f"c{i}", Compare("value", ">=", 1 + i)) for i in range(40)]
        rules += [rule(f"j{i}", AllOf([Holds("big"), Compare("value", ">=", 100 + i)])) for i in range(24)]
        with pytest.raises(RuleSetTooLargeError, match="65 tests true at once"):
            RuleSet(rules)
        assert len(srpp.recommend(LAPTOPS, rules=RuleSet(rules[:-1])).fired) == 64

    def test_a_contract_that_makes_every_default_condition_true(self) -> None:
        """Every tier very high, value and duration above every threshold, a mature market,
        conflict minerals: every rule of the default set fires, and the engine copes."""
        from srpp import MarketMaturity, RiskLevel, RiskProfile

        very_high = RiskLevel("very_high")
        c = Contract((srpp.product("laptops"),), Money(10**12), 1200, market_maturity=MarketMaturity("high"),
                     contains_conflict_minerals=True,
                     risk_overrides=RiskProfile(very_high, very_high, very_high))  # fmt: skip
        rec = srpp.recommend(c)
        assert set(rec.fired) == {r.id for r in default_rules()}


def test_a_rule_set_that_passes_never_fails_on_first_use() -> None:
    """Each boundary rule set above compiled at once (the compile is the engine's first use)."""
    for rs in (
        RuleSet([rule(f"r{i}", Compare("value", ">=", i)) for i in range(MAX_STACK)]),
        RuleSet([rule(f"r{i}", Compare("duration_months", "==", i)) for i in range(MAX_TESTS_AFTER_ONE)]),
        default_rules(),
    ):
        Compiled(rs)
