"""Admin for catalog models."""

from django.contrib import admin

from catalog.models import ImportJob, ImportRowError, Product, ProductImage, ProductVariant


class VariantInline(admin.TabularInline[ProductVariant, Product]):
    model = ProductVariant
    extra = 0
    exclude = ["store"]


class ImageInline(admin.TabularInline[ProductImage, Product]):
    model = ProductImage
    extra = 0
    exclude = ["store", "import_job"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ["sku", "title", "store", "price", "currency", "stock", "updated_at"]
    list_filter = ["store", "currency"]
    search_fields = ["sku", "title"]
    raw_id_fields = ["store"]
    inlines = [VariantInline, ImageInline]


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin[ProductVariant]):
    list_display = ["sku", "product", "price", "stock"]
    search_fields = ["sku"]
    raw_id_fields = ["store", "product"]


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin[ProductImage]):
    list_display = ["source", "product", "status", "width", "height"]
    list_filter = ["status"]
    raw_id_fields = ["store", "product", "import_job"]


class RowErrorInline(admin.TabularInline[ImportRowError, ImportJob]):
    model = ImportRowError
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = ["pk", "store", "source_name", "status", "created_count", "updated_count"]
    list_filter = ["status", "policy"]
    raw_id_fields = ["store", "created_by"]
    inlines = [RowErrorInline]


@admin.register(ImportRowError)
class ImportRowErrorAdmin(admin.ModelAdmin[ImportRowError]):
    list_display = ["job", "row_number", "column", "message"]
    raw_id_fields = ["job"]
