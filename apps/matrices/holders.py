"""Who holds each role column of a matrix: people, whom the people app (apps/people) keeps.

The grid needs the holders twice: its rules check what the people behind the letters hold
(apps/raci/overlaps.py), and its column heads, people panel and workload show them. This app
must not import apps/people, which sits above it (layers point down: tests/test_layers.py), so
the people app registers one reader here when it starts (``PeopleConfig.ready``), and the
structure cache (``selectors.matrix_structure``) calls it beside the columns, phases and
activities. The page, a cell's answer, the exports and the live redraws then all read the
holders from the same place, in the same queries, and agree on the findings they give.

Why this hook rather than template tags of the people app: the findings are computed here, in
the selectors, and must be the same on the page, in a cell update's answer and in the exports;
template tags could give the column heads their holders, but not the rules. People's own parts
of the page (the panel's forms, the role guide's row, the person's page) are the people app's
templates and views, which read ``Grid.holders`` or query for themselves.

Without a reader a matrix has no known holders (None), and no overlap rule runs.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Holder:
    """A person who holds a role column, as the grid shows them."""

    id: int  # the person's (apps/people's Person)
    name: str
    initials: str
    has_account: bool
    username: str = ""  # of their account, for the exports; "" for a named person


# Role id -> the people who hold that column, in the order the page lists them.
type Holders = Mapping[int, tuple[Holder, ...]]

# The registered reader: the matrix -> its holders, or None for a matrix that keeps none (a
# template). One slot, filled once at start-up.
_reader: list[Callable[..., Holders | None]] = []


def register_reader(reader: Callable[..., Holders | None]) -> None:
    _reader[:] = [reader]


def read_holders(matrix) -> Holders | None:
    """The holders of the matrix's columns (one query), or None when nothing keeps them."""
    return _reader[0](matrix) if _reader else None
