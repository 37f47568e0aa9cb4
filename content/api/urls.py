"""Content's routes under /api/v1/: generation jobs, assets, the audit trail, usage, verify."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from content.api.assets import AssetViewSet
from content.api.audit import AuditViewSet
from content.api.jobs import GenerationJobViewSet
from content.api.usage import UsageView
from content.api.verify import VerifyView

router = SimpleRouter()
router.register("generation-jobs", GenerationJobViewSet, basename="generation-job")
router.register("assets", AssetViewSet, basename="asset")
router.register("audit", AuditViewSet, basename="audit")

urlpatterns = [
    path("usage/", UsageView.as_view(), name="usage"),
    path("verify/", VerifyView.as_view(), name="verify"),
    *router.urls,
]
