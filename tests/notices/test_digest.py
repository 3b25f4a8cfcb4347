"""The digest goes through a real SMTP server (aiosmtpd, started here), from the worker; a
worker killed mid-batch loses no notice and sends none twice."""

import datetime as dt
import email
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.matrices.services import responsibility_assign
from apps.notices import tasks
from apps.notices.models import Delivery, EmailChoice, Notice
from apps.notices.services import preference_set

from .conftest import A, C


class Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    settings.SITE_URL = "https://raci.example.org"
    yield inbox
    controller.stop()


def later(minutes=16):
    return timezone.now() + dt.timedelta(minutes=minutes)


def change_everyones_letters(world):
    """Ed changes one letter of Ana, of Vi and of Dana (three notices: Ana's, Vi's; Dana has no
    account), then a second of Vi's."""
    for row, role, code in (
        (world.rows[0], world.roles[0], C),
        (world.rows[0], world.roles[1], C),
        (world.rows[3], world.roles[2], A),
        (world.rows[1], world.roles[1], C),
    ):
        responsibility_assign(matrix=world.matrix, activity=row, role=role, code=code, by=world.ed)


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_one_digest_per_person_with_links_to_the_cells(world, smtp):
    Notice.objects.all().delete()
    DBTaskResult.objects.all().delete()
    change_everyones_letters(world)
    assert Notice.objects.count() == 3
    # One run queued for the quarter hour, not one per change.
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert smtp.messages == []  # not before its quarter hour
    Notice.objects.update(mail_after=timezone.now())
    DBTaskResult.objects.update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--no-startup-delay")
    by_rcpt = {tuple(rcpt): message for rcpt, message in smtp.messages}
    assert set(by_rcpt) == {("ana@example.com",), ("vi@example.com",)}
    vi = by_rcpt[("vi@example.com",)]
    assert vi["Subject"] == "RACI Builder: 2 notices about your part"
    body = vi.get_payload(decode=True).decode()
    base = f"https://raci.example.org/m/{world.matrix.slug}/"
    assert f"{base}#cell-{world.rows[0].pk}-{world.roles[1].pk}" in body
    assert f"{base}#cell-{world.rows[1].pk}-{world.roles[1].pk}" in body
    assert "ana@example.com" not in body
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 2
    # A second run sends nothing again.
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert tasks.deliver_due(now=later()) == 0
    assert len(smtp.messages) == 2


class Killed(BaseException):
    """The worker process dying (not an error a task could catch)."""


def test_a_worker_killed_mid_batch_loses_no_notice_and_sends_none_twice(
    world, smtp, monkeypatch, django_capture_on_commit_callbacks
):
    Notice.objects.all().delete()
    world.ed.email = "ed@example.com"
    world.ed.save()
    with django_capture_on_commit_callbacks(execute=True):
        change_everyones_letters(world)  # Ana and Vi are told
        responsibility_assign(  # and Ed, by Ana
            matrix=world.matrix,
            activity=world.rows[2],
            role=world.roles[0],
            code=C,
            by=world.ana,
        )
    from apps.people import services as people

    with django_capture_on_commit_callbacks(execute=True):
        people.holders_set(matrix=world.matrix, role=world.roles[2], users=[world.ed], by=world.ana)
    assert set(Notice.objects.values_list("user__username", flat=True)) == {"ana", "vi", "ed"}

    real_send, calls = tasks._send, []

    def dies_on_the_second(delivery):
        calls.append(delivery.to)
        if len(calls) == 2:
            raise Killed  # killed while talking to the SMTP server: claimed, not sent
        return real_send(delivery)

    monkeypatch.setattr(tasks, "_send", dies_on_the_second)
    with pytest.raises(Killed):
        tasks.deliver_due(now=later())
    assert len(smtp.messages) == 1
    monkeypatch.setattr(tasks, "_send", real_send)

    # The next run, at once, sends the third person's digest; the one claimed when the worker
    # died waits (another worker may still be sending it) ...
    assert tasks.deliver_due(now=later()) == 1
    assert len(smtp.messages) == 2
    # ... and goes once that is surely not so.
    assert tasks.deliver_due(now=later(16 + 11)) == 1
    assert tasks.deliver_due(now=later(16 + 30)) == 0
    recipients = sorted(rcpt[0] for rcpt, _ in smtp.messages)
    assert recipients == ["ana@example.com", "ed@example.com", "vi@example.com"]
    assert not Notice.objects.filter(delivery=None).exists()
    assert not Notice.objects.filter(delivery__sent_at=None).exists()


def test_preferences_decide_the_mail(world, smtp, django_capture_on_commit_callbacks):
    preference_set(user=world.vi, team=world.team, email=EmailChoice.NONE)
    preference_set(user=world.ana, team=world.team, email=EmailChoice.DAILY)
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        change_everyones_letters(world)
    assert Notice.objects.filter(user=world.vi, mail_after=None).count() == 2  # in the app only
    assert tasks.deliver_due(now=later()) == 0  # Ana's is daily
    assert tasks.deliver_due(now=later(60 * 24 + 1)) == 1
    assert [rcpt for rcpt, _ in smtp.messages] == [["ana@example.com"]]
