"""Agreement: the people who hold a matrix's roles agree to their part of it, or object.

An ``Agreement`` is one person's answer on one matrix, to a version of THEIR letters (the
letters of the roles they hold): ``letters`` keeps them as they were answered, ``fingerprint``
names that version. When a change alters them, the answer is out of date (``changed`` says
how) and the person is asked again; a change elsewhere in the matrix leaves it standing.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

REASON_MAX = 500


class State(models.TextChoices):
    WAITING = "waiting", "Waiting"
    AGREED = "agreed", "Agreed"
    OBJECTED = "objected", "Objected"
    OUTDATED = "outdated", "Out of date"


STANDING = (State.AGREED, State.OBJECTED)


class Agreement(models.Model):
    matrix = models.ForeignKey(
        "matrices.Matrix", on_delete=models.CASCADE, related_name="agreements"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    # The last answer given (agreed or objected), which an out-of-date answer falls back to if
    # the letters come back to the ones answered (an undo).
    answer = models.CharField(max_length=10, blank=True)
    asked_at = models.DateTimeField(null=True, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The letters answered: [[activity id, role id, code, activity name, role name], ...].
    letters = models.JSONField(default=list, blank=True)
    fingerprint = models.CharField(max_length=32, blank=True)
    reason = models.TextField(max_length=REASON_MAX, blank=True)
    # The cells an objection names: [[activity id, role id], ...] (marked in the grid).
    objected = models.JSONField(default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Recorded by an editor for someone without an account: "agreed in the meeting on ...".
    meeting_on = models.DateField(null=True, blank=True)
    # What changed in the person's letters since they answered (an out-of-date answer).
    changed = models.JSONField(default=list, blank=True)
    outdated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "person"], name="agreement_unique_matrix_person"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=State.values), name="agreement_state_known"
            ),
        ]

    def __str__(self):
        return f"{self.person} on {self.matrix}: {self.state}"


class EventKind(models.TextChoices):
    ASKED = "asked", "Asked"
    AGREED = "agreed", "Agreed"
    OBJECTED = "objected", "Objected"
    RECORDED = "recorded", "Recorded as agreed"
    OUTDATED = "outdated", "Out of date"
    RESTORED = "restored", "Stands again"


class Event(models.Model):
    """The agreement's own history on a matrix: requests, answers, and what made an answer out
    of date. (The matrix's history, apps/history, records changes to the matrix itself.)"""

    matrix = models.ForeignKey(
        "matrices.Matrix", on_delete=models.CASCADE, related_name="agreement_events"
    )
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=1000)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["matrix", "-at"], name="agreement_event_matrix_at")]

    def __str__(self):
        return self.text


class Review(models.Model):
    """A matrix's review interval: when ``due_on`` comes, its owners are reminded."""

    matrix = models.OneToOneField(
        "matrices.Matrix", on_delete=models.CASCADE, related_name="review"
    )
    every_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    due_on = models.DateField()
    reminded_on = models.DateField(null=True, blank=True)

    def __str__(self):
        return f"Review {self.matrix} every {self.every_days} days"
