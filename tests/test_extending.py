"""Downstream use: only public names, a new product, instrument, fact and rules."""

from __future__ import annotations

import pickle

import attrs

import srpp
from srpp import Contract, InstrumentType, Money, Phase, Product, RiskProfile
from srpp.rules import AllOf, Compare, Fact, FactKind, Holds, Recommend, Rule, default_rules

DRONES = Product(
    id="drones", name="Drones", category="electronics_ict",
    risk=RiskProfile(raw_material="very_high", component="very_high", assembly="high"),
    conflict_minerals=True, source_url="https://example.org/our-assessment", source_version="2026",
)  # fmt: skip

AUDIT = InstrumentType(
    id="on-site-audit", phase=Phase.FOLLOW_UP, title="On-site audit",
    summary="Visit the assembly site with an independent auditor.",
    sources=("https://example.org/audit-policy",),
)  # fmt: skip


def is_drone_contract(contract: Contract) -> bool:
    return any(p.id == "drones" for p in contract.products)


def our_rules() -> srpp.RuleSet:
    return (
        default_rules()
        .with_instruments(AUDIT)
        .with_facts(Fact("drones", FactKind.BOOL, "the contract buys drones", is_drone_contract))
        .with_rules(
            Rule(
                "audit-drones",
                AllOf((Holds("high_risk"), Holds("drones"), Compare("value", ">=", 5_000_000))),
                Recommend("on-site-audit", "should"),
                "Our policy: large drone contracts get an on-site audit.",
                ("https://example.org/audit-policy",),
            )
        )
    )


def test_a_downstream_product_rule_and_instrument_reach_the_recommendation() -> None:
    """Everything through public names; srpp's files untouched."""
    catalogue = srpp.default_catalogue().with_products(DRONES)
    doc = {"products": ["drones"], "value": {"amount": 8_000_000}, "duration_months": 12}
    r = srpp.recommend(doc, rules=our_rules(), catalogue=catalogue)
    audit = r.get("on-site-audit")
    assert audit is not None and audit.strength is srpp.Strength.SHOULD
    assert audit.rule == "audit-drones" and "drones" in audit.reason
    assert r.instruments[-1].id == "on-site-audit" or r.instruments[-1].phase is Phase.FOLLOW_UP
    # the default rule set is untouched and knows nothing of audits
    assert "on-site-audit" not in srpp.recommend(doc, catalogue=catalogue)


def test_rule_sets_side_by_side_in_one_process() -> None:
    """The default and a downstream rule set, used alternately, never mix."""
    c = Contract((DRONES,), Money(8_000_000), 12)
    ours, default = our_rules(), default_rules()
    for _ in range(3):
        assert "on-site-audit" in srpp.recommend(c, rules=ours)
        assert "on-site-audit" not in srpp.recommend(c, rules=default)


def test_removing_and_replacing_default_rules() -> None:
    """A downstream policy without conflict-minerals clauses, and with a stricter priority."""
    rs = default_rules().without("conflict-minerals-clause").with_policy({"priority_duration": 12})
    r = srpp.recommend({"products": ["laptops"], "value": {"amount": 500_000}, "duration_months": 12}, rules=rs)
    assert "conflict-minerals-clause" not in r and r.priority


def test_a_downstream_rule_set_pickles_with_its_module_level_fact() -> None:
    """Rule sets travel between processes as data."""
    rs = our_rules()
    assert pickle.loads(pickle.dumps(rs)) == rs


# -- rule files that start from a rule set --------------------------------------------------

import json  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from srpp import InvalidRuleSetError, RuleSet  # noqa: E402
from srpp._cli import main  # noqa: E402
from srpp.rules import VOCABULARY, Compare, Derive  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs"
BIG = {"products": ["laptops"], "value": {"amount": 24_000_000}, "duration_months": 48}


