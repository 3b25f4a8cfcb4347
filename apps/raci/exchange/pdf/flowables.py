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


class _Letter:
    """A letter cell of the grid, drawn by ``_GridTable``: its fill, its letter in its ink and,
    when the cell has a note, the note's number after the letter, raised.

    The grid draws a cell's fill itself rather than by a BACKGROUND command per cell: ReportLab
    goes through every style command of a table at each page break, so per-cell commands made
    a long grid cost the square of its length.
    """

    __slots__ = ("code", "fill", "font", "ink", "number", "size")

    def __init__(self, code, fill, ink, font, size, number=0):
        self.code = code
        self.fill = fill  # None: an empty cell with a note
        self.ink = ink
        self.font = font
        self.size = size
        self.number = number

    def draw(self, canvas, x: float, y: float, width: float, height: float, style) -> None:
        size = self.size
        if self.fill is not None:
            canvas.setFillColor(self.fill)
            canvas.rect(x, y, width, height, stroke=0, fill=1)
        canvas.setFillColor(self.ink)
        if not self.number:  # where ReportLab puts one line of text, vertically centred
            bottom, top = style.bottomPadding, style.topPadding
            baseline = y + (bottom + height - top + size * 1.2) / 2 - size
            canvas.setFont(self.font, size)
            canvas.drawCentredString(x + width / 2, baseline, self.code)
            return
        inner = height - style.topPadding - style.bottomPadding
        baseline = y + style.bottomPadding + (inner - size * 1.2) / 2 + size * 0.32
        small = size * 0.62
        number = str(self.number)
        if not self.code:  # a note on an empty cell: just the number, a little larger
            canvas.setFont(self.font, small * 1.2)
            canvas.drawCentredString(x + width / 2, baseline, number)
            return
        code_width = _width(self.code, self.font, size)
        left = x + (width - code_width) / 2
        canvas.setFont(self.font, size)
        canvas.drawString(left, baseline, self.code)
        canvas.setFont(self.font, small)
        number_x = min(left + code_width + 0.6, x + width - _width(number, self.font, small) + 2)
        canvas.drawString(number_x, baseline + size * 0.45, number)


class _GridTable(Table):
    """A Table that does not draw its empty cells (most cells of a matrix are empty) and draws
    its ``_Letter`` cells itself.

    Overrides a private method of ReportLab's Table (3.x and 4.x); tests/raci/test_export_pdf.py
    reads the letters back, so a rename there fails the tests rather than the grid.
    """

    def _drawCell(self, cellval, cellstyle, pos, size):
        kind = cellval.__class__
        if kind is _Letter:
            cellval.draw(self.canv, pos[0], pos[1], size[0], size[1], cellstyle)
        elif kind is not str or cellval:
            super()._drawCell(cellval, cellstyle, pos, size)
