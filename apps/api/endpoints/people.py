"""A team's people (members and people without an account), and My responsibilities."""

from django.http import Http404
from ninja import Router, Status

from apps.people import selectors
from apps.people import services as people_services
from apps.people.models import Person

from ..access import api_team, caller
from ..errors import ERRORS
from ..pagination import PageNumber, page_of
from ..schemas import Id, MeOut, NamedPerson, Page, PersonIn, PersonOut, ResponsibilityOut

router = Router(tags=["People"])


def person_out(entry) -> dict:
    return {
        "id": entry.person.pk if entry.person else None,
        "name": entry.name,
        "has_account": entry.has_account,
        "user": entry.user_id,
        "holds": [
            {"matrix": h.matrix.slug, "role": h.role.pk, "role_name": h.role.name}
            for h in entry.holdings
        ],
    }


@router.get(
    "/teams/{team_id}/people", response={200: Page[PersonOut], **ERRORS}, summary="A team's people"
)
def list_people(request, team_id: Id, page: int = PageNumber):
    """Everyone of the team, by name, with the role columns each holds."""
    team = api_team(request, team_id)
    return page_of(selectors.team_people(team), page, person_out)


def _named(team, pk: int) -> Person:
    person = Person.objects.filter(team=team, pk=pk).first()
    if person is None:
        raise Http404("No such person in this team.")
    return person


@router.post(
    "/teams/{team_id}/people",
    response={201: NamedPerson, **ERRORS},
    summary="Add a person without an account",
)
def add_person(request, team_id: Id, data: PersonIn):
    """The team's person of that name if there is one (names match whatever their case)."""
    team = api_team(request, team_id, edit=True)
    person = people_services.person_create(team=team, name=data.name)
    return Status(201, {"id": person.pk, "name": person.name})


@router.patch(
    "/teams/{team_id}/people/{person_id}",
    response={200: NamedPerson, **ERRORS},
    summary="Rename a person without an account",
)
def rename_person(request, team_id: Id, person_id: Id, data: PersonIn):
    team = api_team(request, team_id, edit=True)
    person = people_services.person_rename(person=_named(team, person_id), name=data.name)
    return {"id": person.pk, "name": person.name}


@router.delete(
    "/teams/{team_id}/people/{person_id}",
    response={204: None, **ERRORS},
    summary="Remove a person without an account",
)
def delete_person(request, team_id: Id, person_id: Id):
    """First from every column they hold (each a change of its matrix, undone by undo)."""
    team = api_team(request, team_id, edit=True)
    people_services.person_delete(person=_named(team, person_id), by=caller(request).user)
    return Status(204, None)


@router.get(
    "/me/responsibilities",
    response={200: Page[ResponsibilityOut], **ERRORS},
    summary="My responsibilities",
)
def my_responsibilities(request, page: int = PageNumber):
    """The letters you hold through the roles you hold, in every matrix of your teams (of the
    token's team only, for a team token), by matrix, phase, activity and column."""
    who = caller(request)
    entries = selectors.responsibilities(viewer=who.user, user=who.user)
    if who.team_id is not None:
        entries = [entry for entry in entries if entry.matrix.team_id == who.team_id]

    def build(entry):
        return {
            "letter": entry.letter.code,
            "meaning": entry.letter.name,
            "team": entry.matrix.team_id,
            "matrix": entry.matrix.slug,
            "matrix_title": entry.matrix.title,
            "phase": entry.phase,
            "activity": entry.activity_id,
            "activity_name": entry.activity,
            "role": entry.role.pk,
            "role_name": entry.role.name,
        }

    return page_of(entries, page, build)


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who the token acts for")
def me(request):
    who = caller(request)
    token = who.token
    return {
        "username": who.user.get_username(),
        "token": {
            "name": token.name,
            "can_write": token.can_write,
            "team": token.team_id,
            "expires_at": token.expires_at,
        },
    }
