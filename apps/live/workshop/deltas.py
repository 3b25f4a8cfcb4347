"""The board's redraw, as what changed: a snapshot of what each part of the board shows, and the
parts that differ from the last snapshot rendered from the page's own partials
(templates/workshops/facilitate.html: ``cell``, ``row_head``, ``row_tail``, ``person`` ...).

A redraw reads the kept tallies (apps/workshops/selectors.py, ``board``) in a fixed number of
queries, computes a small key per cell, row and participant, and renders only the parts whose
key changed, plus the few panels (ranking, conflicts, confusion), which are small whatever the
room. Role confusion, the one figure that needs each participant's votes, is read again only for
the activities whose cells changed, and for all of them every ``CONFUSION_FULL`` seconds.
A delta applies to a board showing exactly the snapshot before it; any other board gets the
whole board (renders.py).
"""

import json
import time
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.template.loader import render_to_string

from apps.workshops import selectors
from apps.workshops.models import Workshop
from apps.workshops.regions import board_context

PAGE = "workshops/facilitate.html"
PANELS = ("disagree", "overall", "conflicts", "confusion", "settle_all", "capacity")
CONFUSION_FULL = 30.0  # seconds between full readings of the role confusion


@dataclass(slots=True)
class Snapshot:
    """What the board shows at ``version``, as keys (to compare) and the board (to render)."""

    version: int
    frame: tuple  # state, revealed, activities, roles: a change here redraws the whole board
    cells: dict[str, tuple] = field(default_factory=dict)
    rows: dict[int, tuple] = field(default_factory=dict)
    people: dict[int, tuple] = field(default_factory=dict)
    panels: dict[str, str] = field(default_factory=dict)
    panel_keys: dict[str, tuple] = field(default_factory=dict)
    mixed: dict = field(default_factory=dict)
    mixed_at: float = 0.0
    board: selectors.Board | None = None
    workshop: Workshop | None = None


def _percent(value: float | None) -> int | None:
    return None if value is None else round(value * 100)


def _cell_key(row: selectors.BoardRow, cell: selectors.BoardCell) -> tuple:
    result = cell.result
    return (
        bool(row.result.answered),
        result.heat,
        result.majority,
        result.tie,
        tuple(cell.distribution),
        cell.current,
        cell.settled,
        _percent(result.agreement),
    )


def _row_key(row: selectors.BoardRow) -> tuple:
    return (row.result.answered, _percent(row.result.agreement), row.settled, bool(row.conflicts))


def _panel_keys(board: selectors.Board) -> dict[str, tuple]:
    """What each panel shows, to render again only the panels whose figures changed."""
    return {
        "disagree": tuple(
            (row.activity.pk, _percent(row.result.agreement)) for row in board.by_disagreement[:6]
        ),
        "overall": (_percent(board.agreement),),
        "conflicts": tuple(
            (
                row.activity.pk,
                tuple((c.code, tuple((r.pk, n) for r, n in c.named)) for c in row.conflicts),
                tuple(f.message for f in row.findings),
            )
            for row in board.conflict_rows[:6]
        ),
        "confusion": tuple(
            (p.first.pk, p.second.pk, p.codes, tuple(a.pk for a in p.activities), _percent(p.share))
            for p in board.confusion[:6]
        ),
        "settle_all": (bool(board.answered_rows),),
        "capacity": (board.workshop.max_participants,),
    }


def _render(part: str, context: dict) -> str:
    return render_to_string(f"{PAGE}#{part}", context).strip()


