"""Activities, phases and role columns: add, rename, move, remove; and who holds a column.
Each through the editor's services: in the history, undone by undo, live in every browser."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from ninja import Router, Status

from apps.catalog.models import Role
from apps.matrices import services
from apps.matrices.models import Activity, Matrix, Phase
from apps.matrices.selectors import available_roles, matrix_structure
from apps.matrices.services import EditError
from apps.people import services as people_services
from apps.people.models import Person

from ..access import api_matrix, caller
from ..errors import ERRORS
from ..schemas import (
    ActivityDone,
    ActivityIn,
    ActivityPatch,
    ColumnDone,
    ColumnIn,
    ColumnPatch,
    Done,
    HoldersIn,
    HoldersOut,
    Id,
    PhaseDone,
    PhaseIn,
    PhasePatch,
    RoleOut,
    Slug,
)
from .grid import holders_out

router = Router(tags=["Activities, phases and columns"])


def _activity(matrix: Matrix, pk: int) -> Activity:
    activity = Activity.objects.select_related("phase").filter(matrix=matrix, pk=pk).first()
    if activity is None:
        raise Http404("No such activity in this matrix.")
    activity.matrix = activity.phase.matrix = matrix
    return activity


def _phase(matrix: Matrix, pk: int) -> Phase:
    phase = Phase.objects.filter(matrix=matrix, pk=pk).first()
    if phase is None:
        raise Http404("No such phase in this matrix.")
    phase.matrix = matrix
    return phase


def _column_role(matrix: Matrix, pk: int) -> Role:
    role = matrix_structure(matrix).role_by_pk.get(pk)
    if role is None:
        raise Http404("No such column in this matrix.")
    return role


def _activity_done(activity: Activity, matrix: Matrix) -> dict:
    return {
        "id": activity.pk,
        "name": activity.name,
        "description": activity.description,
        "phase": activity.phase_id,
        "version": matrix.version,
    }


@router.post(
    "/matrices/{slug}/activities",
    response={201: ActivityDone, **ERRORS},
    summary="Add an activity",
)
def add_activity(request, slug: Slug, data: ActivityIn):
    """Added last in its phase."""
    matrix = api_matrix(request, slug, edit=True)
    phase = _phase(matrix, data.phase)
    activity = services.activity_create(
        matrix=matrix,
        phase=phase,
        name=data.name,
        description=data.description,
        by=caller(request).user,
    )
    return Status(201, _activity_done(activity, matrix))


@router.patch(
    "/matrices/{slug}/activities/{activity_id}",
    response={200: ActivityDone, **ERRORS},
    summary="Rename or move an activity",
)
def update_activity(request, slug: Slug, activity_id: Id, data: ActivityPatch):
    """Rename it or change its description; move it to ``index`` within its phase, or into
    ``phase`` (last there unless ``index``). Each is one change in the history."""
    matrix = api_matrix(request, slug, edit=True)
    activity = _activity(matrix, activity_id)
    target = _phase(matrix, data.phase) if data.phase is not None else None
    by = caller(request).user
    if data.name is not None or data.description is not None:
        services.activity_update(
            activity=activity,
            name=activity.name if data.name is None else data.name,
            description=activity.description if data.description is None else data.description,
            by=by,
        )
    if target is not None or data.index is not None:
        phase = target or activity.phase
        services.activity_place(
            activity=activity,
            phase=phase,
            index=data.index if data.index is not None else 1_000_000,
            by=by,
        )
    return _activity_done(activity, matrix)


@router.delete(
    "/matrices/{slug}/activities/{activity_id}",
    response={200: Done, **ERRORS},
    summary="Delete an activity",
)
def delete_activity(request, slug: Slug, activity_id: Id):
    """With its letters and notes; undo brings them back."""
    matrix = api_matrix(request, slug, edit=True)
    services.activity_delete(activity=_activity(matrix, activity_id), by=caller(request).user)
    return {"version": matrix.version}


@router.post("/matrices/{slug}/phases", response={201: PhaseDone, **ERRORS}, summary="Add a phase")
def add_phase(request, slug: Slug, data: PhaseIn):
    """Added last, or at ``index``."""
    matrix = api_matrix(request, slug, edit=True)
    phase = services.phase_create(
        matrix=matrix, name=data.name, index=data.index, by=caller(request).user
    )
    return Status(201, {"id": phase.pk, "name": phase.name, "version": matrix.version})


@router.patch(
    "/matrices/{slug}/phases/{phase_id}",
    response={200: PhaseDone, **ERRORS},
    summary="Rename or move a phase",
)
def update_phase(request, slug: Slug, phase_id: Id, data: PhasePatch):
    matrix = api_matrix(request, slug, edit=True)
    phase = _phase(matrix, phase_id)
    by = caller(request).user
    if data.name is not None:
        services.phase_rename(phase=phase, name=data.name, by=by)
    if data.index is not None:
        services.phase_place(phase=phase, index=data.index, by=by)
    return {"id": phase.pk, "name": phase.name, "version": matrix.version}


@router.delete(
    "/matrices/{slug}/phases/{phase_id}", response={200: Done, **ERRORS}, summary="Delete a phase"
)
def delete_phase(request, slug: Slug, phase_id: Id):
    """Only an empty phase: move or delete its activities first."""
    matrix = api_matrix(request, slug, edit=True)
    services.phase_delete(phase=_phase(matrix, phase_id), by=caller(request).user)
    return {"version": matrix.version}


def role_out(role: Role) -> dict:
    return {
        "id": role.pk,
        "name": role.name,
        "short_label": role.short_label,
        "kind": role.kind,
        "team": role.team_id,
    }


@router.get(
    "/matrices/{slug}/roles", response={200: list[RoleOut], **ERRORS}, summary="Roles to add"
)
def list_available_roles(request, slug: Slug):
    """The catalog's roles and the team's own that are not columns of the matrix yet."""
    matrix = api_matrix(request, slug)
    return [role_out(role) for role in available_roles(matrix)]


@router.post(
    "/matrices/{slug}/columns", response={201: RoleOut, **ERRORS}, summary="Add a role column"
)
def add_column(request, slug: Slug, data: ColumnIn):
    """A role of the catalog or of the team (``role``), or a new role of the team (``name``,
    ``short_label``, ``description``), added as the last column."""
    matrix = api_matrix(request, slug, edit=True)
    by = caller(request).user
    if data.role is not None:
        role = Role.objects.filter(pk=data.role).first()
        if role is None or (role.team_id is not None and role.team_id != matrix.team_id):
            raise Http404("No such role.")
        services.column_add(matrix=matrix, role=role, by=by)
    else:
        role = services.role_create_custom(
            matrix=matrix,
            name=data.name,
            short_label=data.short_label,
            description=data.description,
            by=by,
        )
    return Status(201, role_out(role))


@router.patch(
    "/matrices/{slug}/columns/{role_id}",
    response={200: ColumnDone, **ERRORS},
    summary="Rename or move a column",
)
def update_column(request, slug: Slug, role_id: Id, data: ColumnPatch):
    """``name`` renames the column in this matrix only: a catalog role, or one of the team's
    that other matrices show, keeps its name there (``name_taken`` when another column of the
    matrix has it). ``index`` puts the column there (from 0, left to right). Each is one change
    in the history; a refused rename moves nothing."""
    matrix = api_matrix(request, slug, edit=True)
    role = _column_role(matrix, role_id)
    by = caller(request).user
    name = role.name
    with transaction.atomic():
        if data.name is not None:
            column = services.column_rename(matrix=matrix, role=role, name=data.name, by=by)
            name = column.label or getattr(role, "catalog_name", role.name)
        if data.index is not None:
            services.column_place(matrix=matrix, role=role, index=data.index, by=by)
    return {"id": role.pk, "name": name, "version": matrix.version}


@router.delete(
    "/matrices/{slug}/columns/{role_id}",
    response={200: Done, **ERRORS},
    summary="Remove a column",
)
def remove_column(request, slug: Slug, role_id: Id):
    """With its letters; undo brings them back."""
    matrix = api_matrix(request, slug, edit=True)
    role = _column_role(matrix, role_id)
    services.column_remove(matrix=matrix, role=role, by=caller(request).user)
    return {"version": matrix.version}


def _holders(matrix: Matrix, role: Role) -> dict:
    holders = matrix_structure(matrix).holders or {}
    return {
        "role": role.pk,
        "holders": holders_out(holders.get(role.pk, ())),
        "version": matrix.version,
    }


@router.get(
    "/matrices/{slug}/columns/{role_id}/holders",
    response={200: HoldersOut, **ERRORS},
    summary="Who holds a column",
)
def get_holders(request, slug: Slug, role_id: Id):
    matrix = api_matrix(request, slug)
    role = _column_role(matrix, role_id)
    holders = matrix_structure(matrix).holders or {}
    return {
        "role": role.pk,
        "holders": holders_out(holders.get(role.pk, ())),
        "version": matrix.version,
    }


@router.put(
    "/matrices/{slug}/columns/{role_id}/holders",
    response={200: HoldersOut, **ERRORS},
    summary="Say who holds a column",
)
def set_holders(request, slug: Slug, role_id: Id, data: HoldersIn):
    """The holders become exactly ``people`` (the team's people, by id), ``users`` (members
    of the team, by user id) and, with ``new_name``, a person without an account of that name
    (made unless the team has one)."""
    matrix = api_matrix(request, slug, edit=True)
    role = _column_role(matrix, role_id)
    if matrix.team_id is None:
        raise EditError("A template has no people.")
    people = list(Person.objects.filter(team=matrix.team_id, pk__in=data.people))
    if len(people) != len(set(data.people)):
        raise EditError("Some of those people are not of this matrix's team.")
    users = list(get_user_model().objects.filter(pk__in=data.users))
    if len(users) != len(set(data.users)):
        raise EditError("Some of those users are not members of this matrix's team.")
    people_services.holders_set(
        matrix=matrix,
        role=role,
        people=people,
        users=users,
        new_name=data.new_name,
        by=caller(request).user,
    )
    holders = matrix_structure(matrix).holders or {}
    return {
        "role": role.pk,
        "holders": holders_out(holders.get(role.pk, ())),
        "version": matrix.version,
    }
