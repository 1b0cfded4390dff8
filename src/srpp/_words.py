"""The vocabulary of srpp's values in words, per language: risk levels, tiers, phases, ...

Ids and codes never change with the language; these are the words a person reads for them.
"""

from __future__ import annotations

from collections.abc import Callable

from ._i18n import N_, gettext
from ._model import MarketMaturity, Phase, Product, RiskLevel, Strength, Tier

__all__ = [
    "attribute_word",
    "level_word",
    "maturity_word",
    "phase_word",
    "product_name",
    "strength_word",
    "tier_word",
    "translator",
]

_LEVELS = {
    RiskLevel.LOW: N_("low"),
    RiskLevel.MEDIUM: N_("medium"),
    RiskLevel.MEDIUM_HIGH: N_("medium high"),
    RiskLevel.HIGH: N_("high"),
    RiskLevel.VERY_HIGH: N_("very high"),
}
_TIERS = {
    Tier.RAW_MATERIAL: N_("raw material"),
    Tier.COMPONENT: N_("component"),
    Tier.ASSEMBLY: N_("assembly"),
}
_PHASES = {Phase.PLANNING: N_("Planning"), Phase.TENDER: N_("Tender"), Phase.FOLLOW_UP: N_("Follow-up")}
_STRENGTHS = {Strength.CONSIDER: N_("consider"), Strength.SHOULD: N_("should")}
_MATURITIES = {
    MarketMaturity.UNKNOWN: N_("unknown"),
    MarketMaturity.LOW: N_("low"),
    MarketMaturity.MEDIUM: N_("medium"),
    MarketMaturity.HIGH: N_("high"),
}
# attributes of instruments and their values (the shipped catalogue's; others as written)
_ATTRIBUTES = {"form": N_("form"), "full": N_("full"), "simplified": N_("simplified")}


def translator(language: str) -> Callable[[str], str]:
    """``_`` for ``language``: ``_("Notes")`` is the text in that language."""
    return lambda message: gettext(message, language)


def level_word(level: RiskLevel | None, language: str) -> str:
    """``very high`` / ``svært høy``; ``not assessed`` for ``None``."""
    if level is None:
        return gettext(N_("not assessed"), language)
    return gettext(_LEVELS[level], language)


def tier_word(tier: Tier, language: str) -> str:
    """``raw material`` / ``råvareproduksjon``: the tier as DFØ's high-risk list names it
    (one word per tier in every report and format)."""
    return gettext(_TIERS[tier], language)


def phase_word(phase: Phase, language: str) -> str:
    """``Planning`` / ``Planlegging`` (capitalised, as a heading)."""
    return gettext(_PHASES[phase], language)


def strength_word(strength: Strength, language: str) -> str:
    """``should`` / ``bør``."""
    return gettext(_STRENGTHS[strength], language)


def maturity_word(maturity: MarketMaturity, language: str) -> str:
    """``high`` / ``høy``."""
    return gettext(_MATURITIES[maturity], language)


def attribute_word(word: str, language: str) -> str:
    """An instrument attribute's name or value (``form``, ``full``) in words."""
    known = _ATTRIBUTES.get(word)
    return gettext(known, language) if known is not None else word


def product_name(product: Product, language: str) -> str:
    """A product's name in ``language``: its own Norwegian name (``name_nb``) in Norwegian."""
    if language == "nb":
        name_nb = getattr(product, "name_nb", None)
        if name_nb:
            return str(name_nb)
    return product.name
