"""Routes under /api/v1/: the project's own and each app's."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from catalog.api import ImportViewSet, ProductViewSet
from content.api import (
    AssetViewSet,
    AuditViewSet,
    GenerationJobViewSet,
    UsageView,
    VerifyView,
)
from livestream.api import LiveProtocolView, LiveRoomViewSet, LiveSessionViewSet
from shop_ai.api.stores import ApiKeyViewSet, StoreView
from webhooks.api import WebhookEndpointViewSet

router = SimpleRouter()
router.register("api-keys", ApiKeyViewSet, basename="api-key")
router.register("products", ProductViewSet, basename="product")
router.register("imports", ImportViewSet, basename="import")
router.register("generation-jobs", GenerationJobViewSet, basename="generation-job")
router.register("assets", AssetViewSet, basename="asset")
router.register("audit", AuditViewSet, basename="audit")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
router.register("live-rooms", LiveRoomViewSet, basename="live-room")
router.register("live-sessions", LiveSessionViewSet, basename="live-session")

urlpatterns = [
    path("store/", StoreView.as_view(), name="store"),
    # A file name, not a collection: no trailing slash.
    path(
        "products/export.csv",
        ProductViewSet.as_view({"get": "export"}),
        name="product-export",
    ),
    path("usage/", UsageView.as_view(), name="usage"),
    path("verify/", VerifyView.as_view(), name="verify"),
    path("live/protocol.json", LiveProtocolView.as_view(), name="live-protocol"),
    path("", include(router.urls)),
]
