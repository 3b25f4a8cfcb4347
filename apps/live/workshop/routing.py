"""The WebSocket routes of workshops, beside the pages they follow (included in ../routing.py)."""

from django.urls import path

from .ballot import BallotConsumer
from .consumers import BoardConsumer

websocket_urlpatterns = [
    path("ws/m/<slug:slug>/workshops/<id:pk>/", BoardConsumer.as_asgi(), name="workshop_board"),
    path("ws/w/<str:code>/", BallotConsumer.as_asgi(), name="workshop_ballot"),
]
