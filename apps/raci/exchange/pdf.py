"""PDF: the matrix to print or attach to a mail, on landscape A4.

What the file holds, in order:

1. The title, the date, the scheme (name and description), the matrix description and a legend
   of the scheme's letters (coloured box, code, name, question).
2. The grid: a header row of role short labels (the role name small underneath) repeated on
   every page, a grey band per phase, one row per activity, letters in the colours of the app.
   A cell with a note carries a small footnote number; the notes follow the grid. When the roles
   do not fit across the page even at the narrowest legible column width, they are split into
   groups: all activities with the first group, then all activities with the next one, and so
   on, each table captioned "Roles 16-30 of 30" (with an en dash) on every page.
3. The rule engine's findings: counts per severity, then the messages (the first hundred).
4. An appendix with each role's definition, and who holds it.

Plain Python and ReportLab, no Django. Speed matters (300 activities x 12 roles well under a
second), so the grid avoids Paragraphs: text is wrapped here (``_wrap``) and drawn as plain table
strings or by ``_Lines``, a tiny flowable. Paragraphs, which are slow but handle markup, are kept
for the few long texts (descriptions, role definitions); everything that goes into one is escaped.

Fonts: DejaVu Sans when the system has it (Debian's fonts-dejavu-core), else the Bitstream Vera
font bundled with ReportLab. Characters the font has no glyph for are replaced by a close
character (é -> e through Unicode decomposition) or "?", never drawn as empty boxes.
"""

import functools
import io
import math
import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..rules import Finding, Severity, summarize
from ..schemes import Letter, Scheme, letter_named
from .document import ActivityDoc, MatrixDocument, RoleDoc

AUTHOR = "RACI Builder"

PAGE_SIZE = landscape(A4)
MARGIN = 12 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN

