"""The product's content page shows the whole copy pack a seller reviews, not only the
description: search listing, keywords, the voice script and the video's shot list."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from content.models import Asset
from content.providers.text import CopyRequest, TemplateWriter
from content.selectors import facts_for
from tests.conftest import Actor
from tests.factories import catalog_product, make_product

pytestmark = pytest.mark.django_db


def _copy_asset(actor: Actor) -> tuple[Asset, dict[str, Any]]:
    product = make_product(actor.store, "MUG-1", photo=False)
    copy = (
        TemplateWriter()
        .write(
            CopyRequest(
                facts=facts_for(catalog_product(product)),
                locale="en",
                brand_name="Kiln & Co",
                sku="MUG-1",
            )
        )
        .copy
    )
    text = copy.to_dict()
    asset = Asset.objects.create(
        store=actor.store, product=product, kind="copy", locale="en", provider="template",
        input_hash="1" * 64, product_content_hash=product.content_hash, text=text,
    )  # fmt: skip
    return asset, text


def _page(actor: Actor, product_pk: int) -> tuple[int, str]:
    client = Client()
    client.force_login(actor.owner)
    response = client.get(f"/content/products/{product_pk}/")
    return response.status_code, response.content.decode()


def test_the_page_shows_every_part_of_the_copy_pack(alice: Actor):
    asset, text = _copy_asset(alice)

    status, page = _page(alice, asset.product_id)

    assert status == 200
    for part in (
        text["headline"],
        text["seo_title"],
        text["seo_description"],
        text["keywords"][0],
        text["video_script"][0],
        text["shot_list"][0]["description"],
        text["shot_list"][-1]["source"],
    ):
        assert part.replace("&", "&amp;") in page, part
    assert page.count("<tr><td>") == len(text["shot_list"])


def test_another_stores_product_page_is_not_found(alice: Actor, bob: Actor):
    asset, text = _copy_asset(alice)

    status, page = _page(bob, asset.product_id)

    assert status == 404
    assert text["headline"] not in page
