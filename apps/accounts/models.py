from django.conf import settings
from django.db import models


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
