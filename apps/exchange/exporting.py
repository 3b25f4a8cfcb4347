"""An export as a download, within its limits: the format's size limit (EXPORT_MAX_CELLS), a
time budget (EXPORT_SECONDS), and no work left running for a client that has gone.

The views that serve exports (a member's, a share link's) are async so that they hear the
client go: Django's ASGI handler cancels an async view when the client disconnects. The writer
runs in a thread of its own, with a ``Budget`` that the cancellation stops, so the thread ends
at its next check (a page of a PDF, a few rows of a sheet) instead of working on for nobody.
Limits exceeded and budgets spent answer a page that says so and offers CSV.
"""

import asyncio
from collections.abc import Callable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from apps.matrices.models import Matrix
from apps.matrices.selectors import matrix_structure
from apps.raci.exchange.budget import Budget, ExportStopped

from .formats import FORMATS, Format
from .selectors import matrix_document

# Formats offered instead of one that is too large or too slow: the cheap ones.
FALLBACKS = ("csv", "json")


def _document(load: Callable[[], Matrix], fmt_key: str):
    """(format, matrix, (activities, roles), document); no document when the matrix is too
    large for the format: its size comes from the structure (cached, and read by the document
    anyway), before any work in proportion to the cells."""
    try:
        fmt = FORMATS[fmt_key]
    except KeyError:
        raise Http404("No such format.") from None
    matrix = load()
    structure = matrix_structure(matrix)
    size = len(structure.activities), len(structure.roles)
    limit = fmt.max_cells()
    if limit is not None and size[0] * size[1] > limit:
        return fmt, matrix, size, None
    return fmt, matrix, size, matrix_document(matrix)


async def export_response(
    request: HttpRequest,
    load: Callable[[], Matrix],
    fmt_key: str,
    url_for: Callable[[str], str],
    *,
    inline: bool = False,
) -> HttpResponse:
    """The matrix that ``load`` returns (404 or 403 as it raises) as a download in the format
    ``fmt_key`` (404 for an unknown one); text formats may be shown ``inline`` instead.
    ``url_for(key)`` is the URL of the same export in another format."""
    budget = Budget(settings.EXPORT_SECONDS)
    fmt, matrix, (activities, roles), doc = await sync_to_async(_document)(load, fmt_key)
    if doc is None:
        context = {
            "reason": "size",
            "activities": activities,
            "roles": roles,
            "cells": activities * roles,
            "limit": fmt.max_cells(),
        }
        return await _refusal(request, fmt, matrix.title, url_for, context, status=422)
    try:
        body = await asyncio.to_thread(fmt.write, doc, budget)
    except asyncio.CancelledError:  # the client has gone: stop the writer at its next check
        budget.stop()
        raise
    except ExportStopped:
        context = {
            "reason": "time",
            "seconds": budget.seconds,
            "activities": activities,
            "roles": roles,
        }
        return await _refusal(request, fmt, doc.title, url_for, context, status=503)
    response = HttpResponse(body, content_type=fmt.content_type)
    stamp = doc.exported_at.strftime("%Y-%m-%d")
    filename = f"{slugify(matrix.title) or 'matrix'}-{stamp}.{fmt.extension}"
    disposition = "inline" if inline and not fmt.binary else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


async def _refusal(
    request, fmt: Format, title: str, url_for, context: dict, *, status: int
) -> HttpResponse:
    fallbacks = [
        {"label": FORMATS[key].label, "url": url_for(key)} for key in FALLBACKS if key != fmt.key
    ]
    context = {
        **context,
        "format": fmt,
        "title": title,
        "fallbacks": fallbacks,
    }
    response = await sync_to_async(render)(
        request, "exchange/export_refused.html", context, status=status
    )
    if status == 503:
        response["Retry-After"] = "60"
    return response
