"""Content's REST API, one module per resource; the view classes the API routes mount."""

from content.api.assets import AssetViewSet
from content.api.audit import AuditViewSet
from content.api.jobs import GenerationJobViewSet
from content.api.usage import UsageView
from content.api.verify import VerifyView

__all__ = [
    "AssetViewSet",
    "AuditViewSet",
    "GenerationJobViewSet",
    "UsageView",
    "VerifyView",
]
