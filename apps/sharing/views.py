"""Share links: editors manage a matrix's link; anyone holding the token sees it read-only."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.catalog.views import guide_rows
from apps.exchange.exporting import export_response
from apps.matrices.access import matrix_for_user
from apps.matrices.models import Matrix
from apps.matrices.selectors import matrix_grid

from . import services
from .access import matrix_for_share_token
from .models import ShareLink

PANEL = "sharing/panel.html#body"


def _panel(request: HttpRequest, matrix: Matrix) -> HttpResponse:
    link = ShareLink.objects.active().filter(matrix=matrix).select_related("created_by").first()
    context = {
        "matrix": matrix,
        "link": link,
        "url": request.build_absolute_uri(link.get_absolute_url()) if link else "",
    }
    return render(request, PANEL, context)


@require_GET
@login_required
def panel(request: HttpRequest, slug: str) -> HttpResponse:
    """The share panel's content, loaded when an editor opens it on the matrix page."""
    return _panel(request, matrix_for_user(request.user, slug, edit=True))


@require_POST
@login_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = matrix_for_user(request.user, slug, edit=True)
    services.share_link_create(matrix=matrix, by=request.user)
    return _panel(request, matrix) if request.htmx else redirect(matrix)


@require_POST
@login_required
def revoke(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = matrix_for_user(request.user, slug, edit=True)
    services.share_link_revoke(matrix=matrix)
    return _panel(request, matrix) if request.htmx else redirect(matrix)


@require_GET
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The grid, the role guide of its roles and the exports; no edit control, no login."""
    matrix = matrix_for_share_token(token)
    grid = matrix_grid(matrix)
    response = render(
        request,
        "sharing/shared.html",
        {
            "matrix": matrix,
            "grid": grid,
            "guide_rows": guide_rows(grid.roles),
            "token": token,
            # For the shared grid: role headers point at the guide on this page, not at
            # the role guide, which needs an account.
            "shared": True,
        },
    )
    # The token is in the URL: keep it out of other sites' logs and out of search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
async def shared_export(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """A share link's export, within the limits of every export (apps/exchange/exporting.py)."""
    response = await export_response(
        request,
        lambda: matrix_for_share_token(token),
        fmt,
        lambda key: reverse("sharing:export", args=[token, key]),
    )
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
