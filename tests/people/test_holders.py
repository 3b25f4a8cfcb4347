"""Saying who holds a role column: the service, its one announcement, history and undo."""

import pytest
from django.db import transaction

from apps.history.models import Change
from apps.history.services import change_undo
from apps.matrices.changes import Action, change_committed
from apps.matrices.selectors import matrix_grid, matrix_structure
from apps.matrices.services import EditError, column_add, column_remove
from apps.people import services
from apps.people.models import Holder, Person, initials
from tests.conftest import make_matrix

from .conftest import hold

pytestmark = pytest.mark.django_db


def holder_names(matrix, role) -> list[str]:
    matrix.refresh_from_db()  # its structure version, which keys the cached holders
    structure = matrix_structure(matrix)
    return [holder.name for holder in (structure.holders or {}).get(role.pk, ())]


def test_a_column_gets_team_members_and_named_people(world):
    pdm = world.roles[0]
    hold(world, pdm, users=[world.ana, world.ed], name="Dana (agency)")
    world.matrix.refresh_from_db()
    assert holder_names(world.matrix, pdm) == ["Ana Lopez", "Dana (agency)", "ed"]
    dana = Person.objects.get(team=world.team, name="Dana (agency)")
    assert dana.user is None and not dana.has_account
    assert Person.objects.get(team=world.team, user=world.ana).display_name == "Ana Lopez"


def test_a_named_person_is_found_again_whatever_the_case(world):
    hold(world, world.roles[0], name="Dana (agency)")
    hold(world, world.roles[1], name="  dana   (AGENCY) ")
    assert Person.objects.filter(team=world.team, user=None).count() == 1
    assert Holder.objects.filter(matrix=world.matrix).count() == 2


def test_each_change_is_announced_once_after_commit_and_recorded(
    world, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, change, **kwargs):
        heard.append(change)

    change_committed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            hold(world, world.roles[0], users=[world.ana])
        with django_capture_on_commit_callbacks(execute=True):
            hold(world, world.roles[0], users=[world.ana])  # no change: no announcement
    finally:
        change_committed.disconnect(listener)
    assert [change.action for change in heard] == [Action.HOLDERS]
    entry = Change.objects.get(matrix=world.matrix)
    assert entry.action == Action.HOLDERS and entry.role_id == world.roles[0].pk
    assert entry.summary == f"Ana Lopez now holds {world.roles[0].name}"
    assert entry.before["people"] == [] and entry.after["people"][0]["name"] == "Ana Lopez"


def test_a_refused_change_announces_nothing(world, django_capture_on_commit_callbacks):
    other = make_matrix(team=world.ana.personal_team)
    stranger_role = other.roles.first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(EditError, match="not a column"):
            hold(world, stranger_role, users=[world.ana])
        with pytest.raises(EditError, match="not in the team"):
            hold(world, world.roles[0], users=[world.stranger])
        outsider = Person.objects.create(team=world.ana.personal_team, name="Outsider")
        with pytest.raises(EditError, match="team"):
            hold(world, world.roles[0], people=[outsider])
    assert callbacks == []
    assert not Change.objects.filter(matrix=world.matrix).exists()
    assert not Holder.objects.filter(matrix=world.matrix).exists()


def test_undo_puts_the_holders_back_and_redo_again(world):
    pdm = world.roles[0]
    hold(world, pdm, users=[world.ana])
    hold(world, pdm, users=[world.ed], name="Dana (agency)")
    latest = Change.objects.filter(matrix=world.matrix).latest("pk")
    assert latest.summary == f"{pdm.name} is now held by Dana (agency), ed (was Ana Lopez)"
    change_undo(change=latest, by=world.ed)
    assert holder_names(world.matrix, pdm) == ["Ana Lopez"]
    undo = Change.objects.filter(matrix=world.matrix).latest("pk")
    assert undo.reverts == latest and undo.summary.startswith("Undo: ")
    change_undo(change=undo, by=world.ed)
    assert holder_names(world.matrix, pdm) == ["Dana (agency)", "ed"]


def test_undo_brings_back_a_named_person_who_was_removed_since(world):
    pdm, po = world.roles[:2]
    hold(world, pdm, name="Dana (agency)")
    hold(world, po, name="Dana (agency)")
    dana = Person.objects.get(name="Dana (agency)")
    services.person_delete(person=dana, by=world.ana)
    assert not Holder.objects.filter(matrix=world.matrix).exists()
    removals = Change.objects.filter(matrix=world.matrix, action=Action.HOLDERS).order_by("-pk")
    assert [change.summary for change in removals[:2]] == [
        f"Dana (agency) no longer holds {po.name}",
        f"Dana (agency) no longer holds {pdm.name}",
    ]
    change_undo(change=removals[0], by=world.ana)
    assert holder_names(world.matrix, po) == ["Dana (agency)"]


