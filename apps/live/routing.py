"""The live layer's WebSocket routes, beside the pages they follow (see config/asgi.py). The last
one takes every other path: refused as a page answers 404, where it would fail the handshake."""

from django.urls import path, re_path

import apps.ids  # noqa: F401 - registers <id:...>, which the routes use

from .bell import BellConsumer
from .consumers import MatrixConsumer
from .gate import no_such_stream
from .workshop.routing import websocket_urlpatterns as workshop_urlpatterns

websocket_urlpatterns = [
    path("ws/m/<slug:slug>/", MatrixConsumer.as_asgi(), name="matrix"),
    path("ws/s/<str:token>/", MatrixConsumer.as_asgi(), name="shared"),
    *workshop_urlpatterns,
    path("ws/bell/", BellConsumer.as_asgi(), name="bell"),
    re_path(r"", no_such_stream, name="no_such_stream"),
]
