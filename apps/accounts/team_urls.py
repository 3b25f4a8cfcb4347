from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("", views.team_list, name="list"),
    path("new/", views.team_create, name="create"),
    path("join/<str:token>/", views.invite_join, name="join"),
    path("<id:pk>/", views.team_detail, name="detail"),
    path("<id:pk>/rename/", views.team_rename, name="rename"),
    path("<id:pk>/leave/", views.team_leave, name="leave"),
    path("<id:pk>/members/", views.member_add, name="member_add"),
    path("<id:pk>/members/<id:member_pk>/access/", views.member_access, name="member_access"),
    path("<id:pk>/members/<id:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<id:pk>/invites/", views.invite_create, name="invite_create"),
    path("<id:pk>/invites/<id:invite_pk>/revoke/", views.invite_revoke, name="invite_revoke"),
]
