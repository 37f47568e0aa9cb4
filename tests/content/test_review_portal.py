"""The portal's review queue and asset page, and the voice consent guard: store-scoped,
role-checked, audited, with findings marked in escaped copy."""

from __future__ import annotations

import io
import itertools
import wave
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from content.models import Asset, AuditEvent, ReviewState, VoiceConsent
from content.providers.base import ProviderUnavailable
from content.review import record_generated, voice_consent
from content.stages import StageContext, plan_stage, run_stage_outputs
from shop_ai.errors import DomainError
from shop_ai.models import Role, Store
from tests.conftest import Actor
from tests.factories import make_product, member_of
from trust.review_marks import mark_sections

pytestmark = pytest.mark.django_db

COPY = {
    "headline": "Stoneware coffee mug",
    "short_description": "A stoneware mug that holds 350 ml.",
    "bullets": ["Material: stoneware", "Holds 350 ml", "Now $18.00"],
    "long_description": "Stoneware coffee mug from Kiln & Co, 350 ml.",
    "video_script": ["Meet the stoneware coffee mug.", "Get it now for $18.00."],
}
_hashes = itertools.count(1)


def _finding(start: int, end: int, *, rule: str = "grounding.unsupported_number",
             severity: str = "error", message: str = "Not in the catalog.",
             suggestion: str | None = None, excerpt: str = "") -> dict[str, Any]:  # fmt: skip
    return {"rule_id": rule, "severity": severity, "start": start, "end": end,
            "excerpt": excerpt, "message": message, "suggestion": suggestion}  # fmt: skip


def _asset(store: Store, product: Any = None, *, kind: str = "copy", **fields: Any) -> Asset:
    product = product or make_product(store, f"SKU-{next(_hashes)}", photo=False)
    fields.setdefault("text", dict(COPY) if kind == "copy" else None)
    asset = Asset.objects.create(
        store=store, product=product, kind=kind, locale=fields.pop("locale", "en"),
        provider=fields.pop("provider", "template"), input_hash=f"{next(_hashes):064x}",
        product_content_hash=product.content_hash, **fields,
    )  # fmt: skip
    record_generated(asset)
    return asset


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queue_ids(client: Client, query: str = "") -> list[int]:
    response = client.get(f"/content/review/{query}")
    assert response.status_code == 200
    return [asset.pk for asset in response.context["page"]]


def _state(asset: Asset) -> str:
    asset.refresh_from_db()
    return asset.review_state


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the queue -----------------------------------------------------------------------------


def test_the_queue_lists_only_this_stores_latest_drafts_newest_first(alice: Actor, bob: Actor):
    older = _asset(alice.store)
    newer = _asset(alice.store, kind="image", variant="hero_banner", file="assets/hero.png")
    approved = _asset(alice.store)
    approved.review_state = ReviewState.APPROVED
    approved.save()
    edited_away = _asset(alice.store)
    _client(alice.owner).post(f"/content/review/{edited_away.pk}/edit/", {"headline": "A mug"})
    latest = Asset.objects.get(previous=edited_away)
    _asset(bob.store)

    client = _client(alice.owner)
    assert _queue_ids(client) == [latest.pk, newer.pk, older.pk]
    page = client.get("/content/review/").content.decode()
    assert '<img src="/media/assets/hero.png"' in page
    assert "Select" in page
    assert 'name="assets"' in page


def test_queue_filters_by_kind_product_findings_and_locale(alice: Actor):
    mug = make_product(alice.store, "MUG-9", photo=False, title="Blue enamel mug")
    lamp = make_product(alice.store, "LAMP-1", photo=False, title="Desk lamp")
    copy_en = _asset(alice.store, mug, findings=[_finding(0, 4, severity="warning")])
    copy_zh = _asset(alice.store, mug, locale="zh-CN")
    voice = _asset(alice.store, lamp, kind="voice", file="assets/v.wav")
    video = _asset(alice.store, lamp, kind="video", file="assets/v.mp4")
    client = _client(alice.owner)

    assert _queue_ids(client, "?kind=voice") == [voice.pk]
    assert _queue_ids(client, "?kind=video") == [video.pk]
    assert set(_queue_ids(client, "?q=mug-9")) == {copy_en.pk, copy_zh.pk}
    assert set(_queue_ids(client, "?q=desk")) == {voice.pk, video.pk}
    assert _queue_ids(client, "?findings=yes") == [copy_en.pk]
    assert copy_en.pk not in _queue_ids(client, "?findings=no")
    assert _queue_ids(client, "?locale=zh-CN") == [copy_zh.pk]
    assert _queue_ids(client, "?kind=copy&locale=en&q=enamel") == [copy_en.pk]

    page = client.get("/content/review/?kind=voice").content.decode()
    assert '<audio controls preload="none" src="/media/assets/v.wav">' in page
    rows = client.get("/content/review/", HTTP_HX_REQUEST="true")
    assert rows.templates[0].name == "content/_review_rows.html"


