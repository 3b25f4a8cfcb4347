from django.db import models
from django.urls import reverse


class SourceManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Source(models.Model):
    """One of the articles the reference content was derived from."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    filename = models.CharField(max_length=120, help_text="File name in shared/seeds/.")

    objects = SourceManager()

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalog:role_guide") + f"#role-{self.slug}"

    def natural_key(self):
        return (self.slug,)


class RoleKind(models.TextChoices):
    CORE = "core", "Core role"
    SUPPORTING = "supporting", "Supporting role"
    CUSTOM = "custom", "Custom role"


class RoleQuerySet(models.QuerySet):
    def catalog(self):
        """Roles every team can use: the core and supporting roles, not teams' custom ones."""
        return self.filter(team__isnull=True)


class RoleManager(models.Manager.from_queryset(RoleQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Role(models.Model):
    """A role definition: a column of a RACI matrix and an entry of the role guide."""

    # The definition fields, in the order the role guide shows them.
    DEFINITION_FIELDS = (
        "focus",
        "goal",
        "key_responsibilities",
        "skills",
        "timeframe",
        "scope",
        "stakeholders",
        "success_metrics",
    )
    # The longest text each of them may hold (the name, label and summary have their own).
    DEFINITION_MAX_LENGTH = 2_000

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=100)
    short_label = models.CharField(
        max_length=12, help_text='Abbreviation for column headers, e.g. "PdM".'
    )
    kind = models.CharField(max_length=12, choices=RoleKind.choices, default=RoleKind.CUSTOM)
    # Custom roles belong to the team that created them; catalog roles to nobody.
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="custom_roles",
    )
    summary = models.CharField(max_length=200, blank=True, help_text="The role in one line.")
    focus = models.TextField(blank=True, max_length=DEFINITION_MAX_LENGTH)
    goal = models.TextField(blank=True, max_length=DEFINITION_MAX_LENGTH)
    key_responsibilities = models.TextField(
        blank=True, max_length=DEFINITION_MAX_LENGTH, help_text="One per line."
    )
    skills = models.TextField(blank=True, max_length=DEFINITION_MAX_LENGTH)
    timeframe = models.TextField(blank=True, max_length=DEFINITION_MAX_LENGTH)
    scope = models.TextField(blank=True, max_length=DEFINITION_MAX_LENGTH)
    stakeholders = models.TextField(blank=True, max_length=DEFINITION_MAX_LENGTH)
    success_metrics = models.TextField(blank=True, max_length=DEFINITION_MAX_LENGTH)
    sources = models.ManyToManyField(Source, blank=True, related_name="roles")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoleManager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(team__isnull=True),
                name="role_unique_catalog_name",
            ),
            models.UniqueConstraint(fields=["team", "name"], name="role_unique_team_name"),
            models.CheckConstraint(
                condition=models.Q(kind="custom", team__isnull=False)
                | (~models.Q(kind="custom") & models.Q(team__isnull=True)),
                name="role_custom_iff_team",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    @property
    def responsibility_list(self) -> list[str]:
        return [line.strip() for line in self.key_responsibilities.splitlines() if line.strip()]
