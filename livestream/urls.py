"""Portal routes for live rooms; the public viewer page is routed at /live/<slug>/."""

from django.urls import path

from livestream import views

app_name = "livestream"

urlpatterns = [
    path("", views.room_list, name="rooms"),
    path("new/", views.room_create, name="room-create"),
    path("<int:pk>/", views.studio, name="studio"),
    path("<int:pk>/switch/", views.room_switch, name="room-switch"),
]
