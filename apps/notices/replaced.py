"""Telling the holders whose letters a matrix's new contents changed: a snapshot restored, or
the undo of one (apps/exchange/replace.py). Every activity and cell is made anew, so the change
names no cells: it carries each holder's letters as they were (``before["letters"]``), and
they are compared with the letters now by activity name and role, as an answer's are
(letters.py). One notice per person, whatever the number of letters."""

from apps.matrices.changes import MatrixChange
from apps.people.models import Person

from .letters import differences, from_rows, letters_of
from .models import Kind
from .services import Tell, notices_create

SHOWN = 5  # differences named in a notice; the others are counted


def replaced_letters(change: MatrixChange) -> dict[int, list[str]]:
    """Each person whose letters the replacement changed: what changed, in words."""
    before = {pk: from_rows(rows) for pk, rows in (change.before or {}).get("letters", ())}
    now = letters_of(change.matrix_id)
    found = {}
    for pk in before.keys() | now.keys():
        lines = differences(before.get(pk, {}), now.get(pk, {}))
        if lines:
            found[pk] = lines
    return found


def tell_replaced(change: MatrixChange) -> set[int]:
    """Notices for the holders (with an account, not the one who made it) whose letters the
    replacement moved; returns the users told."""
    per_person = replaced_letters(change)
    if not per_person:
        return set()
    users = dict(
        Person.objects.filter(pk__in=list(per_person), user__isnull=False).values_list(
            "pk", "user_id"
        )
    )
    by = change.by.pk if change.by is not None else None
    matrix = change.matrix
    tells = []
    for pk, lines in per_person.items():
        if users.get(pk) in (None, by):
            continue
        more = f" and {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
        text = f"{matrix.title}: {change.summary}: {'; '.join(lines[:SHOWN])}{more}"
        tells.append(Tell(users[pk], text, matrix.get_absolute_url()))
    notices_create(team_id=matrix.team_id, matrix=matrix, kind=Kind.LETTERS, tells=tells)
    return {tell.user_id for tell in tells}
