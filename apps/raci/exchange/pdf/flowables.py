"""Cheap flowables for the grid's cells, and a table that skips its empty cells."""

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.platypus import Flowable, Table

from .text import _width


@dataclass(frozen=True, slots=True)
class _Run:
    text: str
    font: str
    size: float
    color: colors.Color


class _Lines(Flowable):
    """Lines already wrapped, each in its own font: a cheap stand-in for a Paragraph in a cell."""

    def __init__(self, runs: Sequence[_Run], *, centred: bool = False, leading: float = 1.2):
        super().__init__()
        self.runs = runs
        self.centred = centred
        self.leading = leading
        self.height = sum(run.size * leading for run in runs)
        self.width = 0.0

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self.width = aW
        return aW, self.height

    def draw(self) -> None:
        canvas = self.canv
        y = self.height
        for run in self.runs:
            y -= run.size * self.leading
            canvas.setFont(run.font, run.size)
            canvas.setFillColor(run.color)
            baseline = y + run.size * (self.leading - 1) / 2 + run.size * 0.22
            if self.centred:
                canvas.drawCentredString(self.width / 2, baseline, run.text)
            else:
                canvas.drawString(0, baseline, run.text)


class _Marked(Flowable):
    """A letter with a footnote number after it, raised: the cell has a note."""

    def __init__(self, code: str, number: int, font: str, size: float, ink: colors.Color):
        super().__init__()
        self.code = code
        self.number = str(number)
        self.font = font
        self.size = size
        self.ink = ink
        self.height = size * 1.2
        self.width = 0.0

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self.width = aW
        return aW, self.height

    def draw(self) -> None:
        canvas = self.canv
        small = self.size * 0.62
        code_width = _width(self.code, self.font, self.size)
        number_width = _width(self.number, self.font, small)
        baseline = self.size * 0.32
        canvas.setFillColor(self.ink)
        if not self.code:  # a note on an empty cell: just the number, a little larger
            canvas.setFont(self.font, small * 1.2)
            canvas.drawCentredString(self.width / 2, baseline, self.number)
            return
        x = (self.width - code_width) / 2
        canvas.setFont(self.font, self.size)
        canvas.drawString(x, baseline, self.code)
        canvas.setFont(self.font, small)
        number_x = min(x + code_width + 0.6, self.width - number_width + 2)
        canvas.drawString(number_x, baseline + self.size * 0.45, self.number)


class _GridTable(Table):
    """A Table that does not draw its empty cells (most cells of a matrix are empty).

    Overrides a private method of ReportLab's Table; should it be renamed, the override is
    simply not called and the grid is drawn as before, a little slower.
    """

    def _drawCell(self, cellval, cellstyle, pos, size):
        if cellval.__class__ is str and not cellval:
            return
        super()._drawCell(cellval, cellstyle, pos, size)
