import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from apps.accounts.services import team_ensure_personal
from apps.history.models import Snapshot
from apps.matrices.access import matrix_for_user
from apps.raci.exchange.jsonfile import read_json, write_json
from apps.raci.exchange.problems import ImportProblem

from . import replace
from .exporting import export_response
from .formats import read_document
from .forms import ImportConfirmForm, ImportForm
from .services import import_plan, matrix_import

SESSION_KEY = "exchange:imports"


@require_GET
@login_required
async def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Download the matrix in one of the formats; anyone who can see the matrix may. Async, to
    stop the work when the client goes (exporting.py)."""
    user = await request.auser()  # as login_required read it (request.user would again)
    return await export_response(
        request,
        lambda: matrix_for_user(user, slug),
        fmt,
        lambda key: reverse("exchange:export", args=[slug, key]),
        inline=bool(request.GET.get("view")),
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file; show what would be created (the preview) before anything is."""
    team_ensure_personal(user=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "GET":
        form.initial["team"] = request.user.personal_team.pk
        return render(request, "exchange/import.html", {"form": form})
    if not form.is_valid():
        return render(request, "exchange/import.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    try:
        doc = read_document(upload.name, _read_limited(upload), title=form.cleaned_data["title"])
        plan = import_plan(doc=doc, team=form.cleaned_data["team"])
    except ImportProblem as problem:
        form.add_error("file", str(problem))
        return render(request, "exchange/import.html", {"form": form}, status=400)
    if plan.shortened:
        messages.warning(request, plan.shortened_summary())
    token = secrets.token_urlsafe(16)
    pending = request.session.get(SESSION_KEY, {})
    # Keep only the latest few previews; each holds the parsed document, not the upload.
    pending = dict(list(pending.items())[-4:])
    pending[token] = {"team": form.cleaned_data["team"].pk, "document": write_json(doc)}
    request.session[SESSION_KEY] = pending
    return render(
        request,
        "exchange/preview.html",
        {"plan": plan, "doc": doc, "token": token, "team": form.cleaned_data["team"]},
    )


@require_POST
@login_required
def import_confirm(request: HttpRequest) -> HttpResponse:
    form = ImportConfirmForm(request.POST)
    pending = request.session.get(SESSION_KEY, {})
    if not form.is_valid() or form.cleaned_data["token"] not in pending:
        messages.error(request, "That import preview has expired; upload the file again.")
        return redirect("exchange:import")
    entry = pending.pop(form.cleaned_data["token"])
    request.session[SESSION_KEY] = pending
    team_form = ImportForm({"team": entry["team"]}, user=request.user)
    team_form.is_valid()
    team = team_form.cleaned_data.get("team")
    if team is None:
        messages.error(request, "You can no longer add matrices to that team.")
        return redirect("exchange:import")
    try:
        doc = read_json(entry["document"].encode())
        matrix = matrix_import(doc=doc, team=team, created_by=request.user)
    except ImportProblem as problem:
        messages.error(request, f"Nothing was imported: {problem}")
        return redirect("exchange:import")
    messages.success(request, f"Imported “{matrix.title}”.")
    return redirect(matrix)


def _read_limited(upload) -> bytes:
    from django.conf import settings

    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ImportProblem(
            f"The file is {upload.size / 1_000_000:.1f} MB; "
            f"the limit is {settings.IMPORT_MAX_BYTES / 1_000_000:.1f} MB."
        )
    return upload.read()


@require_POST
@login_required
def snapshot_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Put a snapshot's contents in place of the matrix's (one change, undone in one step)."""
    matrix = matrix_for_user(request.user, slug, edit=True)
    snapshot = get_object_or_404(Snapshot, matrix=matrix, pk=pk)
    try:
        replace.snapshot_restore(matrix=matrix, snapshot=snapshot, by=request.user)
    except ImportProblem as problem:
        messages.error(request, f"The snapshot could not be restored: {problem}")
        target = reverse("history:snapshots", args=[matrix.slug])
    else:
        restored = f"The matrix is as it was in the snapshot “{snapshot.name}”."
        messages.success(request, f"{restored} Undo puts it back.")
        target = matrix.get_absolute_url()
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
