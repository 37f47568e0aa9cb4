"""Top-level routes: portal, REST API, API docs, admin and health, each app mounting its own."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from catalog.views import product_json_schema
from livestream import views as live_views
from shop_ai.api.errors import api_not_found
from shop_ai.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "api/v1/",
        include(
            [
                path("", include("shop_ai.api.urls")),
                path("", include("catalog.api.urls")),
                path("", include("content.api.urls")),
                path("", include("webhooks.api.urls")),
                path("", include("livestream.api.urls")),
            ]
        ),
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/schemas/product.json", product_json_schema, name="product-json-schema"),
    re_path(r"^api/", api_not_found),
    path("catalog/", include("catalog.urls")),
    path("content/", include("content.urls")),
    path("studio/live/", include("livestream.urls")),
    path("live/<slug:slug>/", live_views.viewer, name="live-viewer"),
    path("", include("shop_ai.portal.urls")),
]

if settings.EMBEDDED:
    # The embedded mode has no separate web server for uploaded and generated files.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
