"""Content's webhook payloads hold what the API shows of an asset, less its private fields."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from content.models import Asset
from content.outputs import AssetSerializer
from content.providers.text import product_copy
from content.webhook_events import PRIVATE_ASSET_FIELDS, asset_payload
from tests.conftest import Actor
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def _assets(actor: Actor) -> list[Asset]:
    product = make_product(actor.store, photo=False)
    common = {"store": actor.store, "product": product, "locale": "en", "provider": "compose"}
    old_copy = Asset.objects.create(
        **common, kind="copy", input_hash="a" * 64,
        text={name: f"old {name}" for name in product_copy.CORE_FIELDS},
        product_content_hash=product.content_hash, review_state="approved",
        money_usd=Decimal("0.001234"), compute_seconds=1.5, tokens_in=12, tokens_out=34,
        prompt="private prompt", params={"temperature": 0.2},
    )  # fmt: skip
    image = Asset.objects.create(
        **common, kind="image", variant="hero", input_hash="b" * 64, file="assets/hero.png",
        extra_file="assets/hero small~1.png", product_content_hash="stale",
        review_state="approved", metadata={"width": 1080}, findings=[{"rule_id": "x"}],
    )  # fmt: skip
    return [old_copy, image]


def _as_sent(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@pytest.mark.parametrize("public_url", ["", "https://shop-ai.example.com/"])
def test_asset_payload_is_the_api_asset_less_private_fields(
    alice: Actor, settings: Any, public_url: str
):
    settings.SHOP_AI_PUBLIC_URL = public_url
    base = public_url.rstrip("/")
    for asset in _assets(alice):
        api = dict(AssetSerializer(asset).data)
        expected = {k: v for k, v in api.items() if k not in PRIVATE_ASSET_FIELDS}
        for name in ("url", "extra_url"):
            if base and expected[name]:
                expected[name] = base + expected[name]
        payload = asset_payload(asset)
        assert list(payload) == list(expected)  # the API's field order, too
        assert _as_sent(payload) == _as_sent(expected)
        assert not set(PRIVATE_ASSET_FIELDS) & set(payload)


def test_file_links_are_absolute_when_the_public_url_is_set(alice: Actor, settings: Any):
    settings.SHOP_AI_PUBLIC_URL = "https://shop-ai.example.com"
    _, image = _assets(alice)
    payload = asset_payload(image)
    assert payload["url"] == "https://shop-ai.example.com/media/assets/hero.png"
    assert payload["extra_url"] == "https://shop-ai.example.com/media/assets/hero%20small~1.png"
    assert payload["is_stale"] is True
