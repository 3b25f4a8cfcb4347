"""A workshop's results as CSV (one row per vote) or JSON (votes and per-cell results)."""

import csv
import io
import json

from apps.raci.exchange.cells import neutralise

from .models import Vote
from .selectors import Board

FORMAT_VERSION = 1


def _names(board: Board, anonymous: bool) -> dict[int, str]:
    return {
        p.pk: f"Participant {i}" if anonymous else p.name
        for i, p in enumerate(board.participants, start=1)
    }


def _votes(board: Board):
    ids = [p.pk for p in board.participants]
    return (
        Vote.objects.filter(participant_id__in=ids)
        .order_by("participant__joined_at", "participant_id", "activity_id", "role_id")
        .values_list("participant_id", "activity_id", "role_id", "code")
    )


def write_csv(board: Board, *, anonymous: bool) -> str:
    """UTF-8 with a byte-order mark for Excel; text that a spreadsheet would run is
    neutralised, as in the matrix's own CSV export."""
    names = _names(board, anonymous)
    activities = {row.activity.pk: row.activity for row in board.rows}
    roles = {role.pk: role for role in board.roles}
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, dialect="excel")
    writer.writerow(["Participant", "Phase", "Activity", "Role", "Letter"])
    for participant, activity, role, code in _votes(board):
        if activity not in activities or role not in roles:
            continue
        writer.writerow(
            [
                neutralise(names[participant]),
                neutralise(activities[activity].phase.name),
                neutralise(activities[activity].name),
                neutralise(roles[role].name),
                code or "none",
            ]
        )
    return out.getvalue()


def write_json(board: Board, *, anonymous: bool) -> str:
    workshop = board.workshop
    names = _names(board, anonymous)
    votes: dict[int, list] = {pk: [] for pk in names}
    activity_ids = {row.activity.pk for row in board.rows}
    role_ids = {role.pk for role in board.roles}
    for participant, activity, role, code in _votes(board):
        if activity in activity_ids and role in role_ids:
            votes[participant].append({"activity": activity, "role": role, "letter": code or None})
    data = {
        "format": "raci-builder-workshop",
        "version": FORMAT_VERSION,
        "workshop": {
            "code": workshop.code,
            "state": workshop.state,
            "started_at": workshop.created_at.isoformat(),
            "matrix": {"title": workshop.matrix.title, "slug": workshop.matrix.slug},
            "scheme": board.scheme.key,
            "anonymised": anonymous,
        },
        "roles": [{"id": r.pk, "name": r.name, "short_label": r.short_label} for r in board.roles],
        "activities": [
            {
                "id": row.activity.pk,
                "name": row.activity.name,
                "phase": row.activity.phase.name,
                "answered": row.result.answered,
                "agreement": _round(row.result.agreement),
                "cells": [
                    {
                        "role": cell.role.pk,
                        "votes": {code or "none": n for code, n in cell.distribution},
                        "majority": None
                        if cell.result.majority is None
                        else (cell.result.majority or "none"),
                        "tie": cell.result.tie,
                        "agreement": _round(cell.result.agreement),
                        "settled": None if cell.settled is None else (cell.settled or "none"),
                    }
                    for cell in row.cells
                ],
            }
            for row in board.rows
        ],
        "participants": [{"name": names[p.pk], "votes": votes[p.pk]} for p in board.participants],
        "role_confusion": [
            {
                "roles": [pair.first.name, pair.second.name],
                "letters": pair.codes,
                "activities": [a.name for a in pair.activities],
            }
            for pair in board.confusion
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
