"""Notices: what a person is told about their part (a letter given, taken or altered, their
agreement asked, a review due), in the app and by email (a digest, sent by the worker)."""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    LETTERS = "letters", "Your letters changed"
    ASKED = "asked", "Agreement asked"
    ANNOUNCED = "announced", "Announced activity"
    REVIEW = "review", "Review due"


class EmailChoice(models.TextChoices):
    EVERY = "every", "Every change (at most one mail a quarter hour)"
    DAILY = "daily", "A daily digest"
    NONE = "none", "No email"


class Delivery(models.Model):
    """One digest mail to one person. Claimed (its notices attached) in one transaction, sent,
    then marked sent in another: a worker that dies between the two leaves it unsent, and the
    next run sends it (with the same Message-ID); notices never claimed wait for the next run."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    to = models.EmailField()
    message_id = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The last attempt to send it: a run finding it unsent long after tries again.
    tried_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["sent_at"], name="delivery_sent_at")]

    def __str__(self):
        return f"Digest to {self.to}"


class Notice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    matrix = models.ForeignKey(
        "matrices.Matrix", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.CharField(max_length=500)
    # A path within the site (a matrix's page, at a cell): the mail makes it absolute.
    path = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When the notice may go out by mail (the next quarter hour, or the daily hour); None: never.
    mail_after = models.DateTimeField(null=True, blank=True)
    delivery = models.ForeignKey(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notice_user_unread"),
            models.Index(fields=["mail_after"], name="notice_mail_after"),
        ]

    def __str__(self):
        return self.text


class Preference(models.Model):
    """How a person wants to hear about one team's matrices by mail (in the app: always)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    email = models.CharField(max_length=8, choices=EmailChoice.choices, default=EmailChoice.EVERY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="preference_unique_user_team")
        ]

    def __str__(self):
        return f"{self.user} in {self.team}: {self.email}"


class AnnouncedActivity(models.Model):
    """An activity whose changes its Informed are told about: the people holding an I on it."""

    activity = models.OneToOneField("matrices.Activity", on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "announced activities"

    def __str__(self):
        return f"Announce {self.activity}"
