"""Management commands print what an operator needs and create working credentials."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _reads_store(raw_key: str) -> str:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client.get("/api/v1/store/").json()["slug"]


def test_seed_demo_prints_a_login_and_a_working_key_and_can_run_twice():
    first = _run("seed_demo")
    second = _run("seed_demo")
    key = second.split("api key:")[1].strip()
    assert "login:    demo / shop-ai-demo" in first
    assert _reads_store(key) == "demo"


def test_create_api_key_prints_the_key_once():
    _run("seed_demo")
    key = _run("create_api_key", "--store", "demo", "--scope", "write").strip()
    assert key.startswith("shop_")
    assert _reads_store(key) == "demo"


def test_create_api_key_for_an_unknown_store_fails_clearly():
    with pytest.raises(CommandError, match="No store with slug 'nope'"):
        _run("create_api_key", "--store", "nope")
