import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from apps.raci.schemes import ALL_CODES, DEFAULT_SCHEME, get_scheme, scheme_choices


def new_structure_version() -> int:
    return secrets.randbits(62)


class MatrixQuerySet(models.QuerySet):
    def templates(self):
        return self.filter(is_template=True)

    def for_user(self, user):
        """Matrices of the teams the user belongs to (templates excluded)."""
        return self.filter(is_template=False, team__memberships__user=user)


class MatrixManager(models.Manager.from_queryset(MatrixQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Matrix(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, max_length=2_000)
    scheme = models.CharField(max_length=10, choices=scheme_choices(), default=DEFAULT_SCHEME.key)
    # Rule options: whether the Accountable role also counts as doing the work, and the share
    # of activities above which a role holding R or A is flagged as overloaded.
    accountable_does_work = models.BooleanField(
        default=False,
        help_text="Count the Accountable role as also doing the work (no separate R needed).",
    )
    overload_percent = models.PositiveSmallIntegerField(
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Warn when a role is Responsible or Accountable on more than this share.",
    )
    # Rule options about the people who hold the roles (apps/raci/overlaps.py): how many
    # activities one person may be both Accountable and Responsible on (through two roles)
    # before a warning (0: never), and whether a column with letters and no holder is noted.
    overlap_threshold = models.PositiveSmallIntegerField(
        default=3,
        validators=[MaxValueValidator(1000)],
        help_text="Warn when one person is both Accountable and Responsible, through two roles, "
        "on at least this many activities (0: never).",
    )
    unheld_roles_note = models.BooleanField(
        default=True,
        help_text="Note the role columns that hold letters but that nobody holds.",
    )
    shared_accountable_warning = models.BooleanField(
        default=True,
        help_text="Warn about a role that is Accountable somewhere and held by several people.",
    )
    # A template is a read-only starting point that new matrices are copied from.
    is_template = models.BooleanField(default=False)
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="matrices"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_matrices",
    )
    roles = models.ManyToManyField("catalog.Role", through="MatrixRole", related_name="matrices")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A new random value with every change to the columns, phases or activities (or a
    # column's role): the key under which each process caches them (selectors.matrix_structure).
    # Random rather than counted, so that no value comes back: not after a rolled-back change,
    # not when a fixture or a restored backup brings an old row back.
    structure_version = models.BigIntegerField(default=new_structure_version, editable=False)
    # Counts the changes: each announced change (apps/matrices/announce.py) raises it by one,
    # in the change's transaction, so versions follow the order in which changes commit. Every
    # live update carries it, and a browser that sees a gap knows it missed one and catches up.
    version = models.PositiveBigIntegerField(default=0, editable=False)
    # Whether the listeners above (changes.py's ``change_committed``) have anything to do after
    # a change, read back by the statement that takes each change's version, so that a change to
    # a matrix without them costs no query more. Set, never cleared, by the services that make
    # it so, in the transaction that does: an agreement asked or answered (apps/agreement), a
    # person with an account placed on a column (apps/people: only they are told of changes).
    agreement_asked = models.BooleanField(default=False, editable=False)
    holders_with_accounts = models.BooleanField(default=False, editable=False)

    objects = MatrixManager()

    class Meta:
        verbose_name_plural = "matrices"
        ordering = ["-updated_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_template=True) | models.Q(team__isnull=False),
                name="matrix_belongs_to_team_unless_template",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("matrices:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def scheme_definition(self):
        return get_scheme(self.scheme)


def show_label(role, label: str):
    role.catalog_name = role.name
    if label:
        role.name = label
    return role


class MatrixRoleManager(models.Manager):
    def get_by_natural_key(self, matrix_slug, role_slug):
        return self.get(matrix__slug=matrix_slug, role__slug=role_slug)


class MatrixRole(models.Model):
    """A role column of a matrix, in order."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="columns")
    role = models.ForeignKey("catalog.Role", on_delete=models.PROTECT, related_name="columns")
    position = models.PositiveIntegerField(default=0)
    # The column's name in this matrix, when renamed here; blank: its role's own name. The role
    # may be the catalog's or the team's, shared with other matrices, which keep its name.
    label = models.CharField(max_length=100, blank=True)

    objects = MatrixRoleManager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "role"], name="matrixrole_unique_matrix_role"
            ),
        ]

    def __str__(self):
        return f"{self.role} in {self.matrix}"

    def natural_key(self):
        return (*self.matrix.natural_key(), *self.role.natural_key())

    def shown_role(self):
        """The column's role, named as this matrix shows it (``name``; the role's own name
        in ``catalog_name``). Not to be saved: the label belongs to the column."""
        return show_label(self.role, self.label)

    natural_key.dependencies = ["matrices.matrix", "catalog.role"]


class NamedInMatrixManager(models.Manager):
    def get_by_natural_key(self, matrix_slug, name):
        return self.get(matrix__slug=matrix_slug, name=name)


class Phase(models.Model):
    """A named group of activities, shown as a band across the grid."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)

    objects = NamedInMatrixManager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "name"], name="phase_unique_matrix_name"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.matrix.natural_key(), self.name)

    natural_key.dependencies = ["matrices.matrix"]


class Activity(models.Model):
    """A row of a matrix."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="activities")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="activities")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=1_000)
    # Order within the phase.
    position = models.PositiveIntegerField(default=0)

    objects = NamedInMatrixManager()

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["phase__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "name"], name="activity_unique_matrix_name"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.matrix.natural_key(), self.name)

    natural_key.dependencies = ["matrices.matrix", "matrices.phase"]


class ResponsibilityManager(models.Manager):
    def get_by_natural_key(self, matrix_slug, activity_name, role_slug):
        return self.get(
            activity__matrix__slug=matrix_slug, activity__name=activity_name, role__slug=role_slug
        )


class Responsibility(models.Model):
    """One cell of a matrix: the letter a role holds for an activity."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="responsibilities"
    )
    role = models.ForeignKey(
        "catalog.Role", on_delete=models.CASCADE, related_name="responsibilities"
    )
    code = models.CharField(max_length=1)
    # Why this role holds this letter, e.g. "signs off the budget with finance".
    note = models.TextField(blank=True, max_length=500)

    objects = ResponsibilityManager()

    class Meta:
        verbose_name_plural = "responsibilities"
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "role"], name="responsibility_unique_activity_role"
            ),
            models.CheckConstraint(
                condition=models.Q(code__in=ALL_CODES), name="responsibility_code_known"
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.role} on {self.activity}"

    def natural_key(self):
        return (*self.activity.natural_key(), *self.role.natural_key())

    natural_key.dependencies = ["matrices.activity", "catalog.role"]
