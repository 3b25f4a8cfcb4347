from django.utils import timezone

from apps.matrices.models import Matrix
from apps.matrices.selectors import grid_data, matrix_grid
from apps.raci.exchange.document import (
    DEFINITION_FIELDS,
    ActivityDoc,
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
    )
