"""A person's own notices: the bell, the page, the mail choices."""

from django.test import Client
from django.urls import reverse

from apps.accounts.services import team_create
from apps.notices.models import EmailChoice, Kind, Notice, Preference
from apps.notices.services import Tell, notices_create

from .conftest import HX, client_for


def tell(world, user, text="Launch plan: C on Plan as PdM"):
    return notices_create(
        team_id=world.team.pk,
        matrix=world.matrix,
        kind=Kind.LETTERS,
        tells=[Tell(user.pk, text, world.matrix.get_absolute_url())],
    )


def test_the_bell_counts_ones_own_unread_notices(world):
    Notice.objects.all().delete()
    tell(world, world.vi)
    tell(world, world.vi, "another")
    tell(world, world.ana)
    page = client_for(world.vi).get(reverse("matrices:home")).content.decode()
    # The count comes as the page loads, then when a stream rings (static/js/bell.js).
    assert 'hx-trigger="load, raci:bell delay:300ms"' in page and "/js/bell." in page
    bell = client_for(world.vi).get(reverse("notices:bell"), **HX).content.decode()
    assert '<span class="bell-count">2<span class="visually-hidden"> unread</span>' in bell
    assert "load," not in bell


def test_the_notices_page_shows_only_ones_own(world):
    Notice.objects.all().delete()
    tell(world, world.vi, "for Vi")
    tell(world, world.ana, "for Ana")
    page = client_for(world.vi).get(reverse("notices:list")).content.decode()
    assert "for Vi" in page and "for Ana" not in page


def test_marking_read_empties_the_bell(world):
    Notice.objects.all().delete()
    tell(world, world.vi)
    client = client_for(world.vi)
    response = client.post(reverse("notices:read"), **HX)
    assert response.status_code == 200 and "bell-count" not in response.content.decode()
    assert not Notice.objects.filter(user=world.vi, read_at=None).exists()


def test_one_cannot_mark_someone_elses_notice_read(world):
    Notice.objects.all().delete()
    (theirs,) = tell(world, world.ana)
    client_for(world.vi).post(reverse("notices:read"), {"notice": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_mail_choice_is_for_ones_own_teams_only(world):
    other = team_create(name="Elsewhere", owner=world.stranger)
    client = client_for(world.vi)
    response = client.post(
        reverse("notices:preferences"), {"team": other.pk, "email": EmailChoice.NONE}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("notices:preferences"), {"team": world.team.pk, "email": "sometimes"}
    )
    assert response.status_code == 400
    assert not Preference.objects.exists()
    response = client.post(
        reverse("notices:preferences"), {"team": world.team.pk, "email": EmailChoice.DAILY}
    )
    assert response.status_code == 302
    assert Preference.objects.get(user=world.vi).email == EmailChoice.DAILY


def test_visitors_are_sent_to_log_in(world):
    response = Client().get(reverse("notices:list"))
    assert response.status_code == 302 and "/login/" in response.url
