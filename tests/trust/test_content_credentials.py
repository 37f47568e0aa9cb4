"""C2PA Content Credentials: signed offline with a local CA, read back, tampering detected."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from trust import content_credentials as cc
from trust.labels import IPTC_TRAINED_ALGORITHMIC_MEDIA


@pytest.fixture(scope="module")
def credentials() -> cc.SigningCredentials:
    return cc.generate_credentials()


def _png(colour: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, "PNG")
    return out.getvalue()


def _sign(data: bytes, credentials: cc.SigningCredentials) -> bytes:
    return cc.sign_file(
        data, mime_type="image/png", credentials=credentials, title="main.png",
        software="Shop AI compose", asset_id=42,
    )  # fmt: skip


def test_a_signed_image_says_it_was_made_by_a_trained_model(credentials):
    signed = _sign(_png(), credentials)

    found = cc.read_credentials(
        signed, mime_type="image/png", trust_anchor_pem=credentials.trust_anchor_pem
    )

    assert found == {
        "validation_state": "Trusted",
        "failures": [],
        "digital_source_type": IPTC_TRAINED_ALGORITHMIC_MEDIA,
        "signer": "Shop AI content signer",
        "asset_id": 42,
    }
    with Image.open(io.BytesIO(signed)) as image:  # still an ordinary PNG
        assert image.size == (320, 240)


def test_without_our_ca_the_manifest_is_intact_but_not_trusted(credentials):
    found = cc.read_credentials(_sign(_png(), credentials), mime_type="image/png")

    assert found is not None
    assert found["validation_state"] == "Valid"
    assert found["failures"] == ["signingCredential.untrusted"]


def test_a_changed_pixel_breaks_the_manifest(credentials):
    signed = _sign(_png(), credentials)
    at = signed.index(b"IDAT") + 20
    tampered = signed[:at] + bytes([signed[at] ^ 1]) + signed[at + 1 :]

    found = cc.read_credentials(
        tampered, mime_type="image/png", trust_anchor_pem=credentials.trust_anchor_pem
    )

    assert found is not None
    assert found["validation_state"] == "Invalid"
    assert "assertion.dataHash.mismatch" in found["failures"]


def test_an_unsigned_file_has_none_and_a_broken_one_is_an_error():
    assert cc.read_credentials(_png(), mime_type="image/png") is None
    with pytest.raises(ValueError, match="C2PA"):
        cc.read_credentials(b"\x89PNG\r\n\x1a\n" + b"\0" * 50, mime_type="image/png")


def test_local_credentials_are_made_once_and_kept_private(tmp_path):
    first = cc.local_credentials(tmp_path)
    cc.local_credentials.cache_clear()
    again = cc.local_credentials(tmp_path)

    assert again == first
    stored = tmp_path / cc.CREDENTIALS_FILE
    assert stored.stat().st_mode & 0o777 == 0o600
    assert set(json.loads(stored.read_text())) == {
        "private_key_pem", "cert_chain_pem", "trust_anchor_pem",
    }  # fmt: skip
    assert cc.local_trust_anchor(tmp_path) == first.trust_anchor_pem
    assert cc.local_trust_anchor(tmp_path / "elsewhere") is None
    assert list(tmp_path.iterdir()) == [stored]  # no temporary file left behind