def test_undo_leaves_out_a_user_who_has_left_the_team(world):
    pdm = world.roles[0]
    hold(world, pdm, users=[world.ed])
    hold(world, pdm, name="Dana (agency)")
    Person.objects.filter(user=world.ed).delete()
    world.team.memberships.filter(user=world.ed).delete()
    change_undo(change=Change.objects.filter(matrix=world.matrix).latest("pk"), by=world.ana)
    assert holder_names(world.matrix, pdm) == []


def test_a_removed_column_keeps_its_holders_for_when_it_comes_back(world):
    pdm = world.roles[0]
    hold(world, pdm, users=[world.ana])
    column_remove(matrix=world.matrix, role=pdm, by=world.ana)
    world.matrix.refresh_from_db()
    grid = matrix_grid(world.matrix)
    assert pdm.pk not in {role.pk for role in grid.roles}
    change_undo(change=Change.objects.filter(matrix=world.matrix).latest("pk"), by=world.ana)
    world.matrix.refresh_from_db()
    assert holder_names(world.matrix, pdm) == ["Ana Lopez"]


def test_only_named_people_are_removed_from_the_team_page_service(world):
    hold(world, world.roles[0], users=[world.ana])
    with pytest.raises(EditError):
        services.person_delete(person=Person.objects.get(user=world.ana), by=world.ana)


def test_the_cached_holders_follow_a_users_new_name(world):
    pdm = world.roles[0]
    hold(world, pdm, users=[world.ed])
    world.matrix.refresh_from_db()
    assert holder_names(world.matrix, pdm) == ["ed"]
    world.ed.first_name, world.ed.last_name = "Ed", "Wood"
    world.ed.save()
    world.matrix.refresh_from_db()
    assert holder_names(world.matrix, pdm) == ["Ed Wood"]


def test_a_login_does_not_outdate_the_cache(world):
    hold(world, world.roles[0], users=[world.ed])
    world.matrix.refresh_from_db()
    version = world.matrix.structure_version
    world.ed.save(update_fields=["last_login"])
    world.matrix.refresh_from_db()
    assert world.matrix.structure_version == version


def test_a_duplicated_matrix_starts_without_holders(world):
    from apps.matrices.services import matrix_duplicate

    hold(world, world.roles[0], users=[world.ana])
    copy = matrix_duplicate(matrix=world.matrix, by=world.ana)
    assert not Holder.objects.filter(matrix=copy).exists()


def test_a_column_added_again_shows_its_holders_again(world):
    pdm = world.roles[0]
    hold(world, pdm, users=[world.ana])
    column_remove(matrix=world.matrix, role=pdm, by=world.ana)
    column_add(matrix=world.matrix, role=pdm, by=world.ana)
    world.matrix.refresh_from_db()
    assert holder_names(world.matrix, pdm) == ["Ana Lopez"]


def test_the_service_is_all_or_nothing(world):
    pdm = world.roles[0]
    with pytest.raises(EditError), transaction.atomic():
        services.holders_set(
            matrix=world.matrix, role=pdm, users=[world.stranger], new_name="Dana", by=world.ana
        )
    assert not Person.objects.filter(name="Dana").exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ana Lopez", "AL"),
        ("Dana (agency)", "DA"),
        ("Sam", "SA"),
        ("(agency)", "AG"),
        ("", "?"),
        ("jean-luc picard", "JP"),
        ("Ólafur Arnalds", "ÓA"),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_a_member_who_leaves_still_holds_their_roles_under_their_name(world):
    from apps.accounts.services import member_remove

    pdm, po = world.roles[:2]
    world.ed.first_name, world.ed.last_name = "Ed", "Wood"
    world.ed.save()
    hold(world, pdm, users=[world.ed], name="Ed Wood")  # a namesake without an account too
    hold(world, po, users=[world.vi])
    hold(world, po, users=[])
    member_remove(membership=world.team.memberships.get(user=world.vi))  # holds nothing now
    member_remove(membership=world.team.memberships.get(user=world.ed))

    assert holder_names(world.matrix, pdm) == ["Ed Wood", "Ed Wood (2)"]
    left = Person.objects.get(team=world.team, name="Ed Wood (2)")
    assert left.user is None
    assert not Person.objects.filter(user__in=[world.ed, world.vi]).exists()
    assert not Person.objects.filter(team=world.team, name="vi").exists()