# Grid column widths. The activity column shrinks from ACTIVITY_MAX to ACTIVITY_MIN before the
# role columns go below ROLE_PREFERRED; roles never get narrower than ROLE_MIN (they are split
# into groups across pages instead). With few roles the activity column may grow to ACTIVITY_WIDE.
ACTIVITY_MIN = 45 * mm
ACTIVITY_MAX = 70 * mm
ACTIVITY_WIDE = 110 * mm
ROLE_MIN = 11 * mm
ROLE_PREFERRED = 16 * mm
ROLE_MAX = 30 * mm
ROLES_PER_PAGE = max(1, int((FRAME_WIDTH - ACTIVITY_MIN) // ROLE_MIN))

FINDINGS_SHOWN = 100
MAX_LINES = 12  # of a name in the grid, or of a cell in the notes: a row must fit on a page
# Characters of one text drawn (a name, a description, a note, a definition): more are cut,
# with an ellipsis, before any layout. Well above the models' limits, so only data from before
# them is cut; it keeps a text with no space to break at from costing seconds per page (the
# JSON and Excel exports keep texts whole).
TEXT_MAX = 5_000
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

INK = colors.HexColor("#0f172a")
MUTED = colors.HexColor("#475569")
RULE = colors.HexColor("#cbd5e1")
BAND = colors.HexColor("#e5e7eb")
HEAD = colors.HexColor("#f8fafc")
SEVERITY_HEX = {Severity.ERROR: "#b91c1c", Severity.WARNING: "#b45309", Severity.INFO: "#475569"}
SEVERITY_COLORS = {severity: colors.HexColor(hex) for severity, hex in SEVERITY_HEX.items()}
SEVERITY_LABELS = {Severity.ERROR: "Error", Severity.WARNING: "Warning", Severity.INFO: "Info"}
SEVERITY_PLURALS = {Severity.ERROR: "errors", Severity.WARNING: "warnings", Severity.INFO: "info"}

_DEJAVU = "/usr/share/fonts/truetype/dejavu/"
_VERA = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
FONT_CANDIDATES = (
    ("RaciDejaVuSans", _DEJAVU + "DejaVuSans.ttf", _DEJAVU + "DejaVuSans-Bold.ttf"),
    ("RaciVera", os.path.join(_VERA, "Vera.ttf"), os.path.join(_VERA, "VeraBd.ttf")),
)


# --- Fonts and text ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fonts:
    regular: str
    bold: str
    covered: frozenset[int]  # code points both faces have a glyph for


@functools.cache
def _fonts() -> _Fonts:
    """Register the first font family that loads (once per process) and note what it covers."""
    for family, regular_path, bold_path in FONT_CANDIDATES:
        if not (os.path.isfile(regular_path) and os.path.isfile(bold_path)):
            continue
        try:
            regular = TTFont(family, regular_path)
            bold = TTFont(family + "-Bold", bold_path)
        except (TTFError, OSError):
            continue
        pdfmetrics.registerFont(regular)
        pdfmetrics.registerFont(bold)
        pdfmetrics.registerFontFamily(
            family, normal=regular.fontName, bold=bold.fontName, italic=regular.fontName,
            boldItalic=bold.fontName,
        )  # fmt: skip
        both = {code for code, glyph in regular.face.charToGlyph.items() if glyph}
        both &= {code for code, glyph in bold.face.charToGlyph.items() if glyph}
        # Control and format characters (soft hyphen, zero-width joiner...) are never drawn.
        covered = frozenset(
            code for code in both if unicodedata.category(chr(code)) not in ("Cc", "Cf")
        )
        return _Fonts(regular.fontName, bold.fontName, covered)
    raise RuntimeError("no usable TrueType font for the PDF export")  # Vera ships with ReportLab


def _glyphs(text: str) -> str:
    """``text`` with every character the font cannot draw replaced by a near one or "?"."""
    covered = _fonts().covered
    if all(ord(char) in covered for char in text):
        return text
    out = []
    for char in text:
        if ord(char) in covered:
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs"):
            continue  # control and formatting characters, lone surrogates: nothing to draw
        else:
            near = "".join(
                part
                for part in unicodedata.normalize("NFKD", char)
                if ord(part) in covered and not unicodedata.combining(part)
            )
            out.append(near or "?")
    return "".join(out)


def _clip(text: str) -> str:
    """``text``, cut to TEXT_MAX characters with an ellipsis."""
    return text if len(text) <= TEXT_MAX else text[:TEXT_MAX].rstrip() + _ellipsis()


def _line(text: str) -> str:
    """One line of drawable text: runs of whitespace (line breaks included) become one space."""
    return _glyphs(" ".join(_clip(text).split()))


def _lines(text: str) -> list[str]:
    """Drawable lines of a multi-line text, without empty ones."""
    return [line for line in (_line(part) for part in _clip(text).splitlines()) if line]


def _markup(text: str) -> str:
    """Paragraph markup for a user's text: escaped, line breaks kept."""
    return "<br/>".join(escape(line) for line in _lines(text))


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _ellipsis() -> str:
    return "\u2026" if 0x2026 in _fonts().covered else "..."


def _fitting(text: str, font: str, size: float, width: float) -> int:
    """How many characters at the start of ``text`` fit ``width``."""
    used = 0.0
    for index, char in enumerate(text):
        used += _width(char, font, size)
        if used > width:
            return index
    return len(text)


def _truncate(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut (with an ellipsis) to fit ``width``."""
    if _width(text, font, size) <= width:
        return text
    dots = _ellipsis()
    return text[: _fitting(text, font, size, width - _width(dots, font, size))].rstrip() + dots


def _wrap(
    text: str, font: str, size: float, width: float, max_lines: int | None = None
) -> list[str]:
    """Split one drawable line into lines that fit ``width``; break words that are too long.

    With ``max_lines``, the last line kept ends with an ellipsis when text was left out.
    """
    if not text:
        return []
    if _width(text, font, size) <= width:
        return [text]
    space = _width(" ", font, size)
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in text.split(" "):
        word_width = _width(word, font, size)
        if current and used + space + word_width <= width:
            current.append(word)
            used += space + word_width
            continue
        if current:
            lines.append(" ".join(current))
        while word_width > width and len(word) > 1:  # a word wider than the column: break it
            index = max(1, _fitting(word, font, size, width))
            lines.append(word[:index])
            word_width -= _width(word[:index], font, size)
            word = word[index:]
            if max_lines is not None and len(lines) > max_lines:
                break
        current, used = [word], word_width
        if max_lines is not None and len(lines) > max_lines:
            break  # enough to fill the lines kept, and to know that text is left out
    else:
        if current:
            lines.append(" ".join(current))
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last, dots = lines[-1], _ellipsis()
        room = width - _width(dots, font, size)
        if _width(last, font, size) > room:
            last = last[: _fitting(last, font, size, room)].rstrip()
        lines[-1] = last + dots
    return lines


def _date(moment: datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


# --- Flowables -----------------------------------------------------------------------------------


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


# --- The document --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Note:
    number: int
    activity: str
    role: str
    text: str


class _Styles:
    def __init__(self, fonts: _Fonts):
        regular, bold = fonts.regular, fonts.bold
        self.title = ParagraphStyle(
            "title", fontName=bold, fontSize=17, leading=21, textColor=INK, spaceAfter=3
        )
        self.meta = ParagraphStyle(
            "meta", fontName=regular, fontSize=9, leading=12, textColor=MUTED
        )
        self.body = ParagraphStyle(
            "body", fontName=regular, fontSize=9, leading=12, textColor=INK, spaceBefore=4
        )
        self.heading = ParagraphStyle(
            "heading",
            fontName=bold,
            fontSize=12.5,
            leading=16,
            textColor=INK,
            spaceBefore=10,
            spaceAfter=5,
            keepWithNext=1,
        )
        self.role = ParagraphStyle(
            "role",
            fontName=bold,
            fontSize=11,
            leading=14,
            textColor=INK,
            spaceBefore=12,
            spaceAfter=2,
            keepWithNext=1,
        )
        self.lead = ParagraphStyle("lead", parent=self.body, keepWithNext=1, spaceAfter=5)
        self.cell = ParagraphStyle(
            "cell", fontName=regular, fontSize=8.5, leading=11, textColor=INK
        )


def write_pdf(doc: MatrixDocument, *, generated_at: datetime | None = None) -> bytes:
    """The matrix as a PDF document (landscape A4)."""
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
    story += _grid(doc, scheme, notes, fonts, styles)
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
    page = PageTemplate("page", frames=[frame], onPage=_footer(title, _date(moment), fonts))
    template.addPageTemplates([page])
    template.build(story)
    return buffer.getvalue()


def _footer(title: str, date: str, fonts: _Fonts):
    size = 7
    right_width = 30 * mm

    def draw(canvas: Canvas, template: BaseDocTemplate) -> None:
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


def _heading_block(
    doc: MatrixDocument, scheme: Scheme, title: str, moment: datetime, styles: _Styles
) -> list[Flowable]:
    counts = f"{doc.activity_count} activities, {len(doc.roles)} roles"
    if doc.activity_count == 1:
        counts = counts.replace("activities", "activity")
    if len(doc.roles) == 1:
        counts = counts.replace("roles", "role")
    meta = (
        f"{escape(_date(moment))} &nbsp;|&nbsp; <b>{escape(_line(scheme.name))}</b>: "
        f"{escape(_line(scheme.description))} &nbsp;|&nbsp; {counts}"
    )
    story: list[Flowable] = [Paragraph(escape(title), styles.title), Paragraph(meta, styles.meta)]
    if doc.description.strip():
        story.append(Paragraph(_markup(doc.description), styles.body))
    story.append(Spacer(1, 6))
    return story


def _letter(scheme: Scheme, code: str) -> Letter:
    return scheme.letter(code) if scheme.has(code) else letter_named(code)


def _legend(scheme: Scheme, fonts: _Fonts) -> list[Flowable]:
    letters = scheme.letters
    if not letters:
        return []
    box = 7 * mm
    text_width = min(62 * mm, FRAME_WIDTH / len(letters) - box)
    row: list[object] = []
    style = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "LEFT"),
        ("FONT", (0, 0), (-1, -1), fonts.bold, 10),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    widths: list[float] = []
    for index, letter in enumerate(letters):
        column = 2 * index
        row.append(_line(letter.code))
        inner = text_width - 8
        runs = [
            _Run(t, fonts.bold, 8, INK) for t in _wrap(_line(letter.name), fonts.bold, 8, inner)
        ]
        runs += [
            _Run(t, fonts.regular, 7, MUTED)
            for t in _wrap(_line(letter.question), fonts.regular, 7, inner, max_lines=2)
        ]
        row.append(_Lines(runs))
        widths += [box, text_width]
        style += [
            ("BACKGROUND", (column, 0), (column, 0), colors.HexColor(letter.color)),
            ("TEXTCOLOR", (column, 0), (column, 0), colors.HexColor(letter.ink)),
            ("ALIGN", (column, 0), (column, 0), "CENTER"),
        ]
    table = Table([row], colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return [table, Spacer(1, 8)]


def _number_notes(doc: MatrixDocument) -> dict[tuple[int, str], _Note]:
    """The notes on cells, numbered in reading order, by (activity index, role key)."""
    notes: dict[tuple[int, str], _Note] = {}
    for index, (_, activity) in enumerate(doc.activities()):
        if not activity.notes:
            continue
        for role in doc.roles:
            text = activity.notes.get(role.key, "")
            if text.strip():
                notes[index, role.key] = _Note(len(notes) + 1, activity.name, role.name, text)
    return notes


def _role_groups(roles: Sequence[RoleDoc]) -> list[Sequence[RoleDoc]]:
    """The roles in as few page-wide groups as possible, of nearly equal size."""
    if len(roles) <= ROLES_PER_PAGE:
        return [roles]
    count = math.ceil(len(roles) / ROLES_PER_PAGE)
    size = math.ceil(len(roles) / count)
    return [roles[start : start + size] for start in range(0, len(roles), size)]


def _column_widths(role_count: int) -> tuple[float, float]:
    """(activity column, each role column) for a grid with ``role_count`` role columns."""
    if role_count == 0:
        return ACTIVITY_WIDE, 0.0
    activity = min(ACTIVITY_MAX, max(ACTIVITY_MIN, FRAME_WIDTH - role_count * ROLE_PREFERRED))
    role = (FRAME_WIDTH - activity) / role_count
    if role > ROLE_MAX:
        role = ROLE_MAX
        activity = min(ACTIVITY_WIDE, FRAME_WIDTH - role_count * ROLE_MAX)
    return activity, role


def _grid(
    doc: MatrixDocument,
    scheme: Scheme,
    notes: dict[tuple[int, str], _Note],
    fonts: _Fonts,
    styles: _Styles,
) -> list[Flowable]:
    if not doc.activity_count:
        return [Paragraph("This matrix has no activities yet.", styles.body)]
    groups = _role_groups(doc.roles)
    story: list[Flowable] = []
    start = 0
    for number, group in enumerate(groups):
        caption = None
        if len(groups) > 1:
            first, last = start + 1, start + len(group)
            dash = "\u2013" if 0x2013 in fonts.covered else "-"
            caption = f"Roles {first}{dash}{last} of {len(doc.roles)}"
            if number:
                story.append(PageBreak())
        story.append(_grid_table(doc, scheme, group, notes, caption, fonts))
        start += len(group)
    return story


class _GridTable(Table):
    """A Table that does not draw its empty cells (most cells of a matrix are empty).

    Overrides a private method of ReportLab's Table; should it be renamed, the override is
    simply not called and the grid is drawn as before, a little slower.
    """

    def _drawCell(self, cellval, cellstyle, pos, size):
        if cellval.__class__ is str and not cellval:
            return
        super()._drawCell(cellval, cellstyle, pos, size)


def _grid_table(
    doc: MatrixDocument,
    scheme: Scheme,
    roles: Sequence[RoleDoc],
    notes: dict[tuple[int, str], _Note],
    caption: str | None,
    fonts: _Fonts,
) -> Table:
    """One table: every activity, with the given role columns.

    No cell spans (ReportLab's span bookkeeping is slow on long tables): a phase band is a row
    whose name, in the first cell, runs on over the others, which draw no lines between them.
    """
    regular, bold = fonts.regular, fonts.bold
    activity_width, role_width = _column_widths(len(roles))
    columns = 1 + len(roles)
    pad = 3.0
    narrow = role_width < 13 * mm
    activity_size = 8.0 if activity_width >= 55 * mm else 7.5
    letter_size = 8.0 if narrow else 9.0
    label_size = 7.0 if narrow else 8.0
    name_size = 5.5 if narrow else 6.0
    band_size = 8.5
    activity_inner = activity_width - 2 * pad
    role_inner = role_width - 2 * pad
    empty = [""] * (columns - 1)
    table_width = activity_width + role_width * len(roles)
    # Row heights are worked out here rather than by ReportLab, which is much slower at it.
    vertical = 2 + 2.5  # top and bottom padding
    letter_height = letter_size * 1.2

    rows: list[list[object]] = []
    heights: list[float] = []
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), regular, activity_size, activity_size * 1.2),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if caption:
        rows.append([caption, *empty])
        heights.append(band_size * 1.2 + 2 + 4)
        style += [
            ("FONT", (0, 0), (-1, 0), bold, band_size),
            ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
            ("ALIGN", (0, 0), (-1, 0), "LEFT"),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ]
    head = len(rows)
    header: list[object] = ["Activity"]
    for role in roles:
        name = _line(role.name)
        label = _line(role.short_label) or name or "?"
        runs = [
            _Run(t, bold, label_size, INK) for t in _wrap(label, bold, label_size, role_inner, 2)
        ]
        if name and name != label:
            runs += [
                _Run(t, regular, name_size, MUTED)
                for t in _wrap(name, regular, name_size, role_inner, 3)
            ]
        header.append(_Lines(runs, centred=True))
    rows.append(header)
    heights.append(max([band_size * 1.2] + [cell.height for cell in header[1:]]) + vertical)
    style += [
        ("FONT", (0, head), (0, head), bold, band_size),
        ("VALIGN", (0, head), (-1, head), "BOTTOM"),
        ("BACKGROUND", (0, head), (-1, head), HEAD),
        ("BOX", (0, head), (-1, -1), 0.5, RULE),
        ("LINEBELOW", (0, head), (-1, -1), 0.25, RULE),
        ("LINEAFTER", (0, head), (-2, head), 0.25, RULE),
        ("LINEBELOW", (0, head), (-1, head), 1, MUTED),
    ]
    if not roles:
        style.append(("ALIGN", (0, 0), (-1, -1), "LEFT"))
    body = head + 1
    style.append(("FONT", (1, body), (-1, -1), bold, letter_size, letter_size * 1.2))

    fills: dict[str, tuple[colors.Color, colors.Color]] = {}
    index = 0
    for phase in doc.phases:
        band = len(rows)
        name = _line(phase.name) or "(no phase name)"
        lines = _wrap(name, bold, band_size, table_width - 2 * pad, MAX_LINES)
        rows.append(["\n".join(lines), *empty])
        heights.append(len(lines) * band_size * 1.2 + vertical)
        style += [
            ("BACKGROUND", (0, band), (-1, band), BAND),
            ("FONT", (0, band), (-1, band), bold, band_size, band_size * 1.2),
            ("ALIGN", (0, band), (-1, band), "LEFT"),
        ]
        for activity in phase.activities:
            row_number = len(rows)
            first, height = _activity_cell(activity, activity_size, activity_inner, fonts)
            row: list[object] = [first]
            for column, role in enumerate(roles, start=1):
                code = activity.cells.get(role.key) or ""
                note = notes.get((index, role.key))
                ink = INK
                if code:
                    if code not in fills:
                        letter = _letter(scheme, code)
                        fills[code] = colors.HexColor(letter.color), colors.HexColor(letter.ink)
                    fill, ink = fills[code]
                    cell = (column, row_number)
                    style.append(("BACKGROUND", cell, cell, fill))
                    style.append(("TEXTCOLOR", cell, cell, ink))
                text = _line(code) if code else ""
                if note is None:
                    row.append(text)
                else:
                    row.append(_Marked(text, note.number, bold, letter_size, ink))
            rows.append(row)
            heights.append(max(height, letter_height if roles else 0) + vertical)
            index += 1
        if phase.activities and roles:
            style.append(("LINEAFTER", (0, band + 1), (-2, len(rows) - 1), 0.25, RULE))
    table = _GridTable(
        rows,
        colWidths=[activity_width] + [role_width] * len(roles),
        rowHeights=heights,
        repeatRows=body,
        hAlign="LEFT",
    )
    table.setStyle(TableStyle(style))
    return table


def _activity_cell(
    activity: ActivityDoc, size: float, width: float, fonts: _Fonts
) -> tuple[object, float]:
    """The activity's cell (its name, its description small underneath) and its height."""
    lines = _wrap(_line(activity.name), fonts.regular, size, width, MAX_LINES) or ["?"]
    description = _line(activity.description)
    if not description:
        return "\n".join(lines), len(lines) * size * 1.2
    small = size - 1.5
    runs = [_Run(t, fonts.regular, size, INK) for t in lines]
    runs += [
        _Run(t, fonts.regular, small, MUTED)
        for t in _wrap(description, fonts.regular, small, width, max_lines=2)
    ]
    cell = _Lines(runs)
    return cell, cell.height


def _text_table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Sequence[float],
    fonts: _Fonts,
    extra_style: Sequence[tuple] = (),
) -> Table:
    """A table of plain strings wrapped to their columns, with a bold header row."""
    size = 8.0
    pad = 3.0
    data = [list(header)]
    for row in rows:
        cells = []
        for text, width in zip(row, widths, strict=True):
            lines = [
                wrapped
                for line in text.split("\n")
                for wrapped in _wrap(line, fonts.regular, size, width - 2 * pad, MAX_LINES)
            ]
            cells.append("\n".join(lines[:MAX_LINES]))
        data.append(cells)
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), fonts.regular, size, size * 1.25),
                ("FONT", (0, 0), (-1, 0), fonts.bold, size, size * 1.25),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                *extra_style,
            ]
        )
    )
    return table


