"""Webhooks: store platforms' endpoints, an outbox of signed events, and their delivery.

``emit`` turns an event (a name and a payload the caller built: this app knows nothing of
assets or jobs) into one ``WebhookDelivery`` row per matching endpoint, written in the
caller's transaction (the outbox): a rolled-back change sends nothing, a committed one is
sent at least once. A task POSTs each row through the kernel's egress client, signed as
Standard Webhooks says (``webhooks.signatures``), and retries passing trouble with
exponential backoff and jitter.
"""

from __future__ import annotations

import json
import logging
import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from shop_ai import egress
from shop_ai.after_commit import enqueue_on_commit
from shop_ai.egress import FetchPolicy, FetchRefused, resolve_target
from shop_ai.models import Store
from webhooks import signatures
from webhooks.errors import INVALID_EVENTS, WEBHOOK_URL_REFUSED
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

# The events store platforms may subscribe to. Content decides when each happens and what
# it carries (content.webhook_events); this app only checks subscriptions and delivers.
EVENTS = ("asset.ready", "asset.approved", "job.completed", "job.failed", "job.cancelled")
DELIVER_TASK = "content.deliver_webhook"  # named before webhooks left content: kept
PING = "ping"  # sent on request to one endpoint, whatever it subscribes to

MAX_ATTEMPTS = 8
RETRY_BASE_S = 30.0
RETRY_CAP_S = 2 * 60 * 60.0
# An attempt claims its row for this long, so a redelivered task does not POST twice; a
# worker that dies mid-attempt leaves a claim that lapses and the sweeper picks it up.
CLAIM_S = 60.0
IO_TIMEOUT_S = 10.0  # each connect and each read
TOTAL_TIMEOUT_S = 20.0  # the whole POST, however slowly the receiver drips its answer
ANSWER_BYTES = 64 * 1024  # of the receiver's answer, read and dropped (its body is not used)
RETRYABLE_STATUSES = frozenset({408, 425, 429})
# The egress client's refusals that mean "could not talk to it", not "must not talk to it".
UNREACHABLE_CODES = frozenset({"connection_error", "timeout", "tls_error", "bad_response"})
USER_AGENT = "ShopAI-Webhooks/1.0"

# --- Registration -----------------------------------------------------------------------------


def webhook_endpoint_create(
    *,
    store: Store,
    url: str,
    events: Iterable[str] = (),
    description: str = "",
    is_active: bool = True,
) -> WebhookEndpoint:
    """Register an endpoint with a fresh signing secret (the caller shows it once)."""
    return WebhookEndpoint.objects.create(
        store=store,
        url=webhook_url_check(url),
        events=_checked_events(events),
        description=description[:200],
        is_active=is_active,
        secret=signatures.new_secret(),
    )


def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    changed: list[str] = []
    if url is not None:
        endpoint.url = webhook_url_check(url)
        changed.append("url")
    if events is not None:
        endpoint.events = _checked_events(events)
        changed.append("events")
    if description is not None:
        endpoint.description = description[:200]
        changed.append("description")
    if is_active is not None:
        endpoint.is_active = is_active
        changed.append("is_active")
    if changed:
        endpoint.save(update_fields=changed)
    return endpoint


def webhook_url_check(url: str) -> str:
    """Refuse URLs a webhook must never reach: internal, loopback, metadata, plain HTTP.

    Checked again at every delivery, since DNS can change after registration.
    """
    try:
        target = resolve_target(_checked_url(url), policy=_fetch_policy())
    except FetchRefused as refusal:
        raise WEBHOOK_URL_REFUSED(
            f"This URL cannot receive webhooks: {refusal.message}",
            details={"reason": refusal.code},
        ) from refusal
    return target.url


def _checked_url(url: str) -> str:
    # The scheme first: a refused URL should cost no DNS lookup.
    if urlsplit(url.strip()).scheme.lower() != "https" and not _allow_http():
        raise FetchRefused("scheme_not_allowed", "webhook URLs must use https")
    return url


def _fetch_policy() -> FetchPolicy:
    return FetchPolicy(
        max_redirects=0,
        io_timeout_s=IO_TIMEOUT_S,
        total_timeout_s=TOTAL_TIMEOUT_S,
        max_bytes=ANSWER_BYTES,
        require_image=False,
        user_agent=USER_AGENT,
        allow_loopback=bool(getattr(settings, "WEBHOOKS_ALLOW_LOOPBACK", False)),
    )


def _allow_http() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_HTTP", settings.DEBUG))


def _checked_events(events: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(events))
    unknown = sorted(set(wanted) - set(EVENTS))
    if unknown:
        raise INVALID_EVENTS(
            f"Events must be some of {', '.join(EVENTS)} (none means all).",
            details={"unknown": unknown},
        )
    return wanted


# --- Emitting (the outbox) ------------------------------------------------------------------


def emit(
    *,
    store: Store,
    event: str,
    payload: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
) -> list[WebhookDelivery]:
    """Record ``event`` for every active endpoint of ``store`` that wants it.

    Call it inside the transaction that makes the change: the rows commit or roll back
    with it, and delivery is enqueued only after the commit. ``payload`` may be a function
    that builds it, called only when some endpoint wants the event.
    """
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(store=store, is_active=True) if e.wants(event)
    ]
    if not endpoints:
        return []  # no subscriber: skip building the payload
    data = payload() if callable(payload) else payload
    # Stored through the JSON encoder now, so a later change to the row is not what is sent.
    stored = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    event_id = uuid.uuid4()
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(endpoint=e, event=event, event_id=event_id, payload=stored)
            for e in endpoints
        )
        for delivery in deliveries:
            _enqueue(delivery.pk)
    return deliveries


