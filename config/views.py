"""Project-wide views that belong to no app."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """A tiny answer with no database access: for load balancers, and the benchmark's floor."""
    return HttpResponse("ok", content_type="text/plain")
