"""The catalog facade: what content and the live room may read and change, store by store."""

from dataclasses import FrozenInstanceError
from decimal import Decimal

import pytest

from catalog import facade
from catalog.models import ImageStatus, Product, ProductImage, ProductVariant
from tests.factories import make_store

pytestmark = pytest.mark.django_db


def _mug(store, **overrides):
    fields = {
        "store": store,
        "sku": "MUG-1",
        "title": "Stoneware mug",
        "price": Decimal("18.00"),
        "currency": "USD",
        "stock": 19,
        "attributes": {"material": "stoneware"},
        "tags": ["kitchen"],
        "content_hash": "h",
        "import_hash": "i",
        "source_digest": "d",
        **overrides,
    }
    return Product.objects.create(**fields)


def test_facts_are_frozen_and_carry_the_variants():
    store = make_store()
    mug = _mug(store)
    for position, colour in enumerate(["Slate", "Sand"]):
        ProductVariant.objects.create(
            store=store,
            product=mug,
            sku=f"MUG-1-{colour}",
            options={"colour": colour},
            price=Decimal("18.00"),
            stock=4,
            position=position,
        )
    facts = facade.product_facts(store_id=store.pk, product_id=mug.pk)
    assert facts is not None
    assert facts.title == "Stoneware mug"
    assert facts.variant_options() == {"colour": ["Slate", "Sand"]}
    with pytest.raises(FrozenInstanceError):
        facts.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        facts.attributes["material"] = "glass"  # type: ignore[index]


def test_another_stores_product_is_not_there():
    mine, theirs = make_store(), make_store()
    their_mug = _mug(theirs)
    assert facade.product_facts(store_id=mine.pk, product_id=their_mug.pk) is None
    assert facade.product_ids_in_store(store_id=mine.pk, product_ids=[their_mug.pk]) == set()
    assert facade.stock_set(store_id=mine.pk, product_id=their_mug.pk, stock=0) is None
    their_mug.refresh_from_db()
    assert their_mug.stock == 19


def test_a_stock_change_is_written_and_blanks_the_import_hashes():
    store = make_store()
    mug = _mug(store)
    facts = facade.stock_set(store_id=store.pk, product_id=mug.pk, stock=0)
    assert facts is not None
    assert not facts.in_stock
    mug.refresh_from_db()
    assert (mug.stock, mug.import_hash, mug.source_digest) == (0, "", "")


def test_the_photo_is_the_first_checked_one_with_a_file():
    store = make_store()
    mug = _mug(store)
    assert facade.product_photo(product_id=mug.pk) is None
    ProductImage.objects.create(
        store=store, product=mug, source="a", position=0, status=ImageStatus.FAILED
    )
    ProductImage.objects.create(
        store=store,
        product=mug,
        source="b",
        position=1,
        status=ImageStatus.READY,
        sha256="abc",
        file="products/b.png",
    )
    photo = facade.product_photo(product_id=mug.pk)
    assert photo is not None
    assert (photo.file_name, photo.sha256) == ("products/b.png", "abc")