def webhook_ping(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A test event for one endpoint, active or not, whatever events it subscribes to."""
    payload = {"endpoint": endpoint.pk, "message": "Webhook test from Shop AI."}
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=PING, event_id=uuid.uuid4(), payload=payload
        )
        _enqueue(delivery.pk)
    return delivery


def _enqueue(delivery_id: int, countdown: float | None = None) -> None:
    # By name: the tasks call this module, so it does not import them.
    enqueue_on_commit(DELIVER_TASK, delivery_id, countdown=countdown)


# --- Delivery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    status_code: int | None
    error: str
    retryable: bool
    retry_after_s: float | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """POST one pending delivery that is due; record the answer and schedule any retry.

    Safe to call any number of times: a delivery that is done, not yet due or claimed by
    another attempt is left alone.
    """
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    # A conditional UPDATE is the claim: of two workers with the same message, one wins.
    claimed = (
        WebhookDelivery.objects.filter(due, pk=delivery_id, status=DeliveryStatus.PENDING)
        .exclude(attempts__gte=MAX_ATTEMPTS)
        .update(attempts=F("attempts") + 1, next_attempt_at=now + timedelta(seconds=CLAIM_S))
    )
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or not claimed:
        return delivery
    endpoint = delivery.endpoint
    if not endpoint.is_active and delivery.event != PING:
        outcome = _Outcome(None, "the endpoint is disabled", retryable=False)
    else:
        outcome = _post(delivery)
    _record(delivery, outcome)
    return delivery


def _record(delivery: WebhookDelivery, outcome: _Outcome) -> None:
    now = timezone.now()
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error[:500]
    if outcome.delivered:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif outcome.retryable and delivery.attempts < MAX_ATTEMPTS:
        delay = retry_delay(delivery.attempts, retry_after_s=outcome.retry_after_s)
        delivery.next_attempt_at = now + timedelta(seconds=delay)
        _enqueue(delivery.pk, countdown=delay)
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    delivery.save(
        update_fields=[
            "status",
            "last_status_code",
            "last_error",
            "delivered_at",
            "next_attempt_at",
        ]
    )


def retry_delay(
    attempts: int,
    *,
    retry_after_s: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds before the next try after ``attempts`` tries: doubling, capped, jittered.

    The jitter spreads retries so a receiver back from an outage is not hit by every
    delivery at once; a longer ``Retry-After`` from the receiver wins.
    """
    ceiling = min(RETRY_CAP_S, RETRY_BASE_S * 2 ** max(0, attempts - 1))
    delay = ceiling / 2 + rand() * ceiling / 2
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, RETRY_CAP_S))
    return round(delay, 3)


def webhooks_retry_due(*, limit: int = 500) -> int:
    """Re-enqueue pending deliveries whose time has come; returns how many.

    Countdown retries are enough while the broker keeps them; this sweeper (safe to run
    periodically and concurrently) catches any lost with a restarted broker or worker.
    """
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ids = list(
        WebhookDelivery.objects.filter(due, status=DeliveryStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for delivery_id in ids:
        _enqueue(delivery_id)
    return len(ids)


def delivery_body(delivery: WebhookDelivery) -> bytes:
    """The exact bytes POSTed and signed for ``delivery``."""
    envelope = {
        "id": str(delivery.event_id),
        "type": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "store": delivery.endpoint.store_id,
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def _post(delivery: WebhookDelivery) -> _Outcome:
    body = delivery_body(delivery)
    event_id = str(delivery.event_id)
    timestamp = str(int(time.time()))
    try:
        signature = signatures.sign(delivery.endpoint.secret, event_id, timestamp, body)
    except signatures.SecretError as error:
        return _Outcome(None, f"cannot sign: {error}", retryable=False)
    # Named as the Standard Webhooks specification writes them; webhook-event is ours.
    headers = {
        "Content-Type": "application/json",
        "webhook-id": event_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": signature,
        "webhook-event": delivery.event,
    }
    try:
        answer = egress.post(
            _checked_url(delivery.endpoint.url), body, headers=headers, policy=_fetch_policy()
        )
    except FetchRefused as refusal:
        # Refused, reset, timed out, TLS trouble: the receiver may well be back later. A
        # URL that is now refused (its name points inside, say) is retried only if the
        # refusal itself may pass, as a DNS failure to answer may.
        retryable = refusal.transient or refusal.code in UNREACHABLE_CODES
        return _Outcome(None, str(refusal), retryable=retryable)
    status = answer.status
    if 200 <= status < 300:
        return _Outcome(status, "", retryable=False)
    retryable = status >= 500 or status in RETRYABLE_STATUSES
    note = " (redirects are not followed)" if 300 <= status < 400 else ""
    retry_after = _retry_after(answer.headers.get("retry-after"))
    return _Outcome(status, f"HTTP {status}{note}", retryable, retry_after)


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: our own backoff is good enough
