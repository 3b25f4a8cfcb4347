from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("m/<slug:slug>/share/", views.panel, name="panel"),
    path("m/<slug:slug>/share/create/", views.create, name="create"),
    path("m/<slug:slug>/share/revoke/", views.revoke, name="revoke"),
    path("s/<str:token>/", views.shared, name="view"),
    path("s/<str:token>/export/<str:fmt>/", views.shared_export, name="export"),
]
