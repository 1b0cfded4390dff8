"""Catalogues of products and instrument types, and the shipped data behind them."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from typing import Any

import attrs
import importlib_resources

from ._aliases import Aliases, extra_spellings
from ._errors import UnknownNameError
from ._i18n import gettext
from ._model import AttributeSpec, Category, InstrumentType, Label, Product, RiskProfile, Step, Template
from ._suggest import unknown

__all__ = [
    "Catalogue",
    "categories",
    "default_catalogue",
    "instrument_type",
    "instrument_types",
    "product",
    "products",
]


def _products(value: Iterable[Product]) -> tuple[Product, ...]:
    return tuple(value)


def _categories(value: Iterable[Category]) -> tuple[Category, ...]:
    return tuple(value)


@attrs.frozen(cache_hash=True)  # validation looks converters up by catalogue
class Catalogue:
    """Products and their categories, looked up by id.

    Extend the shipped catalogue with :meth:`with_products`; the result is a new catalogue.

    Attributes:
        products: The products, in a stable order.
        categories: The categories the products belong to.
    """

    products: tuple[Product, ...] = attrs.field(converter=_products)
    categories: tuple[Category, ...] = attrs.field(default=(), converter=_categories)

    @functools.cached_property
    def _by_id(self) -> dict[str, Product]:
        return {p.id: p for p in self.products}

    def __contains__(self, product_id: object) -> bool:
        return product_id in self._by_id

    def __iter__(self) -> Iterator[Product]:
        return iter(self.products)

    def __len__(self) -> int:
        return len(self.products)

    @functools.cached_property
    def aliases(self) -> Aliases:
        """Every way of writing a product's name: id, English and Norwegian names, and the
        shipped extra spellings (``"bærbare PC-er"`` and ``"laptop"`` mean ``laptops``)."""
        extra = extra_spellings().get("products", {})
        names = []
        for p in self.products:
            names += [(p.id, p.name), (p.id, p.name.removesuffix(" (category)")), (p.id, p.name_nb)]
            names += [(p.id, n) for n in extra.get(p.id, ())]
        return Aliases("product", names)

    @functools.cached_property
    def category_aliases(self) -> Aliases:
        """Every way of writing a category's name, in English and Norwegian."""
        extra = extra_spellings().get("categories", {})
        names = []
        for c in self.categories:
            names += [(c.id, c.name), (c.id, gettext(c.name, "nb"))]
            names += [(c.id, n) for n in extra.get(c.id, ())]
        return Aliases("category", names)

    def resolve(self, name: str) -> Product:
        """The product a person means by ``name``: its id, its English or Norwegian name, or a
        common spelling, compared without regard to case, hyphens and spaces.

        >>> default_catalogue().resolve("bærbare PC-er").id
        'laptops'

        Raises:
            UnknownNameError: Nothing matches; the message suggests the closest name in
                either language.
        """
        return self._by_id[self.aliases.resolve(name)]

    @functools.cached_property
    def own_cpv(self) -> dict[str, tuple[str, Product]]:
        """The CPV codes the catalogue's products claim (:attr:`Product.cpv`): the significant
        digits of each code -> ``(the code, the product)``; empty for the shipped catalogue."""
        from ._cpv import significant

        return {significant(code.strip()[:8]): (code, p) for p in self.products for code in p.cpv}

    def ids(self) -> list[str]:
        """Every product id."""
        return list(self._by_id)

    def product(self, product_id: str) -> Product:
        """The product with this id; :class:`~srpp.UnknownNameError` with a suggestion if none."""
        try:
            return self._by_id[product_id]
        except KeyError:
            raise UnknownNameError(unknown(gettext("product"), product_id, self._by_id)) from None

    def category(self, category_id: str) -> Category:
        """The category with this id, or with this name in English or Norwegian."""
        found = self.category_aliases.resolve(category_id)
        return next(c for c in self.categories if c.id == found)

    def in_category(self, category_id: str) -> tuple[Product, ...]:
        """The products of one category (its id or name), in catalogue order."""
        found = self.category(category_id).id
        return tuple(p for p in self.products if p.category == found)

    def with_products(self, *products: Product, categories: Iterable[Category] = ()) -> Catalogue:
        """A new catalogue with these products added, replacing any with the same id.

        >>> from srpp import Product, RiskProfile, default_catalogue
        >>> tablets = Product("tablets", "Tablets", "electronics_ict",
        ...                   RiskProfile("very_high", "high", "high"), conflict_minerals=True)
        >>> "tablets" in default_catalogue().with_products(tablets)
        True
        """
        from ._cpv import cpv_problem

        problems = [f"{p.id}.cpv[{i}]: {problem}" for p in products for i, code in enumerate(p.cpv)
                    if (problem := cpv_problem(code)) is not None]  # fmt: skip
        if problems:
            raise UnknownNameError("; ".join(problems))
        new = {p.id: p for p in products}
        kept = tuple(p for p in self.products if p.id not in new)
        cats = {c.id: c for c in (*self.categories, *categories)}
        for p in products:
            cats.setdefault(p.category, Category(p.category, p.category.replace("_", " ")))
        return Catalogue(kept + tuple(new.values()), tuple(cats.values()))


