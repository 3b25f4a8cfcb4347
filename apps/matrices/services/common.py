"""What the matrix services share: the error a refused change raises, the structure's cache
version, and putting rows, phases and columns in order."""

from ..models import Matrix, new_structure_version


def structure_changed(matrix: Matrix, *, holders_with_accounts: bool = False) -> None:
    """Columns, phases or activities changed: raise the version that keys their caches.
    ``holders_with_accounts``: a person with an account now holds a column (apps/people), which
    the same statement marks (``Matrix.holders_with_accounts``, never unmarked)."""
    matrix.structure_version = new_structure_version()
    fields = {"structure_version": matrix.structure_version}
    if holders_with_accounts:
        fields["holders_with_accounts"] = matrix.holders_with_accounts = True
    Matrix.objects.filter(pk=matrix.pk).update(**fields)


class EditError(ValueError):
    """A change the user asked for that cannot be made; the message says why."""


def _renumber(items) -> None:
    for position, item in enumerate(items):
        item.position = position
    if items:
        type(items[0]).objects.bulk_update(items, ["position"])


def _place(siblings: list, item, index: int) -> None:
    """Put ``item`` at ``index`` among ``siblings`` (which may hold it) and renumber them."""
    others = [other for other in siblings if other.pk != item.pk]
    others.insert(max(0, min(index, len(others))), item)
    _renumber(others)


def _index(items, item) -> int:
    return next(i for i, other in enumerate(items) if other.pk == item.pk)


class NameTaken(EditError):
    """The name asked for is another's in the same matrix (the API answers ``name_taken``)."""

    code = "name_taken"
