"""Portal routes of the project shell."""

from django.contrib.auth import views as auth_views
from django.urls import path

from shop_ai.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="portal/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("store/switch/", views.switch_store, name="switch-store"),
    path("settings/brand-kit/", views.brand_kit, name="brand-kit"),
    path("settings/members/", views.members, name="members"),
    path("settings/members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("settings/api-keys/", views.api_keys, name="api-keys"),
    path("settings/api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api-key-revoke"),
]
