"""Tenancy: the store (the tenant), who belongs to it, and the API keys it issues."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1A2B3C.")


class Locale(models.TextChoices):
    EN = "en", "English"
    ZH_CN = "zh-CN", "简体中文"


def default_disclosure_locales() -> list[str]:
    return ["zh-CN"]


class Store(models.Model):
    """The tenant. Every row a seller owns hangs off a store."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    default_locale = models.CharField(max_length=10, choices=Locale.choices, default=Locale.EN)
    currency = models.CharField(max_length=3, default="USD")
    # Brand kit: what generated images and videos are dressed in.
    brand_primary_colour = models.CharField(
        max_length=7, default="#1F3A5F", validators=[hex_colour]
    )
    brand_secondary_colour = models.CharField(
        max_length=7, default="#F4F1EA", validators=[hex_colour]
    )
    brand_accent_colour = models.CharField(max_length=7, default="#E4572E", validators=[hex_colour])
    brand_font = models.CharField(max_length=60, blank=True, default="")
    brand_logo = models.ImageField(upload_to="brand/", blank=True)
    brand_tagline = models.CharField(max_length=160, blank=True, default="")
    # Generated assets with no compliance or grounding findings skip the review queue.
    auto_approve_clean_assets = models.BooleanField(default=False)
    # Voice tracks in these locales open with "this voice is AI-generated" (GB 45438-2025
    # asks for an explicit label on synthetic audio; on by default for Chinese).
    spoken_disclosure_locales = models.JSONField(default=default_disclosure_locales, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "store"], name="membership_unique_user_store")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.store} ({self.role})"


class Scope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


class ApiKey(models.Model):
    """A store's credential for the REST API.

    The secret is shown once at creation; only its SHA-256 is kept. The prefix is public
    and lets an owner tell keys apart and lets us find the row without a scan.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows_write(self) -> bool:
        return self.scope == Scope.WRITE
