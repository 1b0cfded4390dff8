"""srpp: socially responsible public procurement (SRPP) as code.

Describe a contract; srpp says which SRPP instruments to use in each phase of the
procurement, why, and on what source, following the guidance of DFØ (the Norwegian Agency
for Public and Financial Management).

>>> import srpp
>>> r = srpp.recommend({"products": ["monitors"], "value": {"amount": 800_000},
...                     "duration_months": 12})
>>> [(i.id, i.strength.value) for i in r.instruments]  # doctest: +NORMALIZE_WHITESPACE
[('market-dialogue', 'consider'), ('contract-clauses', 'should'),
 ('conflict-minerals-clause', 'consider'), ('self-assessment', 'should')]
"""

from ._amount import parse_amount
from ._batch import recommend_many
from ._table import recommend_table
from ._catalogue import (
    Catalogue,
    categories,
    default_catalogue,
    instrument_type,
    instrument_types,
    product,
    products,
)
from ._errors import (
    EngineError,
    InvalidAmountError,
    InvalidContractError,
    InvalidNoticeError,
    InvalidPolicyError,
    InvalidRuleSetError,
    Problem,
    RuleSetTooLargeError,
    SrppError,
    UnknownNameError,
)
from ._model import (
    AttributeSpec,
    Category,
    Contract,
    Coverage,
    CpvCode,
    Instrument,
    InstrumentType,
    MarketMaturity,
    Money,
    Phase,
    Product,
    Provenance,
    Recommendation,
    RiskLevel,
    RiskProfile,
    Strength,
    Tier,
)
from ._cpv import cpv
from ._portfolio import Portfolio, PortfolioEntry, prioritise
from ._recommend import recommend
from ._readers.notices import Notice
from ._screen import ScreenRow, screen
from ._schema import contract_schema
from ._writers.html import MissingExtraError, portfolio_html, recommendation_html, screen_html
from .rules import Policy, RuleSet, default_rules

__all__ = [
    "AttributeSpec",
    "Catalogue",
    "Category",
    "Contract",
    "Coverage",
    "CpvCode",
    "EngineError",
    "Instrument",
    "InstrumentType",
    "InvalidAmountError",
    "InvalidContractError",
    "InvalidNoticeError",
    "InvalidPolicyError",
    "InvalidRuleSetError",
    "MarketMaturity",
    "MissingExtraError",
    "Money",
    "Notice",
    "Phase",
    "Policy",
    "Portfolio",
    "PortfolioEntry",
    "Problem",
    "Product",
    "Provenance",
    "Recommendation",
    "RiskLevel",
    "RiskProfile",
    "RuleSet",
    "RuleSetTooLargeError",
    "ScreenRow",
    "SrppError",
    "Strength",
    "Tier",
    "UnknownNameError",
    "__version__",
    "categories",
    "contract_schema",
    "cpv",
    "default_catalogue",
    "default_rules",
    "instrument_type",
    "instrument_types",
    "parse_amount",
    "portfolio_html",
    "prioritise",
    "product",
    "products",
    "recommend",
    "recommend_many",
    "recommend_table",
    "recommendation_html",
    "screen",
    "screen_html",
]

__version__ = "0.1.0"
