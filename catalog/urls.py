"""Portal routes for the catalog."""

from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.product_list, name="products"),
    path("products/<int:pk>/", views.product_detail, name="product-detail"),
    path("imports/", views.import_page, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/cancel/", views.import_cancel, name="import-cancel"),
    path("imports/<int:pk>/errors.csv", views.import_errors_csv, name="import-errors-csv"),
]
