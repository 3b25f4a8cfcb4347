"""What happened to a matrix: every change with who, when, before and after; named snapshots."""

from django.conf import settings
from django.db import models

from apps.matrices.changes import Action

__all__ = ["Action", "Change", "Snapshot"]


class Change(models.Model):
    """One change to a matrix. ``before`` and ``after`` hold what undo needs (see records.py)."""

    matrix = models.ForeignKey("matrices.Matrix", on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    summary = models.CharField(max_length=500)
    # What the change was about, for filtering; kept as plain ids (and names in ``before`` or
    # ``after``) so that the entry survives the activity or role going away.
    activity_id = models.PositiveBigIntegerField(null=True, blank=True)
    role_id = models.PositiveBigIntegerField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # Set on an undo: the change it reverted. That change then counts as undone.
    reverts = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reverted_by"
    )
    # An undo of a change; reverting an undo is a redo, which counts as a change again (and
    # Undo reverts it in turn). What "Undo" and "Redo" take next depends on it (selectors.py).
    is_undo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["matrix", "-at"], name="change_matrix_at"),
            models.Index(fields=["matrix", "activity_id"], name="change_matrix_activity"),
            models.Index(fields=["matrix", "role_id"], name="change_matrix_role"),
        ]

    def __str__(self):
        return self.summary

    @property
    def letters(self) -> tuple[str, str] | None:
        """(before, after) letters of a cell change, "" for none; None for other changes."""
        if self.action != Action.CELL:
            return None
        return (self.before or {}).get("code", ""), (self.after or {}).get("code", "")

    @property
    def undone(self) -> bool:
        return hasattr(self, "reverted_by")


class Snapshot(models.Model):
    """The whole matrix as it was at a moment, under a name ("as agreed on 20 November").

    ``document`` is the JSON export format (docs/json-format.md), so a snapshot can be compared,
    downloaded and turned back into a matrix by the importer.
    """

    matrix = models.ForeignKey(
        "matrices.Matrix", on_delete=models.CASCADE, related_name="snapshots"
    )
    name = models.CharField(max_length=120)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    document = models.JSONField()

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "name"], name="snapshot_unique_name")
        ]

    def __str__(self):
        return self.name
