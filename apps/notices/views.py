"""A person's own notices: the bell in the top bar, the notices page, and their mail choices.
Nobody sees anyone else's notices; a team's choice is only for a member of it (404)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.models import Team
from apps.matrices.views.common import bad_request, form_errors

from . import selectors, services
from .models import EmailChoice


class PreferenceForm(forms.Form):
    team = forms.IntegerField(min_value=1)
    email = forms.ChoiceField(choices=EmailChoice.choices)


class ReadForm(forms.Form):
    notice = forms.IntegerField(required=False, min_value=1)


@require_GET
@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    context = {
        "notices": selectors.recent(request.user),
        "choices": selectors.team_choices(request.user),
        "email_choices": EmailChoice.choices,
        "has_address": bool(request.user.email),
    }
    return render(request, "notices/list.html", context)


@require_GET
@login_required
def bell(request: HttpRequest) -> HttpResponse:
    """The bell's count, polled by the top bar."""
    return render(request, "notices/_bell.html", {"unread": selectors.unread_count(request.user)})


@require_POST
@login_required
def read(request: HttpRequest) -> HttpResponse:
    """Mark one notice (``notice``) or all of them read."""
    form = ReadForm(request.POST)
    if not form.is_valid():
        return bad_request(form_errors(form))
    pk = form.cleaned_data["notice"]
    services.notices_read(user=request.user, pks=None if pk is None else [pk])
    if request.htmx:
        return render(
            request, "notices/_bell.html", {"unread": selectors.unread_count(request.user)}
        )
    return redirect("notices:list")


@require_POST
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        return bad_request(form_errors(form))
    team = get_object_or_404(Team, pk=form.cleaned_data["team"], memberships__user=request.user)
    services.preference_set(user=request.user, team=team, email=form.cleaned_data["email"])
    messages.success(
        request, f"Mail about {team.name}: {EmailChoice(form.cleaned_data['email']).label}."
    )
    return redirect("notices:list")
