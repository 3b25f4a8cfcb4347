"""What one import may hold, whatever its format. The readers refuse more, with a message, as soon
as they see it, before doing work in proportion to what a file claims to hold.

README.md ("Export and import") and docs/deploy.md ("Size limits") state these limits; the
lengths of names and texts are the models' (apps/exchange/services.py checks them).

The size of a matrix an import takes is the deployment's to set (IMPORT_MAX_ACTIVITIES and
IMPORT_MAX_ROLES in config/settings.py, which apps/exchange/apps.py passes to ``configure``):
read them here when they are needed (``limits.MAX_ROLES``), never copy them at import time.
"""

from .problems import ImportProblem

# What the app serves in seconds on a 2-core machine: the page, the import and every export of
# a matrix this size (bench/largest.py measures them; docs/performance.md has the figures).
MAX_ACTIVITIES = 1_000
MAX_ROLES = 100
MAX_PHASES = MAX_ACTIVITIES
MAX_HOLDERS = 50  # people holding one role


def configure(*, activities: int, roles: int) -> None:
    """Set the size of a matrix an import takes."""
    global MAX_ACTIVITIES, MAX_ROLES, MAX_PHASES
    if activities < 1 or roles < 1:
        raise ValueError("an import must take at least one activity and one role")
    MAX_ACTIVITIES, MAX_ROLES, MAX_PHASES = activities, roles, activities


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
