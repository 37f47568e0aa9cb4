"""The asset list's direct output: field for field what DRF's generic serializer gives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIRequestFactory

from content.models import Asset
from content.outputs import ASSET_COLUMNS, AssetSerializer, asset_outputs
from content.providers.text import product_copy
from tests.conftest import Actor
from tests.factories import make_product

pytestmark = pytest.mark.django_db

OLD_COPY = {name: f"old {name}" for name in product_copy.CORE_FIELDS}


def _assets(actor: Actor) -> list[Asset]:
    product = make_product(actor.store, photo=False)
    common = {"store": actor.store, "product": product, "locale": "en", "provider": "compose"}
    copy = Asset.objects.create(
        **common, kind="copy", input_hash="a" * 64, text=dict(OLD_COPY),
        product_content_hash=product.content_hash, review_state="approved",
        money_usd=Decimal("0.001234"), compute_seconds=1.5, tokens_in=12, tokens_out=34,
    )  # fmt: skip
    image = Asset.objects.create(
        **common, kind="image", variant="hero", input_hash="b" * 64, file="assets/hero.png",
        extra_file="assets/hero small~1.png", product_content_hash="stale",
        review_state="approved", metadata={"width": 1080}, findings=[{"rule_id": "x"}],
    )  # fmt: skip
    return [copy, image]


def _generic(asset: Asset, request: object = None) -> dict:
    """DRF's generic output, then old copy served with schema 2's fields empty."""
    serializer = AssetSerializer(context={"request": request} if request else {})
    data = dict(super(AssetSerializer, serializer).to_representation(asset))
    text = data["text"]
    if asset.kind == "copy" and all(name in text for name in product_copy.CORE_FIELDS):
        data["text"] = {**product_copy.EXTRA_FIELD_DEFAULTS, **text}
    return data


def test_the_direct_asset_representation_matches_drfs_generic_one(alice: Actor):
    copy, image = _assets(alice)
    request = APIRequestFactory().get("/api/v1/assets/", secure=True)
    rows = {row["id"]: row for row in Asset.objects.values(*ASSET_COLUMNS)}
    for asset in Asset.objects.select_related("product").filter(pk__in=[copy.pk, image.pk]):
        for context_request in (None, request):
            generic = _generic(asset, context_request)
            serializer = AssetSerializer(context={"request": context_request})
            assert serializer.to_representation(asset) == generic
            assert asset_outputs([rows[asset.pk]], request=context_request) == [generic]

    served = _generic(copy)
    assert served["text"] == {**product_copy.EXTRA_FIELD_DEFAULTS, **OLD_COPY}
    assert (served["money_usd"], served["is_stale"], served["url"]) == ("0.001234", False, None)
    hero = _generic(image, request)
    assert hero["is_stale"] is True
    assert hero["url"] == "https://testserver/media/assets/hero.png"
    assert hero["extra_url"] == "https://testserver/media/assets/hero%20small~1.png"


def test_the_list_answers_the_generic_output(alice: Actor):
    _assets(alice)
    listed = alice.client().get("/api/v1/assets/", secure=True).json()["results"]
    request = APIRequestFactory().get("/api/v1/assets/", secure=True)
    expected = [_generic(a, request) for a in Asset.objects.order_by("-id")]
    assert listed == expected
