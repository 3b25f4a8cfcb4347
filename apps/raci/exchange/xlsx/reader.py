"""Reading a workbook: one we wrote, or a sheet typed by hand."""

from collections.abc import Iterable

from ...schemes import SCHEMES, Scheme, get_scheme
from ..document import ActivityDoc, HolderDoc, MatrixDocument, RoleDoc
from ..limits import check_holders
from ..problems import ImportProblem
from ..tabular import document_from_rows
from .sheets import (
    ABOUT_ACCOUNTABLE_DOES_WORK,
    ABOUT_DESCRIPTION,
    ABOUT_FORMAT,
    ABOUT_OVERLAP_THRESHOLD,
    ABOUT_OVERLOAD_PERCENT,
    ABOUT_SCHEME,
    ABOUT_SHARED_WARNING,
    ABOUT_SHEET,
    ABOUT_UNHELD_NOTE,
    DEFAULT_TITLE,
    MATRIX_SHEET,
    PEOPLE_SHEET,
    ROLE_COLUMNS,
    ROLE_KINDS,
    ROLES_SHEET,
)
from .stream import Places, Rows, open_workbook, sheet_comments, sheet_rows


def read_xlsx(data: bytes, *, title: str = "") -> MatrixDocument:
    """A document from an .xlsx file: one we wrote, or a sheet typed by hand.

    The matrix is the sheet named "Matrix", else the first sheet. Its header row is the first
    row with an "Activity" cell (and something else), else the first non-empty row; it holds
    "Activity" (else the first column is the activities), optionally "Phase" (before or after
    it), and one column per role, headed by the role's name. Each following row is an
    activity; cells hold letters (any case) or nothing; comments on letter cells become notes.
    Reading stops at the first empty row after the activities (in a file we wrote: at the first
    empty row after the header, before the legend). Activities without a phase go into
    "Activities". A "Roles" sheet fills in the roles' details by name, a "People" sheet who
    holds them, an "About" sheet the scheme and options (RACI otherwise).

    Only the cells the file holds are read, never the range a sheet declares (which may be the
    whole sheet), and a sheet with content beyond what an import takes (``limits``) is refused
    as soon as that content shows: see "Reading within the limits" below.
    """
    workbook = open_workbook(data)
    try:
        return _read_workbook(workbook, title)
    finally:
        workbook.close()


def _read_workbook(workbook, title: str) -> MatrixDocument:
    about = _read_about(workbook)
    exported = about.get(ABOUT_FORMAT.lower(), "").startswith("raci-builder/")
    scheme = _scheme_from(about)
    if MATRIX_SHEET in workbook.sheetnames:
        ws = workbook[MATRIX_SHEET]
    elif workbook.worksheets:
        ws = workbook.worksheets[0]
    else:
        raise ImportProblem("The spreadsheet has no sheet with a table.")

    rows, exact = sheet_rows(ws)
    if not rows:
        raise ImportProblem("The spreadsheet is empty.")
    start = _header_index(rows)
    header_number, header = rows[start]
    body = _until_empty(rows[start + 1 :], after=header_number, strict=exported)

    if not title and exported and start > 0:
        title = next((cell for cell in rows[0][1] if cell.strip()), "")
    doc = document_from_rows(
        [(header_number, header), *body],
        scheme=scheme.key,
        title=title.strip() or DEFAULT_TITLE,
    )
    doc.description = about.get(ABOUT_DESCRIPTION.lower(), "")
    doc.accountable_does_work = _yes(about.get(ABOUT_ACCOUNTABLE_DOES_WORK.lower(), ""))
    doc.overload_percent = _percent(about.get(ABOUT_OVERLOAD_PERCENT.lower(), ""))
    doc.overlap_threshold = _threshold(about.get(ABOUT_OVERLAP_THRESHOLD.lower(), ""))
    unheld = about.get(ABOUT_UNHELD_NOTE.lower(), "")
    doc.unheld_roles_note = _yes(unheld) if unheld else True
    shared = about.get(ABOUT_SHARED_WARNING.lower(), "")
    doc.shared_accountable_warning = _yes(shared) if shared else True
    layout = _Layout(doc, header, body)
    layout.attach_comments(sheet_comments(workbook, ws))
    if ROLES_SHEET in workbook.sheetnames and workbook[ROLES_SHEET] is not ws:
        _read_roles(workbook[ROLES_SHEET], doc.roles)
    if PEOPLE_SHEET in workbook.sheetnames and workbook[PEOPLE_SHEET] is not ws:
        _read_people(workbook[PEOPLE_SHEET], doc.roles)
    layout.keep_exact(header_number, exact)
    return doc


def _header_index(rows: Rows) -> int:
    """The row with "Activity" and something else, else the first (rows hold something)."""
    for index, (_, cells) in enumerate(rows):
        filled = [cell.strip().lower() for cell in cells if cell.strip()]
        if "activity" in filled and len(filled) > 1:
            return index
    return 0


def _until_empty(body: Rows, *, after: int, strict: bool) -> Rows:
    """The rows up to the first empty one after the data (strict: after the header, in row
    ``after``). ``body`` holds rows with content only: an empty row is a gap in the numbers."""
    previous = after
    for index, (number, _) in enumerate(body):
        if number > previous + 1 and (strict or index > 0):
            return body[:index]
        previous = number
    return body


