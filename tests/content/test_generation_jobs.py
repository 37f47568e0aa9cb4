"""Generation jobs: stages in dependency order, reuse of unchanged work, idempotency,
cancellation and failure, through the real template writer and compose layouts."""

from __future__ import annotations

import pytest
from PIL import Image

from content.models import Asset, GenerationJob, GenerationStage, JobStatus, StageStatus
from content.stages import IMAGE_LAYOUTS
from tests.conftest import Actor
from tests.factories import make_product
from tests.providers import use_provider

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _template_writer(settings, tmp_path):
    use_provider(settings, "text", "template")
    settings.MEDIA_ROOT = tmp_path


def _start(actor: Actor, capture, body: dict, **headers) -> dict:
    with capture(execute=True):
        response = actor.client().post("/api/v1/generation-jobs/", body, format="json", **headers)
    assert response.status_code in (200, 201), response.content
    return response.json()


def test_copy_and_images_are_generated_and_reported(
    alice: Actor, django_capture_on_commit_callbacks
):
    product = make_product(alice.store)
    job = _start(
        alice,
        django_capture_on_commit_callbacks,
        {"products": [product.pk], "kinds": ["image"], "locales": ["en"]},
    )
    assert job["kinds"] == ["copy", "image"]  # images need copy, so it was added
    detail = alice.client().get(f"/api/v1/generation-jobs/{job['id']}/").json()
    assert detail["status"] == "succeeded", detail
    assert detail["progress"] == {"total": 2, "done": 2}
    copy = Asset.objects.get(product=product, kind="copy")
    assert copy.text is not None
    assert copy.text["headline"]
    assert copy.provider == "template"
    images = Asset.objects.filter(product=product, kind="image")
    assert sorted(images.values_list("variant", flat=True)) == [
        "feature_card", "hero_banner", "marketplace_main", "story_frame",
    ]  # fmt: skip
    main = images.get(variant="marketplace_main")
    with Image.open(main.file.path) as png:
        assert png.size == (1200, 1200)
        assert "AIGC" in png.text  # implicit AI label in the PNG
    listed = alice.client().get(f"/api/v1/assets/?product={product.pk}&kind=image&state=all")
    listed = listed.json()
    assert len(listed["results"]) == 4
    assert listed["results"][0]["url"].startswith("http://testserver/media/")


def test_a_second_job_for_an_unchanged_product_reuses_everything(
    alice: Actor, django_capture_on_commit_callbacks
):
    product = make_product(alice.store)
    body = {"products": [product.pk], "kinds": ["image"], "locales": ["en"]}
    _start(alice, django_capture_on_commit_callbacks, body)
    second = _start(alice, django_capture_on_commit_callbacks, body)
    stages = GenerationStage.objects.filter(job_id=second["id"])
    assert {s.status for s in stages} == {StageStatus.REUSED}
    assert Asset.objects.filter(product=product).count() == 5


def test_a_changed_product_is_generated_again_and_old_assets_are_stale(
    alice: Actor, django_capture_on_commit_callbacks
):
    from catalog.services import products_upsert_json

    product = make_product(alice.store)
    body = {"products": [product.pk], "kinds": ["copy"], "locales": ["en"]}
    _start(alice, django_capture_on_commit_callbacks, body)
    first = Asset.objects.get(product=product, kind="copy")
    products_upsert_json(
        store=alice.store, items=[{"sku": product.sku, "title": "Big mug", "price": "20.00"}]
    )
    _start(alice, django_capture_on_commit_callbacks, body)
    assert Asset.objects.filter(product=product, kind="copy").count() == 2
    first.refresh_from_db()
    assert first.is_stale


def test_the_idempotency_key_returns_the_same_job(alice: Actor, django_capture_on_commit_callbacks):
    product = make_product(alice.store)
    body = {"products": [product.pk], "kinds": ["copy"]}
    first = _start(alice, django_capture_on_commit_callbacks, body, HTTP_IDEMPOTENCY_KEY="abc")
    again = _start(alice, django_capture_on_commit_callbacks, body, HTTP_IDEMPOTENCY_KEY="abc")
    assert first["id"] == again["id"]
    assert GenerationJob.objects.filter(store=alice.store).count() == 1