def draw(workshop_id: int, previous: Snapshot | None) -> tuple[Snapshot | None, dict | None]:
    """The snapshot as it is now, and the delta from ``previous`` (None: draw it whole)."""
    workshop = Workshop.objects.select_related("matrix").filter(pk=workshop_id).first()
    if workshop is None:
        return None, None
    now = time.monotonic()
    keep_mixed = previous is not None and now - previous.mixed_at < CONFUSION_FULL
    # The confusion is worked out below, from the kept pairs or read afresh.
    board = selectors.board(workshop, mixed={})
    frame = (
        workshop.state,
        workshop.revealed,
        tuple(row.activity.pk for row in board.rows),
        tuple(role.pk for role in board.roles),
    )
    snap = Snapshot(workshop.version, frame, board=board, workshop=workshop)
    for row in board.rows:
        snap.rows[row.activity.pk] = _row_key(row)
        for cell in row.cells:
            snap.cells[f"{row.activity.pk}-{cell.role.pk}"] = _cell_key(row, cell)
    for person in board.participants:
        snap.people[person.pk] = (person.name, person.answered)
    if keep_mixed:
        # Only the activities whose cells changed can have changed who is mixed up with whom.
        changed = {row for row, key in snap.rows.items() if previous.rows.get(row) != key}
        changed |= {
            int(cell.split("-")[0])
            for cell, key in snap.cells.items()
            if previous.cells.get(cell) != key
        }
        snap.mixed = dict(previous.mixed)
        answered = [a for a in changed if snap.rows.get(a, (0,))[0]]
        if answered:
            snap.mixed.update(selectors.mixed_roles(workshop, board.scheme, answered))
        for a in changed - set(answered):
            snap.mixed.pop(a, None)
        snap.mixed_at = previous.mixed_at
        board.confusion = selectors.board_confusion(board, snap.mixed)
    else:
        snap.mixed = selectors.mixed_roles(
            workshop, board.scheme, [a for a, key in snap.rows.items() if key[0]]
        )
        snap.mixed_at = now
        board.confusion = selectors.board_confusion(board, snap.mixed)
    context = {"workshop": workshop, "matrix": workshop.matrix, "board": board}
    snap.panel_keys = _panel_keys(board)
    snap.panels = {
        part: previous.panels[part]
        if previous is not None and previous.panel_keys.get(part) == snap.panel_keys[part]
        else _render(part, context)
        for part in PANELS
    }
    if previous is None or previous.frame != frame:
        return snap, None
    return snap, _delta(previous, snap, context)


def _delta(previous: Snapshot, snap: Snapshot, context: dict) -> dict:
    board = snap.board
    html: list[str] = []
    classes: dict[str, str] = {}
    for row in board.rows:
        a = row.activity.pk
        row_context = {**context, "row": row}
        if previous.rows.get(a) != snap.rows[a]:
            html.append(_render("row_head", row_context))
            html.append(_render("row_tail", row_context))
            classes[f"ws-row-{a}"] = "has-conflict" if row.conflicts else ""
        for cell in row.cells:
            key = f"{a}-{cell.role.pk}"
            if previous.cells.get(key) != snap.cells[key]:
                html.append(_render("cell", {**row_context, "cell": cell}))
    add, gone = [], []
    if bool(previous.people) != bool(snap.people):
        html.append(_render("people", context))  # the list appears, or goes
    else:
        for person in board.participants:
            if previous.people.get(person.pk) != snap.people[person.pk]:
                part = _render("person", {**context, "person": person})
                (html if person.pk in previous.people else add).append(part)
        gone = [f"ws-person-{pk}" for pk in previous.people if pk not in snap.people]
        if len(previous.people) != len(snap.people):
            html.append(f'<span id="ws-people-count" class="count">{len(snap.people)}</span>')
    for part in PANELS:
        if previous.panels.get(part) != snap.panels[part]:
            html.append(snap.panels[part])
    return {
        "t": "delta",
        "v": snap.version,
        "from": previous.version,
        "html": html,
        "add": add,
        "gone": gone,
        "classes": classes,
    }


def whole(snap: Snapshot, request: HttpRequest) -> str:
    """The whole board of ``snap`` as a stream sends it, for the address of ``request``."""
    context = {**board_context(request, snap.workshop, board=snap.board), "request": request}
    html = render_to_string(f"{PAGE}#board", context).strip()
    return json.dumps({"t": "board", "v": snap.version, "html": html})
