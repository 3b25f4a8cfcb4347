"""Creating a matrix from an imported document: all of it, or (on any error) nothing."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from apps.accounts.models import Team
from apps.catalog import services as catalog_services
from apps.catalog.models import Role
from apps.matrices.models import Activity, Matrix, MatrixRole, Phase, Responsibility
from apps.matrices.services import unique_matrix_slug
from apps.people.models import Person
from apps.people.services import holders_import
from apps.raci.exchange import limits
from apps.raci.exchange.document import (
    DEFINITION_FIELDS,
    DEFINITION_LABELS,
    MatrixDocument,
    RoleDoc,
)
from apps.raci.exchange.problems import ImportProblem


def _most(model, field: str) -> int:
    return model._meta.get_field(field).max_length


# The models state the limits; names over them are refused, longer texts shortened.
NAME_MAX = {
    "matrix": _most(Matrix, "title"),
    "phase": _most(Phase, "name"),
    "activity": _most(Activity, "name"),
    "role": _most(Role, "name"),
    "label": _most(Role, "short_label"),
    "person": _most(Person, "name"),
}


@dataclass
class RolePlan:
    doc: RoleDoc
    existing: Role | None  # matched by name, case-insensitively; None: created as custom


@dataclass
class ImportPlan:
    doc: MatrixDocument
    roles: list[RolePlan] = field(default_factory=list)
    # Texts longer than the models keep, shortened (with an ellipsis): what, for the preview.
    shortened: list[str] = field(default_factory=list)

    @property
    def new_roles(self) -> list[RolePlan]:
        return [plan for plan in self.roles if plan.existing is None]

    @property
    def cell_count(self) -> int:
        return sum(len(activity.cells) for _, activity in self.doc.activities())

    def shortened_summary(self, shown: int = 5) -> str:
        listed = "; ".join(self.shortened[:shown])
        more = len(self.shortened) - shown
        more = f"; and {more:,} more" if more > 0 else ""
        return f"Longer than RACI Builder keeps, so shortened with an ellipsis: {listed}{more}."


def import_plan(*, doc: MatrixDocument, team: Team) -> ImportPlan:
    """Check the document against the limits and say which roles exist and which are new."""
    limits.check_document(doc)
    _check_lengths(doc)
    known = {
        role.name.lower(): role for role in Role.objects.filter(team__isnull=True).order_by("-pk")
    }
    known.update(
        {role.name.lower(): role for role in Role.objects.filter(team=team).order_by("-pk")}
    )
    plan = ImportPlan(doc, [RolePlan(role, known.get(role.name.lower())) for role in doc.roles])
    plan.shortened = _fit_texts(doc, [role_plan.doc for role_plan in plan.new_roles])
    return plan


@transaction.atomic
def matrix_import(*, doc: MatrixDocument, team: Team, created_by=None, title: str = "") -> Matrix:
    plan = import_plan(doc=doc, team=team)
    matrix = Matrix.objects.create(
        title=title or doc.title,
        slug=unique_matrix_slug(title or doc.title),
        description=doc.description,
        scheme=doc.scheme,
        accountable_does_work=doc.accountable_does_work,
        overload_percent=doc.overload_percent,
        overlap_threshold=doc.overlap_threshold,
        unheld_roles_note=doc.unheld_roles_note,
        shared_accountable_warning=doc.shared_accountable_warning,
        team=team,
        created_by=created_by,
    )
    _fill(matrix, plan)
    return matrix


def _fill(matrix: Matrix, plan: ImportPlan) -> None:
    """Put the document's columns, phases, activities, letters, notes and holders into the
    matrix, which has none."""
    doc = plan.doc
    team = matrix.team
    roles = {}
    for position, role_plan in enumerate(plan.roles):
        role = role_plan.existing or _custom_role(role_plan.doc, team)
        roles[role_plan.doc.key] = role
        MatrixRole.objects.create(matrix=matrix, role=role, position=position)
    cells = []
    for phase_position, phase_doc in enumerate(doc.phases):
        phase = Phase.objects.create(matrix=matrix, name=phase_doc.name, position=phase_position)
        activities = Activity.objects.bulk_create(
            Activity(
                matrix=matrix,
                phase=phase,
                name=activity.name,
                description=activity.description,
                position=position,
            )
            for position, activity in enumerate(phase_doc.activities)
        )
        for activity, activity_doc in zip(activities, phase_doc.activities, strict=True):
            cells += [
                Responsibility(
                    activity=activity,
                    role=roles[key],
                    code=code,
                    note=activity_doc.notes.get(key, ""),
                )
                for key, code in activity_doc.cells.items()
            ]
    try:
        Responsibility.objects.bulk_create(cells)
    except IntegrityError as error:  # the readers validate; this is the database's last word
        raise ImportProblem(f"The matrix could not be saved: {error}") from None
    holders_import(
        matrix=matrix,
        holders={
            roles[role.key]: [(holder.name, holder.username) for holder in role.holders]
            for role in doc.roles
            if role.holders
        },
    )


def _custom_role(doc: RoleDoc, team: Team) -> Role:
    return catalog_services.role_create_custom(
        team=team,
        name=doc.name,
        short_label=(doc.short_label or _label(doc.name))[: NAME_MAX["label"]],
        summary=doc.summary,
        **{name: getattr(doc, name) for name in DEFINITION_FIELDS},
    )


def _label(name: str) -> str:
    words = name.split()
    return "".join(word[0] for word in words).upper() if len(words) > 1 else name[:12]


def _check_lengths(doc: MatrixDocument) -> None:
    def check(kind: str, text: str, where: str) -> None:
        if not text.strip():
            raise ImportProblem(f"the {kind} name is empty", where=where)
        if len(text) > NAME_MAX[kind]:
            raise ImportProblem(
                f'the {kind} name "{text[:40]}…" is longer than {NAME_MAX[kind]} characters',
                where=where,
            )

    check("matrix", doc.title, "title")
    for role in doc.roles:
        check("role", role.name, f'role "{role.name[:40]}"')
        for holder in role.holders:
            check("person", holder.name, f'a holder of role "{role.name[:40]}"')
    phase_names = set()
    for phase in doc.phases:
        check("phase", phase.name, f'phase "{phase.name[:40]}"')
        if phase.name.lower() in phase_names:
            raise ImportProblem(f'duplicate phase "{phase.name}"')
        phase_names.add(phase.name.lower())
        for activity in phase.activities:
            check("activity", activity.name, f'activity "{activity.name[:40]}"')


def _fit_texts(doc: MatrixDocument, new_roles: list[RoleDoc]) -> list[str]:
    """Shorten, with an ellipsis, the texts longer than the models keep (descriptions, notes,
    the details of the roles to create); say which. Names are never shortened: two could end
    up the same, so a name over its limit is refused (``_check_lengths``)."""
    shortened: list[str] = []

    def fit(text: str, limit: int, what: str) -> str:
        if len(text) <= limit:
            return text
        shortened.append(f"{what} ({len(text):,} characters, shortened to {limit:,})")
        return text[: limit - 1].rstrip() + "\u2026"

    doc.description = fit(doc.description, _most(Matrix, "description"), "the description")
    for role in new_roles:
        name = _quoted(role.name)
        role.short_label = fit(role.short_label, NAME_MAX["label"], f"the label of role {name}")
        role.summary = fit(role.summary, _most(Role, "summary"), f"the summary of role {name}")
        for key in DEFINITION_FIELDS:
            label = DEFINITION_LABELS[key].lower()
            what = f"the {label} of role {name}"
            setattr(role, key, fit(getattr(role, key), Role.DEFINITION_MAX_LENGTH, what))
    for _, activity in doc.activities():
        name = _quoted(activity.name)
        activity.description = fit(
            activity.description,
            _most(Activity, "description"),
            f"the description of activity {name}",
        )
        for key, note in activity.notes.items():
            activity.notes[key] = fit(note, _most(Responsibility, "note"), f"a note on {name}")
    return shortened


def _quoted(name: str) -> str:
    return f"“{name[:40]}…”" if len(name) > 40 else f"“{name}”"
