"""Telling people about their part: after a change to a matrix commits, the holders whose
letters it gave, took or altered are told (unless they made it themselves), and so are the
Informed of an announced activity it touched."""

import logging
from collections import defaultdict

from django.dispatch import receiver

from apps.catalog.models import Role
from apps.matrices.changes import Action, MatrixChange, change_committed
from apps.matrices.models import Responsibility
from apps.people.models import Holder, Person
from apps.raci.schemes import Kind as LetterKind

from .letters import LetterChange, activity_names, cell_changes, holder_changes
from .models import AnnouncedActivity, Kind
from .replaced import tell_replaced
from .services import Tell, notices_create

log = logging.getLogger(__name__)


def cell_path(matrix, activity_id: int, role_id: int) -> str:
    return f"{matrix.get_absolute_url()}#cell-{activity_id}-{role_id}"


@receiver(change_committed, dispatch_uid="notices_matrix_changed")
def matrix_changed(sender, change: MatrixChange, **kwargs) -> None:
    matrix = change.matrix
    # Only people with an account are told, of their letters or an announced activity's: where
    # none holds a column, nobody is, and no query is made (the flag was read back with the
    # change's version, apps/matrices/changes.py).
    if matrix.team_id is None or not matrix.holders_with_accounts:
        return
    told = tell_holders(change)
    tell_informed(change, told)


def _describe(change: LetterChange, names: dict, roles: dict) -> str:
    what = (
        f"{names.get(change.activity_id, 'an activity')} as {roles.get(change.role_id, 'a role')}"
    )
    if not change.old:
        return f"{change.new} on {what}"
    if not change.new:
        return f"{change.old} taken away on {what}"
    return f"{change.old} → {change.new} on {what}"


def tell_holders(change: MatrixChange) -> set[int]:
    """Notices for the holders whose letters the change moved; returns the users told."""
    matrix = change.matrix
    if change.action == Action.REPLACE:
        return tell_replaced(change)
    if change.action == Action.HOLDERS:
        per_person = holder_changes(change)
    else:
        cells = cell_changes(change)
        if not cells:
            return set()
        by_role = defaultdict(list)
        for cell in cells:
            by_role[cell.role_id].append(cell)
        per_person = defaultdict(list)
        for person_id, role_id in Holder.objects.filter(
            matrix_id=matrix.pk, role_id__in=list(by_role)
        ).values_list("person_id", "role_id"):
            per_person[person_id] += by_role[role_id]
    if not per_person:
        return set()
    users = dict(
        Person.objects.filter(pk__in=list(per_person), user__isnull=False).values_list(
            "pk", "user_id"
        )
    )
    by = change.by.pk if change.by is not None else None
    wanted = {pk: changes for pk, changes in per_person.items() if users.get(pk) not in (None, by)}
    if not wanted:
        return set()
    every = [c for changes in wanted.values() for c in changes]
    names = activity_names({c.activity_id for c in every})
    if change.action == Action.ACTIVITY_DELETE:
        names[change.activity_id] = (change.before or {}).get("name", "a deleted activity")
    roles = dict(Role.objects.filter(pk__in={c.role_id for c in every}).values_list("pk", "name"))
    tells = []
    for pk, changes in wanted.items():
        shown = "; ".join(_describe(c, names, roles) for c in changes[:5])
        more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
        first = changes[0]
        gone = change.action in (Action.ACTIVITY_DELETE, Action.COLUMN_REMOVE)
        path = (
            matrix.get_absolute_url()
            if gone
            else cell_path(matrix, first.activity_id, first.role_id)
        )
        tells.append(Tell(users[pk], f"{matrix.title}: {shown}{more}", path))
    notices_create(team_id=matrix.team_id, matrix=matrix, kind=Kind.LETTERS, tells=tells)
    return {tell.user_id for tell in tells}


def _touched_activities(change: MatrixChange) -> set[int]:
    found = {a for a, _ in change.cells}
    if change.activity_id is not None and change.action != Action.ACTIVITY_DELETE:
        found.add(change.activity_id)
    return found


def tell_informed(change: MatrixChange, told: set[int]) -> None:
    """The Informed of each announced activity the change touched hear of it (once)."""
    touched = _touched_activities(change)
    if not touched:
        return
    announced = set(
        AnnouncedActivity.objects.filter(
            activity__in=touched, activity__matrix=change.matrix_id
        ).values_list("activity_id", flat=True)
    )
    if not announced:
        return
    matrix = change.matrix
    informed = matrix.scheme_definition.code_for(LetterKind.INFORMED)
    if informed is None:
        return
    cells = Responsibility.objects.filter(activity__in=announced, code=informed)
    roles = defaultdict(set)
    for a, r in cells.values_list("activity_id", "role_id"):
        roles[r].add(a)
    by = change.by.pk if change.by is not None else None
    names = activity_names(announced)
    tells = []
    for user_id, role_id in Holder.objects.filter(
        matrix_id=matrix.pk, role_id__in=list(roles), person__user__isnull=False
    ).values_list("person__user_id", "role_id"):
        if user_id in told or user_id == by:
            continue
        for a in sorted(roles[role_id]):
            tells.append(
                Tell(
                    user_id,
                    f"{matrix.title}: {names[a]} changed ({change.summary})",
                    cell_path(matrix, a, role_id),
                )
            )
    notices_create(team_id=matrix.team_id, matrix=matrix, kind=Kind.ANNOUNCED, tells=tells)
