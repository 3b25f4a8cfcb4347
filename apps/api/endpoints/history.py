"""The history of a matrix, and undo: the history's own service, as the page's Undo."""

from django.http import Http404
from ninja import Router

from apps.history import selectors
from apps.history.models import Change
from apps.history.services import change_undo
from apps.matrices.services import EditError

from ..access import api_matrix, caller
from ..errors import ERRORS
from ..pagination import PageNumber, page_of
from ..schemas import ChangeOut, Id, Page, Slug, UndoOut

router = Router(tags=["History"])


def change_out(change: Change) -> dict:
    return {
        "id": change.pk,
        "at": change.at,
        "action": change.action,
        "summary": change.summary,
        "by": change.by.get_username() if change.by_id else None,
        "activity": change.activity_id,
        "role": change.role_id,
        "undone": change.undone,
        "reverts": change.reverts_id,
    }


@router.get(
    "/matrices/{slug}/history", response={200: Page[ChangeOut], **ERRORS}, summary="History"
)
def list_history(request, slug: Slug, page: int = PageNumber):
    """Every change of the matrix, newest first."""
    matrix = api_matrix(request, slug)
    return page_of(selectors.changes_for(matrix), page, change_out)


def _undo(request, matrix, change: Change) -> dict:
    change.matrix = matrix
    change_undo(change=change, by=caller(request).user)
    change.refresh_from_db()
    return {"undone": change_out(change), "version": matrix.version}


@router.post(
    "/matrices/{slug}/history/undo",
    response={200: UndoOut, **ERRORS},
    summary="Undo the last change",
)
def undo_last(request, slug: Slug):
    """What the page's Undo does: revert the newest change that is not an undo and not undone."""
    matrix = api_matrix(request, slug, edit=True)
    change = selectors.last_undoable(matrix)
    if change is None:
        raise EditError("There is nothing to undo.")
    return _undo(request, matrix, change)


@router.post(
    "/matrices/{slug}/history/{change_id}/undo",
    response={200: UndoOut, **ERRORS},
    summary="Undo one change",
)
def undo(request, slug: Slug, change_id: Id):
    matrix = api_matrix(request, slug, edit=True)
    change = Change.objects.filter(matrix=matrix, pk=change_id).first()
    if change is None:
        raise Http404("No such change of this matrix.")
    return _undo(request, matrix, change)
