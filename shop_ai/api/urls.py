"""The kernel's routes under /api/v1/: the store itself and its API keys."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from shop_ai.api.stores import ApiKeyViewSet, StoreView

router = SimpleRouter()
router.register("api-keys", ApiKeyViewSet, basename="api-key")

urlpatterns = [
    path("store/", StoreView.as_view(), name="store"),
    *router.urls,
]