def test_a_product_without_a_photo_gets_typographic_images_with_a_finding(
    alice: Actor, django_capture_on_commit_callbacks
):
    product = make_product(alice.store, photo=False)
    job = _start(
        alice,
        django_capture_on_commit_callbacks,
        {"products": [product.pk], "kinds": ["image"], "locales": ["en", "zh-CN"]},
    )
    detail = alice.client().get(f"/api/v1/generation-jobs/{job['id']}/").json()
    assert detail["status"] == JobStatus.SUCCEEDED, detail
    for locale in ("en", "zh-CN"):
        images = Asset.objects.filter(product=product, kind="image", locale=locale)
        assert sorted(images.values_list("variant", flat=True)) == sorted(IMAGE_LAYOUTS)
        for asset in images:
            assert asset.metadata["design"] == "typographic"
            (finding,) = asset.findings
            assert finding["rule_id"] == "photo_missing"
            assert finding["severity"] == "warning"
            assert finding["message"]
            with Image.open(asset.file.path) as png:
                assert "AIGC" in png.text  # the implicit AI label, as on photo layouts
    copy = Asset.objects.get(product=product, kind="copy", locale="en")
    assert not any(f["rule_id"] == "photo_missing" for f in copy.findings or [])


@pytest.mark.slow
def test_a_photo_that_arrives_later_remakes_only_the_images_and_the_video(
    alice: Actor, django_capture_on_commit_callbacks, settings
):
    settings.SHOP_AI_VIDEO_SIZE = "360x640"
    product = make_product(alice.store, photo=False)
    body = {"products": [product.pk], "kinds": ["video"], "locales": ["en"]}
    first = _start(alice, django_capture_on_commit_callbacks, body)
    detail = alice.client().get(f"/api/v1/generation-jobs/{first['id']}/").json()
    assert detail["status"] == JobStatus.SUCCEEDED, detail
    assert {s["stage"] for s in detail["stages"]} == {"copy", "image", "voice", "video"}
    assert Asset.objects.filter(product=product, kind="image").count() == len(IMAGE_LAYOUTS)
    assert Asset.objects.get(product=product, kind="video").file.size > 0

    make_product(alice.store, sku=product.sku)  # the same product, now with its photo
    second = _start(alice, django_capture_on_commit_callbacks, body)
    stages = {s.stage: s.status for s in GenerationStage.objects.filter(job_id=second["id"])}
    assert stages["copy"] == StageStatus.REUSED
    assert stages["voice"] == StageStatus.REUSED
    assert stages["image"] == StageStatus.DONE
    assert stages["video"] == StageStatus.DONE
    fresh = Asset.objects.filter(product=product, kind="image").order_by("-pk")[
        : len(IMAGE_LAYOUTS)
    ]
    assert {a.metadata["design"] for a in fresh} == {"photo"}
    assert all(not a.findings for a in fresh)


def test_another_stores_products_cannot_be_generated(alice: Actor, bob: Actor):
    product = make_product(alice.store)
    response = bob.client().post(
        "/api/v1/generation-jobs/", {"products": [product.pk], "kinds": ["copy"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_products"


def test_cancel_stops_stages_that_have_not_started(alice: Actor):
    from content import services

    product = make_product(alice.store)
    job, _ = services.generation_job_create(
        store=alice.store, product_ids=[product.pk], kinds=["image"], locales=["en"]
    )
    services.job_cancel(job=job)
    services.job_advance(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert set(job.stages.values_list("status", flat=True)) == {StageStatus.CANCELLED}
    assert not Asset.objects.filter(product=product).exists()


def test_the_job_list_costs_a_fixed_number_of_queries(
    alice: Actor, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    product = make_product(alice.store)
    for key in ("a", "b", "c"):
        _start(
            alice,
            django_capture_on_commit_callbacks,
            {"products": [product.pk], "kinds": ["copy"]},
            HTTP_IDEMPOTENCY_KEY=key,
        )
    with django_assert_max_num_queries(4):  # was 3 + one per job
        jobs = alice.client().get("/api/v1/generation-jobs/").json()["results"]
    assert len(jobs) == 3
    assert all(job["cost"]["compute_seconds"] >= 0 for job in jobs)
