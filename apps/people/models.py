"""People on roles: who, in a team, holds each role column of the team's matrices.

A ``Person`` belongs to one team: either a user of the team (their name comes from their
account) or a named person without an account ("Dana (agency)"), whom only the team sees.
A ``Holder`` says that a person holds a role column of a matrix; a column has zero or more.
"""

import re

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


class Person(models.Model):
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="people")
    # Set for a user of the team; empty for a named person without an account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="people",
    )
    # A named person's name; a user's comes from their account (``display_name``).
    name = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "people"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=models.Q(user__isnull=False),
                name="person_unique_team_user",
            ),
            models.UniqueConstraint(
                models.F("team"),
                Lower("name"),
                condition=models.Q(user__isnull=True),
                name="person_unique_team_name",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="person_user_or_name",
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("people:person", kwargs={"team_pk": self.team_id, "pk": self.pk})

    @property
    def has_account(self) -> bool:
        return self.user_id is not None

    @property
    def display_name(self) -> str:
        """What the pages call the person: a user's full name (else username), or the name."""
        if self.user_id is not None:
            return user_name(self.user)
        return self.name


def user_name(user) -> str:
    return user.get_full_name() or user.get_username()


def initials(name: str) -> str:
    """Two letters for a name, as the column heads show it: "Ana Lopez" AL, "Dana (agency)"
    DA, "Sam" SA. What is in brackets counts only when nothing else does."""
    plain = re.sub(r"\([^)]*\)", " ", name)
    words = re.findall(r"\w+", plain) or re.findall(r"\w+", name)
    if len(words) >= 2:
        return (words[0][0] + words[-1][0]).upper()
    return (words[0][:2] if words else "?").upper()


class Holder(models.Model):
    """A person who holds a role column of a matrix.

    Keyed on the matrix and the role rather than on the column's row, so that a column removed
    and brought back (by undo, or added again) still has its holders; the pages, rules and
    exports only ever show the holders of the columns a matrix has.
    """

    matrix = models.ForeignKey("matrices.Matrix", on_delete=models.CASCADE, related_name="holders")
    role = models.ForeignKey("catalog.Role", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="holdings")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "role", "person"], name="holder_unique_matrix_role_person"
            ),
        ]

    def __str__(self):
        return f"{self.person} holds {self.role} in {self.matrix}"
