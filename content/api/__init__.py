"""Content's REST API, one module per resource; the view classes the API routes mount."""

from content.api.assets import AssetViewSet
from content.api.audit import AuditViewSet
from content.api.jobs import GenerationJobViewSet
from content.api.usage import UsageView
from content.api.verify import VerifyView
from content.api.webhooks import WebhookEndpointViewSet
from content.outputs import AssetSerializer

# AssetSerializer: content/webhooks.py builds asset payloads from it (imported at call time).
__all__ = [
    "AssetSerializer",
    "AssetViewSet",
    "AuditViewSet",
    "GenerationJobViewSet",
    "UsageView",
    "VerifyView",
    "WebhookEndpointViewSet",
]
