"""The facilitator's side: start a workshop, watch the board, settle, export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.ids import as_id
from apps.matrices.access import matrix_for_user

from .. import exports, selectors, services, settling
from ..access import workshop_for_user
from ..forms import (
    CapacityForm,
    ExportForm,
    RemoveForm,
    RevealForm,
    SettleForm,
    SettlePreviewForm,
    StartForm,
    StateForm,
)
from ..models import Participant, Workshop
from ..regions import board_context
from .common import bad_request, form_errors

PAGE = "workshops/facilitate.html"


@require_http_methods(["GET", "POST"])
@login_required
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """The matrix's workshops, and the form that starts one."""
    matrix = matrix_for_user(request.user, slug, edit=True)
    form = StartForm(request.POST if request.method == "POST" else None, matrix=matrix)
    activities = list(form.fields["activities"].queryset)
    selected = {a.pk for a in activities}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            workshop = services.workshop_start(
                matrix=matrix, activities=form.cleaned_data["activities"], by=request.user
            )
            return redirect(workshop)
        selected = {as_id(pk) for pk in request.POST.getlist("activities")} - {None}
        status = 400
    workshops = list(
        matrix.workshops.select_related("created_by").annotate(
            people=Count("participants", filter=Q(participants__removed_at__isnull=True))
        )
    )
    context = {
        "matrix": matrix,
        "form": form,
        "activities": activities,
        "selected": selected,
        "workshops": workshops,
    }
    return render(request, "workshops/start.html", context, status=status)


@require_GET
@login_required
def facilitate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = workshop_for_user(request.user, slug, pk)
    return render(request, PAGE, board_context(request, workshop))


