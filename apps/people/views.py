"""People on roles: choosing a column's holders, a team's people, what someone holds."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.access import team_for_user
from apps.accounts.models import EDITING_LEVELS, Team
from apps.matrices.access import matrix_for_user
from apps.matrices.selectors import matrix_structure
from apps.matrices.services import EditError
from apps.matrices.views.common import bad_request, form_errors, structure_changed
from apps.raci.exchange.cells import neutralise

from . import selectors, services
from .forms import HoldersForm, PersonForm
from .models import Person

BOM = "\ufeff"


@require_http_methods(["GET", "POST"])
@login_required
def holders(request: HttpRequest, slug: str, role_pk: int) -> HttpResponse:
    """GET: the form saying who holds a role column, loaded when an editor opens it (the page
    itself reads no team members). POST: save it; answer, like a change of columns, with the
    grid (whose heads show the holders), the findings, the workload and the people panel."""
    matrix = matrix_for_user(request.user, slug, edit=True)
    structure = matrix_structure(matrix)
    role = structure.role_by_pk.get(role_pk)
    if role is None:
        raise Http404("No such column in this matrix.")
    if request.method == "GET":
        held = {holder.id for holder in (structure.holders or {}).get(role.pk, ())}
        choices = [
            (choice, choice.person_id in held) for choice in selectors.team_choices(matrix.team_id)
        ]
        context = {"matrix": matrix, "role": role, "choices": choices}
        return render(request, "people/_panel.html#holders_form", context)
    form = HoldersForm(request.POST, team_id=matrix.team_id)
    if not form.is_valid():
        return bad_request(form_errors(form))
    try:
        services.holders_set(
            matrix=matrix,
            role=role,
            people=form.cleaned_data["person"],
            users=form.cleaned_data["user"],
            new_name=form.cleaned_data["new_name"],
            by=request.user,
        )
    except EditError as error:
        return bad_request(str(error))
    return structure_changed(request, matrix)


# -- What someone holds -----------------------------------------------------------------------


def _responsibilities_page(request, *, title, entries, held, csv_url, person=None, team=None):
    return render(
        request,
        "people/responsibilities.html",
        {
            "title": title,
            "groups": selectors.by_letter(entries),
            "entry_count": len(entries),
            "matrix_count": len({entry.matrix.pk for entry in entries}),
            "held": held,
            "csv_url": csv_url,
            "person": person,
            "team": team,
        },
    )


def _responsibilities_csv(request, entries, filename: str) -> HttpResponse:
    """The entries as CSV, as the matrix exports write it: UTF-8 with a byte-order mark, text
    a spreadsheet would run as a formula neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Letter", "Meaning", "Team", "Matrix", "Phase", "Activity", "Role", "Link"])
    for entry in entries:
        writer.writerow(
            [
                entry.letter.code,
                entry.letter.name,
                neutralise(entry.matrix.team.name),
                neutralise(entry.matrix.title),
                neutralise(entry.phase),
                neutralise(entry.activity),
                neutralise(entry.role.name),
                request.build_absolute_uri(entry.cell_url),
            ]
        )
    response = HttpResponse(BOM + out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """What the signed-in person holds a letter on, through their roles, in every matrix of
    every team they belong to."""
    user = request.user
    return _responsibilities_page(
        request,
        title="My responsibilities",
        entries=selectors.responsibilities(viewer=user, user=user),
        held=selectors.held_roles(viewer=user, user=user),
        csv_url=reverse("people:mine_csv"),
    )


@require_GET
@login_required
def mine_csv(request: HttpRequest) -> HttpResponse:
    entries = selectors.responsibilities(viewer=request.user, user=request.user)
    return _responsibilities_csv(request, entries, "my-responsibilities")


def _person(request: HttpRequest, team_pk: int, pk: int) -> tuple[Team, Person]:
    team = team_for_user(request.user, team_pk)
    return team, get_object_or_404(Person.objects.select_related("user"), team=team, pk=pk)


@require_GET
@login_required
def person(request: HttpRequest, team_pk: int, pk: int) -> HttpResponse:
    """What one person of the team holds, in the team's matrices: for its members only."""
    team, person = _person(request, team_pk, pk)
    return _responsibilities_page(
        request,
        title=person.display_name,
        entries=selectors.responsibilities(viewer=request.user, person=person),
        held=selectors.held_roles(viewer=request.user, person=person),
        csv_url=reverse("people:person_csv", args=[team.pk, person.pk]),
        person=person,
        team=team,
    )


@require_GET
@login_required
def person_csv(request: HttpRequest, team_pk: int, pk: int) -> HttpResponse:
    _, person = _person(request, team_pk, pk)
    entries = selectors.responsibilities(viewer=request.user, person=person)
    return _responsibilities_csv(request, entries, f"responsibilities-{person.pk}")


# -- A team's people ----------------------------------------------------------------------------


def _team_page(request: HttpRequest, team: Team, form: PersonForm, status: int = 200):
    return render(
        request,
        "people/team.html",
        {
            "team": team,
            "people": selectors.team_people(team),
            "form": form,
            "can_edit": team.access in EDITING_LEVELS,
        },
        status=status,
    )


@require_GET
@login_required
def team(request: HttpRequest, team_pk: int) -> HttpResponse:
    """The team's people, users and named ones, with the role columns each holds."""
    return _team_page(request, team_for_user(request.user, team_pk), PersonForm())


def _team_to_edit(request: HttpRequest, team_pk: int) -> Team:
    team = team_for_user(request.user, team_pk)
    if team.access not in EDITING_LEVELS:
        raise PermissionDenied("Only the team's owners and editors can do that.")
    return team


@require_POST
@login_required
def add(request: HttpRequest, team_pk: int) -> HttpResponse:
    """Add a named person without an account, who can then hold roles."""
    team = _team_to_edit(request, team_pk)
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _team_page(request, team, form, status=400)
    person = services.person_create(team=team, name=form.cleaned_data["name"])
    messages.success(request, f"{person.name} can now hold roles in this team's matrices.")
    return redirect("people:team", team.pk)


@require_POST
@login_required
def rename(request: HttpRequest, team_pk: int, pk: int) -> HttpResponse:
    """Rename a named person without an account."""
    team = _team_to_edit(request, team_pk)
    person = get_object_or_404(Person, team=team, pk=pk)
    old = person.display_name
    form = PersonForm(request.POST)
    try:
        if not form.is_valid():
            raise EditError(" ".join(form.errors["name"]))
        services.person_rename(person=person, name=form.cleaned_data["name"])
    except EditError as error:
        messages.error(request, f"{old} was not renamed: {error}")
        return _team_page(request, team, PersonForm(), status=400)
    messages.success(request, f"{old} is now {person.name}.")
    return redirect("people:team", team.pk)


@require_POST
@login_required
def delete(request: HttpRequest, team_pk: int, pk: int) -> HttpResponse:
    """Remove a named person: from every column they hold (each change recorded), then from
    the team."""
    team = _team_to_edit(request, team_pk)
    person = get_object_or_404(Person, team=team, pk=pk)
    try:
        services.person_delete(person=person, by=request.user)
    except EditError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{person.name} was removed.")
    return redirect("people:team", team.pk)
