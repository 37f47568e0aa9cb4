"""Webhooks: signed deliveries to a real local receiver, retries, the outbox and SSRF guards."""

from __future__ import annotations

import base64
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import standardwebhooks
from django.db import transaction
from django.utils import timezone

from config.celery import app as celery_app
from content import services
from content.models import Asset, GenerationJob, GenerationStage, StageStatus
from content.review import record_generated
from shop_ai.errors import DomainError
from tests.conftest import Actor
from tests.factories import make_product
from webhooks import services as webhooks
from webhooks import signatures
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from webhooks.tasks import webhooks_retry_due

pytestmark = pytest.mark.django_db


@dataclass
class Received:
    path: str
    raw_headers: list[tuple[str, str]]  # as they came on the wire, names unfolded
    body: bytes

    @property
    def headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.raw_headers}

    def json(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.body)
        return result


@dataclass
class Receiver:
    """A store platform's endpoint: records every request, answers from a script."""

    url: str
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def answer(self, *statuses: int, headers: dict[str, str] | None = None) -> None:
        self.answers.extend((status, headers or {}) for status in statuses)


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    # Both switches are explicit and off in production: http, and loopback addresses.
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.received.append(Received(self.path, list(self.headers.items()), body))
            status, headers = state.answers.pop(0) if state.answers else (200, {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/shop-ai"
    yield state
    server.shutdown()
    server.server_close()


def _endpoint(actor: Actor, receiver: Receiver, events: list[str] | None = None) -> WebhookEndpoint:
    return webhooks.webhook_endpoint_create(
        store=actor.store, url=receiver.url, events=events or []
    )


def _verified(endpoint: WebhookEndpoint, request: Received) -> bool:
    return signatures.verify_signature(
        endpoint.secret,
        request.headers["webhook-id"],
        request.headers["webhook-timestamp"],
        request.body,
        request.headers["webhook-signature"],
    )


def _seconds_to_next_attempt(delivery: WebhookDelivery) -> float:
    assert delivery.next_attempt_at is not None
    return (delivery.next_attempt_at - timezone.now()).total_seconds()


def _make_due(delivery: WebhookDelivery) -> None:
    """Time passes: the retry the delivery waits for is due now."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def _draft_asset(actor: Actor, sku: str = "MUG-1", findings: list[Any] | None = None) -> Asset:
    product = make_product(actor.store, sku, photo=False)
    asset = Asset.objects.create(
        store=actor.store, product=product, kind="copy", locale="en", provider="template",
        input_hash=sku.ljust(64, "0"), product_content_hash=product.content_hash,
        text={"headline": "Stoneware coffee mug"}, findings=findings or [],
        prompt="private prompt", money_usd="0.0123",
    )  # fmt: skip
    record_generated(asset)
    return asset


# --- Delivery ---------------------------------------------------------------------------------


def test_delivery_is_signed_and_carries_the_event(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    endpoint = _endpoint(alice, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhooks.emit(
            store=alice.store, event="job.completed", payload={"id": 7, "status": "succeeded"}
        )
    [request] = receiver.received
    assert request.path == "/hooks/shop-ai"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == str(delivery.event_id)
    assert request.headers["webhook-signature"].startswith("v1,")
    assert _verified(endpoint, request)
    body = request.json()
    assert body["id"] == str(delivery.event_id)
    assert body["type"] == "job.completed"
    assert body["store"] == alice.store.pk
    assert body["data"] == {"id": 7, "status": "succeeded"}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.delivered_at is not None


def test_verify_signature_refuses_tampering_wrong_secret_and_replays():
    secret, other = signatures.new_secret(), signatures.new_secret()
    body = b'{"id":"e1","type":"ping"}'
    now = int(time.time())
    header = signatures.sign(secret, "e1", str(now), body)
    assert signatures.verify_signature(secret, "e1", str(now), body, header)
    assert signatures.verify_signature(secret, "e1", str(now), body.decode(), header)
    # Several signatures, as while a secret is rotated: any valid v1 one is enough.
    assert signatures.verify_signature(secret, "e1", str(now), body, f"v1,AAAA v2,x {header}")
    assert not signatures.verify_signature(secret, "e1", str(now), body + b" ", header)
    assert not signatures.verify_signature(other, "e1", str(now), body, header)
    assert not signatures.verify_signature(secret, "e2", str(now), body, header)
    assert not signatures.verify_signature(secret, "e1", str(now), body, header.replace(",", "="))
    old = str(now - 3600)
    old_header = signatures.sign(secret, "e1", old, body)
    assert not signatures.verify_signature(secret, "e1", old, body, old_header)
    assert not signatures.verify_signature(secret, "e1", "soon", body, header)
    assert not signatures.verify_signature("whsec_not base64!", "e1", str(now), body, header)


def test_a_server_error_is_retried_with_backoff_until_it_succeeds(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    endpoint = _endpoint(alice, receiver)
    receiver.answer(500, 503)
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhooks.emit(store=alice.store, event="job.failed", payload={})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_status_code == 500
    wait = _seconds_to_next_attempt(delivery)
    assert webhooks.RETRY_BASE_S / 2 - 1 <= wait <= webhooks.RETRY_BASE_S
    # Not due yet: the sweeper leaves it alone.
    assert webhooks_retry_due() == 0
    assert len(receiver.received) == 1

    for expected in (2, 3):
        _make_due(delivery)
        with django_capture_on_commit_callbacks(execute=True):
            assert webhooks_retry_due() == 1
        assert len(receiver.received) == expected
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 3
    assert delivery.last_error == ""
    # Every attempt is the same event, each signed afresh.
    assert {r.headers["webhook-id"] for r in receiver.received} == {str(delivery.event_id)}
    assert all(_verified(endpoint, r) for r in receiver.received)


def test_retry_after_from_the_receiver_is_respected(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    _endpoint(alice, receiver)
    receiver.answer(429, headers={"Retry-After": "600"})
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhooks.emit(store=alice.store, event="job.failed", payload={})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert _seconds_to_next_attempt(delivery) > 590


def test_retries_stop_after_the_last_attempt(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    _endpoint(alice, receiver)
    receiver.answer(*[502] * webhooks.MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhooks.emit(store=alice.store, event="job.failed", payload={})
    for _ in range(webhooks.MAX_ATTEMPTS):
        _make_due(delivery)
        with django_capture_on_commit_callbacks(execute=True):
            webhooks_retry_due()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == webhooks.MAX_ATTEMPTS
    assert len(receiver.received) == webhooks.MAX_ATTEMPTS


def test_a_client_error_fails_for_good(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    _endpoint(alice, receiver)
    receiver.answer(410)
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhooks.emit(store=alice.store, event="job.failed", payload={})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_status_code == 410
    assert delivery.next_attempt_at is None
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks_retry_due() == 0
        webhooks.delivery_attempt(delivery_id=delivery.pk)  # a redelivered task message
    assert len(receiver.received) == 1


def test_redirects_are_not_followed(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    _endpoint(alice, receiver)
    receiver.answer(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhooks.emit(store=alice.store, event="job.failed", payload={})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "redirects are not followed" in delivery.last_error
    assert len(receiver.received) == 1


def test_a_receiver_that_is_down_is_retried(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    webhooks.webhook_endpoint_create(store=alice.store, url=f"http://127.0.0.1:{port}/in")
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhooks.emit(store=alice.store, event="job.failed", payload={})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_status_code is None
    assert "ConnectionRefused" in delivery.last_error
    assert delivery.next_attempt_at is not None


def test_a_redelivered_task_does_not_send_twice(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    _endpoint(alice, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhooks.emit(store=alice.store, event="job.failed", payload={})
        webhooks.delivery_attempt(delivery_id=delivery.pk)
    assert len(receiver.received) == 1
    assert webhooks.delivery_attempt(delivery_id=10**9) is None  # the row is gone: quietly


def test_retry_delay_doubles_with_jitter_and_a_cap():
    lowest = [webhooks.retry_delay(n, rand=lambda: 0.0) for n in range(1, 9)]
    highest = [webhooks.retry_delay(n, rand=lambda: 1.0) for n in range(1, 9)]
    assert lowest[:3] == [15.0, 30.0, 60.0]
    assert highest[:3] == [30.0, 60.0, 120.0]
    assert max(highest) <= webhooks.RETRY_CAP_S
    assert webhooks.retry_delay(30, rand=lambda: 1.0) == webhooks.RETRY_CAP_S


# --- Standard Webhooks -------------------------------------------------------------------------


def test_a_real_delivery_verifies_with_the_standardwebhooks_library(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    created = alice.client().post("/api/v1/webhooks/", {"url": receiver.url}, format="json")
    secret = created.json()["secret"]  # what the store platform was shown, once
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit(store=alice.store, event="job.completed", payload={"id": 7, "ok": True})
    [request] = receiver.received
    names = [name for name, _ in request.raw_headers]
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        assert names.count(name) == 1, names  # spelled as the specification spells them

    verified = standardwebhooks.Webhook(secret).verify(request.body, request.headers)

    assert verified == request.json()
    assert verified["data"] == {"id": 7, "ok": True}
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(request.body + b" ", request.headers)
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(signatures.new_secret()).verify(request.body, request.headers)


def test_the_signature_is_the_specifications_own_example():
    # The example the Standard Webhooks and Svix documentation sign.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = '{"test": 2432232314}'
    signature = signatures.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body)
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_new_secrets_are_whsec_and_standard_base64_of_32_bytes():
    secret = signatures.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert signatures.signing_key(secret) == base64.b64decode(secret.removeprefix("whsec_"))


def test_a_secret_issued_before_the_standard_scheme_keeps_its_key(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    # As they were made: URL-safe base64, unpadded. Pick one using both letters it adds.
    old = next(
        secret
        for secret in (f"whsec_{secrets.token_urlsafe(32)}" for _ in range(1000))
        if "-" in secret and "_" in secret.removeprefix("whsec_")
    )
    WebhookEndpoint.objects.create(store=alice.store, url=receiver.url, secret=old)
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit(store=alice.store, event="job.failed", payload={})
    [request] = receiver.received
    key = base64.urlsafe_b64decode(old.removeprefix("whsec_") + "=")
    # The README's rule for receivers: "-" becomes "+", "_" becomes "/", and one "=" added.
    encoded = old.removeprefix("whsec_").replace("-", "+").replace("_", "/")
    respelled = f"whsec_{encoded}="

    for verifier in (standardwebhooks.Webhook(key), standardwebhooks.Webhook(respelled)):
        assert verifier.verify(request.body, request.headers)["type"] == "job.failed"
    assert signatures.signing_key(old) == key


def test_a_secret_that_is_not_base64_fails_the_delivery_without_sending(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    WebhookEndpoint.objects.create(store=alice.store, url=receiver.url, secret="whsec_#nope")
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhooks.emit(store=alice.store, event="job.failed", payload={})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "cannot sign" in delivery.last_error
    assert receiver.received == []


# --- The outbox -------------------------------------------------------------------------------


def test_an_event_in_a_rolled_back_transaction_is_never_sent(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    _endpoint(alice, receiver)

    def change_that_fails() -> None:
        with transaction.atomic():
            webhooks.emit(store=alice.store, event="job.failed", payload={"id": 1})
            assert WebhookDelivery.objects.count() == 1
            raise RuntimeError("the change behind the event failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        change_that_fails()
    assert WebhookDelivery.objects.count() == 0
    assert callbacks == []
    assert receiver.received == []


def test_delivery_waits_for_the_commit(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    _endpoint(alice, receiver)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        webhooks.emit(store=alice.store, event="job.failed", payload={})
        assert receiver.received == []
    assert len(receiver.received) == 1


def test_only_active_endpoints_that_want_the_event_get_it(
    alice: Actor, bob: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    wants_jobs = _endpoint(alice, receiver, events=["job.failed"])
    wants_all = _endpoint(alice, receiver)
    inactive = _endpoint(alice, receiver)
    webhooks.webhook_endpoint_update(endpoint=inactive, is_active=False)
    _endpoint(bob, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        failed = webhooks.emit(store=alice.store, event="job.failed", payload={})
        cancelled = webhooks.emit(store=alice.store, event="job.cancelled", payload={})
    assert {d.endpoint_id for d in failed} == {wants_jobs.pk, wants_all.pk}
    assert {d.endpoint_id for d in cancelled} == {wants_all.pk}
    assert len(receiver.received) == 3


def test_unknown_events_are_refused(alice: Actor, receiver: Receiver):
    with pytest.raises(DomainError) as refused:
        _endpoint(alice, receiver, events=["asset.deleted"])
    assert refused.value.code == "invalid_events"


# --- What emits -------------------------------------------------------------------------------


def test_asset_approved_fires_on_approve_and_never_for_drafts(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    endpoint = _endpoint(alice, receiver, events=["asset.approved"])
    with django_capture_on_commit_callbacks(execute=True):
        asset = _draft_asset(alice)
        other = _draft_asset(alice, "MUG-2")
        alice.client().post(f"/api/v1/assets/{other.pk}/reject/", {"note": "no"})
    assert receiver.received == []  # drafts and rejections are not published

    with django_capture_on_commit_callbacks(execute=True):
        response = alice.client().post(f"/api/v1/assets/{asset.pk}/approve/")
    assert response.status_code == 200
    [request] = receiver.received
    assert _verified(endpoint, request)
    body = request.json()
    assert body["type"] == "asset.approved"
    data = body["data"]
    assert data["id"] == asset.pk
    assert data["review_state"] == "approved"
    assert data["text"] == {"headline": "Stoneware coffee mug"}
    # Cost and how it was made stay private.
    for private in ("prompt", "input_hash", "money_usd", "params", "tokens_in"):
        assert private not in data
    assert "private prompt" not in request.body.decode()

    with django_capture_on_commit_callbacks(execute=True):
        alice.client().post(f"/api/v1/assets/{asset.pk}/approve/")  # already approved
    assert len(receiver.received) == 1


def test_bulk_and_auto_approval_fire_too(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    _endpoint(alice, receiver)
    first, second = _draft_asset(alice, "MUG-1"), _draft_asset(alice, "MUG-2")
    with django_capture_on_commit_callbacks(execute=True):
        alice.client().post(
            "/api/v1/assets/bulk-review/",
            {"assets": [first.pk, second.pk], "decision": "approve"},
        )
    assert sorted(r.json()["data"]["id"] for r in receiver.received) == [first.pk, second.pk]

    alice.store.auto_approve_clean_assets = True
    alice.store.save()
    with django_capture_on_commit_callbacks(execute=True):
        clean = _draft_asset(alice, "MUG-3")
        _draft_asset(alice, "MUG-4", findings=[{"code": "absolute_claim"}])  # stays a draft
    approved = [r.json() for r in receiver.received[2:] if r.json()["type"] == "asset.approved"]
    assert [body["data"]["id"] for body in approved] == [clean.pk]


def test_asset_ready_announces_a_new_draft_without_its_content(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    _endpoint(alice, receiver, events=["asset.ready"])
    with django_capture_on_commit_callbacks(execute=True):
        asset = _draft_asset(alice)
    [request] = receiver.received
    body = request.json()
    assert body["type"] == "asset.ready"
    assert body["data"]["id"] == asset.pk
    assert body["data"]["review_state"] == "draft"
    assert body["data"]["sku"] == "MUG-1"
    # A draft is not published: no text, no file links, nothing private.
    assert "Stoneware" not in request.body.decode()
    assert "url" not in body["data"]


def _finished_job(actor: Actor, status: str) -> GenerationJob:
    product = make_product(actor.store, photo=False)
    job = GenerationJob.objects.create(store=actor.store, kinds=["copy"], locales=["en"])
    GenerationStage.objects.create(
        job=job, store=actor.store, product=product, locale="en", stage="copy", status=status
    )
    return job


@pytest.mark.parametrize(
    ("stage_status", "event", "job_status"),
    [
        (StageStatus.DONE, "job.completed", "succeeded"),
        (StageStatus.FAILED, "job.failed", "failed"),
    ],
)
def test_a_finished_job_is_announced(
    alice: Actor,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
    stage_status: str,
    event: str,
    job_status: str,
):
    _endpoint(alice, receiver)
    job = _finished_job(alice, stage_status)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_advance(job_id=job.pk)
        services.job_advance(job_id=job.pk)  # finished already: no second event
    [request] = receiver.received
    body = request.json()
    assert body["type"] == event
    assert body["data"]["id"] == job.pk
    assert body["data"]["status"] == job_status
    assert body["data"]["progress"] == {"total": 1, stage_status: 1}


# --- SSRF -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://10.0.0.5/hooks",
        "https://192.168.1.10/hooks",
        "https://localhost/hooks",
        "https://127.0.0.1:8443/hooks",
        "https://[::1]/hooks",
        "file:///etc/passwd",
    ],
)
def test_internal_urls_are_refused_at_registration(alice: Actor, url: str):
    with pytest.raises(DomainError) as refused:
        webhooks.webhook_endpoint_create(store=alice.store, url=url)
    assert refused.value.code == "webhook_url_refused"
    assert WebhookEndpoint.objects.count() == 0


def test_plain_http_is_refused_unless_allowed(alice: Actor, settings: Any):
    settings.WEBHOOKS_ALLOW_HTTP = False
    with pytest.raises(DomainError) as refused:
        webhooks.webhook_endpoint_create(store=alice.store, url="http://hooks.example.com/in")
    assert refused.value.details == {"reason": "scheme_not_allowed"}


def test_the_api_refuses_an_internal_url(alice: Actor):
    response = alice.client().post(
        "/api/v1/webhooks/", {"url": "https://169.254.169.254/latest/"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook_url_refused"


def test_the_address_is_checked_again_at_delivery(
    alice: Actor, receiver: Receiver, settings: Any, django_capture_on_commit_callbacks: Any
):
    _endpoint(alice, receiver)
    settings.WEBHOOKS_ALLOW_LOOPBACK = False  # as if its DNS now pointed inside
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhooks.emit(store=alice.store, event="job.failed", payload={})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "address_not_allowed" in delivery.last_error
    assert receiver.received == []


# --- REST API ---------------------------------------------------------------------------------


def test_the_secret_is_shown_only_when_the_endpoint_is_created(alice: Actor, receiver: Receiver):
    client = alice.client()
    created = client.post(
        "/api/v1/webhooks/", {"url": receiver.url, "events": ["asset.approved"]}, format="json"
    )
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert secret.startswith("whsec_")
    endpoint_id = created.json()["id"]
    detail = client.get(f"/api/v1/webhooks/{endpoint_id}/")
    listed = client.get("/api/v1/webhooks/")
    assert detail.json()["events"] == ["asset.approved"]
    assert [e["id"] for e in listed.json()["results"]] == [endpoint_id]
    for response in (detail, listed):
        assert secret not in response.content.decode()
        assert "secret" not in response.content.decode()

    patched = client.patch(f"/api/v1/webhooks/{endpoint_id}/", {"is_active": False})
    assert patched.json()["is_active"] is False
    assert patched.json()["events"] == ["asset.approved"]  # untouched by a partial update
    assert client.delete(f"/api/v1/webhooks/{endpoint_id}/").status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=endpoint_id).exists()


def test_ping_sends_a_signed_test_event_and_lists_it(
    alice: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    client = alice.client()
    endpoint = _endpoint(alice, receiver, events=["asset.approved"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/webhooks/{endpoint.pk}/ping/")
    assert response.status_code == 202
    assert response.json()["event"] == "ping"
    [request] = receiver.received
    assert request.json()["type"] == "ping"
    assert _verified(endpoint, request)
    deliveries = client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()["results"]
    assert [(d["event"], d["status"], d["attempts"]) for d in deliveries] == [
        ("ping", "delivered", 1)
    ]


def test_another_stores_webhook_is_not_found(
    alice: Actor, bob: Actor, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    endpoint = _endpoint(alice, receiver)
    attacker = bob.client()
    with django_capture_on_commit_callbacks(execute=True):
        for method, path in [
            ("get", f"/api/v1/webhooks/{endpoint.pk}/"),
            ("patch", f"/api/v1/webhooks/{endpoint.pk}/"),
            ("delete", f"/api/v1/webhooks/{endpoint.pk}/"),
            ("get", f"/api/v1/webhooks/{endpoint.pk}/deliveries/"),
            ("post", f"/api/v1/webhooks/{endpoint.pk}/ping/"),
        ]:
            response = getattr(attacker, method)(path, {"is_active": False}, format="json")
            assert response.status_code == 404, (method, path)
    assert attacker.get("/api/v1/webhooks/").json()["results"] == []
    assert receiver.received == []
    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_beat_sweeps_due_deliveries_every_minute_on_the_maintenance_queue():
    entry = celery_app.conf.beat_schedule["webhooks-retry-due"]

    assert entry["task"] == webhooks_retry_due.name
    assert entry["schedule"] == 60.0
    assert celery_app.conf.task_routes[webhooks_retry_due.name] == {"queue": "maintenance"}
