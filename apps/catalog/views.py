from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Role, RoleKind


@require_GET
@login_required
def role_guide(request: HttpRequest) -> HttpResponse:
    """All catalog roles side by side, one row per definition field."""
    roles = list(Role.objects.catalog().prefetch_related("sources"))
    rows = []
    for name in Role.DEFINITION_FIELDS:
        field = Role._meta.get_field(name)
        values = [
            role.responsibility_list if name == "key_responsibilities" else getattr(role, name)
            for role in roles
        ]
        rows.append({"name": name, "label": field.verbose_name.capitalize(), "values": values})
    core_count = sum(1 for role in roles if role.kind == RoleKind.CORE)
    return render(
        request,
        "catalog/role_guide.html",
        {
            "roles": roles,
            "rows": rows,
            "core_count": core_count,
            "supporting_count": len(roles) - core_count,
        },
    )
