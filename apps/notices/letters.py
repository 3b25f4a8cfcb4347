"""Whose letters a matrix holds, and what a change did to them.

A person's letters in a matrix are the letters of the role columns they hold. Both the agreement
(an answer is to a version of them) and the notices (a person is told when theirs change) read
them here.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from apps.matrices.changes import Action, MatrixChange
from apps.matrices.models import Activity, MatrixRole, Responsibility
from apps.people.models import Holder

Cell = tuple[int, int]  # (activity id, role id)


@dataclass(frozen=True, slots=True)
class Held:
    code: str
    activity: str
    role: str


def letters_of(matrix_id: int, person_ids=None) -> dict[int, dict[Cell, Held]]:
    """Each person's letters in the matrix (two queries), for ``person_ids`` or every holder."""
    column = MatrixRole.objects.filter(matrix=OuterRef("matrix"), role=OuterRef("role"))
    holders = Holder.objects.filter(Exists(column), matrix_id=matrix_id)
    if person_ids is not None:
        holders = holders.filter(person_id__in=list(person_ids))
    roles: dict[int, list[int]] = defaultdict(list)
    for person_id, role_id in holders.values_list("person_id", "role_id"):
        roles[role_id].append(person_id)
    found: dict[int, dict[Cell, Held]] = {pk: {} for pk in person_ids or ()}
    for people in roles.values():
        for pk in people:
            found.setdefault(pk, {})
    if not roles:
        return found
    cells = Responsibility.objects.filter(activity__matrix_id=matrix_id, role_id__in=list(roles))
    for a, r, code, activity, role in cells.values_list(
        "activity_id", "role_id", "code", "activity__name", "role__name"
    ):
        for pk in roles[r]:
            found[pk][(a, r)] = Held(code, activity, role)
    return found


def as_rows(letters: dict[Cell, Held]) -> list[list]:
    """Letters as stored with an answer: [[activity id, role id, code, activity, role], ...]."""
    return [[a, r, h.code, h.activity, h.role] for (a, r), h in sorted(letters.items())]


def from_rows(rows) -> dict[Cell, Held]:
    return {(a, r): Held(code, activity, role) for a, r, code, activity, role in rows}


def fingerprint(letters: dict[Cell, Held]) -> str:
    """Names one version of a person's letters: which letter, on which activity (by name, which
    is unique in a matrix and survives a snapshot restored), through which role. Notes are not
    part of it."""
    plain = sorted([h.activity, r, h.code] for (_, r), h in letters.items())
    return hashlib.sha256(json.dumps(plain).encode()).hexdigest()[:32]


def _by_name(letters: dict[Cell, Held]) -> dict[tuple[str, int], Held]:
    return {(h.activity, r): h for (_, r), h in letters.items()}


def differences(before: dict[Cell, Held], after: dict[Cell, Held]) -> list[str]:
    """What changed, in words: "Plan (PdM): A → R", "Plan (PdM): new C", "Plan (PdM): A gone"."""
    before, after = _by_name(before), _by_name(after)
    lines = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[0].casefold(), k[1])):
        old, new = before.get(key), after.get(key)
        where = f"{(new or old).activity} ({(new or old).role})"
        if old is None:
            lines.append(f"{where}: new {new.code}")
        elif new is None:
            lines.append(f"{where}: {old.code} gone")
        elif old.code != new.code:
            lines.append(f"{where}: {old.code} → {new.code}")
    return lines


# -- What a change did to each holder's letters -----------------------------------------------


@dataclass(frozen=True, slots=True)
class LetterChange:
    activity_id: int
    role_id: int
    old: str
    new: str


def cell_changes(change: MatrixChange) -> list[LetterChange]:
    """The letters a change gave, took or altered, cell by cell, from what it announced; for a
    column's holders changing, see ``holder_changes``. Empty for changes that move no letter."""
    action, before, after = change.action, change.before or {}, change.after or {}
    if action == Action.CELL:
        old, new = before.get("code", ""), after.get("code", "")
        return [LetterChange(change.activity_id, change.role_id, old, new)] if old != new else []
    if action == Action.CELLS:
        old = {(a, r): code for a, r, code, _ in before.get("cells", ())}
        return [
            LetterChange(a, r, old.get((a, r), ""), code)
            for a, r, code in after.get("cells", ())
            if old.get((a, r), "") != code
        ]
    if action == Action.ACTIVITY_DELETE:
        return [LetterChange(change.activity_id, r, code, "") for r, code, _ in before["cells"]]
    if action == Action.COLUMN_REMOVE:
        return [LetterChange(a, change.role_id, code, "") for a, code, _ in before["cells"]]
    if action == Action.SCHEME:  # the letters the new scheme lacks go; an undo puts them back
        taken = [LetterChange(a, r, code, "") for a, r, code, _ in before.get("dropped", ())]
        given = [LetterChange(a, r, "", code) for a, r, code in after.get("restored", ())]
        return taken + given
    if action == Action.ACTIVITY_ADD:  # an activity brought back by undo comes with its letters
        cells = Responsibility.objects.filter(activity_id=after.get("id"))
        return [
            LetterChange(a, r, "", c) for a, r, c in cells.values_list("activity", "role", "code")
        ]
    if action == Action.COLUMN_ADD:  # likewise a column
        cells = Responsibility.objects.filter(
            activity__matrix_id=change.matrix_id, role_id=after.get("role_id")
        )
        return [
            LetterChange(a, r, "", c) for a, r, c in cells.values_list("activity", "role", "code")
        ]
    return []


def _gained(cells) -> list[LetterChange]:
    return [LetterChange(a, r, "", c) for a, r, c in cells.values_list("activity", "role", "code")]


def holder_changes(change: MatrixChange) -> dict[int, list[LetterChange]]:
    """A column's holders changed: those who came gain its letters, those who left lose them."""
    before = {p["id"] for p in (change.before or {}).get("people", ())}
    after = {p["id"] for p in (change.after or {}).get("people", ())}
    if before == after:
        return {}
    cells = list(
        Responsibility.objects.filter(
            activity__matrix_id=change.matrix_id, role_id=change.role_id
        ).values_list("activity_id", "code")
    )
    found = {}
    for pk in after - before:
        found[pk] = [LetterChange(a, change.role_id, "", code) for a, code in cells]
    for pk in before - after:
        found[pk] = [LetterChange(a, change.role_id, code, "") for a, code in cells]
    return {pk: changes for pk, changes in found.items() if changes}


def activity_names(ids) -> dict[int, str]:
    return dict(Activity.objects.filter(pk__in=list(ids)).values_list("pk", "name"))
