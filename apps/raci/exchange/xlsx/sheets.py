"""The workbook's layout, shared by the writer and the reader: sheet names, rows, labels."""

from ..document import DEFINITION_FIELDS, DEFINITION_LABELS

FORMAT = "raci-builder/matrix-xlsx 1"
AUTHOR = "RACI Builder"
DEFAULT_TITLE = "Imported matrix"

MATRIX_SHEET = "Matrix"
ROLES_SHEET = "Roles"
PEOPLE_SHEET = "People"
PEOPLE_COLUMNS = ("Role", "Person", "Account")
FINDINGS_SHEET = "Findings"
ABOUT_SHEET = "About"

TITLE_ROW = 1
SCHEME_ROW = 2
DESCRIPTION_ROW = 3
HEADER_ROW = 4
FIRST_ROLE_COLUMN = 3  # A: Phase, B: Activity

# About sheet labels (the reader matches them case-insensitively).
ABOUT_FORMAT = "Format"
ABOUT_SCHEME = "Scheme"
ABOUT_DESCRIPTION = "Description"
ABOUT_ACCOUNTABLE_DOES_WORK = "Accountable does the work"
ABOUT_OVERLOAD_PERCENT = "Overload percent"
ABOUT_OVERLAP_THRESHOLD = "Overlap warning at"
ABOUT_UNHELD_NOTE = "Note roles nobody holds"
ABOUT_SHARED_WARNING = "Warn about an Accountable role several hold"
ABOUT_EXPORTED_AT = "Exported at"
ABOUT_SOURCE = "Source matrix"

ROLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("short_label", "Short label"),
    ("kind", "Kind"),
    ("summary", "Summary"),
    *((name, DEFINITION_LABELS[name]) for name in DEFINITION_FIELDS),
)
ROLE_KINDS = ("core", "supporting", "custom")

# Excel holds at most this many characters in a cell (and opens a file with more as damaged).
CELL_MAX = 32_767
