"""The document: the story of the sections, on landscape A4 pages with a footer."""

import io
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from ..budget import Budget, check
from ..document import MatrixDocument
from .grid import _grid, _number_notes
from .sections import _appendix, _findings, _heading_block, _legend, _notes
from .style import (
    AUTHOR,
    FRAME_WIDTH,
    MARGIN,
    MUTED,
    PAGE_SIZE,
    _Styles,
)
from .text import _clip, _date, _Fonts, _fonts, _line, _truncate


def write_pdf(
    doc: MatrixDocument, *, generated_at: datetime | None = None, budget: Budget | None = None
) -> bytes:
    """The matrix as a PDF document (landscape A4); ``budget`` is checked on every page and
    every phase of the grid (``ExportStopped`` when it is spent)."""
    fonts = _fonts()
    styles = _Styles(fonts)
    scheme = doc.scheme_definition
    moment = generated_at or doc.exported_at or datetime.now()
    title = _line(doc.title) or "Untitled matrix"
    metadata_title = " ".join(_clip(doc.title).split()) or title  # any character: no font
    notes = _number_notes(doc)

    story: list[Flowable] = []
    story += _heading_block(doc, scheme, title, moment, styles)
    story += _legend(scheme, fonts)
    story += _grid(doc, scheme, notes, fonts, styles, budget)
    story += _notes(notes, fonts, styles)
    story += _findings(doc.findings, fonts, styles)
    story += _appendix(doc.roles, fonts, styles)

    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=metadata_title,
        author=AUTHOR,
        creator=AUTHOR,
        subject=f"{_line(scheme.name)} responsibility matrix",
        initialFontName=fonts.regular,  # or the file names Helvetica, which it never uses
    )
    frame = Frame(
        MARGIN,
        MARGIN,
        FRAME_WIDTH,
        PAGE_SIZE[1] - 2 * MARGIN,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    page = PageTemplate("page", frames=[frame], onPage=_footer(title, _date(moment), fonts, budget))
    template.addPageTemplates([page])
    template.build(story)
    return buffer.getvalue()


def _footer(title: str, date: str, fonts: _Fonts, budget: Budget | None):
    size = 7
    right_width = 30 * mm

    def draw(canvas: Canvas, template: BaseDocTemplate) -> None:
        check(budget)  # at the start of each page
        canvas.saveState()
        canvas.setFont(fonts.regular, size)
        canvas.setFillColor(MUTED)
        y = MARGIN / 2 - size / 2
        left = f"{title} \u00b7 {date}" if 0xB7 in fonts.covered else f"{title} - {date}"
        room = FRAME_WIDTH - right_width
        canvas.drawString(MARGIN, y, _truncate(left, fonts.regular, size, room))
        canvas.drawRightString(PAGE_SIZE[0] - MARGIN, y, f"Page {canvas.getPageNumber()}")
        canvas.restoreState()

    return draw
