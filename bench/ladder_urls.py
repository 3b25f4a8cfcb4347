"""The app's URLs and the ladder's steps: views that each do one more part of a cell update.

Served only by the ladder's own gunicorn (bench/ladder_settings.py), never by the app.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from apps.matrices.access import matrix_for_user
from apps.matrices.selectors import matrix_structure
from apps.matrices.services import _cell_change, _cell_write
from config.urls import urlpatterns as app_urlpatterns


def ok() -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@login_required
def signed_in(request):
    """The session and the user: what every signed-in request reads."""
    return ok()


@require_POST
@login_required
def posted(request):
    """...and a POST: the CSRF check and the form body."""
    request.POST  # noqa: B018 (parse it, as every form view does)
    return ok()


@require_POST
@login_required
def checked(request, slug):
    """...and the access check: the matrix and the user's membership of its team."""
    request.POST  # noqa: B018
    matrix_for_user(request.user, slug, edit=True)
    return ok()


def _cell(request, slug):
    """The matrix, the cell's activity and role (from the structure cache, as the cell update
    takes them) and the letter."""
    matrix = matrix_for_user(request.user, slug, edit=True)
    structure = matrix_structure(matrix)
    activity = structure.activity_by_pk[int(request.POST["activity"])]
    role = structure.role_by_pk[int(request.POST["role"])]
    return matrix, activity, role, request.POST["code"]


@require_POST
@login_required
def written(request, slug):
    """...and the write: one upsert or one delete, as the cell update makes it."""
    _, activity, role, code = _cell(request, slug)
    _cell_write(activity=activity, role=role, code=code, note="")
    return ok()


@require_POST
@login_required
def recorded(request, slug):
    """...and the history: the write and its Change row in one transaction, as the cell
    update makes them (the cell's state before read under the version's lock, as there)."""
    matrix, activity, role, code = _cell(request, slug)
    _cell_change(
        matrix=matrix,
        activity=activity,
        role=role,
        code=code,
        note="",
        by=request.user,
    )
    return ok()


urlpatterns = [
    *app_urlpatterns,
    path("bench/ladder/signed-in/", signed_in),
    path("bench/ladder/posted/", posted),
    path("bench/ladder/checked/<slug:slug>/", checked),
    path("bench/ladder/written/<slug:slug>/", written),
    path("bench/ladder/recorded/<slug:slug>/", recorded),
]
