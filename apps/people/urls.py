from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("m/<slug:slug>/holders/<id:role_pk>/", views.holders, name="holders"),
    path("me/", views.mine, name="mine"),
    path("me/responsibilities.csv", views.mine_csv, name="mine_csv"),
    path("teams/<id:team_pk>/people/", views.team, name="team"),
    path("teams/<id:team_pk>/people/add/", views.add, name="add"),
    path("teams/<id:team_pk>/people/<id:pk>/", views.person, name="person"),
    path(
        "teams/<id:team_pk>/people/<id:pk>/responsibilities.csv",
        views.person_csv,
        name="person_csv",
    ),
    path("teams/<id:team_pk>/people/<id:pk>/rename/", views.rename, name="rename"),
    path("teams/<id:team_pk>/people/<id:pk>/delete/", views.delete, name="delete"),
]
