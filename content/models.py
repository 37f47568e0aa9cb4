"""Generated content: generation jobs, their per-product stages, and the assets they make."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from catalog.models import Product
from shop_ai.models import Store


class AssetKind(models.TextChoices):
    COPY = "copy", "Copy"
    IMAGE = "image", "Image"
    VOICE = "voice", "Voice"
    VIDEO = "video", "Video"


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Done"
    PARTIAL = "partial", "Done with failures"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


TERMINAL_JOB_STATUSES = {
    JobStatus.SUCCEEDED,
    JobStatus.PARTIAL,
    JobStatus.FAILED,
    JobStatus.CANCELLED,
}


class GenerationJob(models.Model):
    """A request to make content packs for some products, kinds and locales."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="generation_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kinds = models.JSONField(default=list)
    locales = models.JSONField(default=list)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    # NULL, not "", when absent: the unique constraint must ignore jobs without a key.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    cancel_requested = models.BooleanField(default=False)
    error_message = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "idempotency_key"],
                name="generation_job_unique_idempotency_key",
                condition=models.Q(idempotency_key__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"Generation job {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in TERMINAL_JOB_STATUSES


class StageName(models.TextChoices):
    COPY = "copy", "Copy"
    IMAGE = "image", "Images"
    VOICE = "voice", "Voice"
    VIDEO = "video", "Video"


class StageStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    REUSED = "reused", "Reused (unchanged)"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    CANCELLED = "cancelled", "Cancelled"


TERMINAL_STAGE_STATUSES = {
    StageStatus.DONE,
    StageStatus.REUSED,
    StageStatus.FAILED,
    StageStatus.SKIPPED,
    StageStatus.CANCELLED,
}


class GenerationStage(models.Model):
    """One stage of one product's pack in one locale: the unit a Celery task runs."""

    job = models.ForeignKey(GenerationJob, on_delete=models.CASCADE, related_name="stages")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(max_length=10)
    stage = models.CharField(max_length=10, choices=StageName.choices)
    status = models.CharField(
        max_length=10, choices=StageStatus.choices, default=StageStatus.PENDING
    )
    # Runs started, whatever ended them; past MAX_STAGE_ATTEMPTS the stage is dead-lettered.
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True, default="")
    seconds = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Liveness, read by the reconciler (content.services.stages_reconcile): a message can be
    # lost with its worker, so the row says when it was last sent, how often it was sent
    # again, which task runs it and when that task last showed it was alive.
    queued_at = models.DateTimeField(null=True, blank=True)
    resends = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["product_id", "locale", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "product", "locale", "stage"], name="stage_unique_per_job"
            )
        ]
        indexes = [
            models.Index(fields=["job", "status"]),
            # The reconciler scans only the stages in flight, across all jobs.
            models.Index(
                fields=["status", "id"],
                name="stage_in_flight",
                condition=models.Q(status__in=["queued", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.locale} for product {self.product_id}: {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in TERMINAL_STAGE_STATUSES


class Asset(models.Model):
    """One generated output with where it came from, what it cost and its review state.

    ``input_hash`` covers everything the output depends on (product content, locale,
    provider, model, options, upstream assets): the same hash means the same output, so
    it is reused instead of calling a model again.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="assets")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="assets")
    job = models.ForeignKey(
        GenerationJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="assets"
    )
    kind = models.CharField(max_length=10, choices=AssetKind.choices)
    variant = models.CharField(max_length=40, blank=True, default="")  # e.g. image layout
    locale = models.CharField(max_length=10)
    version = models.PositiveIntegerField(default=1)
    text = models.JSONField(null=True, blank=True)  # structured copy for kind=copy
    file = models.FileField(upload_to="assets/", blank=True)
    extra_file = models.FileField(upload_to="assets/", blank=True)  # e.g. compressed audio
    mime_type = models.CharField(max_length=60, blank=True, default="")
    provider = models.CharField(max_length=40)
    model_name = models.CharField(max_length=200, blank=True, default="")
    prompt = models.TextField(blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    input_hash = models.CharField(max_length=64)
    product_content_hash = models.CharField(max_length=64)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    compute_seconds = models.FloatField(default=0)
    money_usd = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    latency_s = models.FloatField(default=0)
    findings = models.JSONField(default=list, blank=True)
    metadata = models.JSONField(default=dict, blank=True)  # duration, size, timings, labels
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True, default="")
    # An edit makes a new version that points at the one it replaced.
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_versions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "kind", "variant", "locale", "input_hash"],
                name="asset_unique_output",
            )
        ]
        indexes = [
            models.Index(fields=["store", "product", "kind", "locale"]),
            models.Index(fields=["store", "review_state"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}{'/' + self.variant if self.variant else ''} {self.locale} #{self.pk}"

    @property
    def is_stale(self) -> bool:
        """Made from an older version of the product's content."""
        return self.product_content_hash != self.product.content_hash


class AuditAction(models.TextChoices):
    GENERATED = "generated", "Generated"
    EDITED = "edited", "Edited"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class AuditEvent(models.Model):
    """Who did what to which asset, and when: the trust layer's record."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="audit_events")
    asset = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    action = models.CharField(max_length=12, choices=AuditAction.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=120, blank=True, default="")  # "system", key
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} asset {self.asset_id} by {self.actor_label}"


class VoiceConsent(models.Model):
    """A speaker's recorded consent that a store may speak with a voice made from theirs.

    Voice cloning, where offered, needs one active consent per voice; built-in synthetic
    voices need none. A revoked consent stays as the record of what was agreed and when.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="voice_consents")
    voice = models.CharField(max_length=100)  # the voice name jobs choose, e.g. "clone:anna"
    speaker_name = models.CharField(max_length=200)
    statement = models.TextField()  # the consent text the speaker read aloud
    recording = models.FileField(upload_to="voice-consent/")  # WAV of the speaker reading it
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "voice"],
                name="voice_consent_one_active_per_voice",
                condition=models.Q(revoked_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"Consent of {self.speaker_name} for voice {self.voice} ({state})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
