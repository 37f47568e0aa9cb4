"""Admin for generation jobs and assets."""

from django.contrib import admin

from content.models import Asset, GenerationJob, GenerationStage, VoiceConsent


class StageInline(admin.TabularInline[GenerationStage, GenerationJob]):
    model = GenerationStage
    extra = 0
    can_delete = False
    fields = ("product", "locale", "stage", "status", "attempts", "seconds", "error")
    readonly_fields = fields


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin[GenerationJob]):
    list_display = ["pk", "store", "status", "kinds", "locales", "created_at", "finished_at"]
    list_filter = ["status"]
    raw_id_fields = ["store", "created_by"]
    inlines = [StageInline]


@admin.register(GenerationStage)
class GenerationStageAdmin(admin.ModelAdmin[GenerationStage]):
    list_display = ["pk", "job", "product", "locale", "stage", "status", "attempts", "seconds"]
    list_filter = ["status", "stage"]
    raw_id_fields = ["job", "store", "product"]


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin[Asset]):
    list_display = ["pk", "store", "product", "kind", "variant", "locale", "provider"]
    list_display += ["review_state", "created_at"]
    list_filter = ["kind", "locale", "review_state", "provider"]
    raw_id_fields = ["store", "product", "job", "reviewed_by"]
    search_fields = ["input_hash", "product__sku"]


@admin.register(VoiceConsent)
class VoiceConsentAdmin(admin.ModelAdmin[VoiceConsent]):
    list_display = ["pk", "store", "voice", "speaker_name", "created_at", "revoked_at"]
    raw_id_fields = ["store", "recorded_by"]
