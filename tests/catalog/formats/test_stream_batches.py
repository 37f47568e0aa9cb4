"""A catalog stream hands its records over in short batches, in source order, and the
batches change nothing about what is checked, reported or counted."""

from __future__ import annotations

from catalog.formats import open_catalog, parse_catalog, parser
from catalog.formats.parser import BATCH_ITEMS

HEADER = "sku,title,price,stock\n"


def _catalog(products: int, *, bad: dict[int, str] | None = None) -> bytes:
    """Native CSV with one row per product; ``bad`` replaces the rows at those indexes."""
    rows = [f"SKU-{n:04d},Bottle {n},{10 + n % 7}.50,{n % 9}\n" for n in range(products)]
    for index, row in (bad or {}).items():
        rows[index] = row
    return (HEADER + "".join(rows)).encode()


def test_batches_are_short_lists_in_source_order():
    products = 3 * BATCH_ITEMS + 5
    batches = list(open_catalog(_catalog(products)).batches())

    assert [len(batch) for batch in batches] == [BATCH_ITEMS] * 3 + [5]
    skus = [record.sku for batch in batches for record in batch]
    assert skus == [f"SKU-{n:04d}" for n in range(products)]


def test_a_batch_leaves_out_invalid_products_and_their_errors_are_kept():
    first_batch_end = BATCH_ITEMS - 1
    data = _catalog(
        2 * BATCH_ITEMS,
        bad={
            3: "SKU-0003,Bottle 3,free,1\n",
            # a duplicate of a SKU that was read in the batch before
            first_batch_end + 2: "SKU-0001,Bottle again,5.00,1\n",
        },
    )
    stream = open_catalog(data)
    batches = list(stream.batches())
    result = stream.result()

    assert [len(batch) for batch in batches] == [BATCH_ITEMS - 1, BATCH_ITEMS - 1]
    assert [(error.row_number, error.column) for error in result.errors] == [
        (5, "price"),
        (first_batch_end + 4, "sku"),
    ]
    assert "Duplicate SKU" in result.errors[1].message
    assert result.counts.products == 2 * BATCH_ITEMS - 2
    assert result.counts.rejected == 2


def test_batches_give_the_records_of_a_product_at_a_time_parse(monkeypatch):
    # Batches of one are the parse without batching: one product read, then checked.
    data = _catalog(
        2 * BATCH_ITEMS + 7,
        bad={10: "SKU-0010,,3.00,1\n", BATCH_ITEMS + 3: "SKU-0002,Again,4.00,1\n"},
    )
    batched = parse_catalog(data)
    streamed = [record.sku for batch in open_catalog(data).batches() for record in batch]
    monkeypatch.setattr(parser, "BATCH_ITEMS", 1)
    one_at_a_time = parse_catalog(data)

    assert batched.records == one_at_a_time.records
    assert batched.errors == one_at_a_time.errors
    assert batched.counts == one_at_a_time.counts
    assert streamed == [record.sku for record in one_at_a_time.records]
