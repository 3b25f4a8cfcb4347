from django.conf import settings
from django.db import models
from django.urls import reverse


class ShareLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ShareLink(models.Model):
    """A read-only link to a matrix for people without an account: its token is the secret."""

    matrix = models.ForeignKey(
        "matrices.Matrix", on_delete=models.CASCADE, related_name="share_links"
    )
    # secrets.token_urlsafe(32): 256 random bits, 43 characters.
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One live link per matrix: revoking it is then enough to close the matrix again.
            models.UniqueConstraint(
                fields=["matrix"],
                condition=models.Q(revoked_at__isnull=True),
                name="sharelink_one_active_per_matrix",
            ),
        ]

    def __str__(self):
        return f"Share link to {self.matrix}"

    def get_absolute_url(self):
        return reverse("sharing:view", args=[self.token])
