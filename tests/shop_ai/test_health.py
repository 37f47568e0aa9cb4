"""/healthz reports the database, the broker and the channel layer."""

from __future__ import annotations

import pytest
from django.test import Client

from shop_ai import health


@pytest.mark.django_db
def test_healthz_is_ok_when_everything_answers():
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "channel_layer"}


@pytest.mark.django_db
def test_healthz_is_503_and_names_the_failing_part(monkeypatch: pytest.MonkeyPatch):
    def broken() -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setitem(health.CHECKS, "broker", broken)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {
        "ok": False,
        "error": "ConnectionError: broker unreachable",
        "ms": response.json()["checks"]["broker"]["ms"],
    }
