from django.urls import path

from . import views

app_name = "matrices"
urlpatterns = [
    path("", views.home, name="home"),
    path("matrices/new/", views.create, name="create"),
    path("m/<slug:slug>/", views.detail, name="detail"),
    path("schemes.css", views.scheme_css, name="scheme_css"),
]