def _notes(notes: dict[tuple[int, str], _Note], fonts: _Fonts, styles: _Styles) -> list[Flowable]:
    if not notes:
        return []
    rows = [
        (str(note.number), _line(note.activity), _line(note.role), "\n".join(_lines(note.text)))
        for note in notes.values()
    ]
    widths = [10 * mm, 70 * mm, 45 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    return [
        Paragraph("Cell notes", styles.heading),
        _text_table(("#", "Activity", "Role", "Note"), rows, widths, fonts),
    ]


def _findings(findings: Sequence[Finding], fonts: _Fonts, styles: _Styles) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Findings", styles.heading)]
    if not findings:
        story.append(Paragraph("No findings: the matrix follows every rule.", styles.body))
        return story
    counts = summarize(findings)
    summary = " &nbsp;&nbsp; ".join(
        f'<font color="{SEVERITY_HEX[severity]}"><b>{count}</b> '
        f"{SEVERITY_LABELS[severity].lower() if count == 1 else SEVERITY_PLURALS[severity]}</font>"
        for severity, count in counts.items()
    )
    story.append(Paragraph(summary, styles.lead))
    shown = findings[:FINDINGS_SHOWN]
    rows = [(SEVERITY_LABELS[f.severity], _line(f.message)) for f in shown]
    widths = [22 * mm, FRAME_WIDTH - 22 * mm]
    colour = [
        ("TEXTCOLOR", (0, row), (0, row), SEVERITY_COLORS[finding.severity])
        for row, finding in enumerate(shown, start=1)
    ]
    story.append(
        _text_table(
            ("Severity", "Message"),
            rows,
            widths,
            fonts,
            [("FONT", (0, 1), (0, -1), fonts.bold, 8, 10), *colour],
        )
    )
    if len(findings) > FINDINGS_SHOWN:
        story.append(
            Paragraph(
                f"and {len(findings) - FINDINGS_SHOWN} more (open the matrix to see them all).",
                styles.body,
            )
        )
    return story


def _appendix(roles: Sequence[RoleDoc], fonts: _Fonts, styles: _Styles) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), Paragraph("Appendix: role definitions", styles.heading)]
    if not roles:
        story.append(Paragraph("This matrix has no roles yet.", styles.body))
        return story
    label_width = 42 * mm
    for role in roles:
        name = escape(_line(role.name) or "?")
        label = _line(role.short_label)
        heading = f"{name}"
        if label and label != _line(role.name):
            heading += f' <font color="#475569">({escape(label)})</font>'
        kind = _line(role.kind)
        if kind:
            heading += f' <font size="8" color="#475569">&nbsp; {escape(kind)} role</font>'
        story.append(Paragraph(heading, styles.role))
        rows: list[list[object]] = []
        if role.holders:
            names = ", ".join(escape(_line(holder.name)) for holder in role.holders)
            rows.append(["Held by", Paragraph(names, styles.cell)])
        if role.summary.strip():
            rows.append(["Summary", Paragraph(_markup(role.summary), styles.cell)])
        for field_label, text in role.definition():
            lines = _lines(text)
            if len(lines) > 1:
                bullet = "\u2022 " if 0x2022 in fonts.covered else "- "
                markup = "<br/>".join(bullet + escape(line) for line in lines)
            else:
                markup = escape(lines[0]) if lines else ""
            rows.append([field_label, Paragraph(markup, styles.cell)])
        if not rows:
            story.append(Paragraph("No definition yet.", styles.body))
            continue
        table = Table(
            rows,
            colWidths=[label_width, FRAME_WIDTH - label_width],
            hAlign="LEFT",
            splitInRow=1,  # a definition longer than a page continues on the next one
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), fonts.bold, 8.5, 11),
                    ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
                ]
            )
        )
        story.append(table)
    return story
