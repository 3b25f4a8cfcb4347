from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.role_guide, name="role_guide"),
    path("team/<id:team_pk>/", views.team_roles, name="team_roles"),
    path("team/<id:team_pk>/<id:pk>/", views.team_role_edit, name="team_role_edit"),
]
