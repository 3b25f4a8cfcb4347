"""The regions of the workshop pages that change while a workshop runs, the facilitator's board
and a participant's ballot, built as their views build them and rendered from the pages' own
partials (templates/workshops/facilitate.html#board, ballot.html#ballot).

The views render them in answer to requests; the live layer (apps/live/workshop) renders them
to push after a change, without a request, as apps/matrices/regions.py does: a pushed region
carries no CSRF field (the same markup goes to several browsers), and the pages send their own
token with every htmx request (hx-headers on <body>).
"""

import ipaddress
from functools import lru_cache

import segno
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from . import selectors
from .models import Participant, Workshop

BOARD = "workshops/facilitate.html#board"
BALLOT = "workshops/ballot.html#ballot"


@lru_cache(maxsize=64)
def qr_svg(url: str) -> str:
    """The join URL as an SVG QR code; segno draws it with attributes only (no style), so it
    passes the Content-Security-Policy inline."""
    return segno.make(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, dark="#0f172a", title=f"QR code for {url}"
    )


def is_loopback(host: str) -> bool:
    """Whether phones in the room cannot reach this address (the computer's own loopback)."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def join_origin(request: HttpRequest) -> str:
    """Where phones reach the app: ``WORKSHOP_JOIN_ORIGIN`` when the server was told its network
    address (`make workshop` detects it), else the address the board was opened at."""
    configured = settings.WORKSHOP_JOIN_ORIGIN
    return configured.rstrip("/") if configured else f"{request.scheme}://{request.get_host()}"


def board_context(request: HttpRequest, workshop: Workshop, board=None) -> dict:
    """The board of ``workshop`` as seen at the address of ``request`` (the join address and its
    QR code are made from it, or from ``join_origin``); ``board``: already read (the live
    layer's snapshot)."""
    origin = join_origin(request)
    join_url = origin + reverse("workshops:join", args=[workshop.code])
    return {
        "workshop": workshop,
        "matrix": workshop.matrix,
        "board": board if board is not None else selectors.board(workshop),
        "join_url": join_url,
        "join_start_url": (origin + reverse("workshops:join_start")).split("://")[1],
        "qr": mark_safe(qr_svg(join_url)),  # noqa: S308 - segno's own markup
        "local_only": is_loopback(origin.split("://", 1)[-1]),
    }


def board_html(request: HttpRequest, workshop: Workshop) -> str:
    """The board to push: the same for every facilitator who opened it at this address."""
    context = {**board_context(request, workshop), "request": request}
    return render_to_string(BOARD, context).strip()


def clamp_step(step: int | None, count: int) -> int:
    """A 1-based step within the activities (none or out of range: the nearest end)."""
    return min(max(step or 1, 1), max(count, 1))


def ballot_context(participant: Participant, *, step: int | None, grid: bool) -> dict:
    """The ballot of ``participant``: one activity at a time (``step``), or the whole grid."""
    workshop = participant.workshop
    activity_ids = None
    if not grid:
        # One activity at a time: only that activity's group results are needed.
        ids = list(
            workshop.activities.order_by("phase__position", "position", "pk").values_list(
                "pk", flat=True
            )
        )
        step = clamp_step(step, len(ids))
        activity_ids = ids[step - 1 : step]
    ballot = selectors.ballot(workshop, participant, activity_ids=activity_ids)
    context = {"workshop": workshop, "participant": participant, "ballot": ballot, "grid": grid}
    if not grid and ballot.activities:
        step = clamp_step(step, len(ballot.activities))
        activity = ballot.activities[step - 1]
        context.update(
            step=step,
            steps=len(ballot.activities),
            activity=activity,
            choices=ballot.choices(activity),
            previous_step=step - 1 if step > 1 else None,
            next_step=step + 1 if step < len(ballot.activities) else None,
        )
    return context


def ballot_html(participant: Participant, *, step: int | None, grid: bool) -> str:
    """The ballot to push to this participant's page."""
    return render_to_string(BALLOT, ballot_context(participant, step=step, grid=grid)).strip()
