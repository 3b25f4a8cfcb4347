from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("", views.team_list, name="list"),
    path("new/", views.team_create, name="create"),
    path("join/<str:token>/", views.invite_join, name="join"),
    path("<int:pk>/", views.team_detail, name="detail"),
    path("<int:pk>/rename/", views.team_rename, name="rename"),
    path("<int:pk>/leave/", views.team_leave, name="leave"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/access/", views.member_access, name="member_access"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/invites/", views.invite_create, name="invite_create"),
    path("<int:pk>/invites/<int:invite_pk>/revoke/", views.invite_revoke, name="invite_revoke"),
]
