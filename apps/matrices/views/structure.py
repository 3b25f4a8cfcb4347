"""Rows, phases and columns, edited in place. Every view answers with the new grid."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from apps.catalog.models import Role

from .. import services
from ..access import matrix_for_user
from ..forms import (
    ActivityForm,
    ColumnAddForm,
    ColumnNameForm,
    CustomRoleForm,
    MoveForm,
    NameForm,
    ShiftForm,
)
from ..models import Activity, MatrixRole, Phase
from .common import PAGE, bad_request, form_errors, structure_changed


def _edit(request, slug):
    return matrix_for_user(request.user, slug, edit=True)


def _activity(matrix, pk) -> Activity:
    activity = get_object_or_404(Activity.objects.select_related("phase"), matrix=matrix, pk=pk)
    activity.matrix = activity.phase.matrix = matrix  # spare the services a query each
    return activity


def _phase(matrix, pk) -> Phase:
    phase = get_object_or_404(Phase, matrix=matrix, pk=pk)
    phase.matrix = matrix
    return phase


def _apply(request, matrix, form, change):
    """Validate ``form``, run ``change(cleaned_data)``, answer with the grid or the error."""
    if not form.is_valid():
        return bad_request(form_errors(form))
    try:
        change(form.cleaned_data)
    except services.EditError as error:
        return bad_request(str(error))
    return structure_changed(request, matrix)


@require_GET
@login_required
def activity_menu(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    matrix = _edit(request, slug)
    activity = _activity(matrix, pk)
    return render(request, f"{PAGE}#activity_menu", {"matrix": matrix, "activity": activity})


@require_POST
@login_required
def activity_add(request: HttpRequest, slug: str, phase_pk: int) -> HttpResponse:
    matrix = _edit(request, slug)
    phase = _phase(matrix, phase_pk)
    return _apply(
        request,
        matrix,
        ActivityForm(request.POST),
        lambda data: services.activity_create(matrix=matrix, phase=phase, by=request.user, **data),
    )


@require_POST
@login_required
def activity_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    matrix = _edit(request, slug)
    activity = _activity(matrix, pk)
    return _apply(
        request,
        matrix,
        ActivityForm(request.POST),
        lambda data: services.activity_update(activity=activity, by=request.user, **data),
    )


@require_POST
@login_required
def activity_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    matrix = _edit(request, slug)
    activity = _activity(matrix, pk)
    services.activity_delete(activity=activity, by=request.user)
    return structure_changed(request, matrix)


@require_POST
@login_required
def activity_shift(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    matrix = _edit(request, slug)
    activity = _activity(matrix, pk)
    return _apply(
        request,
        matrix,
        ShiftForm(request.POST),
        lambda data: services.activity_shift(
            activity=activity, offset=data["offset"], by=request.user
        ),
    )


@require_POST
@login_required
def activity_move(request: HttpRequest, slug: str) -> HttpResponse:
    """Drag and drop: put an activity into a phase, above another activity or last."""
    matrix = _edit(request, slug)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return bad_request(form_errors(form))
    activity = _activity(matrix, form.cleaned_data["activity"])
    phase = _phase(matrix, form.cleaned_data["phase"])
    before = None
    if form.cleaned_data["before"]:
        before = get_object_or_404(Activity, matrix=matrix, pk=form.cleaned_data["before"])
        if before.phase_id != phase.pk:
            return bad_request("That activity is not in that phase.")
    services.activity_move(activity=activity, phase=phase, before=before, by=request.user)
    return structure_changed(request, matrix)


@require_GET
@login_required
def phase_menu(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    matrix = _edit(request, slug)
    phase = _phase(matrix, pk)
    return render(request, f"{PAGE}#phase_menu", {"matrix": matrix, "phase": phase})


@require_POST
@login_required
def phase_add(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = _edit(request, slug)
    return _apply(
        request,
        matrix,
        NameForm(request.POST),
        lambda data: services.phase_create(matrix=matrix, name=data["name"], by=request.user),
    )


@require_POST
@login_required
def phase_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    matrix = _edit(request, slug)
    phase = _phase(matrix, pk)
    return _apply(
        request,
        matrix,
        NameForm(request.POST),
        lambda data: services.phase_rename(phase=phase, name=data["name"], by=request.user),
    )


@require_POST
@login_required
def phase_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    matrix = _edit(request, slug)
    phase = _phase(matrix, pk)
    try:
        services.phase_delete(phase=phase, by=request.user)
    except services.EditError as error:
        return bad_request(str(error))
    return structure_changed(request, matrix)


@require_POST
@login_required
def phase_shift(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    matrix = _edit(request, slug)
    phase = _phase(matrix, pk)
    return _apply(
        request,
        matrix,
        ShiftForm(request.POST),
        lambda data: services.phase_shift(phase=phase, offset=data["offset"], by=request.user),
    )


def _column_role(matrix, role_pk: int) -> Role:
    column = MatrixRole.objects.select_related("role").filter(matrix=matrix, role_id=role_pk)
    found = column.first()
    if found is None:
        raise Http404("No such column in this matrix.")
    return found.shown_role()


@require_POST
@login_required
def column_add(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = _edit(request, slug)
    form = ColumnAddForm(request.POST)
    if not form.is_valid():
        return bad_request(form_errors(form))
    role = Role.objects.filter(pk=form.cleaned_data["role"]).first()
    if role is None or (role.team_id is not None and role.team_id != matrix.team_id):
        raise Http404("No such role.")
    try:
        services.column_add(matrix=matrix, role=role, by=request.user)
    except services.EditError as error:
        return bad_request(str(error))
    return structure_changed(request, matrix)


@require_POST
@login_required
def column_remove(request: HttpRequest, slug: str, role_pk: int) -> HttpResponse:
    matrix = _edit(request, slug)
    services.column_remove(matrix=matrix, role=_column_role(matrix, role_pk), by=request.user)
    return structure_changed(request, matrix)


@require_POST
@login_required
def column_rename(request: HttpRequest, slug: str, role_pk: int) -> HttpResponse:
    """This matrix's name for the column; the role, maybe shown by other matrices, keeps its."""
    matrix = _edit(request, slug)
    role = _column_role(matrix, role_pk)
    return _apply(
        request,
        matrix,
        ColumnNameForm(request.POST),
        lambda data: services.column_rename(
            matrix=matrix, role=role, name=data["name"], by=request.user
        ),
    )


@require_POST
@login_required
def column_shift(request: HttpRequest, slug: str, role_pk: int) -> HttpResponse:
    matrix = _edit(request, slug)
    role = _column_role(matrix, role_pk)
    return _apply(
        request,
        matrix,
        ShiftForm(request.POST),
        lambda data: services.column_shift(
            matrix=matrix, role=role, offset=data["offset"], by=request.user
        ),
    )


@require_POST
@login_required
def role_create(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = _edit(request, slug)
    return _apply(
        request,
        matrix,
        CustomRoleForm(request.POST),
        lambda data: services.role_create_custom(matrix=matrix, by=request.user, **data),
    )