def doc_file(name: str) -> str:
    """The block of docs/extending.md marked ``<!-- file: name -->``, verbatim."""
    text = (DOCS / "extending.md").read_text("utf-8")
    m = re.search(rf"^<!-- file: {re.escape(name)} -->\n```[^\n]*\n(.*?)^```$", text, re.M | re.S)
    assert m is not None, f"docs/extending.md has no block for {name}"
    return m.group(1)


def write(tmp_path: Path, name: str, text: str) -> Path:
    f = tmp_path / name
    f.write_text(text, "utf-8")
    return f


class TestExtends:
    def test_the_documented_rule_file_loads_verbatim_and_adds_one_rule(self, tmp_path: Path) -> None:
        """docs/extending.md's file: the defaults plus one rule, a parameter changed."""
        rs = RuleSet.load(write(tmp_path, "our-rules.toml", doc_file("our-rules.toml")))
        default = srpp.default_rules()
        assert rs.name == "our-rules"
        assert [r.id for r in rs.rules] == [*(r.id for r in default.rules), "big-audit"]
        assert rs.parameter("priority_duration").value == 36
        assert rs.parameter("priority_duration").source == default.parameter("priority_duration").source
        assert "on-site-audit" in srpp.recommend(BIG, rules=rs)
        assert "on-site-audit" not in srpp.recommend(BIG)

    def test_the_documented_rule_file_works_with_srpp_recommend_rules(self, tmp_path: Path) -> None:
        """The file used with --rules: the new instrument in the report, exit 0."""
        import io

        f = write(tmp_path, "our-rules.toml", doc_file("our-rules.toml"))
        out, err = io.StringIO(), io.StringIO()
        code = main(["recommend", "--example", "laptop-framework", "--rules", str(f)], out, err)
        assert code == 0 and err.getvalue() == ""
        assert "* on-site-audit [should]" in out.getvalue()
        out = io.StringIO()
        assert main(["instruments", "--rules", str(f), "--format", "json"], out, err) == 0
        assert "on-site-audit" in [i["id"] for i in json.loads(out.getvalue())]

    def test_rules_replace_in_place_and_remove_drops(self, tmp_path: Path) -> None:
        """A rule with an extended id replaces it where it was; remove drops rules."""
        f = write(tmp_path, "strict.toml", """
extends = "srpp-default"
remove = ["conflict-minerals-clause"]
[[rules]]
id = "mature-market"
reason = "Any market that is not immature counts as mature for us."
sources = ["https://example.org/policy"]
when = { fact = "market_maturity", op = "!=", value = "low" }
then = { derive = "mature_market", label = "the supplier market is mature enough" }
""")
        rs = RuleSet.load(f)
        default = srpp.default_rules()
        assert "conflict-minerals-clause" not in rs
        ids = [r.id for r in default.rules if r.id != "conflict-minerals-clause"]
        assert [r.id for r in rs.rules] == ids
        assert rs.rule("mature-market").when == Compare("market_maturity", "!=", "low")
        assert rs.name == "strict"

    def test_a_file_may_extend_another_file_by_relative_path(self, tmp_path: Path) -> None:
        """extends = "../base.toml" is read relative to the extending file."""
        write(tmp_path, "base.toml", 'extends = "srpp-default"\nname = "base"\nremove = ["conflict-minerals-clause"]\n')
        (tmp_path / "sub").mkdir()
        f = write(tmp_path / "sub", "ours.toml", 'extends = "../base.toml"\n[parameters.priority_value]\nvalue = 5\n')
        rs = RuleSet.load(f)
        assert "conflict-minerals-clause" not in rs and rs.parameter("priority_value").value == 5
        assert rs.name == "ours"

    def test_extends_cycles_are_reported(self, tmp_path: Path) -> None:
        """a -> b -> a is one clear error naming the files, not a recursion error."""
        write(tmp_path, "a.toml", 'extends = "b.toml"\n')
        write(tmp_path, "b.toml", 'extends = "a.toml"\n')
        with pytest.raises(InvalidRuleSetError, match="extend each other in a cycle") as e:
            RuleSet.load(tmp_path / "a.toml")
        assert "a.toml -> " in str(e.value) and "b.toml" in str(e.value)
        write(tmp_path, "self.toml", 'extends = "self.toml"\n')
        with pytest.raises(InvalidRuleSetError, match="cycle"):
            RuleSet.load(tmp_path / "self.toml")

    def test_bad_extends_and_remove_name_the_field(self, tmp_path: Path) -> None:
        """Unknown rule set names, missing files, unknown removed ids: paths and suggestions."""
        with pytest.raises(InvalidRuleSetError, match="unknown rule set 'srpp-defualt'; did you mean 'srpp-default'"):
            RuleSet.from_dict({"extends": "srpp-defualt"})
        with pytest.raises(InvalidRuleSetError, match=r"extends \(missing.toml\): cannot read"):
            RuleSet.load(write(tmp_path, "x.toml", 'extends = "missing.toml"\n'))
        with pytest.raises(InvalidRuleSetError, match=r"remove\[0\]: .*did you mean 'priority'"):
            RuleSet.from_dict({"extends": "srpp-default", "remove": ["priorty"]})
        with pytest.raises(InvalidRuleSetError, match="this file extends none"):
            RuleSet.from_dict({"remove": ["priority"], "rules": []})
        with pytest.raises(InvalidRuleSetError, match=r"extends \(base.toml\)\.rules\[0\]"):
            write(tmp_path, "base.toml", '[[rules]]\nid = "x"\n')
            RuleSet.load(write(tmp_path, "y.toml", 'extends = "base.toml"\n'))

    def test_a_new_parameter_needs_kind_and_value(self) -> None:
        """Only parameters the extended set has may give just a value."""
        with pytest.raises(InvalidRuleSetError, match=r"parameters\.mine\.kind: is required"):
            RuleSet.from_dict({"extends": "srpp-default", "parameters": {"mine": {"value": 3}}})

    def test_a_standalone_file_using_a_default_derived_fact_says_how_to_get_it(self) -> None:
        """The issue's message: no misleading 'did you mean highest_risk'."""
        text = doc_file("our-rules.toml").replace('extends = "srpp-default"\n', "")
        text = text.replace("[parameters.priority_duration]\nvalue = 36\n", "")
        import tomllib

        with pytest.raises(InvalidRuleSetError) as e:
            RuleSet.from_dict(tomllib.loads(text))
        message = str(e.value)
        assert "rule 'high-risk' of srpp-default derives it" in message
        assert 'extends = "srpp-default"' in message and "highest_risk" not in message

    def test_vocabulary_facts_are_added_by_name(self) -> None:
        """facts = ["risk_overridden"] adds a documented fact; rules can then use it."""
        rs = RuleSet.from_dict({
            "extends": "srpp-default", "facts": ["risk_overridden"],
            "rules": [{"id": "own-view", "reason": "The buyer assessed the risk.", "sources": ["s"],
                       "when": {"holds": "risk_overridden"}, "then": {"derive": "own_view", "label": "own view"}}],
        })  # fmt: skip
        assert rs.fact("risk_overridden") in VOCABULARY
        doc = {**BIG, "risk_overrides": {"assembly": "high"}}
        assert "own-view" in srpp.recommend(doc, rules=rs).fired
        assert "own-view" not in srpp.recommend(BIG, rules=rs).fired
        with pytest.raises(InvalidRuleSetError, match=r"facts\.risk_overriden: unknown fact .*did you mean 'risk_overridden'"):
            RuleSet.from_dict({"extends": "srpp-default", "facts": ["risk_overriden"]})


