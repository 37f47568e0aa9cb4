"""The API shell: one error format, pagination, throttling, schema and docs."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from shop_ai import services
from tests.conftest import Actor

pytestmark = pytest.mark.django_db


def test_unknown_api_route_is_a_json_404():
    response = APIClient().get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "not_found",
            "message": "No API route at /api/v1/no-such-thing/.",
            "details": None,
        }
    }


def test_lists_are_cursor_paginated(alice: Actor):
    for n in range(5):
        services.api_key_create(store=alice.store, name=f"k{n}")
    client = alice.owner_client()
    first = client.get("/api/v1/api-keys/?page_size=4").json()
    assert len(first["results"]) == 4
    second = client.get(first["next"]).json()
    ids = [k["id"] for k in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 7  # five plus the actor's read and write keys
    assert second["next"] is None


def test_throttling_answers_429_in_the_error_format(alice: Actor, settings):
    cache.clear()
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], store="3/min")
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        client = alice.client()
        codes = [client.get("/api/v1/store/").status_code for _ in range(4)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert codes == [200, 200, 200, 429]


def test_schema_and_swagger_ui_are_served():
    client = APIClient()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/store/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
