"""Turning rows of a hand-made or exported table into a MatrixDocument (CSV and XLSX share it)."""

import re
from collections.abc import Iterable, Sequence

from ..schemes import get_scheme
from . import limits
from .document import ActivityDoc, MatrixDocument, PhaseDoc, RoleDoc
from .problems import ImportProblem

DEFAULT_PHASE = "Activities"


def role_key(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "role"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def document_from_rows(
    rows: Iterable[tuple[int, Sequence[str]]],
    *,
    scheme: str = "raci",
    title: str = "Imported matrix",
    column_label=lambda index: f"column {index + 1}",
) -> MatrixDocument:
    """Build a document from (row number, cells) pairs: a header row, then one row per activity.

    The header holds "Activity" (or the first column is taken as the activity), optionally
    "Phase", and one column per role. Cells hold letters or nothing.
    """
    letters = get_scheme(scheme)
    rows = iter(rows)
    header_number, header = _first_nonempty(rows)
    if header is None:
        raise ImportProblem("The file is empty.")
    names = [cell.strip() for cell in header]
    lowered = [name.lower() for name in names]
    activity_col = lowered.index("activity") if "activity" in lowered else 0
    phase_col = lowered.index("phase") if "phase" in lowered else None
    role_cols = [i for i, name in enumerate(names) if i not in (activity_col, phase_col) and name]
    if not role_cols:
        raise ImportProblem(
            "No role columns: after the Activity (and optional Phase) column, give one column "
            "per role with the role's name in the first row.",
            where=f"row {header_number}",
        )
    limits.check_roles(len(role_cols))
    seen_roles: dict[str, int] = {}
    for i in role_cols:
        if names[i].lower() in seen_roles:
            raise ImportProblem(
                f'the role "{names[i]}" has two columns', where=f"row {header_number}"
            )
        seen_roles[names[i].lower()] = i
    taken: set[str] = set()
    roles = [RoleDoc(key=role_key(names[i], taken), name=names[i]) for i in role_cols]

    phases: dict[str, PhaseDoc] = {}
    seen_activities: dict[str, int] = {}
    for number, cells in rows:
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            if seen_activities:
                break
            continue
        name = cells[activity_col] if activity_col < len(cells) else ""
        if not name:
            raise ImportProblem("the activity name is empty", where=f"row {number}")
        if name.lower() in seen_activities:
            raise ImportProblem(
                f'duplicate activity "{name}" (also in row {seen_activities[name.lower()]})',
                where=f"row {number}",
            )
        seen_activities[name.lower()] = number
        limits.check_activities(len(seen_activities))
        phase_name = cells[phase_col] if phase_col is not None and phase_col < len(cells) else ""
        phase = phases.setdefault(
            phase_name or DEFAULT_PHASE, PhaseDoc(phase_name or DEFAULT_PHASE)
        )
        activity = ActivityDoc(name=name)
        for role, i in zip(roles, role_cols, strict=True):
            code = (cells[i] if i < len(cells) else "").upper()
            if not code:
                continue
            if not letters.has(code):
                raise ImportProblem(
                    f'unknown letter "{code}" in row {number}, column "{role.name}"; '
                    f"{letters.name} uses {', '.join(letters.codes)}"
                )
            activity.cells[role.key] = code
        phase.activities.append(activity)
    if not seen_activities:
        raise ImportProblem("The file has a header row but no activities.")
    return MatrixDocument(title=title, scheme=scheme, roles=roles, phases=list(phases.values()))


def _first_nonempty(rows):
    for number, cells in rows:
        if any(cell.strip() for cell in cells):
            return number, cells
    return None, None