def _read(name: str) -> Any:
    return json.loads(importlib_resources.files("srpp.data").joinpath(name).read_text("utf-8"))


@functools.cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue: DFØ's high-risk list, every product with its source."""
    data = _read("products.json")
    return Catalogue(
        products=tuple(
            Product(
                id=p["id"],
                name=p["name"],
                category=p["category"],
                risk=RiskProfile(**p["risk"]),
                conflict_minerals=p["conflict_minerals"],
                source_url=p["source_url"],
                source_version=p["source_version"],
                name_nb=p.get("name_nb", ""),
                source_date=p.get("source_date"),
                read_date=p.get("read_date"),
            )
            for p in data["products"]
        ),
        categories=tuple(Category(c["id"], c["name"], c.get("name_nb", "")) for c in data["categories"]),
    )


def products(category: str | None = None) -> tuple[Product, ...]:
    """The shipped products, all or of one category.

    >>> [p.id for p in products("electronics_ict")]
    ['information-technology', 'mobile-phones', 'laptops', 'monitors']
    """
    cat = default_catalogue()
    return cat.products if category is None else cat.in_category(category)


def product(product_id: str) -> Product:
    """The shipped product with this id.

    >>> product("monitors").risk.raw_material
    <RiskLevel.HIGH: 'high'>
    """
    return default_catalogue().product(product_id)


def categories() -> tuple[Category, ...]:
    """The categories of the shipped products."""
    return default_catalogue().categories


@functools.cache
def high_risk_notes() -> tuple[str, ...]:
    """Notes every high-risk result carries, from the instrument catalogue
    (``instruments.json``: ``high_risk_notes``): the core principles, and that the assessment
    belongs on file."""
    return tuple(n["text"] for n in _read("instruments.json").get("high_risk_notes", ()))


@functools.cache
def instrument_types() -> tuple[InstrumentType, ...]:
    """The shipped instrument types, in phase order."""
    return tuple(
        InstrumentType(
            id=i["id"],
            phase=i["phase"],
            title=i["title"],
            summary=i["summary"],
            sources=tuple(i["sources"]),
            attributes=tuple(
                AttributeSpec(a["name"], tuple(a["choices"])) for a in i.get("attributes", ())
            ),
            steps=tuple(Step(x["when"], x["what"], x.get("source", "")) for x in i.get("steps", ())),
            templates=tuple(Template(x["name"], x["url"]) for x in i.get("templates", ())),
            labels=tuple(
                Label(x["name"], tuple(x.get("categories", ())), x.get("source", ""))
                for x in i.get("labels", ())
            ),
            notes=tuple(i.get("notes", ())),
        )
        for i in _read("instruments.json")["instruments"]
    )


@functools.lru_cache(maxsize=8)
def instrument_aliases(types: tuple[InstrumentType, ...] | None = None) -> Aliases:
    """Every way of writing the names of instrument types (the shipped ones by default): ids,
    titles in English and Norwegian, and the shipped extra spellings."""
    extra = extra_spellings().get("instruments", {})
    names = []
    for i in instrument_types() if types is None else types:
        names += [(i.id, i.title), (i.id, gettext(i.title, "nb"))]
        names += [(i.id, n) for n in extra.get(i.id, ())]
    return Aliases("instrument", names)


def instrument_type(name: str) -> InstrumentType:
    """The shipped instrument type a person means: its id, its title in English or Norwegian, or
    a common name (``"markedsdialog"``, ``"særskilte kontraktsvilkår"``).

    >>> instrument_type("egenrapportering").id
    'self-assessment'

    Raises:
        UnknownNameError: Nothing matches; the message suggests the closest name.
    """
    found = instrument_aliases().resolve(name)
    return next(i for i in instrument_types() if i.id == found)
