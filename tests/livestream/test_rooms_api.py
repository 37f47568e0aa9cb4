"""Live rooms over REST: rundowns, going on and off air, platform events, sessions, protocol."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from catalog.models import Product
from livestream import services
from livestream.models import EngagementEvent, HostUtterance, LiveRoom, LiveSession
from livestream.protocol import SERVER_MESSAGES, protocol_schema
from tests.conftest import Actor
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def _room_body(product_ids: list[int], **fields: Any) -> dict[str, Any]:
    return {
        "slug": "kiln-live",
        "title": "Kiln & Co live",
        "locale": "en",
        "persona": {"name": "Mia", "style": "warm", "catchphrases": ["Let's go!"]},
        "max_discount_pct": "10.00",
        "banned_topics": ["politics"],
        "rundown": [
            {"product": pid, "time_budget_s": 120, "talking_points": ["Dishwasher safe"]}
            for pid in product_ids
        ],
        **fields,
    }


def _create_room(actor: Actor, *skus: str) -> dict[str, Any]:
    products = [make_product(actor.store, sku, photo=False) for sku in skus or ("MUG-1",)]
    response = actor.client().post(
        "/api/v1/live-rooms/", _room_body([p.pk for p in products]), format="json"
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_a_room_is_created_with_its_rundown_in_order(alice: Actor):
    room = _create_room(alice, "MUG-1", "MUG-2")
    assert room["status"] == "off_air"
    assert [entry["sku"] for entry in room["rundown"]] == ["MUG-1", "MUG-2"]
    assert room["rundown"][0]["talking_points"] == ["Dishwasher safe"]
    assert room["viewer_url"].endswith("/live/kiln-live/")
    assert room["persona"]["name"] == "Mia"


def test_another_stores_product_cannot_join_a_rundown(alice: Actor, bob: Actor):
    bobs = make_product(bob.store, "BOB-1", photo=False)
    response = alice.client().post("/api/v1/live-rooms/", _room_body([bobs.pk]), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_product"
    assert response.json()["error"]["details"] == {"products": [bobs.pk]}
    assert not alice.store.live_rooms.exists()


def test_a_room_address_is_unique_across_stores(alice: Actor, bob: Actor):
    _create_room(alice)
    response = bob.client().post("/api/v1/live-rooms/", _room_body([]), format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "slug_taken"


def test_bad_room_fields_get_precise_errors(alice: Actor):
    response = alice.client().post(
        "/api/v1/live-rooms/",
        _room_body([], max_discount_pct="95", locale="fr", persona={"mood": "x"}),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"max_discount_pct", "locale", "persona"}


def test_editing_the_rundown_replaces_it_and_the_address_is_fixed(alice: Actor):
    room = _create_room(alice, "MUG-1", "MUG-2")
    second = Product.objects.get(store=alice.store, sku="MUG-2")
    response = alice.client().patch(
        f"/api/v1/live-rooms/{room['id']}/",
        {"rundown": [{"product": second.pk, "time_budget_s": 60}], "title": "Evening"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [e["sku"] for e in response.json()["rundown"]] == ["MUG-2"]
    assert response.json()["title"] == "Evening"
    renamed = alice.client().patch(
        f"/api/v1/live-rooms/{room['id']}/", {"slug": "other"}, format="json"
    )
    assert renamed.status_code == 400


def test_start_opens_one_session_and_stop_closes_it(alice: Actor):
    room = _create_room(alice)
    first = alice.client().post(f"/api/v1/live-rooms/{room['id']}/start/")
    again = alice.client().post(f"/api/v1/live-rooms/{room['id']}/start/")
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert alice.client().get(f"/api/v1/live-rooms/{room['id']}/").json()["status"] == "live"
    stopped = alice.client().post(f"/api/v1/live-rooms/{room['id']}/stop/")
    assert stopped.json()["status"] == "off_air"
    assert LiveSession.objects.get(pk=first.json()["id"]).ended_at is not None


def test_an_empty_rundown_cannot_go_on_air(alice: Actor):
    response = alice.client().post("/api/v1/live-rooms/", _room_body([]), format="json")
    started = alice.client().post(f"/api/v1/live-rooms/{response.json()['id']}/start/")
    assert started.status_code == 400
    assert started.json()["error"]["code"] == "empty_rundown"


def test_platform_events_need_a_live_room(alice: Actor):
    room = _create_room(alice)
    product = Product.objects.get(store=alice.store, sku="MUG-1")
    body = {"kind": "purchase", "product": product.pk, "quantity": 2}
    response = alice.client().post(f"/api/v1/live-rooms/{room['id']}/events/", body, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "off_air"


def test_purchases_are_recorded_and_stock_changes_reach_the_catalog(alice: Actor):
    room = _create_room(alice)
    product = Product.objects.get(store=alice.store, sku="MUG-1")
    alice.client().post(f"/api/v1/live-rooms/{room['id']}/start/")
    url = f"/api/v1/live-rooms/{room['id']}/events/"
    bought = alice.client().post(
        url, {"kind": "purchase", "product": product.pk, "quantity": 2}, format="json"
    )
    sold_out = alice.client().post(
        url, {"kind": "stock", "product": product.pk, "stock": 0}, format="json"
    )
    assert bought.status_code == sold_out.status_code == 202
    kinds = list(EngagementEvent.objects.order_by("pk").values_list("kind", "count"))
    assert kinds == [("purchase", 2), ("stock", 0)]
    product.refresh_from_db()
    assert product.stock == 0
    # The product no longer matches its last import, so re-importing that file writes
    # the file's stock back instead of counting the product unchanged.
    assert (product.import_hash, product.source_digest) == ("", "")


def test_events_for_another_stores_product_are_refused(alice: Actor, bob: Actor):
    room = _create_room(alice)
    alice.client().post(f"/api/v1/live-rooms/{room['id']}/start/")
    bobs = make_product(bob.store, "BOB-1", photo=False)
    response = alice.client().post(
        f"/api/v1/live-rooms/{room['id']}/events/",
        {"kind": "stock", "product": bobs.pk, "stock": 0},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_product"
    bobs.refresh_from_db()
    assert bobs.stock == 42


def test_a_stock_event_without_stock_is_invalid(alice: Actor):
    room = _create_room(alice)
    product = Product.objects.get(store=alice.store, sku="MUG-1")
    response = alice.client().post(
        f"/api/v1/live-rooms/{room['id']}/events/",
        {"kind": "stock", "product": product.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "stock" in response.json()["error"]["details"]


def test_a_session_shows_its_transcript_in_order(alice: Actor):
    room = _create_room(alice)
    session = alice.client().post(f"/api/v1/live-rooms/{room['id']}/start/").json()
    claimed = services.session_claim(room_id=room["id"], runner_id="r1")
    assert claimed is not None
    for text in ("Hello!", "Let's look at the mug."):
        services.utterance_record(
            session_id=session["id"], runner_id="r1", kind="say", text=text, product_id=None
        )
    transcript = alice.client().get(f"/api/v1/live-sessions/{session['id']}/transcript/").json()
    assert [(u["seq"], u["text"]) for u in transcript["results"]] == [
        (1, "Hello!"),
        (2, "Let's look at the mug."),
    ]
    listed = alice.client().get(f"/api/v1/live-sessions/?room={room['id']}").json()
    assert [s["id"] for s in listed["results"]] == [session["id"]]


def test_an_utterance_saves_the_engine_state_that_chose_it(alice: Actor):
    room = _create_room(alice)
    session = alice.client().post(f"/api/v1/live-rooms/{room['id']}/start/").json()
    services.session_claim(room_id=room["id"], runner_id="r1")

    services.utterance_record(
        session_id=session["id"], runner_id="r1", kind="say", text="Hello!", product_id=None,
        engine_state={"said": 1},
    )  # fmt: skip
    lost = services.utterance_record(
        session_id=session["id"], runner_id="r2", kind="say", text="Hi!", product_id=None,
        engine_state={"said": 99},
    )  # fmt: skip

    # A runner taking over resumes after "Hello!"; one that lost the room changes nothing.
    assert lost is None
    assert LiveRoom.objects.get(pk=room["id"]).engine_state == {"said": 1}


def test_the_protocol_schema_is_served_and_valid(alice: Actor):
    response = alice.client().get("/api/v1/live/protocol.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema == protocol_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    hello = {
        "type": "hello",
        "seq": 0,
        "room": {"slug": "r", "title": "R", "locale": "en", "status": "live", "host_name": ""},
        "disclosure": {"banner": "AI host", "text": "I'm an AI host."},
        "product": None,
        "viewer_token": "t",
    }
    jsonschema.validate(hello, {**SERVER_MESSAGES["hello"], "$defs": schema["$defs"]})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"type": "hello"}, SERVER_MESSAGES["hello"])


def test_only_one_runner_holds_a_session_until_its_lease_lapses(alice: Actor):
    room = _create_room(alice)
    alice.client().post(f"/api/v1/live-rooms/{room['id']}/start/")
    assert services.session_claim(room_id=room["id"], runner_id="first") is not None
    assert services.session_claim(room_id=room["id"], runner_id="second") is None
    session = LiveSession.objects.get(room_id=room["id"])
    assert session.heartbeat_at is not None
    LiveSession.objects.filter(pk=session.pk).update(
        heartbeat_at=session.heartbeat_at - services.LEASE_TIMEOUT * 2
    )
    assert services.session_claim(room_id=room["id"], runner_id="second") is not None
    # The first runner's writes are refused once it lost the lease: no utterance twice.
    assert (
        services.utterance_record(
            session_id=session.pk, runner_id="first", kind="say", text="x", product_id=None
        )
        is None
    )
    assert not HostUtterance.objects.exists()


def test_a_schedule_is_validated(alice: Actor):
    product = make_product(alice.store, photo=False)
    bad = alice.client().post(
        "/api/v1/live-rooms/",
        _room_body([product.pk], schedule=[{"weekday": 0, "start": "21:00", "end": "09:00"}]),
        format="json",
    )
    assert bad.status_code == 400
    assert "window 1" in str(bad.json()["error"]["details"]["schedule"])
    good = alice.client().post(
        "/api/v1/live-rooms/",
        _room_body(
            [product.pk],
            schedule=[{"weekday": 4, "start": "19:00", "end": "24:00", "tz": "Asia/Shanghai"}],
        ),
        format="json",
    )
    assert good.status_code == 201


def test_old_audio_is_pruned_but_the_transcript_stays(alice: Actor, settings: Any, tmp_path: Any):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = str(tmp_path)
    room = _create_room(alice)
    session = alice.client().post(f"/api/v1/live-rooms/{room['id']}/start/").json()
    services.session_claim(room_id=room["id"], runner_id="r1")
    name = default_storage.save("live/old.wav", ContentFile(b"RIFF"))
    old = services.utterance_record(
        session_id=session["id"], runner_id="r1", kind="say", text="Old line.", product_id=None
    )
    assert old is not None
    services.utterance_finish(
        utterance_id=old.pk, audio=[{"url": default_storage.url(name)}], latency={}
    )
    HostUtterance.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(hours=2))
    assert services.audio_prune(session_id=session["id"], older_than=timedelta(hours=1)) == 1
    assert not default_storage.exists(name)
    old.refresh_from_db()
    assert old.text == "Old line."
    assert old.audio == []