@require_GET
@login_required
def board_live(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The board over HTTP, for a client that does not take the live stream (a script, the load
    test): 204 while the workshop is still at ``version``, else the board. The page itself
    gets the board pushed (apps/live/workshop)."""
    workshop = workshop_for_user(request.user, slug, pk)
    if request.GET.get("version") == str(workshop.version):
        return HttpResponse(status=204)
    return render(request, f"{PAGE}#board", board_context(request, workshop))


def _changed(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    if not request.htmx:
        return redirect(workshop)
    workshop.refresh_from_db(
        fields=["state", "revealed", "version", "stage", "closed_at", "max_participants"]
    )
    return render(request, f"{PAGE}#board", board_context(request, workshop))


@require_POST
@login_required
def set_state(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = workshop_for_user(request.user, slug, pk)
    form = StateForm(request.POST)
    if not form.is_valid():
        return bad_request(form_errors(form))
    try:
        services.workshop_set_state(workshop=workshop, state=form.cleaned_data["state"])
    except services.WorkshopError as error:
        return bad_request(str(error), status=409)
    return _changed(request, workshop)


@require_POST
@login_required
def reveal(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = workshop_for_user(request.user, slug, pk)
    form = RevealForm(request.POST)
    form.is_valid()  # a missing box means "hide"
    services.workshop_reveal(workshop=workshop, revealed=form.cleaned_data.get("revealed", False))
    return _changed(request, workshop)


@require_POST
@login_required
def remove_participant(
    request: HttpRequest, slug: str, pk: int, participant_pk: int
) -> HttpResponse:
    workshop = workshop_for_user(request.user, slug, pk)
    participant = get_object_or_404(
        Participant, pk=participant_pk, workshop=workshop, removed_at__isnull=True
    )
    services.participant_remove(participant=participant)
    if not request.htmx:
        messages.success(request, f"{participant.name} was removed from the workshop.")
    return _changed(request, workshop)


PREVIEW = "workshops/settle_preview.html"


def _preview(request, workshop, plan, *, stale=False, status=200) -> HttpResponse:
    context = {"matrix": workshop.matrix, "workshop": workshop, "plan": plan, "stale": stale}
    template = f"{PREVIEW}#panel" if request.htmx else PREVIEW
    response = render(request, template, context, status=status)
    if stale:  # from the confirm button: the new preview replaces the old one (workshop.js)
        response["HX-Retarget"] = "#ws-settle-preview"
        response["HX-Reswap"] = "innerHTML"
    return response


def _plan(workshop: Workshop, *, keep_unvoted: bool) -> settling.Plan:
    # The preview needs no role confusion: mixed={} spares its query.
    return settling.settle_plan(selectors.board(workshop, mixed={}), keep_unvoted=keep_unvoted)


@require_GET
@login_required
def settle_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """What "Accept all majorities" would set, clear and keep, and the button that does it."""
    workshop = workshop_for_user(request.user, slug, pk)
    form = SettlePreviewForm(request.GET)
    form.is_valid()  # a missing box means "clear them too"
    return _preview(request, workshop, _plan(workshop, keep_unvoted=form.cleaned_data["keep"]))


def _settle_all(request: HttpRequest, workshop: Workshop, form: SettleForm) -> HttpResponse:
    """Settle the plan the preview showed, or show the new one if it is no longer that."""
    plan = _plan(workshop, keep_unvoted=form.cleaned_data["keep"])
    if plan.digest != form.cleaned_data["plan"]:
        return _preview(request, workshop, plan, stale=True, status=409)
    if not plan.rows:
        return bad_request("Nobody has answered yet: there is nothing to settle.", status=409)
    try:
        changed = services.workshop_settle(workshop=workshop, cells=plan.cells(), by=request.user)
    except services.WorkshopError as error:
        return bad_request(str(error))
    if not request.htmx:
        messages.success(request, f"Settled: {changed} cell{'s' if changed != 1 else ''} changed.")
        return redirect(workshop)
    workshop.refresh_from_db(fields=["state", "revealed", "version", "stage", "closed_at"])
    context = board_context(request, workshop) | {"settled_changed": changed}
    board = render(request, f"{PAGE}#board", context).content
    done = render(request, f"{PREVIEW}#done", context).content
    return HttpResponse(board + done)


@require_POST
@login_required
def remove_participants(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove those ticked on the board, or everyone who has answered nothing, at once."""
    workshop = workshop_for_user(request.user, slug, pk)
    form = RemoveForm(request.POST, workshop=workshop)
    if not form.is_valid():
        return bad_request(form_errors(form))
    chosen = {p.pk for p in form.cleaned_data["participants"]}
    if form.cleaned_data["unanswered"]:
        live = workshop.participants.filter(removed_at__isnull=True, answered=0)
        chosen |= set(live.values_list("pk", flat=True))
    removed = services.participants_remove(workshop=workshop, participant_ids=chosen)
    if not removed:
        return bad_request("Everyone here has answered something: nobody was removed.", status=409)
    if not request.htmx:
        messages.success(
            request,
            f"{removed} participant{'s' if removed != 1 else ''} removed from the workshop.",
        )
    return _changed(request, workshop)


@require_POST
@login_required
def set_capacity(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """How many people may be in the workshop at once."""
    workshop = workshop_for_user(request.user, slug, pk)
    form = CapacityForm(request.POST)
    if not form.is_valid():
        return bad_request(form_errors(form))
    try:
        services.workshop_set_capacity(
            workshop=workshop, max_participants=form.cleaned_data["max_participants"]
        )
    except services.WorkshopError as error:
        return bad_request(str(error))
    return _changed(request, workshop)


@require_POST
@login_required
def settle(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Put the majority (or the facilitator's pick) into the matrix: everywhere (the plan its
    preview showed), for one activity, or for one cell."""
    workshop = workshop_for_user(request.user, slug, pk)
    form = SettleForm(request.POST, scheme=workshop.matrix.scheme_definition)
    if not form.is_valid():
        return bad_request(form_errors(form))
    activity_id, role_id, code = (form.cleaned_data[k] for k in ("activity", "role", "code"))
    if not activity_id:
        return _settle_all(request, workshop, form)
    board = selectors.board(workshop)
    rows = [row for row in board.rows if row.activity.pk == activity_id]
    if not rows:
        return bad_request("That activity is not part of this workshop.", status=404)
    cells = []
    for row in rows:
        for cell in row.cells:
            if role_id and cell.role.pk != role_id:
                continue
            value = code if code is not None else cell.result.majority
            if value is not None:  # None: nobody answered this activity yet
                cells.append((row.activity, cell.role, value))
    if role_id and not any(cell.role.pk == role_id for cell in rows[0].cells):
        return bad_request("That role is not a column of this matrix.", status=404)
    if not cells:
        return bad_request("Nobody has answered yet: there is nothing to settle.", status=409)
    try:
        services.workshop_settle(workshop=workshop, cells=cells, by=request.user)
    except services.WorkshopError as error:
        return bad_request(str(error))
    return _changed(request, workshop)


@require_GET
@login_required
def export(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    workshop = workshop_for_user(request.user, slug, pk)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return bad_request(form_errors(form))
    anonymous = form.cleaned_data["anonymous"]
    board = selectors.board(workshop)
    name = f"workshop-{workshop.matrix.slug}-{workshop.code}".lower()
    if fmt == "csv":
        body, content_type = exports.write_csv(board, anonymous=anonymous), "text/csv"
    elif fmt == "json":
        body, content_type = exports.write_json(board, anonymous=anonymous), "application/json"
    else:
        raise Http404("No such format.")
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