class TestRoundTrip:
    def test_a_rule_set_with_a_custom_fact_loads_back_equal(self) -> None:
        """The dump declares the fact by name; with the same Fact passed, an equal rule set."""
        rs = our_rules()
        doc = json.loads(rs.to_json())
        assert doc["facts"] == {"drones": {"kind": "bool", "label": "the contract buys drones",
                                           "description": "", "unit": "", "choices": []}}  # fmt: skip
        back = RuleSet.from_dict(doc, facts=[rs.fact("drones")])
        assert back == rs and back.digest == rs.digest

    def test_without_the_fact_the_error_names_it_and_why(self) -> None:
        """Facts are code: the error says which and how to pass it."""
        with pytest.raises(InvalidRuleSetError, match=r"facts\.drones: unknown fact 'drones'.*facts are code"):
            RuleSet.from_dict(json.loads(our_rules().to_json()))

    def test_a_declaration_that_does_not_match_the_code_is_refused(self) -> None:
        """A file saying 'drones' is a number while the code says bool."""
        doc = json.loads(our_rules().to_json())
        doc["facts"]["drones"]["kind"] = "number"
        with pytest.raises(InvalidRuleSetError, match=r"facts\.drones\.kind: the file declares 'number'"):
            RuleSet.from_dict(doc, facts=[our_rules().fact("drones")])

    def test_a_replaced_shipped_instrument_and_extended_files_round_trip(self, tmp_path: Path) -> None:
        """In-place replacement keeps the order a file reproduces."""
        changed = attrs.evolve(srpp.default_rules().instrument("market-dialogue"), title="Talk first")
        rs = srpp.default_rules().with_instruments(changed).renamed("talk")
        assert RuleSet.from_dict(json.loads(rs.to_json())) == rs
        loaded = RuleSet.load(write(tmp_path, "our-rules.toml", doc_file("our-rules.toml")))
        assert RuleSet.from_dict(json.loads(loaded.to_json())) == loaded

    def test_what_a_file_cannot_say_is_named_when_dumping(self) -> None:
        """A rule set without a shipped instrument type cannot be a file."""
        rs = srpp.default_rules()
        fewer = RuleSet(rs.rules, rs.parameters, [i for i in rs.instruments if i.id != "market-dialogue"]
                        + [rs.instrument("market-dialogue")], name="x")  # fmt: skip
        with pytest.raises(InvalidRuleSetError, match="instrument types: the rule set has srpp's instrument types in another order"):
            fewer.to_dict()


