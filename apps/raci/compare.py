"""Two states of a matrix side by side: which letters were added, changed or removed.

Works on MatrixDocument (what the JSON export holds and snapshots keep), so it compares a
snapshot with the matrix as it is now, or two snapshots. Activities are matched by name and
roles by key, the two things that identify them within a matrix.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from .exchange.document import MatrixDocument


class CellChange(StrEnum):
    SAME = "same"
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


@dataclass(slots=True)
class ComparedCell:
    old: str
    new: str

    @property
    def change(self) -> CellChange:
        if self.old == self.new:
            return CellChange.SAME
        if not self.old:
            return CellChange.ADDED
        if not self.new:
            return CellChange.REMOVED
        return CellChange.CHANGED


@dataclass(slots=True)
class ComparedRole:
    key: str
    name: str
    status: str  # "same", "added" or "removed"


@dataclass(slots=True)
class ComparedRow:
    phase: str
    name: str
    status: str  # "same", "added" or "removed"
    cells: list[ComparedCell]

    @property
    def changed(self) -> bool:
        return any(cell.change != CellChange.SAME for cell in self.cells)


@dataclass(slots=True)
class Comparison:
    roles: list[ComparedRole]
    rows: list[ComparedRow]
    counts: dict[CellChange, int] = field(default_factory=dict)

    @property
    def changed_rows(self) -> list[ComparedRow]:
        return [row for row in self.rows if row.changed or row.status != "same"]

    @property
    def identical(self) -> bool:
        return not self.changed_rows and all(role.status == "same" for role in self.roles)


def compare(old: MatrixDocument, new: MatrixDocument) -> Comparison:
    old_roles = {role.key: role for role in old.roles}
    new_keys = {role.key for role in new.roles}
    roles = [
        ComparedRole(role.key, role.name, "same" if role.key in old_roles else "added")
        for role in new.roles
    ] + [
        ComparedRole(role.key, role.name, "removed")
        for role in old.roles
        if role.key not in new_keys
    ]

    old_rows = {activity.name: (phase.name, activity) for phase, activity in old.activities()}
    new_names = set()
    rows = []
    for phase, activity in new.activities():
        new_names.add(activity.name)
        before = old_rows.get(activity.name)
        old_cells = before[1].cells if before else {}
        rows.append(
            ComparedRow(
                phase.name,
                activity.name,
                "same" if before else "added",
                [
                    ComparedCell(old_cells.get(r.key, ""), activity.cells.get(r.key, ""))
                    for r in roles
                ],
            )
        )
    for name, (phase_name, activity) in old_rows.items():
        if name not in new_names:
            rows.append(
                ComparedRow(
                    phase_name,
                    name,
                    "removed",
                    [ComparedCell(activity.cells.get(r.key, ""), "") for r in roles],
                )
            )
    counts = dict.fromkeys(CellChange, 0)
    for row in rows:
        for cell in row.cells:
            counts[cell.change] += 1
    return Comparison(roles=roles, rows=rows, counts=counts)
