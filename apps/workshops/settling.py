"""What "Accept all majorities" would do, worked out from the board before it is done.

The preview and the settle read the same plan: the preview shows it and carries its digest, the
settle works it out again and refuses when the digest differs (a vote, a removal or an edit of
the matrix since the preview), so what is settled is exactly what the facilitator saw.

Keeping unvoted letters: a cell where no participant gave any letter other than none (its
result is not ``in_play``: only "none", said or left alone) keeps what the matrix holds.
"""

import hashlib
from dataclasses import dataclass, field

from apps.catalog.models import Role
from apps.matrices.models import Activity

from .models import NONE
from .selectors import Board


@dataclass(slots=True)
class PlannedCell:
    role: Role
    code: str  # what the matrix will hold (NONE: empty)
    was: str  # what it holds now

    @property
    def changes(self) -> bool:
        return self.code != self.was


@dataclass(slots=True)
class PlannedRow:
    activity: Activity
    set: list[PlannedCell] = field(default_factory=list)  # a letter put in
    cleared: list[PlannedCell] = field(default_factory=list)  # a letter taken out
    kept: list[PlannedCell] = field(default_factory=list)  # nobody voted: its letter stays
    same: list[PlannedCell] = field(default_factory=list)  # the majority is already there


@dataclass(slots=True)
class Plan:
    rows: list[PlannedRow]
    keep_unvoted: bool

    def _planned(self):
        for row in self.rows:
            for cell in (*row.set, *row.cleared, *row.kept, *row.same):
                yield row.activity, cell

    def cells(self) -> list[tuple[Activity, Role, str]]:
        """Every answered cell with the value it settles to (a kept cell: the matrix's own)."""
        return [(activity, cell.role, cell.code) for activity, cell in self._planned()]

    @property
    def set_count(self) -> int:
        return sum(len(row.set) for row in self.rows)

    @property
    def cleared_count(self) -> int:
        return sum(len(row.cleared) for row in self.rows)

    @property
    def kept_count(self) -> int:
        return sum(len(row.kept) for row in self.rows)

    @property
    def digest(self) -> str:
        """Names the plan: any difference in what it would settle gives another digest."""
        text = ";".join(
            sorted(f"{a.pk},{cell.role.pk},{cell.code},{cell.was}" for a, cell in self._planned())
        )
        return hashlib.sha256(f"{int(self.keep_unvoted)}|{text}".encode()).hexdigest()[:32]


def settle_plan(board: Board, *, keep_unvoted: bool) -> Plan:
    """The majority of every answered activity, cell by cell, against the matrix's letters."""
    rows = []
    for board_row in board.answered_rows:
        row = PlannedRow(board_row.activity)
        for cell in board_row.cells:
            majority = cell.result.majority
            if majority is None:
                continue
            was = cell.current or NONE
            if keep_unvoted and not cell.result.in_play and was != NONE:
                row.kept.append(PlannedCell(cell.role, was, was))
            elif majority == was:  # an empty cell nobody voted on among them: nothing to list
                row.same.append(PlannedCell(cell.role, majority, was))
            elif majority == NONE:
                row.cleared.append(PlannedCell(cell.role, NONE, was))
            else:
                row.set.append(PlannedCell(cell.role, majority, was))
        rows.append(row)
    return Plan(rows, keep_unvoted)
