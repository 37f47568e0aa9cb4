"""Webhooks' routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from webhooks.api.endpoints import WebhookEndpointViewSet

router = SimpleRouter()
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

urlpatterns = router.urls
