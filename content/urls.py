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
