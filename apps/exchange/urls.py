from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("m/<slug:slug>/export/<str:fmt>/", views.export, name="export"),
    path(
        "m/<slug:slug>/snapshots/<id:pk>/restore/",
        views.snapshot_restore,
        name="snapshot_restore",
    ),
]
