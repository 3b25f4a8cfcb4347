from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("teams/<id:team_pk>/webhooks/", views.team_webhooks, name="team"),
    path("teams/<id:team_pk>/webhooks/<id:pk>/delete/", views.webhook_delete, name="delete"),
    path("teams/<id:team_pk>/webhooks/<id:pk>/test/", views.webhook_test, name="test"),
]
