"""Tenants are walls: every API route, every method, tried with another store's credentials.

``CASES`` names every route under /api/v1/. ``test_every_api_route_has_a_case`` walks the URL
configuration and fails when a route is added without a case here, so no endpoint can ship
without a cross-tenant test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from catalog import services as catalog_services
from catalog.models import ImportJob, Product
from content.models import Asset, AuditEvent, GenerationJob
from livestream import services as live_services
from livestream.models import LiveRoom, LiveSession
from shop_ai import services
from shop_ai.models import Store
from tests.conftest import Actor
from webhooks.models import WebhookEndpoint

ObjectMaker = Callable[[Store], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """How to reach one route for an object that belongs to ``store``.

    ``make`` creates a victim object in a store and returns the URL kwargs; ``None`` for
    routes that address the requester's own store or a collection. ``body`` is what a
    write sends; ``owner_only`` routes refuse API keys and need a signed-in owner.
    """

    methods: tuple[str, ...]
    make: ObjectMaker | None = None
    body: dict[str, Any] = field(default_factory=dict)
    owner_only: bool = False
    # For collection routes: puts a row in a store and returns text that would reveal it.
    seed: Callable[[Store], str] | None = None


def _api_key(store: Store) -> dict[str, Any]:
    return {"pk": services.api_key_create(store=store, name="victim").api_key.pk}


def _victim_product(store: Store) -> str:
    sku = f"VICTIM-{store.pk}"
    catalog_services.products_upsert_json(
        store=store, items=[{"sku": sku, "title": "Victim secret lamp", "price": "10.00"}]
    )
    return sku


def _product(store: Store) -> dict[str, Any]:
    sku = _victim_product(store)
    return {"pk": Product.objects.get(store=store, sku=sku).pk}


def _victim_import(store: Store) -> str:
    ImportJob.objects.create(store=store, source_name="victim-secret-feed.csv")
    return "victim-secret-feed.csv"


def _import(store: Store) -> dict[str, Any]:
    _victim_import(store)
    return {"pk": ImportJob.objects.filter(store=store).latest("pk").pk}


PRODUCT_BODY = {"sku": "NEW-1", "title": "New", "price": "5.00"}


def _victim_job(store: Store) -> str:
    job = GenerationJob.objects.create(store=store, kinds=["copy"], locales=["en"])
    job.options = {"secret": "victim-job-option"}
    job.save()
    return "victim-job-option"


def _job(store: Store) -> dict[str, Any]:
    _victim_job(store)
    return {"pk": GenerationJob.objects.filter(store=store).latest("pk").pk}


def _victim_asset(store: Store) -> str:
    _victim_product(store)
    product = Product.objects.filter(store=store).latest("pk")
    Asset.objects.create(
        store=store,
        product=product,
        kind="copy",
        locale="en",
        provider="victim-provider",
        input_hash="0" * 64,
        product_content_hash=product.content_hash,
        review_state="approved",
        text={"headline": "victim headline"},
    )
    return "victim-provider"


def _victim_audit(store: Store) -> str:
    AuditEvent.objects.create(store=store, action="approved", actor_label="victim-auditor")
    return "victim-auditor"


def _asset(store: Store) -> dict[str, Any]:
    _victim_asset(store)
    return {"pk": Asset.objects.filter(store=store).latest("pk").pk}


def _victim_room(store: Store) -> str:
    product = Product.objects.get(store=store, sku=_victim_product(store))
    live_services.room_create(
        store=store,
        slug=f"victim-room-{store.pk}",
        title="Victim secret room",
        rundown=[live_services.RundownSpec(product_id=product.pk)],
    )
    return "Victim secret room"


def _room(store: Store) -> dict[str, Any]:
    _victim_room(store)
    return {"pk": LiveRoom.objects.get(store=store).pk}


def _victim_session(store: Store) -> str:
    _victim_room(store)
    live_services.room_start(room=LiveRoom.objects.get(store=store))
    return f"victim-room-{store.pk}"


def _session(store: Store) -> dict[str, Any]:
    _victim_session(store)
    return {"pk": LiveSession.objects.get(room__store=store).pk}


ROOM_BODY = {"slug": "attacker-room", "title": "x", "rundown": []}


def _victim_webhook(store: Store) -> str:
    # Straight to the table: registration resolves the host, and tests make no DNS lookups.
    WebhookEndpoint.objects.create(
        store=store, url="https://victim-secret-hook.example.com/in", secret="whsec_victim"
    )
    return "victim-secret-hook"


def _webhook(store: Store) -> dict[str, Any]:
    _victim_webhook(store)
    return {"pk": WebhookEndpoint.objects.filter(store=store).latest("pk").pk}


WEBHOOK_BODY = {"url": "https://hooks.example.com/in"}


CASES: dict[str, Case] = {
    "store": Case(methods=("GET", "PATCH"), body={"brand_tagline": "pwned"}),
    "api-key-list": Case(methods=("GET", "POST"), body={"name": "x"}, owner_only=True),
    "api-key-detail": Case(methods=("GET", "DELETE"), make=_api_key, owner_only=True),
    "product-list": Case(methods=("GET", "POST"), body=PRODUCT_BODY, seed=_victim_product),
    "product-detail": Case(methods=("GET", "PATCH", "DELETE"), make=_product, body={"title": "x"}),
    "product-bulk": Case(methods=("POST",), body={"products": [PRODUCT_BODY]}),
    "product-export": Case(methods=("GET",), seed=_victim_product),
    "import-list": Case(
        methods=("GET", "POST"),
        body={"source_url": "https://example.com/f.csv"},
        seed=_victim_import,
    ),
    "import-detail": Case(methods=("GET",), make=_import),
    "import-errors": Case(methods=("GET",), make=_import),
    "import-cancel": Case(methods=("POST",), make=_import),
    "generation-job-list": Case(
        methods=("GET", "POST"), body={"products": [1], "kinds": ["copy"]}, seed=_victim_job
    ),
    "generation-job-detail": Case(methods=("GET",), make=_job),
    "generation-job-cancel": Case(methods=("POST",), make=_job),
    "asset-list": Case(methods=("GET",), seed=_victim_asset),
    "asset-detail": Case(methods=("GET", "PATCH"), make=_asset, body={"headline": "x"}),
    "asset-approve": Case(methods=("POST",), make=_asset),
    "asset-reject": Case(methods=("POST",), make=_asset),
    "asset-versions": Case(methods=("GET",), make=_asset),
    "asset-bulk-review": Case(methods=("POST",), body={"assets": [1], "decision": "approve"}),
    "audit-list": Case(methods=("GET",), seed=_victim_audit),
    "usage": Case(methods=("GET",), seed=_victim_asset),
    # Finding another store's asset is covered in tests/content/test_verify.py.
    "verify": Case(methods=("POST",)),
    "webhook-list": Case(methods=("GET", "POST"), body=WEBHOOK_BODY, seed=_victim_webhook),
    "webhook-detail": Case(
        methods=("GET", "PUT", "PATCH", "DELETE"), make=_webhook, body=WEBHOOK_BODY
    ),
    "webhook-deliveries": Case(methods=("GET",), make=_webhook),
    "webhook-ping": Case(methods=("POST",), make=_webhook),
    "live-room-list": Case(methods=("GET", "POST"), body=ROOM_BODY, seed=_victim_room),
    "live-room-detail": Case(
        methods=("GET", "PATCH", "PUT", "DELETE"), make=_room, body={"title": "pwned"}
    ),
    "live-room-start": Case(methods=("POST",), make=_room),
    "live-room-stop": Case(methods=("POST",), make=_room),
    "live-room-events": Case(
        methods=("POST",), make=_room, body={"kind": "purchase", "product": 1}
    ),
    "live-session-list": Case(methods=("GET",), seed=_victim_session),
    "live-session-detail": Case(methods=("GET",), make=_session),
    "live-session-transcript": Case(methods=("GET",), make=_session),
    "live-protocol": Case(methods=("GET",)),
}


def _api_route_names() -> set[str]:
    def walk(patterns: list[Any], prefix: str) -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                names |= walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                # A route without a name cannot be reversed and so cannot be tested.
                names.add(pattern.name or f"<unnamed {route}>")
        return names

    return walk(get_resolver().url_patterns, "")


def test_every_api_route_has_a_case() -> None:
    missing = _api_route_names() - set(CASES)
    assert not missing, f"API routes without a cross-tenant test: {sorted(missing)}"


def _request(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    call = getattr(client, method.lower())
    return call(url, body, format="json") if method in {"POST", "PUT", "PATCH"} else call(url)


def _attacker_client(bob: Actor, case: Case) -> Any:
    return bob.owner_client() if case.owner_only else bob.client()


OBJECT_ROUTES = [(n, m) for n, c in sorted(CASES.items()) if c.make for m in c.methods]
OWN_STORE_READS = [n for n, c in sorted(CASES.items()) if not c.make and "GET" in c.methods]
ALL_ROUTES = [(n, m) for n, c in sorted(CASES.items()) for m in c.methods]
RESTRICTED = [(n, m) for n, m in ALL_ROUTES if m != "GET" or CASES[n].owner_only]


def _url(route: str, store: Store) -> str:
    case = CASES[route]
    return reverse(route, kwargs=case.make(store) if case.make else {})


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method"), OBJECT_ROUTES)
def test_another_stores_object_is_not_found(alice: Actor, bob: Actor, route: str, method: str):
    case = CASES[route]
    response = _request(_attacker_client(bob, case), method, _url(route, alice.store), case.body)
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("route", OWN_STORE_READS)
def test_collections_and_own_store_routes_show_no_other_store(alice: Actor, bob: Actor, route: str):
    case = CASES[route]
    marker = case.seed(alice.store) if case.seed else alice.store.name
    response = _request(_attacker_client(bob, case), "GET", reverse(route), {})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert marker not in body.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method"), ALL_ROUTES)
def test_no_credentials_is_401(alice: Actor, route: str, method: str):
    response = _request(APIClient(), method, _url(route, alice.store), CASES[route].body)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method"), RESTRICTED)
def test_read_keys_cannot_write_and_keys_cannot_do_owner_work(
    alice: Actor, route: str, method: str
):
    response = _request(alice.client("read"), method, _url(route, alice.store), CASES[route].body)
    assert response.status_code == 403
