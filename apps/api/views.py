"""The account settings page for API tokens (personal ones, and team ones for owners)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import AccessLevel

from . import services
from .forms import TokenForm
from .models import ApiToken


def not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"code": "not_found", "message": "No such API address."}, status=404)


def _visible_tokens(user):
    """The user's own tokens and those of the teams they own."""
    owned = user.memberships.filter(access=AccessLevel.OWNER).values("team")
    return ApiToken.objects.filter(
        Q(user=user, team__isnull=True) | Q(team__in=owned)
    ).select_related("team", "user")


@require_http_methods(["GET", "POST"])
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=request.user)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _, created = services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                can_write=form.cleaned_data["access"] == "write",
                expires_at=form.cleaned_data["expires"],
                team=form.cleaned_data["team"],
            )
            form = TokenForm(user=request.user)
        else:
            status = 400
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": _visible_tokens(request.user), "created": created},
        status=status,
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(_visible_tokens(request.user), pk=pk)
    services.token_revoke(token=token)
    messages.success(request, f"The token “{token.name}” was revoked: it no longer works.")
    return redirect("api_tokens")
