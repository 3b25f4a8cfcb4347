"""A team's webhooks page: for its owners only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.access import team_for_user

from . import services
from .forms import WebhookForm
from .models import Delivery, Webhook
from .sending import SIGNATURE_HEADER
from .targets import UnsafeTarget

LOG_SIZE = 20


def _page(request, team, form, status=200) -> HttpResponse:
    hooks = list(Webhook.objects.filter(team=team))
    for hook in hooks:
        hook.log = list(Delivery.objects.filter(webhook=hook).defer("payload")[:LOG_SIZE])
    context = {"team": team, "form": form, "webhooks": hooks, "header": SIGNATURE_HEADER}
    return render(request, "webhooks/team.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def team_webhooks(request: HttpRequest, team_pk: int) -> HttpResponse:
    team = team_for_user(request.user, team_pk, manage=True)
    form = WebhookForm(request.POST or None)
    if request.method == "GET":
        return _page(request, team, form)
    if form.is_valid():
        try:
            hook = services.webhook_create(
                team=team,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                by=request.user,
            )
        except (UnsafeTarget, ValueError) as error:
            form.add_error("url", str(error))
        else:
            messages.success(request, f"Webhook added: {hook.url}.")
            return redirect("webhooks:team", team.pk)
    return _page(request, team, form, status=400)


def _hook(request, team_pk: int, pk: int):
    team = team_for_user(request.user, team_pk, manage=True)
    return team, get_object_or_404(Webhook, team=team, pk=pk)


@require_POST
@login_required
def webhook_delete(request: HttpRequest, team_pk: int, pk: int) -> HttpResponse:
    team, hook = _hook(request, team_pk, pk)
    services.webhook_delete(webhook=hook)
    messages.success(request, f"Webhook removed: {hook.url}.")
    return redirect("webhooks:team", team.pk)


@require_POST
@login_required
def webhook_test(request: HttpRequest, team_pk: int, pk: int) -> HttpResponse:
    team, hook = _hook(request, team_pk, pk)
    services.delivery_test(webhook=hook)
    messages.success(
        request,
        f"A test event is on its way to {hook.url}; its delivery shows below once sent "
        "(reload the page).",
    )
    return redirect("webhooks:team", team.pk)
