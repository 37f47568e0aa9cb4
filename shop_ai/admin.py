"""Admin for tenancy models. API-key secrets are never shown: only the public prefix."""

from django.contrib import admin

from shop_ai.models import ApiKey, Membership, Store


class MembershipInline(admin.TabularInline[Membership, Store]):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin[Store]):
    list_display = ["name", "slug", "default_locale", "currency", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "store", "role", "created_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "store"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ["name", "store", "prefix", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    readonly_fields = ["prefix", "secret_hash", "created_at", "last_used_at"]
    raw_id_fields = ["store", "created_by"]

    def has_add_permission(self, request: object) -> bool:
        # Keys are issued through the portal or create_api_key, which show the secret once.
        return False
