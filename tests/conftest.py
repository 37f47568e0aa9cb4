"""Fixtures shared by the whole suite."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from config.celery import app as celery_app
from shop_ai.models import Role, Scope, Store
from tests.factories import api_key_for, make_store, member_of


@pytest.fixture(scope="session", autouse=True)
def _close_connections_after_each_use(django_db_setup: None) -> Iterator[None]:
    """Socket tests run ORM calls on worker threads; with persistent connections those
    threads keep the test database open and it cannot be dropped at the end.

    The last such thread is asgiref's for `sync_to_async` in async tests: its connection
    (checked out of the pool in production settings) is handed back before the test
    database is dropped.
    """
    from asgiref.sync import sync_to_async
    from django.db import connections

    connections.settings["default"]["CONN_MAX_AGE"] = 0
    yield
    asyncio.run(sync_to_async(connections.close_all)())


@pytest.fixture(autouse=True)
def _test_speed_settings(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production settings expect `collectstatic` to have built a manifest; tests do not run it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_channel_layers() -> Iterator[None]:
    """Each test gets new channel layers: every async test runs on its own event loop, and a
    Redis layer keeps locks and connections bound to the loop that first used them."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _celery_eager() -> Iterator[None]:
    """Unit tests run tasks inline; tests that need a real worker start one themselves."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@dataclass
class Actor:
    """A store with an owner login and keys of both scopes: one side of a tenancy test."""

    store: Store
    owner: Any
    write_key: str
    read_key: str

    def client(self, scope: str = Scope.WRITE) -> APIClient:
        client = APIClient()
        key = self.write_key if scope == Scope.WRITE else self.read_key
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    def owner_client(self) -> APIClient:
        client = APIClient()
        client.force_login(self.owner)
        return client


def make_actor(**store_fields: Any) -> Actor:
    store = make_store(**store_fields)
    return Actor(
        store=store,
        owner=member_of(store, Role.OWNER),
        write_key=api_key_for(store, Scope.WRITE),
        read_key=api_key_for(store, Scope.READ),
    )


@pytest.fixture
def alice(db: None) -> Actor:
    return make_actor(name="Alice's Shop")


@pytest.fixture
def bob(db: None) -> Actor:
    return make_actor(name="Bob's Shop")