class TestNamesAndDigests:
    def test_derived_rule_sets_get_their_own_name(self) -> None:
        """Every derivation says so, until renamed."""
        default = srpp.default_rules()
        assert default.name == "srpp-default"
        for derived in (default.without("conflict-minerals-clause").with_rules(), default.with_policy({"priority_value": 5}),
                        default.with_facts(VOCABULARY[-1]), default.replace(default.rule("priority"))):  # fmt: skip
            assert derived.name == "srpp-default (modified)"
        assert default.without("conflict-minerals-clause").renamed("ours").name == "ours"

    def test_the_digest_follows_the_content_not_the_name(self) -> None:
        """Same content, same digest; any change, another digest."""
        default = srpp.default_rules()
        assert default.digest == default.renamed("x").digest
        assert default.digest != default.with_policy({"priority_value": 5}).digest
        assert default.digest != default.without("conflict-minerals-clause").digest
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", default.digest)

    def test_the_digest_tells_facts_read_by_other_code_apart(self) -> None:
        """A fact of the same name read by another function changes the digest."""
        other = Fact("value", FactKind.MONEY, "value", is_drone_contract)
        assert srpp.default_rules().with_facts(other).digest != srpp.default_rules().digest


class TestFriendlyConstructors:
    def test_sequences_are_accepted_where_tuples_are_stored(self) -> None:
        """Lists (and other iterables) become tuples; the values stay hashable and equal."""
        laptops = srpp.product("laptops")
        a = Contract(products=[laptops], value=Money(2_000_000), duration_months=12)
        b = Contract(products=(laptops,), value=Money(2_000_000), duration_months=12)
        assert a == b and a.products == (laptops,) and hash(a) == hash(b)
        it = InstrumentType("x", "planning", "X", "x", sources=["s1", "s2"])
        assert it.sources == ("s1", "s2") and InstrumentType("x", "planning", "X", "x", sources="s1").sources == ("s1",)
        assert srpp.AttributeSpec("form", ["a", "b"]).choices == ("a", "b")
        assert srpp.Catalogue([laptops]).products == (laptops,)
        assert Fact("f", "choice", "f", is_drone_contract, choices=["a", "b"]).choices == ("a", "b")

    def test_text_is_not_a_sequence_of_products(self) -> None:
        """Contract(products="laptops") is refused by name, not split into letters."""
        with pytest.raises(srpp.InvalidContractError, match="products: must be a sequence of products, got str"):
            Contract(products="laptops", value=Money(1), duration_months=1)  # type: ignore[arg-type]

    def test_money_reads_norwegian_amounts_through_the_one_parser(self) -> None:
        """Money("1 000 000") is parse_amount's; "150.000" is refused with the way to write it."""
        assert Money("1 000 000").amount == Money(1_000_000).amount
        assert Money("1 000 000,50").amount == srpp.parse_amount("1000000.50")
        with pytest.raises(srpp.InvalidContractError, match='value.amount: "150.000" is ambiguous.*write "150 000"'):
            Money("150.000")


