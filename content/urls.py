"""Portal routes for content."""

from django.urls import path

from content import views

app_name = "content"

urlpatterns = [
    path("", views.job_list, name="jobs"),
    path("generate/", views.job_create, name="job-create"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job-cancel"),
    path("products/<int:product_pk>/", views.product_assets, name="product-assets"),
]

urlpatterns += [
    path("review/", views.review_queue, name="review-queue"),
    path("review/bulk/", views.review_bulk, name="review-bulk"),
    path("review/<int:pk>/", views.review_asset, name="review-asset"),
    path("review/<int:pk>/approve/", views.review_approve, name="review-approve"),
    path("review/<int:pk>/reject/", views.review_reject, name="review-reject"),
    path("review/<int:pk>/edit/", views.review_edit, name="review-edit"),
    path("settings/voice-consent/", views.voice_consents, name="voice-consents"),
    path(
        "settings/voice-consent/<int:pk>/revoke/",
        views.voice_consent_revoke,
        name="voice-consent-revoke",
    ),
]
