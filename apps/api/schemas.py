"""What the API takes and gives, as typed schemas: the OpenAPI document is generated from them.

Texts refuse the NUL character (no database keeps it) and are limited as the models are; ids
are whole numbers from 1 to what the database holds (apps/ids.py), anything else is a 422.
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

from apps.ids import ID_MAX


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    return value


def Text(max_length: int, min_length: int = 0):
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_no_nul),
    ]


Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Slug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]{1,80}$")]
Index = Annotated[int, Field(ge=0, le=1_000_000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
FORMAT = Literal["csv", "xlsx", "pdf", "json", "md"]


class Page[T](BaseModel):
    items: list[T]
    count: int = Field(description="How many there are in all.")
    page: int
    pages: int


# -- Teams and matrices ---------------------------------------------------------------------


class TeamOut(BaseModel):
    id: int
    name: str
    access: Literal["owner", "editor", "viewer"]
    personal: bool


class MatrixOut(BaseModel):
    slug: str
    title: str
    description: str
    team: int | None
    scheme: str
    is_template: bool
    can_edit: bool
    version: int
    updated_at: datetime
    url: str = Field(description="The matrix's page, relative to the site.")


class MatrixIn(BaseModel):
    title: Text(200, 1)
    team: Id
    template: Slug | None = Field(None, description="A template's slug; none: a blank matrix.")
    description: Text(2000) = ""


class MatrixPatch(BaseModel):
    title: Text(200, 1) | None = None
    description: Text(2000) | None = None


# -- The grid -----------------------------------------------------------------------------


class LetterOut(BaseModel):
    code: str
    name: str
    kind: Literal["accountable", "responsible", "support", "consulted", "informed"] = Field(
        description="What the letter means whatever the scheme (DACI's Approver: accountable)."
    )


class HolderOut(BaseModel):
    id: int = Field(description="The person's id (a team's person, with or without account).")
    name: str
    has_account: bool


class ColumnOut(BaseModel):
    role: int
    name: str
    short_label: str
    kind: str
    holders: list[HolderOut] | None = Field(description="None for a template.")


class ActivityOut(BaseModel):
    id: int
    name: str
    description: str
    phase: int
    cells: dict[str, str] = Field(description="Role id -> letter, for the cells with one.")
    notes: dict[str, str] = Field(description="Role id -> note, for the cells with one.")


class PhaseOut(BaseModel):
    id: int
    name: str
    activities: list[ActivityOut]


class GridOut(BaseModel):
    slug: str
    title: str
    version: int
    scheme: str
    letters: list[LetterOut]
    columns: list[ColumnOut]
    phases: list[PhaseOut]


class CellIn(BaseModel):
    code: Code = Field(description='A letter of the scheme (any case); "" clears the cell.')
    note: Text(500) | None = Field(None, description="The cell's note; none: left as it is.")


class CellOut(BaseModel):
    activity: int
    role: int
    code: str
    note: str
    version: int


class BlockCell(BaseModel):
    activity: Id
    role: Id
    code: Code


class BlockIn(BaseModel):
    """Either ``cells`` (each named), or ``rows`` of letters pasted with their top left on
    (``activity``, ``role``), as a block pasted in the grid."""

    cells: list[BlockCell] | None = Field(None, max_length=50_000)
    activity: Id | None = None
    role: Id | None = None
    rows: list[list[Code]] | None = Field(None, max_length=5_000)
    summary: Text(120) = ""

    @model_validator(mode="after")
    def _one_form(self):
        pasted = self.rows is not None
        if pasted == (self.cells is not None):
            raise ValueError(
                "give either cells, or rows with the activity and role of its top left"
            )
        if pasted and (self.activity is None or self.role is None):
            raise ValueError("rows need the activity and role of the block's top left cell")
        if pasted and sum(len(row) for row in self.rows) > 50_000:
            raise ValueError("at most 50000 cells at once")
        return self


class BlockOut(BaseModel):
    changed: int
    version: int


class FindingOut(BaseModel):
    severity: Literal["error", "warning", "info"]
    rule: str
    message: str
    activity: int | None
    role: int | None


class FindingsOut(BaseModel):
    version: int
    status: str
    summary: dict[str, int]
    findings: list[FindingOut]


# -- Structure ----------------------------------------------------------------------------


class ActivityIn(BaseModel):
    phase: Id
    name: Text(200, 1)
    description: Text(1000) = ""


class ActivityPatch(BaseModel):
    name: Text(200, 1) | None = None
    description: Text(1000) | None = None
    phase: Id | None = Field(None, description="Move it into this phase (at ``index``, or last).")
    index: Index | None = Field(None, description="Its place within its phase, from 0.")


class ActivityDone(BaseModel):
    id: int
    name: str
    description: str
    phase: int
    version: int


class PhaseIn(BaseModel):
    name: Text(120, 1)
    index: Index | None = None


class PhasePatch(BaseModel):
    name: Text(120, 1) | None = None
    index: Index | None = None


class PhaseDone(BaseModel):
    id: int
    name: str
    version: int


class ColumnIn(BaseModel):
    """Either ``role`` (a catalog role or one of the team's), or a new custom role's
    ``name`` and ``short_label``."""

    role: Id | None = None
    name: Text(100, 1) | None = None
    short_label: Text(12, 1) | None = None
    description: Text(200) = ""

    @model_validator(mode="after")
    def _one_form(self):
        if (self.role is None) == (self.name is None):
            raise ValueError("give either role, or name and short_label for a new role")
        if self.name is not None and self.short_label is None:
            raise ValueError("a new role needs a short_label")
        return self


class ColumnPatch(BaseModel):
    """``name``: the column's name in this matrix only (its role, which other matrices may
    show, keeps its own; the role's own name takes the column's back); ``index``: its place."""

    name: Text(100, 1) | None = None
    index: Index | None = None


class ColumnDone(BaseModel):
    id: int
    name: str
    version: int


class RoleOut(BaseModel):
    id: int
    name: str
    short_label: str
    kind: str
    team: int | None


class Done(BaseModel):
    version: int


class HoldersIn(BaseModel):
    people: list[Id] = Field(default_factory=list, max_length=500)
    users: list[Id] = Field(default_factory=list, max_length=500)
    new_name: Text(80) = ""


class HoldersOut(BaseModel):
    role: int
    holders: list[HolderOut]
    version: int


# -- People, history, mine ---------------------------------------------------------------


class HoldingOut(BaseModel):
    matrix: str
    role: int
    role_name: str


class PersonOut(BaseModel):
    id: int | None = Field(description="None for a member who holds nothing yet.")
    name: str
    has_account: bool
    user: int | None
    holds: list[HoldingOut]


class PersonIn(BaseModel):
    name: Text(80, 1)


class NamedPerson(BaseModel):
    id: int
    name: str


class ChangeOut(BaseModel):
    id: int
    at: datetime
    action: str
    summary: str
    by: str | None
    activity: int | None
    role: int | None
    undone: bool
    reverts: int | None


class UndoOut(BaseModel):
    undone: ChangeOut
    version: int


class ResponsibilityOut(BaseModel):
    letter: str
    meaning: str
    team: int
    matrix: str
    matrix_title: str
    phase: str
    activity: int
    activity_name: str
    role: int
    role_name: str


class TokenOut(BaseModel):
    name: str
    can_write: bool
    team: int | None
    expires_at: datetime | None


class MeOut(BaseModel):
    username: str
    token: TokenOut
