from django.urls import path

from . import views

app_name = "history"
urlpatterns = [
    path("m/<slug:slug>/history/", views.history, name="list"),
    path("m/<slug:slug>/history/undo/", views.undo_last, name="undo_last"),
    path("m/<slug:slug>/history/redo/", views.redo_last, name="redo_last"),
    path("m/<slug:slug>/history/<id:pk>/undo/", views.undo, name="undo"),
    path("m/<slug:slug>/snapshots/", views.snapshots, name="snapshots"),
    path("m/<slug:slug>/snapshots/<id:pk>.json", views.snapshot_download, name="snapshot_download"),
    path("m/<slug:slug>/snapshots/<id:pk>/delete/", views.snapshot_delete, name="snapshot_delete"),
    path("m/<slug:slug>/compare/", views.compare, name="compare"),
]
