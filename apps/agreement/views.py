"""The agreement on a matrix's page: its state for the team, the person's own answer, and the
editors' asking, recording and review. Team members only (404 for anyone else); editors' forms
answer 403 to the others. An htmx request gets the panel back (or a 400 message the form
shows); a plain POST is sent back to the page it came from with a message."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from apps.matrices.access import matrix_for_user
from apps.matrices.models import Matrix
from apps.matrices.services import EditError
from apps.matrices.views.common import bad_request, form_errors
from apps.notices.services import activities_announce

from . import services
from .context import panel_context
from .forms import AnnounceForm, AnswerForm, AskForm, RecordForm, ReviewForm
from .selectors import asked_of, my_part, reviews_due


def _matrix(request: HttpRequest, slug: str, *, edit: bool = False):
    """The matrix for a member of its team: templates have no team, so no agreement (404)."""
    matrix = matrix_for_user(request.user, slug, edit=edit)
    if matrix.is_template:
        raise Http404("A template has no agreement.")
    return matrix


def _panel(request: HttpRequest, matrix, status: int = 200) -> HttpResponse:
    return render(request, "agreement/_panel.html", panel_context(request, matrix), status=status)


def _done(request: HttpRequest, matrix, message: str) -> HttpResponse:
    if request.htmx:
        return _panel(request, matrix)
    messages.success(request, message)
    return _back(request, matrix)


def _refused(request: HttpRequest, matrix, message: str) -> HttpResponse:
    if request.htmx:
        return bad_request(message)
    messages.error(request, message)  # nothing changed; the page it came from says why
    return _back(request, matrix)


def _back(request: HttpRequest, matrix) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = f"{matrix.get_absolute_url()}#agreement"
    return redirect(target)


@require_GET
@login_required
def panel(request: HttpRequest, slug: str) -> HttpResponse:
    return _panel(request, _matrix(request, slug))


@require_POST
@login_required
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = _matrix(request, slug, edit=True)
    holders = services.holders_of(matrix)
    form = AskForm(request.POST, holders=holders)
    if not form.is_valid():
        return _refused(request, matrix, form_errors(form))
    chosen = set(form.cleaned_data["people"])
    try:
        asked = services.agreement_ask(
            matrix=matrix, by=request.user, people=[p for p in holders if p.pk in chosen]
        )
    except EditError as error:
        return _refused(request, matrix, str(error))
    return _done(request, matrix, f"Asked {len(asked)} to agree.")


@require_POST
@login_required
def answer(request: HttpRequest, slug: str) -> HttpResponse:
    """A member answers for themselves: viewers too, for the letters they hold."""
    matrix = _matrix(request, slug)
    part = my_part(matrix, request.user)
    if part is None:
        return _refused(request, matrix, "You hold no role in this matrix.")
    form = AnswerForm(request.POST, letters=part.letters)
    if not form.is_valid():
        return _refused(request, matrix, form_errors(form))
    agree = form.cleaned_data["answer"] == "agree"
    try:
        services.agreement_answer(
            matrix=matrix,
            person=part.person,
            by=request.user,
            agree=agree,
            seen=form.cleaned_data["seen"],
            reason=form.cleaned_data["reason"],
            objected=form.objected(),
        )
    except EditError as error:
        return _refused(request, matrix, str(error))
    return _done(request, matrix, "You agreed." if agree else "Your objection is recorded.")


@require_POST
@login_required
def record(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = _matrix(request, slug, edit=True)
    people = [p for p in services.holders_of(matrix) if not p.has_account]
    form = RecordForm(request.POST, people=people)
    if not form.is_valid():
        return _refused(request, matrix, form_errors(form))
    person = next(p for p in people if p.pk == form.cleaned_data["person"])
    try:
        services.agreement_record(
            matrix=matrix,
            person=person,
            by=request.user,
            meeting_on=form.cleaned_data["meeting_on"],
        )
    except EditError as error:
        return _refused(request, matrix, str(error))
    return _done(request, matrix, f"{person.display_name}'s agreement is recorded.")


@require_POST
@login_required
def review(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = _matrix(request, slug, edit=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _refused(request, matrix, form_errors(form))
    services.review_set(matrix=matrix, every_days=form.cleaned_data["every_days"])
    return _done(request, matrix, "The review interval is saved.")


@require_POST
@login_required
def announce(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = _matrix(request, slug, edit=True)
    form = AnnounceForm(request.POST, activities=list(matrix.activities.all()))
    if not form.is_valid():
        return _refused(request, matrix, form_errors(form))
    activities_announce(
        matrix=matrix, activity_ids=form.cleaned_data["activities"], by=request.user
    )
    return _done(request, matrix, "The announced activities are saved.")


@require_GET
@login_required
def asked(request: HttpRequest) -> HttpResponse:
    """What the signed-in person is asked to agree to (My responsibilities loads it)."""
    # Answers are plain forms, sent back to My responsibilities (the page, not this part).
    context = {"parts": asked_of(request.user), "next": reverse("people:mine")}
    return render(request, "agreement/_asked.html", context)


class DueForm(forms.Form):
    ids = forms.RegexField(regex=r"^\d{1,18}(,\d{1,18}){0,999}$", required=False)


@require_GET
@login_required
def due(request: HttpRequest) -> HttpResponse:
    """Marks, out of band, which of the listed matrices (``ids``, of the user's teams) are due
    for review: the matrix list loads it."""
    form = DueForm(request.GET)
    if not form.is_valid():
        return bad_request(form_errors(form))
    ids = [int(pk) for pk in (form.cleaned_data["ids"] or "").split(",") if pk]
    visible = Matrix.objects.for_user(request.user).filter(pk__in=ids)
    return render(request, "agreement/_due.html", {"due": sorted(reviews_due(visible))})
