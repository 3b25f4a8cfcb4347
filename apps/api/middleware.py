"""The API's 405 in its own JSON shape.

django-ninja answers a method that no operation of a path takes with Django's plain-text
HttpResponseNotAllowed, before any of the API's exception handlers can see it; every other error
of the API is JSON with a stable code (errors.py). This turns that one answer into the same shape,
keeping its Allow header.
"""

from .errors import error_response

PREFIX = "/api/v1/"


def method_not_allowed_as_json(get_response):
    def middleware(request):
        response = get_response(request)
        if response.status_code == 405 and request.path.startswith(PREFIX):
            allowed = response.get("Allow", "")
            return error_response(
                405,
                "method_not_allowed",
                f"{request.method} is not allowed here; use {allowed}.",
                {"Allow": allowed},
            )
        return response

    return middleware
