"""send_reminders through a real SMTP server in the test process (aiosmtpd): who gets
an email, what it says (plain text and HTML, no student named), and never twice a day."""

from __future__ import annotations

import datetime as dt
import email
import socket
from collections.abc import Iterator
from email.message import Message
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command
from django.test import Client

from sesis.caseloads.actions import caseload_add, caseload_remove
from sesis.people.models import ReminderSent, Staff
from sesis.schoolcalendar.models import CalendarDay
from sesis.services.actions import service_record_create
from sesis.services.tests.conftest import Sessions, sessions  # noqa: F401 (a fixture)
from sesis.site.reminders import school_days_back
from tests.factories import PASSWORD


class Inbox:
    """The SMTP server's handler: every message it accepted."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        self.recipients.append(list(envelope.rcpt_tos))  # type: ignore[attr-defined]
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """aiosmtpd on a free port, which a test can stop and start again (a new
    controller on the same port: a stopped one cannot restart)."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox, self.port, self.controller = inbox, _free_port(), None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings) -> Iterator[tuple[Inbox, Server]]:
    inbox = Inbox()
    server = Server(inbox)
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.SESIS_SITE_URL = "https://sesis.example.org"
    yield inbox, server
    server.stop()


@pytest.fixture
def overdue(sessions: Sessions) -> Sessions:  # noqa: F811 (the fixture imported above)
    """Wednesday Nov 18. The paraprofessional left Nov 12, 13 and 16 uncertified (two
    school days back is Monday the 16th); the speech provider only yesterday's. Maria
    Santos also serves Finn Olsen (15K003), so Otto's scope has nothing to report."""
    d = sessions.d
    caseload_add(actor=d.supervisor_out, provider=d.doe_speech, students=[d.far_student])
    for staff, address in (
        (d.para, "para@example.org"),
        (d.doe_speech, "maria@example.org"),
        (d.supervisor, "sue@example.org"),
        (d.supervisor_out, "otto@example.org"),
    ):
        Staff.objects.filter(pk=staff.pk).update(email=address)
    for day in (12, 13, 16, 17):
        service_record_create(actor=d.para, provider=d.para, data=sessions.para_input(date=dt.date(2026, 11, day)))
    service_record_create(
        actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input(date=dt.date(2026, 11, 17))
    )
    return sessions


def _run(day: str = "2026-11-18") -> str:
    out = StringIO()
    call_command("send_reminders", "--date", day, stdout=out)
    return out.getvalue()


def _parts(message: Message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }


def test_school_days_back_skips_weekends_and_citywide_holidays(db: None) -> None:
    CalendarDay.objects.create(date=dt.date(2026, 11, 11), kind="holiday", description="Veterans Day")
    assert school_days_back(dt.date(2026, 11, 18), 2) == dt.date(2026, 11, 16)
    assert school_days_back(dt.date(2026, 11, 16), 2) == dt.date(2026, 11, 12)  # Fri 13, Thu 12
    assert school_days_back(dt.date(2026, 11, 12), 2) == dt.date(2026, 11, 9)  # the 11th is a holiday


def test_the_right_people_get_one_email_each(smtp: tuple[Inbox, Server], overdue: Sessions) -> None:
    inbox, _ = smtp
    assert "1 to providers, 1 digests to supervisors, 0 already sent today" in _run()
    assert inbox.recipients == [["para@example.org"], ["sue@example.org"]]
    reminder, digest = inbox.messages
    assert reminder["Subject"] == "SESIS: 3 service records awaiting your signature"
    parts = _parts(reminder)
    assert set(parts) == {"text/plain", "text/html"}
    assert (
        "3 of your service records are still not certified, the oldest from Thursday, November 12."
        in parts["text/plain"]
    )
    assert 'href="https://sesis.example.org/"' in parts["text/html"]
    assert digest["Subject"] == "SESIS: your daily digest"
    assert "Diaz, Carmen (600): 3, the oldest from November 12" in _parts(digest)["text/plain"]
    # The dashboard's other figures: Eve Muñoz's speech mandate has no provider.
    assert (
        "Mandates awaiting a provider: 1\r\nhttps://sesis.example.org/reports/awaiting-provider/"
        in (_parts(digest)["text/plain"])
    )
    for message in inbox.messages:  # no student is named in an email
        for text in _parts(message).values():
            assert "Nguyen" not in text and "333333333" not in text and "Chloe" not in text


def test_never_twice_the_same_day(smtp: tuple[Inbox, Server], overdue: Sessions) -> None:
    inbox, _ = smtp
    _run()
    assert "0 to providers, 0 digests to supervisors, 2 already sent today" in _run()
    assert len(inbox.messages) == 2
    _run("2026-11-19")  # the next day: still overdue, reminded again; and Nov 17 is now overdue too
    assert inbox.recipients[2:] == [["para@example.org"], ["maria@example.org"], ["sue@example.org"]]
    assert ReminderSent.objects.count() == 5


def test_turned_off_or_no_address_means_no_email(smtp: tuple[Inbox, Server], overdue: Sessions, settings) -> None:
    inbox, _ = smtp
    d = overdue.d
    client = Client()
    assert client.login(username=d.para.staff_id, password=PASSWORD)
    assert "Reminders are <strong>on</strong>" in client.get("/profile/").content.decode()
    client.post("/profile/reminders/", {"email_reminders": "off"})
    assert not Staff.objects.get(pk=d.para.pk).email_reminders
    Staff.objects.filter(pk=d.supervisor.pk).update(email="")
    _run()
    assert inbox.messages == []
    settings.SESIS_REMINDERS_ENABLED = False
    Staff.objects.filter(pk=d.para.pk).update(email_reminders=True)
    _run()
    assert inbox.messages == []


def test_a_mail_server_that_is_down_is_tried_again_next_run(smtp: tuple[Inbox, Server], overdue: Sessions) -> None:
    inbox, server = smtp
    server.stop()
    with pytest.raises(CommandError, match="could not be sent"):
        _run()
    assert not ReminderSent.objects.exists()  # nothing marked as sent
    server.start()
    _run()
    assert len(inbox.messages) == 2


def test_a_mandate_left_without_a_provider_is_in_the_digest(smtp: tuple[Inbox, Server], overdue: Sessions) -> None:
    inbox, _ = smtp
    d = overdue.d
    entry = d.doe_speech.caseload_entries.get(student=d.far_student)
    caseload_remove(actor=d.supervisor_out, entry=entry, reason="Assigned to another provider")
    _run()
    assert ["otto@example.org"] in inbox.recipients
    otto = next(m for m in inbox.messages if m["To"].endswith("<otto@example.org>"))
    assert "Mandates awaiting a provider: 1" in _parts(otto)["text/plain"]
    assert "Olsen" not in _parts(otto)["text/plain"] and "Finn" not in _parts(otto)["text/html"]
