"""Writes about people and what they hold. Keyword-only, atomic, named <entity>_<action>.

Every change of a column's holders is a change to its matrix: ``holders_set`` announces it
once (apps/matrices/changes.py), so the history records it, undo can revert it
(apps/history/services.py) and the live layer shows it in every open browser; and it raises
the matrix's structure version, under which the holders are cached with the columns
(apps/matrices/holders.py).
"""

from collections.abc import Iterable

from django.db import transaction

from apps.accounts.models import Membership, Team
from apps.catalog.models import Role
from apps.matrices.changes import Action, announce
from apps.matrices.models import Matrix, MatrixRole
from apps.matrices.services import EditError, structure_changed

from .models import Holder, Person

NAME_MAX = Person._meta.get_field("name").max_length


def person_for_user(*, team: Team, user) -> Person:
    """The team's Person for one of its users, made the first time they hold a role."""
    if not Membership.objects.filter(team=team, user=user).exists():
        raise EditError(f"{user.get_username()} is not in the team “{team.name}”.")
    person, _ = Person.objects.get_or_create(team=team, user=user)
    return person


def people_for_users(*, team: Team, users: Iterable) -> list[Person]:
    """``person_for_user`` for several users at once, in three queries however many."""
    users = {user.pk: user for user in users}
    if not users:
        return []
    members = set(
        Membership.objects.filter(team=team, user__in=list(users)).values_list("user", flat=True)
    )
    for pk, user in users.items():
        if pk not in members:
            raise EditError(f"{user.get_username()} is not in the team “{team.name}”.")
    Person.objects.bulk_create(
        [Person(team=team, user=user) for user in users.values()], ignore_conflicts=True
    )
    return list(Person.objects.filter(team=team, user__in=list(users)).select_related("user"))


def _person_name(name: str) -> str:
    """A named person's name, its spaces folded; EditError when it is empty or too long."""
    name = " ".join(name.split())
    if not name:
        raise EditError("Give the person a name.")
    if len(name) > NAME_MAX:
        raise EditError(f"A name has at most {NAME_MAX} characters.")
    return name


def person_create(*, team: Team, name: str) -> Person:
    """A named person without an account; the team's person of that name if there is one
    (names are matched case-insensitively)."""
    name = _person_name(name)
    existing = Person.objects.filter(team=team, user__isnull=True, name__iexact=name).first()
    return existing or Person.objects.create(team=team, name=name)


def _state(role: Role, people: Iterable[Person]) -> dict:
    return {
        "role_id": role.pk,
        "role": role.name,
        "people": [
            {"id": person.pk, "name": person.display_name, "user_id": person.user_id}
            for person in people
        ],
    }


def _names(people: list[Person]) -> str:
    return ", ".join(person.display_name for person in people) or "nobody"


@transaction.atomic
def holders_set(
    *,
    matrix: Matrix,
    role: Role,
    people: Iterable[Person] = (),
    users: Iterable = (),
    new_name: str = "",
    by=None,
) -> bool:
    """Make ``people`` (of the matrix's team), ``users`` (of the team) and a named person
    called ``new_name`` (made if the team has none of that name) the holders of the role's
    column; announce the change and return True, or False when they already were."""
    if not MatrixRole.objects.filter(matrix=matrix, role=role).exists():
        raise EditError(f"“{role.name}” is not a column of this matrix.")
    people = [*people, *people_for_users(team=matrix.team, users=users)]
    if new_name.strip():
        people.append(person_create(team=matrix.team, name=new_name))
    wanted = {person.pk: person for person in people}
    if any(person.team_id != matrix.team_id for person in wanted.values()):
        raise EditError("Only people of the matrix's team can hold its roles.")
    current = {
        holder.person_id: holder.person
        for holder in Holder.objects.filter(matrix=matrix, role=role).select_related("person__user")
    }
    if set(current) == set(wanted):
        return False
    Holder.objects.filter(matrix=matrix, role=role).exclude(person__in=list(wanted)).delete()
    newcomers = [person for pk, person in wanted.items() if pk not in current]
    Holder.objects.bulk_create(
        Holder(matrix=matrix, role=role, person=person) for person in newcomers
    )
    # A member now holding a column is told of its changes from this one on (apps/notices).
    structure_changed(
        matrix, holders_with_accounts=any(person.user_id is not None for person in newcomers)
    )

    def ordered(people: dict[int, Person]) -> list[Person]:
        return sorted(people.values(), key=lambda person: person.display_name.casefold())

    before, after = ordered(current), ordered(wanted)
    added = [person for person in after if person.pk not in current]
    removed = [person for person in before if person.pk not in wanted]
    if added and not removed:
        summary = f"{_names(added)} now hold{'s' if len(added) == 1 else ''} {role.name}"
    elif removed and not added:
        summary = f"{_names(removed)} no longer hold{'s' if len(removed) == 1 else ''} {role.name}"
    else:
        summary = f"{role.name} is now held by {_names(after)} (was {_names(before)})"
    announce(
        matrix=matrix,
        by=by,
        action=Action.HOLDERS,
        summary=summary,
        role_id=role.pk,
        before=_state(role, before),
        after=_state(role, after),
    )
    return True


