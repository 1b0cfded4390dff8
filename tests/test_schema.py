"""The shipped JSON Schema of the contract document agrees with srpp's own validation."""

from __future__ import annotations

import json
from typing import Any

import importlib_resources
import jsonschema
import pytest

from srpp._cli import examples
from srpp._schema import contract_schema

from .test_documents import BAD_DOCUMENTS, GOOD

SHIPPED = json.loads(importlib_resources.files("srpp.data").joinpath("contract.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SHIPPED)


def test_the_shipped_schema_is_the_generated_one() -> None:
    """Regenerate with contract_schema() when the model changes."""
    assert SHIPPED == contract_schema()
    jsonschema.Draft202012Validator.check_schema(SHIPPED)


@pytest.mark.parametrize("name", list(examples()))
def test_every_example_validates(name: str) -> None:
    """The shipped examples are valid documents."""
    VALIDATOR.validate(json.loads(examples()[name].read_text("utf-8")))


def test_the_design_example_validates() -> None:
    """The full example document of the design."""
    VALIDATOR.validate(GOOD)


@pytest.mark.parametrize(("case", "doc", "field"), BAD_DOCUMENTS, ids=[c[0] for c in BAD_DOCUMENTS])
def test_every_bad_document_of_the_test_suite_is_invalid(case: str, doc: Any, field: str) -> None:
    """Each bad-input case is rejected by the schema too."""
    assert not VALIDATOR.is_valid(doc)


@pytest.mark.parametrize("amount", ["1 000 000", "1\u00a0000\u00a0000,50", "1300000.50", "0,125"])
def test_norwegian_amounts_validate(amount: str) -> None:
    """Amounts srpp.parse_amount reads are valid in the schema too."""
    VALIDATOR.validate({"products": ["laptops"], "value": {"amount": amount}, "duration_months": 1})