def test_the_queue_pages(alice: Actor):
    product = make_product(alice.store, photo=False)
    assets = [_asset(alice.store, product) for _ in range(27)]
    client = _client(alice.owner)
    first, second = _queue_ids(client), _queue_ids(client, "?page=2")
    assert len(first) == 25
    assert first + second == [a.pk for a in reversed(assets)]


# --- the asset page ------------------------------------------------------------------------


def test_findings_are_marked_in_escaped_copy_with_overlaps(alice: Actor):
    product = make_product(
        alice.store, "EVIL-1", photo=False, title="<script>alert('title')</script> mug"
    )
    headline = "<script>alert(1)</script> mug for $9 only"
    price_at = headline.index("$9")
    findings = [
        _finding(price_at, price_at + 2, message="$9 is not the price.", suggestion="$18.00"),
        # Overlaps the price's end and the word after it.
        _finding(
            price_at + 1,
            price_at + 7,
            rule="compliance.urgency",
            severity="warning",
            message="Pressure <b>words</b>.",
        ),
        _finding(0, 0, rule="compliance.missing_required_word", message="Say “Kiln”."),
    ]
    asset = _asset(alice.store, product, text={**COPY, "headline": headline}, findings=findings)

    response = _client(alice.owner).get(f"/content/review/{asset.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; mug for " in page
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; mug" in page
    assert (
        '<mark class="finding error" title="grounding.unsupported_number: $9 is not the price.'
        ' Suggestion: $18.00">$</mark>'
    ) in page
    both = (
        "grounding.unsupported_number: $9 is not the price. Suggestion: $18.00\n"
        "compliance.urgency: Pressure &lt;b&gt;words&lt;/b&gt;."
    )
    assert f'<mark class="finding error" title="{both}">9</mark>' in page
    assert (
        '<mark class="finding warning" title="compliance.urgency: Pressure &lt;b&gt;words'
        '&lt;/b&gt;."> only</mark>'
    ) in page
    assert "Say “Kiln”." in page  # the finding without a span is listed, not marked
    # The catalog facts beside the copy.
    assert "<dt>Price</dt><dd>18.00 USD</dd>" in page
    assert "<dt>capacity</dt><dd>350 ml</dd>" in page


def test_mark_sections_cuts_at_every_edge_and_clips_to_sections():
    sections = [("headline", "Big mug"), ("bullets", "One\nTwo")]
    spanning = _finding(4, 11, rule="a")  # "mug" + separator + "On"
    inner = _finding(5, 6, rule="b", severity="warning")
    empty = _finding(3, 3, rule="c")
    marked, unplaced = mark_sections(sections, [spanning, inner, empty])
    head, bullets = marked
    assert [(p.text, [f["rule_id"] for f in p.findings]) for p in head.pieces] == [
        ("Big ", []), ("m", ["a"]), ("u", ["a", "b"]), ("g", ["a"]),
    ]  # fmt: skip
    assert head.pieces[2].severity == "error"
    assert [(p.text, len(p.findings)) for p in bullets.pieces] == [("On", 1), ("e\nTwo", 0)]
    assert bullets.start == 9
    assert unplaced == [empty]


def test_media_page_shows_the_file_label_and_watermark(alice: Actor):
    aigc = {"Label": "1", "ContentProducer": "Shop AI", "ProduceID": "MUG:hero:en"}
    asset = _asset(
        alice.store, kind="image", variant="hero_banner", file="assets/hero.png",
        metadata={"aigc": aigc, "watermark": {"embedded": True, "asset_id": 77}},
    )  # fmt: skip
    page = _client(alice.owner).get(f"/content/review/{asset.pk}/").content.decode()
    assert '<img src="/media/assets/hero.png"' in page
    assert "<dt>ProduceID</dt><dd>MUG:hero:en</dd>" in page
    assert "<dt>asset_id</dt><dd>77</dd>" in page


def test_another_stores_asset_is_not_found_anywhere(alice: Actor, bob: Actor):
    theirs = _asset(bob.store)
    client = _client(alice.owner)
    assert client.get(f"/content/review/{theirs.pk}/").status_code == 404
    for action in ("approve", "reject", "edit"):
        response = client.post(
            f"/content/review/{theirs.pk}/{action}/", {"note": "x", "headline": "Mine now"}
        )
        assert response.status_code == 404, action
    response = client.post("/content/review/bulk/", {"assets": [theirs.pk], "action": "approve"})
    assert response.status_code == 302
    assert _messages(response) == ["Some assets do not exist."]
    assert _state(theirs) == ReviewState.DRAFT
    assert Asset.objects.filter(store=bob.store).count() == 1
    assert not AuditEvent.objects.filter(asset=theirs).exclude(action="generated").exists()


# --- decisions -----------------------------------------------------------------------------


def test_approve_and_reject_change_state_audit_and_open_the_next_draft(alice: Actor):
    older = _asset(alice.store)
    newer = _asset(alice.store)
    client = _client(alice.owner)

    response = client.post(f"/content/review/{newer.pk}/approve/", {"note": "looks right"})
    assert response.status_code == 302
    assert response["Location"] == f"/content/review/{older.pk}/"
    newer.refresh_from_db()
    assert (newer.review_state, newer.reviewed_by, newer.review_note) == (
        "approved", alice.owner, "looks right",
    )  # fmt: skip
    event = AuditEvent.objects.filter(asset=newer).first()
    assert event is not None
    assert (event.action, event.actor_user, event.details) == (
        "approved", alice.owner, {"note": "looks right"},
    )  # fmt: skip

    response = client.post(
        f"/content/review/{older.pk}/reject/", {"note": "off-brand", "queue": "kind=copy"}
    )
    assert response["Location"] == "/content/review/?kind=copy"  # nothing left to review
    assert _state(older) == ReviewState.REJECTED
    event = AuditEvent.objects.filter(asset=older).first()
    assert event is not None
    assert (event.action, event.details) == (
        "rejected",
        {"note": "off-brand"},
    )
    assert _queue_ids(client) == []
    # A decision taken from the queue (its keyboard shortcuts) goes back to the queue.
    third = _asset(alice.store)
    _asset(alice.store)
    response = client.post(f"/content/review/{third.pk}/approve/", {"return": "queue"})
    assert response["Location"] == "/content/review/"


def test_an_edit_makes_a_new_checked_version(alice: Actor):
    asset = _asset(alice.store)
    client = _client(alice.owner)
    response = client.post(
        f"/content/review/{asset.pk}/edit/",
        {"headline": "The best mug, only $9", "bullets": "Material: stoneware\r\n\r\nHolds 350 ml"},
    )
    edited = Asset.objects.get(previous=asset)
    assert response.status_code == 302
    assert response["Location"] == f"/content/review/{edited.pk}/"
    assert (edited.version, edited.review_state, edited.provider) == (2, "draft", "human-edit")
    assert isinstance(edited.text, dict)
    assert edited.text["headline"] == "The best mug, only $9"
    assert edited.text["bullets"] == ["Material: stoneware", "Holds 350 ml"]
    assert "grounding.unsupported_number" in {f["rule_id"] for f in edited.findings}
    assert _state(asset) == ReviewState.DRAFT
    assert asset.text == COPY
    event = AuditEvent.objects.filter(asset=edited, action="edited").get()
    assert (event.actor_user, event.details["previous"]) == (alice.owner, asset.pk)

    page = client.get(f"/content/review/{edited.pk}/").content.decode()
    assert '<mark class="finding error"' in page
    assert ">$9</mark>" in page
    assert page.count("<td>Draft</td>") == 2  # both versions in the history
    old_page = client.get(f"/content/review/{asset.pk}/").content.decode()
    assert "A newer version exists" in old_page
    assert client.post(f"/content/review/{asset.pk}/approve/").status_code == 409
    assert client.post(f"/content/review/{asset.pk}/edit/", {"headline": "x"}).status_code == 409


def test_an_unchanged_edit_makes_no_version(alice: Actor):
    asset = _asset(alice.store)
    response = _client(alice.owner).post(
        f"/content/review/{asset.pk}/edit/", {"headline": COPY["headline"]}
    )
    assert response.status_code == 302
    assert not Asset.objects.filter(previous=asset).exists()


def test_viewers_look_but_cannot_decide(alice: Actor):
    asset = _asset(alice.store)
    viewer = _client(member_of(alice.store, Role.VIEWER))
    page = viewer.get(f"/content/review/{asset.pk}/")
    assert page.status_code == 200
    assert b"review-approve" not in page.content
    assert b'name="assets"' not in viewer.get("/content/review/").content
    for action in ("approve", "reject", "edit"):
        response = viewer.post(f"/content/review/{asset.pk}/{action}/", {"headline": "x"})
        assert response.status_code == 403, action
    assert viewer.post("/content/review/bulk/", {"assets": [asset.pk], "action": "approve"})\
        .status_code == 403  # fmt: skip
    assert _state(asset) == ReviewState.DRAFT
    editor = _client(member_of(alice.store, Role.EDITOR))
    assert editor.post(f"/content/review/{asset.pk}/approve/").status_code == 302
    assert _state(asset) == ReviewState.APPROVED


def test_bulk_approve_and_reject(alice: Actor):
    one, two, three = (_asset(alice.store) for _ in range(3))
    client = _client(alice.owner)
    response = client.post(
        "/content/review/bulk/", {"assets": [one.pk, two.pk], "action": "approve", "queue": "q=x"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/content/review/?q=x"
    assert _messages(response) == ["Approved 2 asset(s)."]
    assert (_state(one), _state(two), _state(three)) == ("approved", "approved", "draft")
    client.post("/content/review/bulk/", {"assets": [three.pk], "action": "reject"})
    assert _state(three) == ReviewState.REJECTED
    assert AuditEvent.objects.filter(store=alice.store, action="approved").count() == 2
    assert AuditEvent.objects.filter(store=alice.store, action="rejected").count() == 1


def test_approving_error_findings_needs_the_confirm_box(alice: Actor):
    flagged = _asset(alice.store, findings=[_finding(0, 9)])
    clean = _asset(alice.store)
    client = _client(alice.owner)

    page = client.get(f"/content/review/{flagged.pk}/").content.decode()
    assert 'name="checked_findings"' in page
    assert "I checked the findings" in page
    refused = client.post(f"/content/review/{flagged.pk}/approve/", {"note": "fine"})
    assert refused.status_code == 400
    assert "I checked the findings" in refused.content.decode()
    assert _state(flagged) == ReviewState.DRAFT

    response = client.post(
        "/content/review/bulk/", {"assets": [flagged.pk, clean.pk], "action": "approve"}
    )
    assert "error findings" in _messages(response)[0]
    assert (_state(flagged), _state(clean)) == ("draft", "draft")

    client.post(
        "/content/review/bulk/",
        {"assets": [flagged.pk, clean.pk], "action": "approve", "checked_findings": "1"},
    )
    assert (_state(flagged), _state(clean)) == ("approved", "approved")

    another = _asset(alice.store, findings=[_finding(0, 9)])
    client.post(f"/content/review/{another.pk}/approve/", {"checked_findings": "1"})
    assert _state(another) == ReviewState.APPROVED
    # Rejecting needs no confirmation, and warnings alone need none to approve.
    warned = _asset(alice.store, findings=[_finding(0, 9, severity="warning")])
    client.post(f"/content/review/{warned.pk}/approve/")
    assert _state(warned) == ReviewState.APPROVED


# --- voice consent -------------------------------------------------------------------------


def _wav(seconds: float = 1.5) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * int(16000 * seconds))
    return buffer.getvalue()


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _consent(store: Store, voice: str = "clone:anna") -> VoiceConsent:
    return voice_consent.voice_consent_record(
        store=store, voice=voice, speaker_name="Anna Berg", statement="I, Anna, agree.",
        recording=SimpleUploadedFile("anna.wav", _wav()), recorded_by=None,
    )  # fmt: skip


@pytest.mark.parametrize("voice", ["piper", "piper:joe", "piper:en_US-joe-medium", "espeak",
                                   "espeak:cmn"])  # fmt: skip
def test_built_in_voices_need_no_consent(alice: Actor, voice: str):
    assert voice_consent.voice_consent_required(store=alice.store, voice=voice) is None


@pytest.mark.usefixtures("media")
def test_other_voices_need_an_active_consent_of_this_store(alice: Actor, bob: Actor):
    for voice in ("clone:anna", "piper:someone-else", "elevenlabs:x"):
        with pytest.raises(DomainError) as refused:
            voice_consent.voice_consent_required(store=alice.store, voice=voice)
        assert refused.value.code == "voice_consent_missing"
    _consent(bob.store)
    with pytest.raises(DomainError):
        voice_consent.voice_consent_required(store=alice.store, voice="clone:anna")
    consent = _consent(alice.store)
    assert voice_consent.voice_consent_required(store=alice.store, voice="clone:anna") == consent
    voice_consent.voice_consent_revoke(consent=consent)
    with pytest.raises(DomainError):
        voice_consent.voice_consent_required(store=alice.store, voice="clone:anna")
    assert _consent(alice.store).is_active  # a new consent after the revoked one


@pytest.mark.usefixtures("media")
def test_a_consent_needs_a_real_recording_and_one_active_per_voice(alice: Actor):
    bad: dict[str, Any] = {"store": alice.store, "speaker_name": "Anna",
                           "statement": "I agree.", "recorded_by": None}  # fmt: skip
    for voice, data in (
        ("clone:anna", b"not audio"),
        ("clone:anna", _wav(0.2)),
        ("espeak", _wav()),
    ):
        with pytest.raises(DomainError):
            voice_consent.voice_consent_record(
                voice=voice, recording=SimpleUploadedFile("a.wav", data), **bad
            )
    _consent(alice.store)
    with pytest.raises(DomainError) as twice:
        _consent(alice.store)
    assert twice.value.code == "voice_consent_exists"


def _voice_context(actor: Actor, voice: str) -> StageContext:
    product = make_product(actor.store, photo=False)
    return StageContext.build(
        product=product, store=actor.store, locale="en", options={"voice": voice}, upstream={}
    )


@pytest.mark.usefixtures("media")
def test_the_speech_stage_refuses_a_voice_without_consent(alice: Actor):
    ctx = _voice_context(alice, "clone:anna")
    with pytest.raises(DomainError) as refused:
        run_stage_outputs("voice", ctx)
    assert refused.value.code == "voice_consent_missing"
    _consent(alice.store)
    # With consent the guard passes; no provider clones voices yet, so it still says so.
    with pytest.raises(ProviderUnavailable, match="custom voice"):
        run_stage_outputs("voice", ctx)
    # A chosen voice is part of the input hash, so its stage runs (and is checked).
    plain = _voice_context(alice, "")
    assert plan_stage("voice", ctx).input_hash != plan_stage("voice", plain).input_hash


@pytest.mark.usefixtures("media")
def test_owners_record_and_revoke_consent_in_settings(alice: Actor):
    client = _client(alice.owner)
    assert client.get("/content/settings/voice-consent/").status_code == 200
    response = client.post(
        "/content/settings/voice-consent/",
        {"voice": "clone:anna", "speaker_name": "Anna <b>Berg</b>", "statement": "I agree.",
         "recording": SimpleUploadedFile("anna.wav", _wav(), content_type="audio/wav")},
    )  # fmt: skip
    assert response.status_code == 302
    consent = VoiceConsent.objects.get(store=alice.store)
    assert (consent.voice, consent.recorded_by, consent.is_active) == (
        "clone:anna", alice.owner, True,
    )  # fmt: skip
    page = client.get("/content/settings/voice-consent/").content.decode()
    assert "Anna &lt;b&gt;Berg&lt;/b&gt;" in page
    bad = client.post(
        "/content/settings/voice-consent/",
        {"voice": "clone:bo", "speaker_name": "Bo", "statement": "ok",
         "recording": SimpleUploadedFile("bo.wav", b"RIFF....")},
    )  # fmt: skip
    assert bad.status_code == 400
    client.post(f"/content/settings/voice-consent/{consent.pk}/revoke/")
    consent.refresh_from_db()
    assert not consent.is_active

    editor = _client(member_of(alice.store, Role.EDITOR))
    assert editor.get("/content/settings/voice-consent/").status_code == 403
    assert editor.post(f"/content/settings/voice-consent/{consent.pk}/revoke/").status_code == 403


@pytest.mark.usefixtures("media")
def test_another_stores_consent_cannot_be_revoked(alice: Actor, bob: Actor):
    theirs = _consent(bob.store)
    response = _client(alice.owner).post(f"/content/settings/voice-consent/{theirs.pk}/revoke/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active
