"""The live layer's WebSocket routes, beside the pages they follow (see config/asgi.py)."""

from django.urls import path

from .consumers import MatrixConsumer

websocket_urlpatterns = [
    path("ws/m/<slug:slug>/", MatrixConsumer.as_asgi(), name="matrix"),
    path("ws/s/<str:token>/", MatrixConsumer.as_asgi(), name="shared"),
]
