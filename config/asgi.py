"""The ASGI entry point: Django's pages over HTTP, and the live layer's streams over WebSocket.

Served by uvicorn (`make run`) and by gunicorn with uvicorn workers in production (README).
"""

import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# whitenoise hands Django's ASGI handler a synchronous iterator for a static file, which Django
# reads in a thread, and says so for every file. Behind nginx, nginx serves them (docs/deploy.md).
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous")

# Django first: the live layer's imports need the apps loaded.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import CookieMiddleware  # noqa: E402

from apps.live.gate import LayerGate, SameOrigin, StreamLimits  # noqa: E402
from apps.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        # Every stream, the matrix's and the workshop's, passes the same gate (apps/live/gate.py):
        # a page of this very site only (its exact origin, as for a form); a cap on the streams
        # open per address and per session; a handshake refused while Redis is away. The stream
        # reads the session cookie itself (apps/live/access.py), as a request would.
        "websocket": SameOrigin(
            CookieMiddleware(StreamLimits(LayerGate(URLRouter(websocket_urlpatterns))))
        ),
    }
)
