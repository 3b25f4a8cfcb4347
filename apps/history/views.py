import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from apps.exchange.selectors import matrix_document
from apps.matrices.access import matrix_for_user
from apps.matrices.services import EditError
from apps.raci.compare import compare as compare_documents
from apps.raci.exchange.jsonfile import from_data

from . import selectors, services
from .forms import CompareForm, HistoryFilterForm, SnapshotForm
from .models import Change, Snapshot


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to where the form was (``next``), if that is a page of this site."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@require_GET
@login_required
def history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every change of the matrix, newest first; filterable by activity and role."""
    matrix = matrix_for_user(request.user, slug)
    activities, roles = selectors.filter_choices(matrix)
    form = HistoryFilterForm(request.GET, activities=activities, roles=roles)
    if not form.is_valid():
        raise Http404("No such activity or role in this matrix.")
    changes = selectors.changes_for(
        matrix, activity_id=form.cleaned_data["activity"], role_id=form.cleaned_data["role"]
    )
    page = Paginator(changes, selectors.PAGE_SIZE).get_page(form.cleaned_data["page"])
    filtered = bool(form.cleaned_data["activity"] or form.cleaned_data["role"])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "history/list.html",
        {
            "matrix": matrix,
            "form": form,
            "page": page,
            "filtered": filtered,
            "query": query.urlencode(),
        },
    )


@require_POST
@login_required
def undo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    matrix = matrix_for_user(request.user, slug, edit=True)
    change = get_object_or_404(Change, matrix=matrix, pk=pk)
    return _undo(request, matrix, change)


@require_POST
@login_required
def undo_last(request: HttpRequest, slug: str) -> HttpResponse:
    matrix = matrix_for_user(request.user, slug, edit=True)
    change = selectors.last_undoable(matrix)
    if change is None:
        messages.info(request, "There is nothing to undo.")
        return _back(request, matrix.get_absolute_url())
    return _undo(request, matrix, change)


@require_POST
@login_required
def redo_last(request: HttpRequest, slug: str) -> HttpResponse:
    """Redo the change the last undo reverted (Ctrl+Shift+Z, Ctrl+Y): revert that undo."""
    matrix = matrix_for_user(request.user, slug, edit=True)
    change = selectors.last_redoable(matrix)
    if change is None:
        messages.info(request, "There is nothing to redo.")
        return _back(request, matrix.get_absolute_url())
    return _undo(request, matrix, change)


def _undo(request, matrix, change) -> HttpResponse:
    change.matrix = matrix
    # Reverting an undo redoes what it undid: say so in its words, not the undo's.
    redo = change.is_undo and change.reverts is not None
    summary = change.reverts.summary if redo else change.summary
    try:
        services.change_undo(change=change, by=request.user)
    except EditError as error:
        messages.error(request, f"Could not {'redo' if redo else 'undo'} “{summary}”: {error}")
    else:
        messages.success(request, f"{'Redone' if redo else 'Undone'}: {summary}")
    return _back(request, reverse("history:list", args=[matrix.slug]))


@require_http_methods(["GET", "POST"])
@login_required
def snapshots(request: HttpRequest, slug: str) -> HttpResponse:
    """Named snapshots of the matrix; editors take new ones."""
    matrix = matrix_for_user(request.user, slug, edit=request.method == "POST")
    form = SnapshotForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                snapshot = services.snapshot_create(
                    matrix=matrix, name=form.cleaned_data["name"], by=request.user
                )
            except EditError as error:
                form.add_error("name", str(error))
            else:
                messages.success(request, f"Snapshot “{snapshot.name}” taken.")
                return redirect("history:snapshots", matrix.slug)
        status = 400
    items = Snapshot.objects.filter(matrix=matrix).select_related("by").defer("document")
    return render(
        request,
        "history/snapshots.html",
        {"matrix": matrix, "form": form, "snapshots": items},
        status=status,
    )


@require_GET
@login_required
def snapshot_download(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    matrix = matrix_for_user(request.user, slug)
    snapshot = get_object_or_404(Snapshot, matrix=matrix, pk=pk)
    response = HttpResponse(
        json.dumps(snapshot.document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    name = slugify(f"{matrix.slug} {snapshot.name}") or "snapshot"
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@require_POST
@login_required
def snapshot_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    matrix = matrix_for_user(request.user, slug, edit=True)
    snapshot = get_object_or_404(Snapshot, matrix=matrix, pk=pk)
    snapshot.delete()
    messages.success(request, f"Snapshot “{snapshot.name}” deleted.")
    target = reverse("history:snapshots", args=[matrix.slug])
    # The button asks for confirmation through htmx (hx-confirm); the page then reloads.
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


def _state(matrix, snapshots: dict, pk):
    """(label, document) for a snapshot id, or for the matrix now when ``pk`` is None."""
    if pk is None:
        return "Now", matrix_document(matrix)
    snapshot = snapshots.get(pk)
    if snapshot is None:
        raise Http404("No such snapshot of this matrix.")
    return snapshot.name, from_data(snapshot.document)


@require_GET
@login_required
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """A snapshot against now, or two snapshots: letters added, changed and removed."""
    matrix = matrix_for_user(request.user, slug)
    form = CompareForm(request.GET)
    if not form.is_valid():
        raise Http404("No such snapshot of this matrix.")
    old_pk, new_pk = form.cleaned_data["old"], form.cleaned_data["new"]
    wanted = {pk for pk in (old_pk, new_pk) if pk is not None}
    found = {s.pk: s for s in Snapshot.objects.filter(matrix=matrix, pk__in=wanted)}
    if old_pk is None and new_pk is None:
        # Nothing chosen: the newest snapshot against now, if there is one.
        latest = Snapshot.objects.filter(matrix=matrix).first()
        if latest is None:
            messages.info(request, "Take a snapshot first; then you can compare it with now.")
            return redirect("history:snapshots", matrix.slug)
        old_pk, found = latest.pk, {latest.pk: latest}
    old_label, old_doc = _state(matrix, found, old_pk)
    new_label, new_doc = _state(matrix, found, new_pk)
    comparison = compare_documents(old_doc, new_doc)
    choices = Snapshot.objects.filter(matrix=matrix).only("pk", "name", "at")
    return render(
        request,
        "history/compare.html",
        {
            "matrix": matrix,
            "comparison": comparison,
            "old_label": old_label,
            "new_label": new_label,
            "old_pk": old_pk,
            "new_pk": new_pk,
            "choices": choices,
            "only_changes": request.GET.get("all") != "1",
        },
    )
