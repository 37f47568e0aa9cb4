"""Catalog data: products with their variants and images, and the import jobs that load them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from shop_ai.models import Store


class Product(models.Model):
    """A product of a store, upserted by SKU.

    ``content_hash`` covers the fields generation depends on; generated content made from
    an older hash is stale.
    """

    # No index of its own: unique (store, sku) and the (store, ...) indexes lead with it.
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="products", db_index=False
    )
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    description_html = models.TextField(blank=True, default="")
    description_text = models.TextField(blank=True, default="")
    brand = models.CharField(max_length=120, blank=True, default="")
    category = models.CharField(max_length=255, blank=True, default="")
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    compare_at_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    stock = models.IntegerField(null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    tags = models.JSONField(default=list, blank=True)
    published = models.BooleanField(null=True, blank=True)
    source_format = models.CharField(max_length=20, blank=True, default="")
    content_hash = models.CharField(max_length=64)
    # Of everything an import stores (the content hash plus stock, images, publication):
    # equal means a re-import has nothing to write. Blank for rows from before it existed.
    import_hash = models.CharField(max_length=64, blank=True, default="")
    # Of the source rows the last import wrote this product from (catalog.formats.sources):
    # a re-import whose rows hash the same skips checking them. Blank after any other write.
    source_digest = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "sku"], name="product_unique_store_sku")
        ]
        indexes = [
            models.Index(fields=["store", "category"]),
            models.Index(fields=["store", "brand"]),
            models.Index(fields=["store", "updated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.sku}: {self.title}"


class ProductVariant(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    # Indexed by unique (product, sku), which leads with it.
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants", db_index=False
    )
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=255, blank=True, default="")
    options = models.JSONField(default=dict, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    compare_at_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    stock = models.IntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "sku"], name="variant_unique_product_sku")
        ]

    def __str__(self) -> str:
        return self.sku


class ImageStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be fetched"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ProductImage(models.Model):
    """An image of a product: first its source (URL or ZIP member), then the checked file."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    # Indexed by unique (product, source), which leads with it.
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images", db_index=False
    )
    source = models.CharField(max_length=2048)
    position = models.PositiveIntegerField(default=0)
    alt = models.CharField(max_length=512, blank=True, default="")
    status = models.CharField(max_length=10, choices=ImageStatus.choices, default="pending")
    error = models.CharField(max_length=300, blank=True, default="")
    sha256 = models.CharField(max_length=64, blank=True, default="")
    file = models.FileField(upload_to="products/", blank=True)
    thumbnail = models.FileField(upload_to="products/thumbs/", blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    import_job = models.ForeignKey(
        "ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "source"], name="image_unique_product_source"
            )
        ]
        indexes = [models.Index(fields=["status", "import_job"])]

    def __str__(self) -> str:
        return self.source


class ImportPolicy(models.TextChoices):
    SKIP_INVALID = "skip_invalid", "Import valid rows, report invalid ones"
    ALL_OR_NOTHING = "all_or_nothing", "Import nothing if any row is invalid"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PARSING = "parsing", "Checking rows"
    APPLYING = "applying", "Saving products"
    SUCCEEDED = "succeeded", "Done"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


TERMINAL_IMPORT_STATUSES = {
    ImportStatus.SUCCEEDED,
    ImportStatus.REJECTED,
    ImportStatus.FAILED,
    ImportStatus.CANCELLED,
}


class ImportJob(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_name = models.CharField(max_length=255, blank=True, default="")
    source_url = models.URLField(max_length=2048, blank=True, default="")
    file = models.FileField(upload_to="imports/", blank=True)
    requested_format = models.CharField(max_length=20, default="auto")
    detected_format = models.CharField(max_length=20, blank=True, default="")
    policy = models.CharField(
        max_length=20, choices=ImportPolicy.choices, default=ImportPolicy.SKIP_INVALID
    )
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_seen = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    error_code = models.CharField(max_length=40, blank=True, default="")
    error_message = models.CharField(max_length=500, blank=True, default="")
    cancel_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in TERMINAL_IMPORT_STATUSES


class ImportRowError(models.Model):
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField()
    column = models.CharField(max_length=120, blank=True, default="")
    value = models.CharField(max_length=120, blank=True, default="")
    message = models.CharField(max_length=300)
    sku = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["row_number", "id"]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.message}"
