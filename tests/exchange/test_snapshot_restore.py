"""Restoring a snapshot: the matrix as it was, in one change that undo reverts, pushed live."""

import pytest
from django.urls import reverse

from apps.history.models import Action, Change
from apps.history.services import change_undo, snapshot_create
from apps.matrices.models import Responsibility
from apps.matrices.services import activity_create, column_remove, matrix_change_scheme
from apps.matrices.services import responsibility_assign as assign
from tests.conftest import add_member, make_matrix, make_user

pytestmark = pytest.mark.django_db


def state(matrix):
    matrix.refresh_from_db()
    return {
        "scheme": matrix.scheme,
        "columns": list(matrix.columns.order_by("position").values_list("role__name", flat=True)),
        "rows": list(
            matrix.activities.order_by("phase__position", "position").values_list(
                "phase__name", "name"
            )
        ),
        "cells": sorted(
            Responsibility.objects.filter(activity__matrix=matrix).values_list(
                "activity__name", "role__name", "code", "note"
            )
        ),
    }


def test_a_snapshot_is_restored_in_one_change_and_undone_in_one(client_in, team, user):
    matrix = make_matrix(team=team, activities=4, roles=3, phases=2)
    activity = matrix.activities.order_by("pk").first()
    role = matrix.roles.order_by("pk").last()
    assign(matrix=matrix, activity=activity, role=role, code="C", by=user)
    snapshot = snapshot_create(matrix=matrix, name="As agreed", by=user)
    agreed = state(matrix)

    # Things change after the workshop.
    activity_create(matrix=matrix, phase=matrix.phases.first(), name="Extra step", by=user)
    column_remove(matrix=matrix, role=matrix.roles.order_by("pk").first(), by=user)
    matrix_change_scheme(matrix=matrix, scheme_key="rasci", by=user)
    changed = state(matrix)
    assert changed != agreed

    url = reverse("exchange:snapshot_restore", args=[matrix.slug, snapshot.pk])
    response = client_in.post(url)
    assert response.status_code == 302 and response.url == matrix.get_absolute_url()
    assert state(matrix) == agreed
    change = Change.objects.filter(matrix=matrix).latest("pk")
    assert change.action == Action.REPLACE
    assert change.summary == "Restored the snapshot “As agreed”"

    change_undo(change=change, by=user)
    assert state(matrix) == changed
    assert Change.objects.filter(matrix=matrix).latest("pk").summary.startswith("Undo: Put back")


def test_a_viewer_may_not_restore_a_snapshot(client, team, user):
    matrix = make_matrix(team=team)
    snapshot = snapshot_create(matrix=matrix, name="Before", by=user)
    viewer = make_user("viewer")
    add_member(team, viewer, "viewer")
    client.force_login(viewer)
    url = reverse("exchange:snapshot_restore", args=[matrix.slug, snapshot.pk])
    assert client.post(url).status_code == 403


def test_a_snapshot_of_another_matrix_is_404(client_in, team, user):
    matrix, other = make_matrix(team=team), make_matrix(team=team)
    snapshot = snapshot_create(matrix=other, name="Elsewhere", by=user)
    url = reverse("exchange:snapshot_restore", args=[matrix.slug, snapshot.pk])
    assert client_in.post(url).status_code == 404
