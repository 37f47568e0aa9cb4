"""Review: only approved assets are published; edits make versions; every step is audited."""

from __future__ import annotations

import pytest

from content.models import Asset, AuditEvent, ReviewState
from content.review import record_generated
from tests.conftest import Actor
from tests.factories import make_product

pytestmark = pytest.mark.django_db

COPY = {
    "headline": "Stoneware coffee mug",
    "short_description": "A stoneware mug that holds 350 ml.",
    "bullets": ["Material: stoneware", "Holds 350 ml", "Now $18.00"],
    "long_description": "Stoneware coffee mug from Kiln & Co, 350 ml.",
    "video_script": ["Meet the stoneware coffee mug.", "Get it now for $18.00."],
}


def _copy_asset(actor: Actor, findings: list | None = None) -> Asset:
    product = make_product(actor.store, photo=False)
    asset = Asset.objects.create(
        store=actor.store, product=product, kind="copy", locale="en", provider="template",
        input_hash="a" * 64, product_content_hash=product.content_hash, text=dict(COPY),
        findings=findings or [],
    )  # fmt: skip
    record_generated(asset)
    return asset


def _listed_ids(actor: Actor, query: str = "") -> list[int]:
    return [a["id"] for a in actor.client().get(f"/api/v1/assets/{query}").json()["results"]]


def test_drafts_are_not_published_until_approved(alice: Actor):
    asset = _copy_asset(alice)
    assert _listed_ids(alice) == []
    assert _listed_ids(alice, "?state=draft") == [asset.pk]
    response = alice.client().post(f"/api/v1/assets/{asset.pk}/approve/", {"note": "ok"})
    assert response.status_code == 200
    assert response.json()["review_state"] == "approved"
    assert _listed_ids(alice) == [asset.pk]


def test_a_read_key_cannot_approve(alice: Actor):
    asset = _copy_asset(alice)
    assert alice.client("read").post(f"/api/v1/assets/{asset.pk}/approve/").status_code == 403


def test_reject_records_who_and_why(alice: Actor):
    asset = _copy_asset(alice)
    alice.owner_client().post(f"/api/v1/assets/{asset.pk}/reject/", {"note": "off-brand"})
    asset.refresh_from_db()
    assert asset.review_state == ReviewState.REJECTED
    assert asset.reviewed_by == alice.owner
    event = AuditEvent.objects.filter(asset=asset).first()
    assert event is not None
    assert (event.action, event.details) == ("rejected", {"note": "off-brand"})


def test_an_edit_makes_a_new_checked_version_and_keeps_the_old(alice: Actor):
    asset = _copy_asset(alice)
    client = alice.client()
    edited = client.patch(
        f"/api/v1/assets/{asset.pk}/", {"headline": "The best mug, only $9"}, format="json"
    )
    assert edited.status_code == 201, edited.content
    body = edited.json()
    assert (body["version"], body["review_state"]) == (2, "draft")
    rules = {f["rule_id"] for f in body["findings"]}
    assert "grounding.unsupported_number" in rules  # $9 is not the price
    versions = client.get(f"/api/v1/assets/{asset.pk}/versions/").json()
    assert [v["version"] for v in versions] == [1, 2]
    assert client.post(f"/api/v1/assets/{asset.pk}/approve/").status_code == 409


def test_bulk_review_and_the_audit_log(alice: Actor):
    first, second = _copy_asset(alice), None
    product = make_product(alice.store, sku="MUG-2", photo=False)
    second = Asset.objects.create(
        store=alice.store, product=product, kind="copy", locale="en", provider="template",
        input_hash="b" * 64, product_content_hash=product.content_hash, text=dict(COPY),
    )  # fmt: skip
    response = alice.client().post(
        "/api/v1/assets/bulk-review/",
        {"assets": [first.pk, second.pk], "decision": "approve"},
        format="json",
    )
    assert response.status_code == 200
    assert {a["review_state"] for a in response.json()} == {"approved"}
    log = alice.client().get(f"/api/v1/audit/?asset={first.pk}").json()["results"]
    assert [e["action"] for e in log] == ["approved", "generated"]
    assert log[0]["actor_label"].startswith("api key ")


ERROR_FINDING = {"rule_id": "en.unsupported_number", "severity": "error", "message": "350 L"}


def test_the_api_approves_error_findings_only_once_the_reviewer_checked_them(alice: Actor):
    flagged = _copy_asset(alice, findings=[ERROR_FINDING])
    warned = Asset.objects.create(
        store=alice.store, product=make_product(alice.store, sku="MUG-4", photo=False),
        kind="copy", locale="en", provider="template", input_hash="d" * 64,
        text=dict(COPY), findings=[{"rule_id": "en.superlative", "severity": "warning"}],
    )  # fmt: skip
    client = alice.client()

    refused = client.post(f"/api/v1/assets/{flagged.pk}/approve/", {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "findings_unchecked"
    assert refused.json()["error"]["details"] == {"ids": [flagged.pk]}
    bulk = {"assets": [flagged.pk, warned.pk], "decision": "approve"}
    refused = client.post("/api/v1/assets/bulk-review/", bulk, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == {"ids": [flagged.pk]}
    flagged.refresh_from_db()
    warned.refresh_from_db()
    assert (flagged.review_state, warned.review_state) == (ReviewState.DRAFT, ReviewState.DRAFT)

    # Warnings alone need no confirmation; rejecting never does.
    assert client.post(f"/api/v1/assets/{warned.pk}/approve/").status_code == 200
    assert client.post(f"/api/v1/assets/{flagged.pk}/reject/").status_code == 200
    approved = client.post(
        f"/api/v1/assets/{flagged.pk}/approve/", {"checked_findings": True}, format="json"
    )
    assert approved.status_code == 200
    assert approved.json()["review_state"] == ReviewState.APPROVED


def test_auto_approve_applies_only_to_assets_without_findings(alice: Actor):
    alice.store.auto_approve_clean_assets = True
    alice.store.save()
    clean = _copy_asset(alice)
    product = make_product(alice.store, sku="MUG-3", photo=False)
    flagged = Asset.objects.create(
        store=alice.store, product=product, kind="copy", locale="en", provider="local",
        input_hash="c" * 64, product_content_hash=product.content_hash, text=dict(COPY),
        findings=[{"rule_id": "en.superlative"}],
    )  # fmt: skip
    record_generated(flagged)
    clean.refresh_from_db()
    flagged.refresh_from_db()
    assert clean.review_state == ReviewState.APPROVED
    assert flagged.review_state == ReviewState.DRAFT


def test_the_asset_list_uses_a_fixed_number_of_queries(alice: Actor, django_assert_max_num_queries):
    products = [make_product(alice.store, f"Q-{n}", photo=False) for n in range(10)]
    for n, product in enumerate(products):
        Asset.objects.create(
            store=alice.store, product=product, kind="copy", locale="en", provider="template",
            input_hash=f"{n:064x}", product_content_hash=product.content_hash, text=dict(COPY),
            review_state=ReviewState.APPROVED,
        )  # fmt: skip
    client = alice.client()

    # Not one query per asset: an N+1 would cost ten or more here.
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/assets/").json()["results"]) == 10
