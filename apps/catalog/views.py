from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.access import team_for_user

from .forms import CustomRoleForm
from .models import Role, RoleKind


def guide_rows(roles: list[Role]) -> list[dict]:
    """The role guide's rows: one per definition field, with each role's value."""
    rows = []
    for name in Role.DEFINITION_FIELDS:
        field = Role._meta.get_field(name)
        values = [
            role.responsibility_list if name == "key_responsibilities" else getattr(role, name)
            for role in roles
        ]
        rows.append({"name": name, "label": field.verbose_name.capitalize(), "values": values})
    return rows


@require_GET
@login_required
def role_guide(request: HttpRequest) -> HttpResponse:
    """All catalog roles side by side, one row per definition field."""
    roles = list(Role.objects.catalog().prefetch_related("sources"))
    core_count = sum(1 for role in roles if role.kind == RoleKind.CORE)
    return render(
        request,
        "catalog/role_guide.html",
        {
            "roles": roles,
            "rows": guide_rows(roles),
            "core_count": core_count,
            "supporting_count": len(roles) - core_count,
        },
    )


@require_GET
@login_required
def team_roles(request: HttpRequest, team_pk: int) -> HttpResponse:
    """A team's custom roles; members see them, owners edit them."""
    team = team_for_user(request.user, team_pk)
    roles = list(team.custom_roles.all())
    return render(
        request,
        "catalog/team_roles.html",
        {"team": team, "roles": roles, "rows": guide_rows(roles)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def team_role_edit(request: HttpRequest, team_pk: int, pk: int) -> HttpResponse:
    """Owners edit their team's custom roles; catalog roles are edited by staff in the admin."""
    team = team_for_user(request.user, team_pk, manage=True)
    role = get_object_or_404(Role, team=team, pk=pk)
    form = CustomRoleForm(request.POST or None, instance=role)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, f"“{role.name}” was saved.")
            return redirect("catalog:team_roles", team.pk)
        status = 400
    else:
        status = 200
    return render(
        request,
        "catalog/team_role_edit.html",
        {"team": team, "role": role, "form": form},
        status=status,
    )
