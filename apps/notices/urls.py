from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/bell/", views.bell, name="bell"),
    path("notices/read/", views.read, name="read"),
    path("notices/preferences/", views.preferences, name="preferences"),
]
