"""Teams (read), templates, and matrices as a whole: list, read, create, rename, delete."""

from django.db.models import CharField, OuterRef, Subquery, Value
from ninja import Router, Status

from apps.accounts.models import EDITING_LEVELS, Membership, Team
from apps.matrices import services
from apps.matrices.models import Matrix

from ..access import api_matrix, api_team, caller, team_token_access
from ..errors import ERRORS, ApiError
from ..pagination import PageNumber, page_of
from ..schemas import Done, Id, MatrixIn, MatrixOut, MatrixPatch, Page, Slug, TeamOut

router = Router(tags=["Teams and matrices"])


def team_out(team: Team, access: str) -> dict:
    return {
        "id": team.pk,
        "name": team.name,
        "access": access,
        "personal": team.personal_for_id is not None,
    }


def matrix_out(matrix: Matrix) -> dict:
    return {
        "slug": matrix.slug,
        "title": matrix.title,
        "description": matrix.description,
        "team": matrix.team_id,
        "scheme": matrix.scheme,
        "is_template": matrix.is_template,
        "can_edit": bool(getattr(matrix, "can_edit", False)),
        "version": matrix.version,
        "updated_at": matrix.updated_at,
        "url": matrix.get_absolute_url(),
    }


@router.get("/teams", response={200: Page[TeamOut], **ERRORS}, summary="Your teams")
def list_teams(request, page: int = PageNumber):
    who = caller(request)
    if who.team_id is not None:  # a team token: its team, whoever made it
        access = team_token_access(who)
        teams = Team.objects.filter(pk=who.team_id).order_by("pk")
        return page_of(teams, page, lambda team: team_out(team, access))
    memberships = Membership.objects.filter(user=who.user).select_related("team")
    memberships = memberships.order_by("team__name", "team_id")
    return page_of(memberships, page, lambda m: team_out(m.team, m.access))


@router.get("/teams/{team_id}", response={200: TeamOut, **ERRORS}, summary="A team")
def get_team(request, team_id: Id):
    team = api_team(request, team_id)
    return team_out(team, team.access)


def _with_access(matrices, user):
    access = Membership.objects.filter(team=OuterRef("team"), user=user).values("access")[:1]
    return matrices.select_related("team").annotate(access=Subquery(access))


@router.get("/templates", response={200: Page[MatrixOut], **ERRORS}, summary="Templates")
def list_templates(request, page: int = PageNumber):
    """The read-only starting points a matrix can be created from."""
    return page_of(Matrix.objects.templates().order_by("title", "pk"), page, matrix_out)


@router.get("/matrices", response={200: Page[MatrixOut], **ERRORS}, summary="Your matrices")
def list_matrices(request, team: Id | None = None, page: int = PageNumber):
    """The matrices of your teams (of the token's team, for a team token), most recently
    changed first; ``team`` keeps one team's."""
    who = caller(request)
    if who.team_id is not None:  # a team token: its team's matrices, whoever made it
        matrices = Matrix.objects.filter(team=who.team_id, is_template=False)
        matrices = matrices.select_related("team").annotate(
            access=Value(team_token_access(who), output_field=CharField())
        )
    else:
        matrices = _with_access(Matrix.objects.for_user(who.user), who.user)
    if team is not None:
        matrices = matrices.filter(team=team)
    matrices = matrices.order_by("-updated_at", "pk")

    def build(matrix):
        matrix.can_edit = matrix.access in EDITING_LEVELS
        return matrix_out(matrix)

    return page_of(matrices, page, build)


@router.post("/matrices", response={201: MatrixOut, **ERRORS}, summary="Create a matrix")
def create_matrix(request, data: MatrixIn):
    """A blank matrix (the core roles as columns), or a copy of a template."""
    team = api_team(request, data.team, edit=True)
    template = None
    if data.template:
        template = Matrix.objects.templates().filter(slug=data.template).first()
        if template is None:
            raise ApiError(404, "not_found", "No such template.")
    matrix = services.matrix_create(
        title=data.title,
        team=team,
        created_by=caller(request).user,
        description=data.description,
        template=template,
    )
    matrix.can_edit = True
    return Status(201, matrix_out(matrix))


@router.get("/matrices/{slug}", response={200: MatrixOut, **ERRORS}, summary="A matrix")
def get_matrix(request, slug: Slug):
    return matrix_out(api_matrix(request, slug))


@router.patch("/matrices/{slug}", response={200: MatrixOut, **ERRORS}, summary="Rename a matrix")
def update_matrix(request, slug: Slug, data: MatrixPatch):
    """Change the title or the description (one change in the history, undone in one step)."""
    matrix = api_matrix(request, slug, edit=True)
    fields = data.model_dump(exclude_none=True)
    if fields:
        services.matrix_update(matrix=matrix, by=caller(request).user, **fields)
    return matrix_out(matrix)


@router.delete("/matrices/{slug}", response={200: Done, **ERRORS}, summary="Delete a matrix")
def delete_matrix(request, slug: Slug):
    """Deletes the matrix with its history: this cannot be undone."""
    matrix = api_matrix(request, slug, edit=True)
    version = matrix.version
    services.matrix_delete(matrix=matrix)
    return {"version": version}