@transaction.atomic
def holders_restore(*, matrix: Matrix, role: Role, state: dict, by=None) -> bool:
    """Put back the holders ``state`` names (a change's ``before``, for undo): people who have
    since gone come back as named people of the team, users only while they are in it."""
    people = []
    existing = Person.objects.filter(
        team=matrix.team_id, pk__in=[entry["id"] for entry in state["people"]]
    ).in_bulk()
    for entry in state["people"]:
        person = existing.get(entry["id"])
        if person is None and entry.get("user_id"):
            member = Membership.objects.filter(team=matrix.team_id, user=entry["user_id"]).first()
            if member is None:
                continue  # no longer in the team: they cannot hold its roles
            person = person_for_user(team=matrix.team, user=member.user)
        elif person is None:
            person = person_create(team=matrix.team, name=entry["name"])
        people.append(person)
    return holders_set(matrix=matrix, role=role, people=people, by=by)


@transaction.atomic
def person_rename(*, person: Person, name: str) -> Person:
    """Rename a named person without an account (a user's name is their account's). The column
    heads and exports of the matrices where they hold a role show the new name (their cached
    holders are outdated by apps/people/receivers.py)."""
    if person.has_account:
        raise EditError("A member's name is the one of their account.")
    name = _person_name(name)
    taken = Person.objects.filter(team=person.team_id, user__isnull=True, name__iexact=name)
    if taken.exclude(pk=person.pk).exists():
        raise EditError(f"{name} is already one of the team's people.")
    person.name = name
    person.save(update_fields=["name"])
    return person


@transaction.atomic
def person_delete(*, person: Person, by=None) -> None:
    """Remove a named person from the team: first from every column they hold, each an
    announced change of its matrix (undo brings them back, by name)."""
    if person.has_account:
        raise EditError("A member of the team is removed from the team's page.")
    holdings = list(person.holdings.select_related("matrix__team", "role"))
    for holding in holdings:
        others = Person.objects.filter(holdings__matrix=holding.matrix, holdings__role=holding.role)
        holders_set(
            matrix=holding.matrix,
            role=holding.role,
            people=list(others.exclude(pk=person.pk)),
            by=by,
        )
    person.delete()


def holders_import(*, matrix: Matrix, holders: dict[Role, list[tuple[str, str]]]) -> None:
    """Holders for a matrix being imported: ``role -> [(name, username)]``. A username of a
    user of the matrix's team names them; anyone else becomes a named person of the team.
    Not announced: it is part of the import, which makes the matrix."""
    team = matrix.team
    members = {
        membership.user.get_username().casefold(): membership.user
        for membership in Membership.objects.filter(team=team).select_related("user")
    }
    rows = []
    for role, people in holders.items():
        seen = set()
        for name, username in people:
            user = members.get(username.casefold()) if username else None
            if user is not None:
                person = person_for_user(team=team, user=user)
            else:
                person = person_create(team=team, name=name[:NAME_MAX])
            if person.pk not in seen:
                seen.add(person.pk)
                rows.append(Holder(matrix=matrix, role=role, person=person))
    Holder.objects.bulk_create(rows)
    if rows:
        structure_changed(
            matrix, holders_with_accounts=any(row.person.user_id is not None for row in rows)
        )
