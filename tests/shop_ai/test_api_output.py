"""Direct JSON output helpers: each gives exactly what DRF's field or the storage would."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from shop_ai.api.output import datetime_writer, decimal_string, media_url_writer
from shop_ai.api.throttling import StoreRateThrottle

NAMES = [
    "products/mug-1.png",
    "assets/12-image.bin",
    "a/b/c~d_e-f.9.webp",
    "with space.png",
    "ünï.png",
    "a/../b.png",
    "./a.png",
    "a//b.png",
    "a/./b.png",
    "http://evil.example/x.png",
    "q?x=1.png",
    "h#x.png",
    "100%.png",
]


@pytest.mark.parametrize("name", NAMES)
def test_media_urls_are_the_storages_own(name: str):
    assert media_url_writer()(name) == default_storage.url(name)
    request = APIRequestFactory().get("/api/v1/assets/", secure=True)
    absolute = media_url_writer(request.build_absolute_uri)(name)
    assert absolute == request.build_absolute_uri(default_storage.url(name))


@pytest.mark.parametrize(
    "media_url", ["/media/", "https://cdn.example.com/m/", "/a/../m/", "/m?x/"]
)
def test_media_urls_follow_any_media_url(media_url: str, settings):
    settings.MEDIA_URL = media_url
    for name in NAMES:
        assert media_url_writer()(name) == default_storage.url(name)


def test_a_plain_name_is_appended_to_the_base_without_asking_the_storage(monkeypatch):
    url = media_url_writer()
    monkeypatch.setattr(FileSystemStorage, "url", lambda self, name: pytest.fail("asked"))
    assert url("products/mug-1.png") == "/media/products/mug-1.png"


def test_an_empty_file_has_no_url():
    assert media_url_writer()("") is None


def test_decimals_are_written_as_drf_writes_them():
    money = serializers.DecimalField(max_digits=12, decimal_places=2)
    for value in (Decimal("24"), Decimal("24.5"), Decimal("0.00"), 3, 2.5):
        assert decimal_string(value, Decimal("0.01")) == money.to_representation(value)  # type: ignore[arg-type]
    assert decimal_string(None, Decimal("0.01")) is None


def test_datetimes_are_written_as_drf_writes_them():
    field = serializers.DateTimeField()
    write = datetime_writer()
    for moment in (
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, 600, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
    ):
        assert write(moment) == field.to_representation(moment)
    assert write(None) is None


def test_the_throttle_keeps_one_cache_client_for_the_process():
    # Per request (a fresh context under ASGI) it would reconnect to Redis every time.
    seen = []
    worker = threading.Thread(target=lambda: seen.append(StoreRateThrottle().cache))
    worker.start()
    worker.join()
    assert seen == [StoreRateThrottle().cache]
