"""A matrix as a plain document: what every export writes and every import reads.

Django code builds a MatrixDocument from the database (apps/exchange/selectors.py) and creates a
matrix from one (apps/exchange/services.py); the writers and readers here never touch the
database, so they are fast to test and reusable.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from ..rules import Finding
from ..schemes import Scheme, get_scheme

DEFINITION_FIELDS = (
    "focus",
    "goal",
    "key_responsibilities",
    "skills",
    "timeframe",
    "scope",
    "stakeholders",
    "success_metrics",
)
DEFINITION_LABELS = {
    "focus": "Focus",
    "goal": "Goal",
    "key_responsibilities": "Key responsibilities",
    "skills": "Skills",
    "timeframe": "Timeframe",
    "scope": "Scope",
    "stakeholders": "Stakeholders",
    "success_metrics": "Success metrics",
}


@dataclass(slots=True)
class HolderDoc:
    """A person who holds a role: a name, and the username of one who has an account here."""

    name: str
    username: str = ""


@dataclass(slots=True)
class RoleDoc:
    key: str  # stable within the document (the role's slug); cells refer to it
    name: str
    short_label: str = ""
    kind: str = "custom"  # core, supporting or custom
    summary: str = ""
    focus: str = ""
    goal: str = ""
    key_responsibilities: str = ""  # one per line
    skills: str = ""
    timeframe: str = ""
    scope: str = ""
    stakeholders: str = ""
    success_metrics: str = ""
    # Who holds the role in this matrix (format version 2 on).
    holders: list[HolderDoc] = field(default_factory=list)

    def definition(self) -> list[tuple[str, str]]:
        """The non-empty definition fields as (label, text), in guide order."""
        return [
            (DEFINITION_LABELS[name], getattr(self, name))
            for name in DEFINITION_FIELDS
            if getattr(self, name).strip()
        ]


@dataclass(slots=True)
class ActivityDoc:
    name: str
    description: str = ""
    cells: dict[str, str] = field(default_factory=dict)  # role key -> letter
    notes: dict[str, str] = field(default_factory=dict)  # role key -> note on that cell


@dataclass(slots=True)
class PhaseDoc:
    name: str
    activities: list[ActivityDoc] = field(default_factory=list)


@dataclass(slots=True)
class MatrixDocument:
    title: str
    scheme: str = "raci"
    description: str = ""
    roles: list[RoleDoc] = field(default_factory=list)
    phases: list[PhaseDoc] = field(default_factory=list)
    accountable_does_work: bool = False
    overload_percent: int = 50
    overlap_threshold: int = 3
    unheld_roles_note: bool = True
    shared_accountable_warning: bool = True
    # Set on export only: where it came from and the rule engine's findings at that moment.
    slug: str = ""
    exported_at: datetime | None = None
    findings: list[Finding] = field(default_factory=list)
    # A share link's export leaves out who holds the roles (the team's business): the exports
    # say so rather than that nobody holds them.
    holders_hidden: bool = False

    @property
    def scheme_definition(self) -> Scheme:
        return get_scheme(self.scheme)

    def activities(self) -> Iterator[tuple[PhaseDoc, ActivityDoc]]:
        for phase in self.phases:
            for activity in phase.activities:
                yield phase, activity

    @property
    def activity_count(self) -> int:
        return sum(len(phase.activities) for phase in self.phases)

    def role(self, key: str) -> RoleDoc:
        return next(role for role in self.roles if role.key == key)
