"""Catalog's REST API, one module per resource; the view classes the API routes mount."""

from catalog.api.imports import ImportViewSet
from catalog.api.products import ProductViewSet

__all__ = ["ImportViewSet", "ProductViewSet"]
