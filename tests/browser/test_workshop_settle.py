"""'Accept all majorities' on the room screen: a preview first, refused when it went stale,
then exactly what it showed (issue 23, item 9)."""

import pytest
from playwright.sync_api import expect

from apps.matrices.models import Matrix, Responsibility
from apps.workshops import services

from .conftest import run_axe
from .test_workshop import CONNECTED, LIVE, watch_errors

pytestmark = pytest.mark.browser


def letters(activity):
    return dict(Responsibility.objects.filter(activity=activity).values_list("role_id", "code"))


def test_the_facilitator_previews_then_settles_what_was_previewed(login, server):
    room = login("fran", width=1440, height=900)
    errors = watch_errors(room)
    matrix = Matrix.objects.get(slug="product-roles")
    activities = list(matrix.activities.order_by("phase__position", "position")[:3])
    workshop = services.workshop_start(matrix=matrix, activities=activities)
    first = activities[0]
    roles = list(matrix.roles.order_by("columns__position"))
    now = letters(first)
    # Two people agree on a letter for one role the matrix has otherwise; another role that
    # holds a letter is left alone by both: it is the letter nobody voted on.
    voted = next(role for role in roles if now.get(role.pk, "") not in ("", "C"))
    kept = next(role for role in roles if role != voted and now.get(role.pk))
    later = next(role for role in roles if role not in (voted, kept))
    ann = services.participant_join(workshop=workshop, name="Ann")
    bob = services.participant_join(workshop=workshop, name="Bob")
    for person in (ann, bob):
        services.vote_cast(participant=person, activity_id=first.pk, role_id=voted.pk, code="C")

    room.goto(server.url + workshop.get_absolute_url())
    expect(room.locator(CONNECTED)).to_be_attached()
    room.get_by_role("button", name="Accept all majorities…").click()
    panel = room.locator("#ws-settle-panel")
    expect(panel).to_be_visible()
    expect(panel).to_be_focused()
    row = panel.locator(f"#ws-settle-row-{first.pk}")
    expect(row).to_contain_text(f"{voted.short_label} C (was {now[voted.pk]})")
    expect(row).to_contain_text(f"{kept.short_label} kept as {now[kept.pk]}")
    assert letters(first) == now  # only a preview
    violations = run_axe(room)
    assert violations == [], [(v["id"], [n["html"] for n in v["nodes"]]) for v in violations]

    # Unticked, the letter nobody voted on would be cleared; ticked again, kept.
    keep = panel.get_by_label("Keep letters nobody voted on")
    keep.uncheck()
    expect(room.locator(f"#ws-settle-row-{first.pk}")).to_contain_text(
        f"{kept.short_label} cleared (was {now[kept.pk]})"
    )
    room.locator("#ws-settle-panel").get_by_label("Keep letters nobody voted on").check()
    expect(room.locator(f"#ws-settle-row-{first.pk}")).to_contain_text(
        f"{kept.short_label} kept as {now[kept.pk]}"
    )

    # A vote arrives while the facilitator reads: confirming is refused, the new plan shown.
    services.vote_cast(participant=ann, activity_id=first.pk, role_id=later.pk, code="I")
    services.vote_cast(participant=bob, activity_id=first.pk, role_id=later.pk, code="I")
    room.locator("#ws-settle-panel").get_by_role("button", name="Settle").click()
    panel = room.locator("#ws-settle-panel")
    expect(panel.get_by_role("alert")).to_contain_text(
        "changed since that preview, so nothing was settled", timeout=LIVE
    )
    expect(panel.locator(f"#ws-settle-row-{first.pk}")).to_contain_text(
        f"{later.short_label} I (was {now.get(later.pk) or 'none'})"
    )
    assert letters(first) == now
    expect(room.locator("#board-status")).not_to_have_class("is-error")

    # Confirmed: exactly that, the kept letter still there; the panel says what changed.
    panel.get_by_role("button", name="Settle").click()
    expect(room.locator("#ws-settle-preview")).to_contain_text("Settled:", timeout=LIVE)
    expect(room.locator("#ws-settle-panel")).to_have_count(0)
    expect(room.locator(f"#ws-settle-{first.pk}")).to_contain_text("Settled ✓")
    after = letters(first)
    assert after[voted.pk] == "C" and after[later.pk] == "I"
    assert after[kept.pk] == now[kept.pk]
    # The one refusal, which the browser logs itself; nothing else went wrong.
    assert errors == [
        "Failed to load resource: the server responded with a status of 409 (Conflict)"
    ]
