"""Output tables: one declaration gives the serializer's fields and the same rows' output."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from catalog.models import ProductVariant
from shop_ai.outputs import DATETIME, Out, OutputTable, decimal

CENT = Decimal("0.01")
CHILD = OutputTable([Out("sku"), Out("price", write=decimal(CENT))])
TABLE = OutputTable(
    [
        Out("id"),
        Out("product", column="product_id"),
        Out(
            "label", compute=lambda row: f"{row['sku']} ({row['stock']})", columns=("sku", "stock")
        ),
        Out("price", write=decimal(CENT)),
        Out("children", nested=CHILD),
        Out("written", nested=CHILD, prewritten=True),
        Out("at", write=DATETIME),
    ]
)


def test_a_table_writes_each_field_as_declared():
    row = {
        "id": 7, "product_id": 3, "sku": "MUG", "stock": 2, "price": Decimal("4.5"),
        "children": [{"sku": "MUG-S", "price": Decimal("1")}],
        "written": [{"sku": "MUG-L", "price": "2.00"}],
        "at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    }  # fmt: skip
    assert TABLE.write([row]) == [
        {
            "id": 7, "product": 3, "label": "MUG (2)", "price": "4.50",
            "children": [{"sku": "MUG-S", "price": "1.00"}],
            "written": [{"sku": "MUG-L", "price": "2.00"}],
            "at": "2026-01-02T03:04:05Z",
        }
    ]  # fmt: skip
    # Each column once, in order; nested lists come apart.
    assert TABLE.columns == ("id", "product_id", "sku", "stock", "price", "at")
    assert TABLE.names == ["id", "product", "label", "price", "children", "written", "at"]


@pytest.mark.django_db
def test_the_serializer_has_the_tables_fields_and_writes_instances_like_rows():
    serializer_class = CHILD.serializer("ChildSerializer", ProductVariant)
    assert list(serializer_class().fields) == ["sku", "price"]
    assert all(field.read_only for field in serializer_class().fields.values())
    variant = ProductVariant(sku="MUG-S", price=Decimal("3"))
    assert serializer_class(variant).data == {"sku": "MUG-S", "price": "3.00"}
