"""Which open page a change came from, so that page knows the broadcast of it for its own.

Each page of a matrix names itself in the header of its requests (X-Raci-Client, set by
static/js/regions.js); the middleware keeps it for the request, and the broadcast carries it
(receivers.py). The page that made a change puts in the regions its own reply brings, and takes
the broadcast's only if that reply is lost (static/js/live.js).
"""

import re
from contextvars import ContextVar

HEADER = "X-Raci-Client"
_VALID = re.compile(r"^[A-Za-z0-9_-]{8,40}$")

origin: ContextVar[str] = ContextVar("origin", default="")


class OriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = request.headers.get(HEADER, "")
        token = origin.set(value if _VALID.match(value) else "")
        try:
            return self.get_response(request)
        finally:
            origin.reset(token)
