from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.role_guide, name="role_guide"),
]
