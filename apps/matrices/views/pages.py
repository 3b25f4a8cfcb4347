from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import Preferences
from apps.accounts.services import team_ensure_personal
from apps.raci.schemes import SCHEMES, get_scheme, letter_named
from apps.raci.styles import scheme_stylesheet

from .. import services
from ..access import matrix_for_user
from ..forms import MatrixCreateForm, MatrixDetailsForm, RuleOptionsForm, SchemeForm
from ..models import Responsibility
from ..selectors import matrices_for_home, matrix_grid
from .common import PAGE, bad_request, form_errors, render_parts, structure_changed, versioned


def _home(request: HttpRequest, form: MatrixCreateForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "matrices/home.html",
        {"matrices": matrices_for_home(request.user), "form": form},
        status=status,
    )


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    personal = team_ensure_personal(user=request.user)
    templates = MatrixCreateForm(user=request.user).fields["template"].queryset
    form = MatrixCreateForm(
        user=request.user, initial={"team": personal.pk, "template": templates.first()}
    )
    return _home(request, form)


@require_POST
@login_required
def create(request: HttpRequest) -> HttpResponse:
    form = MatrixCreateForm(request.POST, user=request.user)
    if not form.is_valid():
        return _home(request, form, status=400)
    matrix = services.matrix_create(
        title=form.cleaned_data["title"],
        team=form.cleaned_data["team"],
        created_by=request.user,
        template=form.cleaned_data["template"],
    )
    return redirect(matrix)


@require_GET
@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The matrix: the editor for those who may change it, a read-only grid for the rest."""
    matrix = matrix_for_user(request.user, slug)
    context = {
        "matrix": matrix,
        "grid": matrix_grid(matrix),
        "compact": Preferences.objects.filter(user=request.user, compact_grid=True).exists(),
    }
    if matrix.can_edit:
        context["options_form"] = RuleOptionsForm(instance=matrix)
        context["schemes"] = SCHEMES.values()
    return render(request, PAGE, context)


@require_POST
@login_required
def edit_details(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = matrix_for_user(request.user, slug, edit=True)
    # A copy: a ModelForm writes into its instance while validating, and the history
    # needs the values from before.
    form = MatrixDetailsForm(request.POST, instance=copy(matrix))
    if not form.is_valid():
        return bad_request(form_errors(form))
    services.matrix_update(matrix=matrix, by=request.user, **form.cleaned_data)
    if request.htmx:
        response = HttpResponse(render_parts(request, {"matrix": matrix}, "details"))
        return versioned(response, matrix.version)
    return redirect(matrix)


@require_POST
@login_required
def edit_options(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = matrix_for_user(request.user, slug, edit=True)
    form = RuleOptionsForm(request.POST, instance=copy(matrix))
    if not form.is_valid():
        return bad_request(form_errors(form))
    services.matrix_update(matrix=matrix, by=request.user, **form.cleaned_data)
    return structure_changed(request, matrix)


@require_POST
@login_required
def duplicate(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = matrix_for_user(request.user, slug, edit=True)
    copy = services.matrix_duplicate(matrix=matrix, by=request.user)
    messages.success(request, f"This is a copy of “{matrix.title}”.")
    return redirect(copy)


@require_http_methods(["GET", "POST"])
@login_required
def delete(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = matrix_for_user(request.user, slug, edit=True)
    if request.method == "POST":
        title = matrix.title
        services.matrix_delete(matrix=matrix)
        messages.success(request, f"“{title}” was deleted.")
        return redirect("matrices:home")
    counts = {
        "activities": matrix.activities.count(),
        "cells": Responsibility.objects.filter(activity__matrix=matrix).count(),
    }
    return render(request, "matrices/delete.html", {"matrix": matrix, "counts": counts})


@require_http_methods(["GET", "POST"])
@login_required
def change_scheme(request: HttpRequest, slug: str) -> HttpResponse:
    """GET previews what a change of scheme would drop; POST with confirm makes it."""
    matrix = matrix_for_user(request.user, slug, edit=True)
    form = SchemeForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return bad_request(form_errors(form))
    key = form.cleaned_data["scheme"]
    dropped = services.scheme_change_preview(matrix=matrix, scheme_key=key)
    if request.method == "POST" and (form.cleaned_data["confirm"] or not dropped):
        services.matrix_change_scheme(matrix=matrix, scheme_key=key, by=request.user)
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return redirect(matrix)
    context = {
        "matrix": matrix,
        "target": get_scheme(key),
        "current": matrix.scheme_definition,
        "dropped": [(letter_named(code), n) for code, n in dropped.items()],
    }
    return render(request, "matrices/scheme_change.html", context)


@require_GET
@cache_control(max_age=3600, public=True)
def scheme_css(request: HttpRequest) -> HttpResponse:
    """The scheme letters' colours as a stylesheet, so CSS never hard-codes a letter."""
    return HttpResponse(scheme_stylesheet(), content_type="text/css; charset=utf-8")