class _Layout:
    """Which column holds what, and which activity each body row became."""

    def __init__(self, doc: MatrixDocument, header: list[str], body: Rows):
        names = [cell.strip() for cell in header]
        lowered = [name.lower() for name in names]
        self.activity_col = lowered.index("activity") if "activity" in lowered else 0
        self.phase_col = lowered.index("phase") if "phase" in lowered else None
        roles = {role.name.lower(): role for role in doc.roles}
        self.roles = {
            index: roles[name.lower()]
            for index, name in enumerate(names)
            if index not in (self.activity_col, self.phase_col) and name.lower() in roles
        }
        activities = {activity.name.lower(): activity for _, activity in doc.activities()}
        self.rows: dict[int, ActivityDoc] = {}
        for number, cells in body:
            name = cells[self.activity_col].strip() if self.activity_col < len(cells) else ""
            if activity := activities.get(name.lower()):
                self.rows[number] = activity
        self.phases = {phase.name: phase for phase in doc.phases}

    def attach_comments(self, comments: Places) -> None:
        """A comment on an activity's name is its description; on a letter cell, a note."""
        if not comments:
            return
        for number, activity in self.rows.items():
            if text := comments.get((number, self.activity_col)):
                activity.description = text
            for index, role in self.roles.items():
                if text := comments.get((number, index)):
                    activity.notes[role.key] = text

    def keep_exact(self, header_number: int, exact: Places) -> None:
        for (number, index), text in exact.items():
            if number == header_number and index in self.roles:
                self.roles[index].name = text
            elif number in self.rows and index == self.activity_col:
                self.rows[number].name = text
            elif (
                number in self.rows
                and index == self.phase_col
                and (phase := self.phases.get(text.strip()))
            ):
                phase.name = text


def _read_about(workbook) -> dict[str, str]:
    if ABOUT_SHEET not in workbook.sheetnames:
        return {}
    ws = workbook[ABOUT_SHEET]
    values: dict[str, str] = {}
    for _, cells in sheet_rows(ws)[0]:
        label = cells[0].strip().lower()
        if label and label not in values:
            values[label] = cells[1].strip() if len(cells) > 1 else ""
    return values


def _scheme_from(about: dict[str, str]) -> Scheme:
    value = about.get(ABOUT_SCHEME.lower(), "")
    if not value:
        return get_scheme("raci")
    for scheme in SCHEMES.values():
        if value.lower() in (scheme.key, scheme.name.lower()):
            return scheme
    raise ImportProblem(
        f'unknown scheme "{value}"; use one of {", ".join(SCHEMES)}', where="About sheet"
    )


def _yes(value: str) -> bool:
    return value.strip().lower() in ("yes", "true", "1", "y", "on")


def _percent(value: str) -> int:
    if not value:
        return 50
    try:
        percent = int(value)
    except ValueError:
        percent = 0
    if not 1 <= percent <= 100:
        raise ImportProblem(
            f'"{ABOUT_OVERLOAD_PERCENT}" must be a whole number from 1 to 100, not "{value}"',
            where="About sheet",
        )
    return percent


def _threshold(value: str) -> int:
    if not value:
        return 3
    try:
        threshold = int(value)
    except ValueError:
        threshold = -1
    if not 0 <= threshold <= 1000:
        raise ImportProblem(
            f'"{ABOUT_OVERLAP_THRESHOLD}" must be a whole number from 0 to 1000, not "{value}"',
            where="About sheet",
        )
    return threshold


def _read_people(ws, roles: Iterable[RoleDoc]) -> None:
    """Who holds the roles, from a sheet headed "Role", "Person" (and "Account"), matching
    roles by name; rows naming no role of the matrix are left out."""
    rows = iter(sheet_rows(ws)[0])
    _, header = next(rows, (0, []))
    places = {text.strip().lower(): index for index, text in enumerate(header)}
    role_at, person_at = places.get("role"), places.get("person")
    account_at = places.get("account")
    if role_at is None or person_at is None:
        return
    by_name = {role.name.lower(): role for role in roles}
    for _, values in rows:

        def text(index: int | None, values=values) -> str:
            return values[index].strip() if index is not None and index < len(values) else ""

        role, name = by_name.get(text(role_at).lower()), text(person_at)
        if role is None or not name:
            continue
        if any(holder.name.lower() == name.lower() for holder in role.holders):
            continue
        role.holders.append(HolderDoc(name=name, username=text(account_at)))
        check_holders(len(role.holders))


def _read_roles(ws, roles: Iterable[RoleDoc]) -> None:
    """Fill in the roles' details from a sheet with a "Name" column, matching roles by name."""
    rows = iter(sheet_rows(ws)[0])
    _, header = next(rows, (0, []))
    labels = {label.lower(): name for name, label in ROLE_COLUMNS}
    fields = {
        index: labels[text.strip().lower()]
        for index, text in enumerate(header)
        if text.strip().lower() in labels
    }
    if "name" not in fields.values():
        return
    by_name = {role.name.lower(): role for role in roles}
    for _, values in rows:
        texts = {field: values[i] for i, field in fields.items() if i < len(values)}
        role = by_name.get(texts.get("name", "").strip().lower())
        if role is None:
            continue
        for field, text in texts.items():
            if field == "name":
                continue
            if field == "kind":
                kind = text.strip().lower()
                role.kind = kind if kind in ROLE_KINDS else "custom"
            elif field in ("short_label",):
                role.short_label = text.strip()
            else:
                setattr(role, field, text.strip())
