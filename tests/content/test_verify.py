"""POST /api/v1/verify/: a file's AI label and watermark lead to the store's own asset only."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from content.models import Asset
from content.review import verify
from tests.conftest import Actor
from tests.factories import make_product
from tests.providers import use_provider
from tests.trust.test_labels import sine_wav
from trust.labels import aigc_metadata, label_wav
from trust.watermark import embed_asset_id, payload_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _template_writer(settings, tmp_path):
    use_provider(settings, "text", "template")
    settings.MEDIA_ROOT = tmp_path
    settings.DATA_DIR = tmp_path  # the Content Credentials signing key is made here


def _generated_image(actor: Actor, capture) -> Asset:
    """Copy and images for one product, through the API and the workers, as in production."""
    product = make_product(actor.store)
    body = {"products": [product.pk], "kinds": ["image"], "locales": ["en"]}
    with capture(execute=True):
        response = actor.client().post("/api/v1/generation-jobs/", body, format="json")
    assert response.status_code == 201, response.content
    return Asset.objects.get(product=product, kind="image", variant="marketplace_main")


def _verify(actor: Actor, data: bytes, name: str = "found.png"):
    upload = SimpleUploadedFile(name, data)
    return actor.client().post("/api/v1/verify/", {"file": upload}, format="multipart")


def _jpeg(data: bytes, quality: int = 75) -> bytes:
    out = io.BytesIO()
    with Image.open(io.BytesIO(data)) as image:
        image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def test_a_generated_image_leads_back_to_its_asset(
    alice: Actor, django_capture_on_commit_callbacks
):
    asset = _generated_image(alice, django_capture_on_commit_callbacks)
    assert asset.metadata["watermark"]["embedded"] is True
    assert asset.metadata["watermark"]["payload"] == payload_for(asset.pk).hex()

    response = _verify(alice, asset.file.read(), "marketplace.png")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["media_type"] == "image/png"
    assert body["filename"] == "marketplace.png"
    assert body["aigc_label"] == asset.metadata["aigc"]
    assert body["watermark"] == {"checked": True, "present": True, "asset_id": asset.pk}
    assert body["asset_found"] is True
    assert body["asset"]["id"] == asset.pk
    assert body["asset"]["kind"] == "image"
    assert body["asset"]["variant"] == "marketplace_main"
    assert body["asset"]["product_sku"] == "MUG-1"
    assert body["asset"]["review_state"] == asset.review_state
    credentials = body["content_credentials"]
    assert credentials["validation_state"] == "Trusted"  # signed by this deployment's CA
    assert credentials["digital_source_type"].endswith("/trainedAlgorithmicMedia")
    assert credentials["asset_id"] == asset.pk
    assert asset.metadata["c2pa"]["signed"] is True


def test_a_jpeg_copy_loses_the_label_but_keeps_the_watermark(
    alice: Actor, django_capture_on_commit_callbacks
):
    asset = _generated_image(alice, django_capture_on_commit_callbacks)

    body = _verify(alice, _jpeg(asset.file.read()), "reposted.jpg").json()

    assert body["media_type"] == "image/jpeg"
    assert body["aigc_label"] is None  # a plain re-encode drops the metadata...
    assert body["content_credentials"] is None
    assert body["asset"]["id"] == asset.pk  # ...and the pixels still say where it came from


def test_another_stores_asset_is_not_found(
    alice: Actor, bob: Actor, django_capture_on_commit_callbacks
):
    asset = _generated_image(alice, django_capture_on_commit_callbacks)

    body = _verify(bob, asset.file.read()).json()

    assert body["watermark"]["asset_id"] == asset.pk  # the file says so, to anyone
    assert body["asset_found"] is False
    assert body["asset"] is None
    assert "Stoneware" not in str(body)  # nothing from Alice's catalog
    # Exactly what an id that exists nowhere gets.
    with Image.open(asset.file.path) as image:
        nowhere = embed_asset_id(image, asset.pk + 1000)
    out = io.BytesIO()
    nowhere.save(out, "PNG")
    unknown = _verify(bob, out.getvalue()).json()
    assert unknown["watermark"] == {"checked": True, "present": True, "asset_id": asset.pk + 1000}
    for key in ("asset_found", "asset", "notes"):
        assert unknown[key] == body[key]


def test_an_unmarked_image_and_a_labelled_wav(alice: Actor):
    out = io.BytesIO()
    Image.new("RGB", (400, 400), (40, 90, 160)).save(out, "PNG")
    image = _verify(alice, out.getvalue()).json()
    assert image["watermark"] == {"checked": True, "present": False, "asset_id": None}
    assert image["aigc_label"] is None
    assert image["asset"] is None

    aigc = aigc_metadata(producer="Shop AI", produce_id="MUG-1:voice:en")
    wav = _verify(alice, label_wav(sine_wav(), aigc), "voice.wav").json()
    assert wav["media_type"] == "audio/wav"
    assert wav["aigc_label"] == aigc
    assert wav["watermark"]["checked"] is False


def test_a_small_image_is_not_checked_and_says_why(alice: Actor):
    out = io.BytesIO()
    Image.new("RGB", (120, 120), (40, 90, 160)).save(out, "PNG")

    body = _verify(alice, out.getvalue()).json()

    assert body["watermark"]["checked"] is False
    assert any("256" in note for note in body["notes"])


def test_a_file_that_is_not_media_is_refused(alice: Actor):
    response = _verify(alice, b"%PDF-1.7 not an image", "doc.pdf")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unsupported_media"


def test_a_request_without_a_file_is_refused(alice: Actor):
    response = alice.client().post("/api/v1/verify/", {}, format="multipart")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_a_damaged_image_is_reported_not_crashed_on(alice: Actor):
    response = _verify(alice, b"\x89PNG\r\n\x1a\n" + b"\0" * 64)

    assert response.status_code == 200
    body = response.json()
    assert body["aigc_label"] is None
    assert body["watermark"]["checked"] is False
    assert body["notes"]


def test_an_oversized_file_is_refused_with_413(alice: Actor, monkeypatch):
    monkeypatch.setattr(verify, "MAX_VERIFY_BYTES", 1024)
    out = io.BytesIO()
    Image.new("RGB", (300, 300)).save(out, "BMP")  # about 270 kB
    data = b"\x89PNG\r\n\x1a\n" + out.getvalue()

    response = _verify(alice, data)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