class TestDistribution:
    def test_the_distribution_name_is_srpp_norway_and_docs_never_install_srpp(self) -> None:
        """The name srpp on the index is another project: no doc may tell users to install it."""
        import tomllib

        root = DOCS.parent
        assert tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]["name"] == "srpp-norway"
        wrong = re.compile(r"pip3? install(?:\s+-{1,2}[\w-]+(?:=\S+)?)*\s+['\"]?srpp(?:\[[^\]]*\])?['\"]?(?=\s|$|`)", re.M)
        for page in [root / "README.md", *DOCS.glob("*.md")]:
            assert not wrong.search(page.read_text("utf-8")), page.name
        assert wrong.search("pip install --no-cache-dir srpp\n") and not wrong.search("pip install srpp-norway\n")
        # an extra that pulls in "srpp[...]" would install the unrelated project of that name
        project = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]
        for extra, requirements in project["optional-dependencies"].items():
            for requirement in requirements:
                assert not re.match(r"srpp\s*(\[|$|[<>=!~;])", requirement), (extra, requirement)


class TestDownstreamCatalogues:
    def test_a_product_of_ones_own_has_cpv_codes_and_a_norwegian_name(self) -> None:
        """Its codes (and codes below them) map to it before srpp's mapping; its names resolve."""
        drones = attrs.evolve(DRONES, name_nb="Droner", cpv=["35613000-4"])
        cat = srpp.default_catalogue().with_products(drones)
        found = srpp.cpv("35613000-4", cat)
        assert found.product == drones and found.coverage is srpp.Coverage.PRODUCT
        assert found.mapped_by == "35613000-4" and "product of the catalogue" in found.reason
        assert srpp.cpv("35613000-4").product is None  # the shipped catalogue knows no drones
        assert srpp.cpv("30213100-6", cat).product == srpp.product("laptops")  # srpp's mapping stays
        assert cat.resolve("Droner") == drones
        doc = {"cpv": ["35613000-4"], "value": {"amount": 8_000_000}, "duration_months": 12}
        r = srpp.recommend(doc, catalogue=cat)
        assert r.high_risk is True and r.contract.all_products == (drones,)
        assert r.to_dict()["provenance"]["data"]["products"]["own"] == ["drones"]

    def test_a_more_specific_shipped_mapping_still_wins(self) -> None:
        """The longest prefix decides: a downstream claim on a whole division does not take
        codes srpp's mapping lists more precisely."""
        broad = attrs.evolve(DRONES, id="all-computers", cpv=["30000000-9"])
        cat = srpp.default_catalogue().with_products(broad)
        assert srpp.cpv("30213100-6", cat).product == srpp.product("laptops")

    def test_bad_codes_of_a_product_are_refused_with_the_product_and_field(self) -> None:
        """A malformed or unknown code is named, with the product."""
        with pytest.raises(srpp.UnknownNameError, match=r"drones\.cpv\[0\]: unknown CPV code '35613999-1'"):
            srpp.default_catalogue().with_products(attrs.evolve(DRONES, cpv=["35613999-1"]))
