from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class AccessLevel(models.TextChoices):
    # Ordered from most to least access; see Membership.can_edit.
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


EDITING_LEVELS = frozenset({AccessLevel.OWNER, AccessLevel.EDITOR})


class Team(models.Model):
    name = models.CharField(max_length=120)
    # Set for the team every user gets of their own; at most one per user.
    personal_for = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_team",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Whether one of the team's webhooks asked for every change to its matrices
    # ("matrix.changed"): kept by apps/webhooks/services.py, read back with each change's
    # version (apps/matrices/changes.py) so that a team without one pays no query for it.
    change_webhooks = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    access = models.CharField(
        max_length=10, choices=AccessLevel.choices, default=AccessLevel.VIEWER
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique_team_user"),
            models.CheckConstraint(
                condition=models.Q(access__in=AccessLevel.values),
                name="membership_access_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.team} ({self.get_access_display()})"

    @property
    def can_edit(self) -> bool:
        return self.access in EDITING_LEVELS


class InviteQuerySet(models.QuerySet):
    def pending(self):
        """Invites that can still be accepted: not used and not expired."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invite(models.Model):
    """A single-use link that adds whoever opens it (signed in) to a team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invites")
    # The link's secret; secrets.token_urlsafe(32) gives 43 characters.
    token = models.CharField(max_length=64, unique=True)
    access = models.CharField(
        max_length=10, choices=AccessLevel.choices, default=AccessLevel.EDITOR
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(access__in=AccessLevel.values),
                name="invite_access_valid",
            ),
        ]

    def __str__(self):
        return f"Invite to {self.team} ({self.get_access_display()})"

    def get_absolute_url(self):
        return reverse("teams:join", args=[self.token])

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Preferences(models.Model):
    """How a person likes the app to look, kept for them wherever they sign in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    # The grid with each activity on one line, its description on hover (and for screen
    # readers): many more rows on a screen.
    compact_grid = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self):
        return f"Preferences of {self.user}"
