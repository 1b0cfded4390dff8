"""Catalogues of products and instrument types, and the shipped data behind them."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from typing import Any

import attrs
import importlib_resources

from ._errors import UnknownNameError
from ._model import AttributeSpec, Category, InstrumentType, Product, RiskProfile
from ._suggest import unknown

__all__ = [
    "Catalogue",
    "categories",
    "default_catalogue",
    "instrument_types",
    "product",
    "products",
]


@attrs.frozen
class Catalogue:
    """Products and their categories, looked up by id.

    Extend the shipped catalogue with :meth:`with_products`; the result is a new catalogue.

    Attributes:
        products: The products, in a stable order.
        categories: The categories the products belong to.
    """

    products: tuple[Product, ...]
    categories: tuple[Category, ...] = ()

    @functools.cached_property
    def _by_id(self) -> dict[str, Product]:
        return {p.id: p for p in self.products}

    def __contains__(self, product_id: object) -> bool:
        return product_id in self._by_id

    def __iter__(self) -> Iterator[Product]:
        return iter(self.products)

    def __len__(self) -> int:
        return len(self.products)

    def ids(self) -> list[str]:
        """Every product id."""
        return list(self._by_id)

    def product(self, product_id: str) -> Product:
        """The product with this id; :class:`~srpp.UnknownNameError` with a suggestion if none."""
        try:
            return self._by_id[product_id]
        except KeyError:
            raise UnknownNameError(unknown("product", product_id, self._by_id)) from None

    def category(self, category_id: str) -> Category:
        """The category with this id."""
        for c in self.categories:
            if c.id == category_id:
                return c
        raise UnknownNameError(unknown("category", category_id, [c.id for c in self.categories]))

    def in_category(self, category_id: str) -> tuple[Product, ...]:
        """The products of one category, in catalogue order."""
        self.category(category_id)
        return tuple(p for p in self.products if p.category == category_id)

    def with_products(self, *products: Product, categories: Iterable[Category] = ()) -> Catalogue:
        """A new catalogue with these products added, replacing any with the same id.

        >>> from srpp import Product, RiskProfile, default_catalogue
        >>> tablets = Product("tablets", "Tablets", "electronics_ict",
        ...                   RiskProfile("very_high", "high", "high"), conflict_minerals=True)
        >>> "tablets" in default_catalogue().with_products(tablets)
        True
        """
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
        categories=tuple(Category(c["id"], c["name"]) for c in data["categories"]),
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
        )
        for i in _read("instruments.json")["instruments"]
    )
