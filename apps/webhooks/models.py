"""Webhooks: a team's URLs told of its matrices' changes, and the log of each delivery."""

from django.conf import settings
from django.db import models


class Event(models.TextChoices):
    MATRIX_CREATED = "matrix.created", "A matrix is created"
    MATRIX_CHANGED = "matrix.changed", "A matrix is changed"
    MATRIX_DELETED = "matrix.deleted", "A matrix is deleted"
    MATRIX_AGREED = "matrix.agreed", "A matrix is agreed by everyone who holds its roles"
    MATRIX_AGREEMENT_LOST = "matrix.agreement_lost", "An agreed matrix is no longer agreed"
    WORKSHOP_SETTLED = "workshop.settled", "A workshop's result is settled into a matrix"


PING = "ping"  # the test event, sent by the "Send a test event" button


class Webhook(models.Model):
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)  # values of Event
    # Signs each delivery (HMAC-SHA256); shown to the team's owners, who give it to the receiver.
    secret = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.url

    def event_labels(self) -> list[str]:
        return [Event(event).label for event in self.events if event in Event.values]


class Status(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    RETRYING = "retrying", "Failed; will be retried"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed; given up"


class Delivery(models.Model):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["webhook", "-created_at"], name="delivery_webhook_at")]

    def __str__(self):
        return f"{self.event} to {self.webhook_id} ({self.status})"
