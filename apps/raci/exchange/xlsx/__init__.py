"""Excel (.xlsx): a formatted matrix people can read, print, edit and import again.

Sheets written:

Matrix
    Row 1 the title, row 2 the scheme (and export date), row 3 the first line of the matrix's
    description (the About sheet has all of it), row 4 the header "Phase", "Activity", one
    column per role (the role's name), then one row per activity. Every activity row carries
    its phase in column A, so the sheet imports again after sorting or filtering. Letter cells
    are coloured as in the app; a note on a cell is an Excel comment on it, an activity's
    description a comment on its name. After one empty row, a legend explains the letters; the
    reader stops at the first empty row after the header in a file we wrote, so the legend is
    never read as activities.
Roles
    One row per role: name, short label, kind, summary and the definition fields.
People
    Who holds each role: one row per role and person ("Role", "Person", "Account": the
    username of a person with an account here, empty for one without). Read back on import;
    a role with nobody has no row.
Findings
    What the rule engine reported at export time (informative; not read back).
About
    The matrix options as label/value rows ("Scheme", "Description", "Accountable does the
    work", "Overload percent", "Overlap warning at", "Note roles nobody holds"), so that an
    exported file imports without losing them. Its "Format" row marks a file as written by
    RACI Builder.

The reader also takes hand-typed sheets: see ``read_xlsx``. Every text cell goes through
Excel's quote prefix on the way out (``_keep_as_text``) and ``cells.restore`` on the way back,
which also reads files that carry a literal leading apostrophe (formula injection).
"""

from .reader import read_xlsx
from .sheets import CELL_MAX, FORMAT
from .writer import write_xlsx

__all__ = ["CELL_MAX", "FORMAT", "read_xlsx", "write_xlsx"]
