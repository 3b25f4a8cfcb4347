"""The participant's side: join with a code and a name, vote, see the results once revealed.

These pages need no account; a participant is whoever holds the token in their session.
"""

from django.db.models import Exists
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from apps.catalog.models import Role

from .. import services
from ..access import participant_for_session, remember_participant
from ..forms import CodeForm, NameForm, VoteForm
from ..models import Participant, Workshop
from ..regions import ballot_context
from ..votes import VoteRefused
from .common import bad_request, client_ip, form_errors

PAGE = "workshops/ballot.html"


def _join_page(request, context: dict, status: int = 200) -> HttpResponse:
    return render(request, "workshops/join.html", context, status=status)


def _address(request) -> str:
    """The counters' key for the visitor's address (one for every request without one)."""
    return client_ip(request) or "unknown"


def _check_rate(request) -> None:
    if not request.session.session_key:
        request.session.save()
    services.join_attempt_check(ip=_address(request), session_key=request.session.session_key)


def _failed(request) -> None:
    services.join_attempt_failed(ip=_address(request))


@require_http_methods(["GET", "POST"])
def join_start(request: HttpRequest) -> HttpResponse:
    """Type the code read out in the room."""
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            _check_rate(request)
        except services.RateLimited as error:
            return _join_page(request, {"code_form": form, "error": str(error)}, status=429)
        if form.is_valid():
            code = form.cleaned_data["code"]
            if Workshop.objects.live().filter(code=code).exists():
                return redirect("workshops:join", code=code)
            form.add_error(
                "code", f"No open workshop has the code {code}; check it with the facilitator."
            )
        _failed(request)
        return _join_page(request, {"code_form": form}, status=400)
    return _join_page(request, {"code_form": form})


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    """Give a display name; the QR code on the room's screen leads here."""
    participant = participant_for_session(request, code)
    if participant and participant.removed_at is None and not participant.workshop.is_closed:
        return redirect("workshops:ballot", code=code)
    if participant and participant.removed_at is not None and not participant.workshop.is_closed:
        return _join_page(request, {"removed": participant.workshop}, status=403)
    # A closed workshop's code may come back for a new one, which the session has not joined.
    workshop = Workshop.objects.live().select_related("matrix").filter(code=code).first()
    if workshop is None:
        # Typing a code into the address bar is guessing too: limited like the code form.
        try:
            _check_rate(request)
        except services.RateLimited as error:
            return _join_page(request, {"code_form": CodeForm(), "error": str(error)}, status=429)
        _failed(request)
        context = {"code_form": CodeForm(initial={"code": code}), "error": _gone(code)}
        return _join_page(request, context, status=404)
    form = NameForm(request.POST if request.method == "POST" else None)
    context = {"workshop": workshop, "form": form}
    if request.method == "GET" and services.workshop_is_full(workshop):
        return _join_page(request, {**context, "full": _full(workshop)})
    if request.method == "POST":
        try:
            _check_rate(request)
        except services.RateLimited as error:
            return _join_page(request, {**context, "error": str(error)}, status=429)
        if not form.is_valid():
            _failed(request)
            return _join_page(request, context, status=400)
        try:
            participant = services.participant_join(
                workshop=workshop, name=form.cleaned_data["name"], ip=_address(request)
            )
        except services.JoinCapped as capped:
            if capped.full:
                return _join_page(request, {**context, "full": str(capped)}, status=409)
            return _join_page(request, {**context, "error": str(capped)}, status=429)
        except services.WorkshopError as error:
            _failed(request)
            form.add_error("name", str(error))
            return _join_page(request, context, status=400)
        remember_participant(request, participant)
        return redirect("workshops:ballot", code=code)
    return _join_page(request, context)


def _full(workshop: Workshop) -> str:
    return services.workshop_full_message(workshop.max_participants)


def _gone(code: str) -> str:
    if Workshop.objects.filter(code=code).exists():
        return f"The workshop {code} has closed."
    return f"No open workshop has the code {code}; check it with the facilitator."


def _ballot_context(request, participant: Participant) -> dict:
    """The ballot as ?step= (1-based; bad values mean the first) or ?view=grid ask for it."""
    try:
        step = int(request.GET.get("step", 1))
    except ValueError:
        step = 1
    return ballot_context(participant, step=step, grid=request.GET.get("view") == "grid")


def _participant_or_leave(request, code):
    """The participant, or the response that sends this session to the join page."""
    participant = participant_for_session(request, code)
    if participant is None:
        return None, redirect("workshops:join", code=code)
    if participant.removed_at is not None:
        return None, _join_page(request, {"removed": participant.workshop}, status=403)
    return participant, None


@require_GET
def ballot(request: HttpRequest, code: str) -> HttpResponse:
    participant, leave = _participant_or_leave(request, code)
    if leave:
        return leave
    context = _ballot_context(request, participant)
    template = f"{PAGE}#ballot" if request.htmx else PAGE
    return render(request, template, context)


@require_GET
def ballot_live(request: HttpRequest, code: str) -> HttpResponse:
    """The ballot over HTTP, for a client that does not take the live stream (a script, the load
    test): 204 while nothing a participant sees has changed since ``stage``. The page itself
    gets the ballot pushed (apps/live/workshop)."""
    participant = participant_for_session(request, code)
    if participant is None or participant.removed_at is not None:
        return HttpResponseClientRefresh()
    if request.GET.get("stage") == str(participant.workshop.stage):
        return HttpResponse(status=204)
    return render(request, f"{PAGE}#ballot", _ballot_context(request, participant))


@require_POST
def vote(request: HttpRequest, code: str) -> HttpResponse:
    """Save one vote at once. Kept lean: it is the request fifty people make together."""
    participant = participant_for_session(request, code)
    if participant is None or participant.removed_at is not None:
        return bad_request("You are not in this workshop; join it again to vote.", status=403)
    workshop = participant.workshop
    if not workshop.is_open:
        return bad_request(
            f"Voting is {workshop.get_state_display().lower()}; your answers are kept.", status=409
        )
    scheme = workshop.matrix.scheme_definition
    form = VoteForm(request.POST, scheme=scheme)
    if not form.is_valid():
        return bad_request(form_errors(form))
    activity_id, role_id, code_ = (form.cleaned_data[k] for k in ("activity", "role", "code"))
    in_workshop = Workshop.activities.through.objects.filter(
        workshop_id=workshop.pk, activity_id=activity_id
    )
    role = (
        Role.objects.filter(pk=role_id, columns__matrix_id=workshop.matrix_id)
        .filter(Exists(in_workshop))
        .only("pk", "name", "short_label")
        .first()
    )
    if role is None:
        return bad_request("That activity or role is not part of this workshop.")
    try:
        services.vote_cast(
            participant=participant, activity_id=activity_id, role_id=role.pk, code=code_
        )
    except VoteRefused as refused:  # paused or removed since the checks above
        return bad_request(refused.reason, status=refused.status)
    if not request.htmx:
        step = request.POST.get("step", "")
        query = f"?step={step}" if step.isdigit() else ""
        return redirect(reverse("workshops:ballot", kwargs={"code": code}) + query)
    if request.POST.get("view") == "grid":
        return render(request, f"{PAGE}#saved", {"role": role, "chosen": code_})
    context = {
        "workshop": workshop,
        "scheme": scheme,
        "role": role,
        "activity_id": activity_id,
        "chosen": code_,
        "step": request.POST.get("step", ""),
        "answered_oob": True,
    }
    return render(request, f"{PAGE}#choices", context)
