"""Test data, built through the same services the product uses so invariants hold."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth.models import User

from shop_ai import services
from shop_ai.models import Membership, Role, Scope, Store

TEST_PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def make_user(**fields: Any) -> User:
    n = next(_sequence)
    fields.setdefault("username", f"user{n}")
    fields.setdefault("email", f"{fields['username']}@example.com")
    user = User(**fields)
    user.set_password(TEST_PASSWORD)
    user.save()
    return user


def make_store(**fields: Any) -> Store:
    n = next(_sequence)
    fields.setdefault("name", f"Store {n}")
    fields.setdefault("slug", f"store-{n}")
    return services.store_create(**fields)


def member_of(store: Store, role: str = Role.OWNER, **user_fields: Any) -> User:
    user = make_user(**user_fields)
    Membership.objects.create(user=user, store=store, role=role)
    return user


def api_key_for(store: Store, scope: str = Scope.WRITE) -> str:
    return services.api_key_create(store=store, name=f"{scope} key", scope=scope).raw_key


def make_product(store: Store, sku: str = "MUG-1", *, photo: bool = True, **fields: Any) -> Any:
    """A product with a checked studio photo, as an import would leave it."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    from catalog import services as catalog_services
    from catalog.models import ImageStatus, Product, ProductImage

    item = {
        "sku": sku,
        "title": "Stoneware coffee mug",
        "price": "18.00",
        "compare_at_price": "24.00",
        "brand": "Kiln & Co",
        "category": "Home > Kitchen",
        "stock": 42,
        "attributes": {"material": "stoneware", "capacity": "350 ml"},
        **fields,
    }
    catalog_services.products_upsert_json(store=store, items=[item])
    product = Product.objects.get(store=store, sku=sku)
    if photo:
        image = Image.new("RGB", (600, 600), (236, 236, 232))
        ImageDraw.Draw(image).rounded_rectangle((170, 150, 430, 470), 30, fill=(46, 94, 140))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        row = ProductImage(
            store=store, product=product, source="photo.png", status=ImageStatus.READY
        )
        row.file.save(f"test/{sku}.png", ContentFile(buffer.getvalue()), save=False)
        row.sha256 = f"{hash(sku) & 0xFFFFFFFF:064x}"
        row.save()
    return product


def catalog_product(product: Any) -> Any:
    """A product as other apps see it: the catalog facade's frozen facts."""
    from catalog import facade

    return facade.product_facts(store_id=product.store_id, product_id=product.pk)
