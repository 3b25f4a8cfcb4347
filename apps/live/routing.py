"""The live layer's WebSocket routes, beside the pages they follow (see config/asgi.py)."""

from django.urls import path

import apps.ids  # noqa: F401 - registers <id:...>, which the routes use

from .consumers import MatrixConsumer
from .workshop.routing import websocket_urlpatterns as workshop_urlpatterns

websocket_urlpatterns = [
    path("ws/m/<slug:slug>/", MatrixConsumer.as_asgi(), name="matrix"),
    path("ws/s/<str:token>/", MatrixConsumer.as_asgi(), name="shared"),
    *workshop_urlpatterns,
]
