"""Writing the history: one ``Change`` row per change, one query each.

The matrix services call these after they change something; they import nothing from the
matrices app, so the services can import them. Undo (services.py) runs the same services
inside ``reverting(change)``, so the change an undo makes points back at what it reverted.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .models import Action, Change

_reverting: ContextVar[Change | None] = ContextVar("reverting", default=None)


@contextmanager
def reverting(change: Change) -> Iterator[None]:
    token = _reverting.set(change)
    try:
        yield
    finally:
        _reverting.reset(token)


def record(
    *,
    matrix,
    by,
    action: Action,
    summary: str,
    activity_id: int | None = None,
    role_id: int | None = None,
    before=None,
    after=None,
) -> Change:
    reverts = _reverting.get()
    if reverts is not None:
        summary = f"Undo: {summary}"
        _reverting.set(None)  # one undo, one change that points back
    return Change.objects.create(
        matrix_id=matrix.pk,
        by=by if by is not None and by.is_authenticated else None,
        action=action,
        summary=summary[:500],
        activity_id=activity_id,
        role_id=role_id,
        before=before,
        after=after,
        reverts=reverts,
    )


def quoted(name: str, limit: int = 80) -> str:
    return f"“{name if len(name) <= limit else name[: limit - 1] + '…'}”"


def cell_state(code: str, note: str = "") -> dict | None:
    return {"code": code, "note": note} if code else None


def cell_changed(*, matrix, by, activity, role, before: dict | None, after: dict | None) -> Change:
    old, new = (before or {}).get("code", ""), (after or {}).get("code", "")
    where = f"{role.name} on {quoted(activity.name)}"
    if old == new:
        note = (after or {}).get("note", "")
        summary = f"Note on {where}: {quoted(note)}" if note else f"Note removed on {where}"
    elif not old:
        summary = f"{where}: set {new}"
    elif not new:
        summary = f"{where}: cleared {old}"
    else:
        summary = f"{where}: {old} → {new}"
    return record(
        matrix=matrix,
        by=by,
        action=Action.CELL,
        summary=summary,
        activity_id=activity.pk,
        role_id=role.pk,
        before=_named(before, activity, role),
        after=_named(after, activity, role),
    )


def _named(state: dict | None, activity, role) -> dict:
    return {**(state or {"code": "", "note": ""}), "activity": activity.name, "role": role.name}
