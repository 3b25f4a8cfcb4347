from django.urls import path

from . import views

app_name = "agreement"
urlpatterns = [
    path("m/<slug:slug>/agreement/", views.panel, name="panel"),
    path("m/<slug:slug>/agreement/ask/", views.ask, name="ask"),
    path("m/<slug:slug>/agreement/answer/", views.answer, name="answer"),
    path("m/<slug:slug>/agreement/record/", views.record, name="record"),
    path("m/<slug:slug>/agreement/review/", views.review, name="review"),
    path("m/<slug:slug>/agreement/announce/", views.announce, name="announce"),
    path("me/agreement/", views.asked, name="asked"),
    path("reviews-due/", views.due, name="due"),
]
