"""Routes under /api/v1/. Each app adds its own router here."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from shop_ai.api.stores import ApiKeyViewSet, StoreView

router = SimpleRouter()
router.register("api-keys", ApiKeyViewSet, basename="api-key")

urlpatterns = [
    path("store/", StoreView.as_view(), name="store"),
    path("", include(router.urls)),
]
