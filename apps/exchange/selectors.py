from django.utils import timezone

from apps.agreement.models import Agreement
from apps.matrices.models import Matrix
from apps.matrices.selectors import grid_data, matrix_grid
from apps.raci.exchange.document import (
    DEFINITION_FIELDS,
    ActivityDoc,
    AgreementDoc,
    AnsweredLetter,
    HolderDoc,
    MatrixDocument,
    PhaseDoc,
    RoleDoc,
)


def matrix_document(matrix: Matrix) -> MatrixDocument:
    """The matrix as an export document, with the rule findings and who holds each role (none
    for a share link's visitor), in the grid's queries."""
    data = grid_data(matrix)
    grid = matrix_grid(matrix, data)
    holders = data.holders or {}
    roles = [
        RoleDoc(
            key=role.slug,
            name=role.name,
            short_label=role.short_label,
            kind=role.kind,
            summary=role.summary,
            **{name: getattr(role, name) for name in DEFINITION_FIELDS},
            holders=[
                HolderDoc(holder.name, holder.username) for holder in holders.get(role.pk, ())
            ],
        )
        for role in data.roles
    ]
    phases = [
        PhaseDoc(
            name=band.phase.name,
            activities=[
                ActivityDoc(
                    name=row.activity.name,
                    description=row.activity.description,
                    cells={cell.role.slug: cell.letter.code for cell in row.cells if cell.letter},
                    notes={
                        cell.role.slug: data.notes[row.activity.pk, cell.role.pk]
                        for cell in row.cells
                        if (row.activity.pk, cell.role.pk) in data.notes
                    },
                )
                for row in band.rows
            ],
        )
        for band in grid.bands
    ]
    return MatrixDocument(
        title=matrix.title,
        slug=matrix.slug,
        description=matrix.description,
        scheme=matrix.scheme,
        roles=roles,
        phases=phases,
        accountable_does_work=matrix.accountable_does_work,
        overload_percent=matrix.overload_percent,
        overlap_threshold=matrix.overlap_threshold,
        unheld_roles_note=matrix.unheld_roles_note,
        shared_accountable_warning=matrix.shared_accountable_warning,
        exported_at=timezone.now(),
        findings=grid.findings,
        holders_hidden=getattr(matrix, "shared", False),
        agreement=[] if getattr(matrix, "shared", False) else agreement_document(matrix, holders),
    )


def agreement_document(matrix: Matrix, holders) -> list[AgreementDoc]:
    """Each holder's answer, for the exports: the holders are the grid's (cached with it), the
    answers one query; none for a template or a matrix nobody holds a role in."""
    people = {holder.id: holder for held in holders.values() for holder in held}
    if matrix.team_id is None or not people:
        return []
    answers = {a.person_id: a for a in Agreement.objects.filter(matrix=matrix)}
    entries = []
    for pk, holder in sorted(people.items(), key=lambda item: (item[1].name.casefold(), item[0])):
        answer = answers.get(pk)
        answered = answer is not None and answer.answered_at is not None
        entries.append(
            AgreementDoc(
                person=holder.name,
                username=holder.username,
                answer=answer.state if answer is not None else "not_asked",
                answered_at=answer.answered_at if answered else None,
                meeting_on=answer.meeting_on if answer is not None else None,
                version=answer.fingerprint[:12] if answered else "",
                letters=[
                    AnsweredLetter(activity, role, code)
                    for _, _, code, activity, role in (answer.letters if answered else [])
                ],
                reason=answer.reason if answer is not None else "",
                changed=list(answer.changed) if answer is not None else [],
            )
        )
    return entries
