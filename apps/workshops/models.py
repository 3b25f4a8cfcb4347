"""Workshops: a team fills in a matrix together, each person first on their own.

A facilitator starts a workshop on a matrix; participants join with a short code and a display
name (no account), vote a letter per role and activity, and the facilitator settles the
consensus into the matrix. Every change raises counters on the workshop row and is pushed to
the open pages once it commits (changes.py, apps/live/workshop; see docs/workshop.md).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from apps.raci.schemes import ALL_CODES

# Easy to read aloud and type: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, G/6, Q.
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
CODE_LENGTH = 6
# The letter a participant chose for "this role has no part in this activity".
NONE = ""
# A workshop's cap on participants: its default, and the most a facilitator may set.
MAX_PARTICIPANTS_DEFAULT = 300
MAX_PARTICIPANTS_LIMIT = 2000


class WorkshopState(models.TextChoices):
    OPEN = "open", "Open"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


class WorkshopQuerySet(models.QuerySet):
    def live(self):
        """Workshops a participant can still reach by their code."""
        return self.exclude(state=WorkshopState.CLOSED)


class Workshop(models.Model):
    matrix = models.ForeignKey(
        "matrices.Matrix", on_delete=models.CASCADE, related_name="workshops"
    )
    code = models.CharField(max_length=CODE_LENGTH)
    state = models.CharField(
        max_length=10, choices=WorkshopState.choices, default=WorkshopState.OPEN
    )
    # Participants see the group's answers only once the facilitator reveals them.
    revealed = models.BooleanField(default=False)
    activities = models.ManyToManyField("matrices.Activity", related_name="workshops")
    # Raised by every change (votes included): the board shows the version it was drawn at, and
    # a board that reconnects catches up when the workshop has moved past it.
    version = models.PositiveBigIntegerField(default=0)
    # Raised by the changes participants see (state, reveal, removal): the same for the ballots.
    stage = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops_started",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The most people in the workshop at once, set by the facilitator on the board: a code read
    # out in a room can leak, and a stuffed workshop is a board nobody can read.
    max_participants = models.PositiveIntegerField(default=MAX_PARTICIPANTS_DEFAULT)
    max_participants_limit = MAX_PARTICIPANTS_LIMIT  # for the board's form

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(state=WorkshopState.CLOSED),
                name="workshop_unique_code_while_live",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=WorkshopState.values), name="workshop_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(max_participants__range=(1, MAX_PARTICIPANTS_LIMIT)),
                name="workshop_max_participants_range",
            ),
        ]

    def __str__(self):
        return f"Workshop {self.code} on {self.matrix}"

    def get_absolute_url(self):
        return reverse("workshops:facilitate", kwargs={"slug": self.matrix.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state == WorkshopState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == WorkshopState.CLOSED

    @property
    def spoken_code(self) -> str:
        """The code in two halves, easier to read out: "ACD 347"."""
        half = len(self.code) // 2
        return f"{self.code[:half]} {self.code[half:]}"


class Participant(models.Model):
    """Someone who joined a workshop. Their browser session holds ``token``, nothing else does."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(max_length=40)
    token = models.CharField(max_length=64, unique=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    # A removed participant is kept (without votes), so their session cannot join again.
    removed_at = models.DateTimeField(null=True, blank=True)
    # Activities they answered (set any role on), kept by the vote's transaction (services.py).
    answered = models.PositiveIntegerField(default=0)
    # A keyed hash of the address they joined from (not the address): joins per address are
    # capped per workshop (settings.WORKSHOP_JOINS_PER_ADDRESS), removed participants included.
    joined_from = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "workshop",
                condition=models.Q(removed_at__isnull=True),
                name="participant_unique_name_in_workshop",
            ),
        ]

    def __str__(self):
        return self.name


class Vote(models.Model):
    """The letter one participant gives one role on one activity (``NONE``: no part)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    activity = models.ForeignKey("matrices.Activity", on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey("catalog.Role", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=1, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "activity", "role"], name="vote_unique_participant_cell"
            ),
            models.CheckConstraint(
                condition=models.Q(code__in=(*ALL_CODES, NONE)), name="vote_code_known"
            ),
        ]

    def __str__(self):
        return f"{self.participant}: {self.code or '-'} for {self.role_id} on {self.activity_id}"


class Tally(models.Model):
    """How many participants gave one cell one letter (``NONE``: an explicit "no part").

    Kept up to date by each vote's transaction (old letter out, new letter in) and by removing
    a participant, so the board reads these instead of every vote (docs/workshop.md).
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="tallies")
    activity = models.ForeignKey("matrices.Activity", on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey("catalog.Role", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=1, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "activity", "role", "code"], name="tally_unique_cell_code"
            ),
        ]

    def __str__(self):
        return f"{self.code or '-'} x{self.count} for {self.role_id} on {self.activity_id}"


class ActivityTally(models.Model):
    """How many participants answered one activity of a workshop, kept as votes arrive."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="activity_tallies"
    )
    activity = models.ForeignKey("matrices.Activity", on_delete=models.CASCADE, related_name="+")
    answered = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "activity"], name="activitytally_unique_activity"
            ),
        ]

    def __str__(self):
        return f"{self.answered} answered {self.activity_id} in {self.workshop_id}"


class SettledCell(models.Model):
    """What the facilitator put into the matrix for one cell, to show it on the board."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="settled")
    activity = models.ForeignKey("matrices.Activity", on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey("catalog.Role", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=1, blank=True)
    settled_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "activity", "role"], name="settledcell_unique_workshop_cell"
            ),
        ]

    def __str__(self):
        return f"{self.code or '-'} for {self.role_id} on {self.activity_id} in {self.workshop_id}"


class JoinAttempt(models.Model):
    """Join attempts per client and minute, in the database so that every process counts them."""

    key = models.CharField(max_length=120)
    minute = models.PositiveBigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "minute"], name="joinattempt_unique_key_minute"),
        ]

    def __str__(self):
        return f"{self.key} at minute {self.minute}: {self.count}"
