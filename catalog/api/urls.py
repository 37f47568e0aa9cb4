"""Catalog's routes under /api/v1/: products (and their CSV export) and imports."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from catalog.api.imports import ImportViewSet
from catalog.api.products import ProductViewSet

router = SimpleRouter()
router.register("products", ProductViewSet, basename="product")
router.register("imports", ImportViewSet, basename="import")

urlpatterns = [
    # A file name, not a collection: no trailing slash. Before the router's products/<pk>/.
    path("products/export.csv", ProductViewSet.as_view({"get": "export"}), name="product-export"),
    *router.urls,
]
