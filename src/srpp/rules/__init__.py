"""Rules and rule sets: declarative data, evaluated by the durable-rules engine.

>>> from srpp.rules import default_rules
>>> rs = default_rules()
>>> rs.rule("contract-clauses").then.strength
<Strength.SHOULD: 'should'>
"""

from __future__ import annotations

import functools

import importlib_resources

from ._facts import DEFAULT_FACTS, VOCABULARY, Fact, FactKind
from ._model import (
    BASES,
    OPERATORS,
    AllOf,
    AnyOf,
    Change,
    Compare,
    Condition,
    Conclusion,
    Derive,
    Holds,
    Parameter,
    Policy,
    Recommend,
    Recommended,
    Rule,
    RuleSet,
)

__all__ = [
    "BASES",
    "DEFAULT_FACTS",
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "Change",
    "Compare",
    "Condition",
    "Conclusion",
    "Derive",
    "Fact",
    "FactKind",
    "Holds",
    "Parameter",
    "Policy",
    "Recommend",
    "Recommended",
    "Rule",
    "RuleSet",
    "VOCABULARY",
    "default_rules",
]


@functools.cache
def default_rules() -> RuleSet:
    """srpp's default rule set: DFØ's guidance as data (``srpp/rules/default.toml``)."""
    return RuleSet.load(importlib_resources.files("srpp.rules").joinpath("default.toml"))
