"""What one import may hold, whatever its format. The readers refuse more, with a message, as soon
as they see it, before doing work in proportion to what a file claims to hold.

README.md ("Export and import") states these limits; the lengths of names and texts are the
models' (apps/exchange/services.py checks them).
"""

from .problems import ImportProblem

MAX_ACTIVITIES = 2_000
MAX_ROLES = 200
MAX_PHASES = MAX_ACTIVITIES
MAX_HOLDERS = 50  # people holding one role


def _check(count: int, limit: int, what: str) -> None:
    if count > limit:
        raise ImportProblem(
            f"The file has more than {limit:,} {what}; an import takes at most {limit:,}."
        )


def check_roles(count: int) -> None:
    _check(count, MAX_ROLES, "roles")


def check_activities(count: int) -> None:
    _check(count, MAX_ACTIVITIES, "activities")


def check_phases(count: int) -> None:
    _check(count, MAX_PHASES, "phases")


def check_holders(count: int) -> None:
    _check(count, MAX_HOLDERS, "holders of one role")


def check_document(doc) -> None:
    """The limits on a whole document (a MatrixDocument)."""
    check_roles(len(doc.roles))
    check_phases(len(doc.phases))
    check_activities(doc.activity_count)
    for role in doc.roles:
        check_holders(len(role.holders))
