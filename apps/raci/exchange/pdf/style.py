"""The page, the colours and the paragraph styles."""

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from ...rules import Severity
from .text import _Fonts

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
INK = colors.HexColor("#0f172a")
MUTED = colors.HexColor("#475569")
RULE = colors.HexColor("#cbd5e1")
BAND = colors.HexColor("#e5e7eb")
HEAD = colors.HexColor("#f8fafc")
SEVERITY_HEX = {Severity.ERROR: "#b91c1c", Severity.WARNING: "#b45309", Severity.INFO: "#475569"}
SEVERITY_COLORS = {severity: colors.HexColor(hex) for severity, hex in SEVERITY_HEX.items()}
SEVERITY_LABELS = {Severity.ERROR: "Error", Severity.WARNING: "Warning", Severity.INFO: "Info"}
SEVERITY_PLURALS = {Severity.ERROR: "errors", Severity.WARNING: "warnings", Severity.INFO: "info"}


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
