from django.urls import path

from .views import cells, pages, structure

app_name = "matrices"
urlpatterns = [
    path("", pages.home, name="home"),
    path("matrices/new/", pages.create, name="create"),
    path("schemes.css", pages.scheme_css, name="scheme_css"),
    path("m/<slug:slug>/", pages.detail, name="detail"),
    path("m/<slug:slug>/details/", pages.edit_details, name="edit_details"),
    path("m/<slug:slug>/options/", pages.edit_options, name="edit_options"),
    path("m/<slug:slug>/duplicate/", pages.duplicate, name="duplicate"),
    path("m/<slug:slug>/delete/", pages.delete, name="delete"),
    path("m/<slug:slug>/scheme/", pages.change_scheme, name="change_scheme"),
    path("m/<slug:slug>/cells/", cells.assign, name="assign"),
    path("m/<slug:slug>/cells/note/", cells.annotate, name="annotate"),
    path("m/<slug:slug>/cells/block/", cells.assign_block, name="assign_block"),
    path("m/<slug:slug>/activities/move/", structure.activity_move, name="activity_move"),
    path("m/<slug:slug>/activities/<id:pk>/", structure.activity_edit, name="activity_edit"),
    path("m/<slug:slug>/activities/<id:pk>/menu/", structure.activity_menu, name="activity_menu"),
    path(
        "m/<slug:slug>/activities/<id:pk>/delete/",
        structure.activity_delete,
        name="activity_delete",
    ),
    path(
        "m/<slug:slug>/activities/<id:pk>/shift/", structure.activity_shift, name="activity_shift"
    ),
    path("m/<slug:slug>/phases/", structure.phase_add, name="phase_add"),
    path("m/<slug:slug>/phases/<id:pk>/", structure.phase_edit, name="phase_edit"),
    path("m/<slug:slug>/phases/<id:pk>/menu/", structure.phase_menu, name="phase_menu"),
    path("m/<slug:slug>/phases/<id:pk>/delete/", structure.phase_delete, name="phase_delete"),
    path("m/<slug:slug>/phases/<id:pk>/shift/", structure.phase_shift, name="phase_shift"),
    path(
        "m/<slug:slug>/phases/<id:phase_pk>/activities/",
        structure.activity_add,
        name="activity_add",
    ),
    path("m/<slug:slug>/columns/", structure.column_add, name="column_add"),
    path(
        "m/<slug:slug>/columns/<id:role_pk>/delete/",
        structure.column_remove,
        name="column_remove",
    ),
    path("m/<slug:slug>/columns/<id:role_pk>/shift/", structure.column_shift, name="column_shift"),
    path(
        "m/<slug:slug>/columns/<id:role_pk>/rename/",
        structure.column_rename,
        name="column_rename",
    ),
    path("m/<slug:slug>/roles/new/", structure.role_create, name="role_create"),
]
