"""Confidential counseling notes (issue 19, item 8): a counseling provider may mark
Session Notes confidential; they are then shown only to their author and to
administrators (the record page, its history, the forms, the API), left out of
exports, and every showing is in the disclosure log. Only counseling notes can be
marked, in the action and in the database; nobody else can change the record."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from sesis.api.tests.conftest import Api, token_for
from sesis.audit.models import Disclosure
from sesis.caseloads.actions import caseload_add
from sesis.lib.errors import ActionRefused
from sesis.mandates.models import AssignmentKind, Mandate
from sesis.people.models import Staff
from sesis.services.actions import (
    CONFIDENTIAL_NOT_YOURS,
    RecordRefused,
    draft,
    service_record_amend,
    service_record_create,
    service_record_update,
)
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions
from sesis.students.models import Student
from tests.factories import PASSWORD, AssignmentFactory, MandateFactory, StaffFactory, StudentFactory

SECRET = "Disclosed a family conflict at home; safety plan reviewed."
QUERY = "?date_from=2026-11-01&date_to=2026-11-30"


@dataclass
class Counseling:
    s: Sessions
    counselor: Staff
    student: Student
    record: ServiceRecord


def _counseling_input(student: Student, **overrides: object) -> ServiceRecord:
    values: dict[str, object] = {
        "student": student,
        "mandate": Mandate.objects.get(student=student, service="COUNSELING"),
        "date": dt.date(2026, 11, 16),
        "start_time": dt.time(13, 0),
        "end_time": dt.time(13, 30),
        "language": "English",
        "location": "separate",
        "notes": SECRET,
        "notes_confidential": True,
    }
    values.update(overrides)
    return draft(**values)


@pytest.fixture
def counseling(sessions: Sessions) -> Counseling:
    d = sessions.d
    counselor = StaffFactory.create(staff_id="310", first_name="Kevin", last_name="O'Brien", disciplines=["COUNSELING"])
    AssignmentFactory.create(staff=counselor, kind=AssignmentKind.SCHOOL, school=d.school_a)
    student = StudentFactory.create(osis="777777777", first_name="Gia", last_name="Rossi", school=d.school_a)
    MandateFactory.create(student=student, service="COUNSELING", group_size=1)
    caseload_add(actor=counselor, provider=counselor, students=[student])
    record = service_record_create(actor=counselor, provider=counselor, data=_counseling_input(student), certify=True)
    return Counseling(sessions, counselor, student, record)


def _client(user: Staff) -> Client:
    client = Client()
    assert client.login(username=user.staff_id, password=PASSWORD)
    return client


def _shown(user: Staff, path: str) -> str:
    response = _client(user).get(path)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def _confidential_views(user: Staff) -> int:
    return Disclosure.objects.filter(actor=user, what__icontains="confidential counseling notes").count()


# The rule: counseling only, in the action and in the database.


def test_only_counseling_notes_can_be_marked_confidential(sessions: Sessions) -> None:
    d = sessions.d
    with pytest.raises(RecordRefused) as refused:
        service_record_create(
            actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input(notes_confidential=True)
        )
    assert refused.value.problems == [
        ("notes_confidential", "Only counseling Session Notes can be marked confidential.")
    ]
    assert not ServiceRecord.objects.exists()


def test_the_database_refuses_a_confidential_mark_on_other_notes(sessions: Sessions) -> None:
    d = sessions.d
    record = service_record_create(actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input())
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecord.objects.filter(pk=record.pk).update(notes_confidential=True)


def test_a_confidential_mark_must_be_true_or_false(counseling: Counseling) -> None:
    with pytest.raises(RecordRefused) as refused:
        service_record_create(
            actor=counseling.counselor,
            provider=counseling.counselor,
            data=_counseling_input(counseling.student, date=dt.date(2026, 11, 17), notes_confidential="yes"),
        )
    assert refused.value.problems == [("notes_confidential", "Confidential notes: true or false.")]


# The record page and its forms.


def test_the_author_sees_the_notes_and_the_showing_is_logged(counseling: Counseling) -> None:
    page = _shown(counseling.counselor, f"/services/records/{counseling.record.pk}/")
    assert SECRET in page
    assert "Confidential" in page
    assert _confidential_views(counseling.counselor) == 1


def test_a_supervisor_in_scope_sees_the_record_but_not_the_notes(counseling: Counseling) -> None:
    supervisor = counseling.s.d.supervisor
    page = _shown(supervisor, f"/services/records/{counseling.record.pk}/")
    assert "Gia Rossi" in page  # the record itself is in their scope
    assert SECRET not in page
    assert "Confidential counseling notes: shown only to their author and administrators." in page
    assert f"/services/records/{counseling.record.pk}/amend/" not in page
    assert _confidential_views(supervisor) == 0  # nothing confidential was shown


def test_an_administrator_sees_the_notes_and_the_showing_is_logged(counseling: Counseling) -> None:
    admin = counseling.s.d.admin
    assert SECRET in _shown(admin, f"/services/records/{counseling.record.pk}/")
    assert _confidential_views(admin) == 1


def test_the_history_hides_confidential_notes_of_every_version(counseling: Counseling) -> None:
    c = counseling
    service_record_amend(
        actor=c.counselor,
        record=c.record,
        reason="Added the follow-up",
        changes={"notes": SECRET + " Follow-up on Friday."},
        certify=True,
    )
    supervisor_page = _shown(c.s.d.supervisor, f"/services/records/{c.record.pk}/")
    assert "History" in supervisor_page and "Added the follow-up" in supervisor_page
    assert SECRET not in supervisor_page and "Follow-up on Friday" not in supervisor_page
    author_page = _shown(c.counselor, f"/services/records/{c.record.pk}/")
    assert "Follow-up on Friday" in author_page


def test_nobody_but_the_author_or_an_administrator_changes_the_record(counseling: Counseling) -> None:
    c = counseling
    supervisor = c.s.d.supervisor
    response = _client(supervisor).get(f"/services/records/{c.record.pk}/amend/", follow=True)
    assert CONFIDENTIAL_NOT_YOURS in html.unescape(response.content.decode())
    assert SECRET not in response.content.decode()
    with pytest.raises(ActionRefused) as refused:
        service_record_amend(
            actor=supervisor, record=c.record, reason="Tidy", changes={"location": "classroom"}, certify=True
        )
    assert refused.value.message == CONFIDENTIAL_NOT_YOURS
    c.record.refresh_from_db()
    assert c.record.version == 1 and c.record.location == "separate"
    # An administrator may (and reads the notes to do it: logged).
    service_record_amend(
        actor=c.s.d.admin, record=c.record, reason="Location corrected", changes={"location": "classroom"}, certify=True
    )
    c.record.refresh_from_db()
    assert c.record.version == 2 and c.record.notes == SECRET and c.record.notes_confidential


def test_an_uncertified_record_is_not_edited_by_a_supervisor_either(counseling: Counseling) -> None:
    c = counseling
    draft_record = service_record_create(
        actor=c.counselor, provider=c.counselor, data=_counseling_input(c.student, date=dt.date(2026, 11, 17))
    )
    response = _client(c.s.d.supervisor).get(f"/services/records/{draft_record.pk}/edit/", follow=True)
    assert CONFIDENTIAL_NOT_YOURS in html.unescape(response.content.decode())
    assert SECRET not in response.content.decode()
    with pytest.raises(ActionRefused):
        service_record_update(
            actor=c.s.d.supervisor,
            record=draft_record,
            data=_counseling_input(c.student, date=dt.date(2026, 11, 17), notes="replaced"),
            version=draft_record.version,
        )
    draft_record.refresh_from_db()
    assert draft_record.notes == SECRET


def test_the_tick_is_offered_for_counseling_only(counseling: Counseling) -> None:
    c = counseling
    counseling_form = _shown(c.counselor, f"/services/{c.student.osis}/record/new/?date=2026-11-17")
    assert 'name="notes_confidential"' in counseling_form
    speech_form = _shown(c.s.d.doe_speech, f"/services/{c.s.d.speech_student.osis}/record/new/?date=2026-11-17")
    assert 'name="notes_confidential"' not in speech_form


def test_the_form_records_a_confidential_note(counseling: Counseling) -> None:
    c = counseling
    response = _client(c.counselor).post(
        f"/services/{c.student.osis}/record/new/?date=2026-11-17",
        {
            "start_time": "13:00",
            "end_time": "13:30",
            "mandate": str(Mandate.objects.get(student=c.student).pk),
            "language": "English",
            "session_type": "provided",
            "grouping": "individual",
            "location": "separate",
            "notes": "Private",
            "notes_confidential": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = ServiceRecord.objects.get(date=dt.date(2026, 11, 17))
    assert saved.notes == "Private" and saved.notes_confidential


# The API.


def test_the_api_hides_the_notes_from_a_supervisor(counseling: Counseling) -> None:
    c = counseling
    supervisor = c.s.d.supervisor
    api = Api(token_for(supervisor))
    one = api.get(f"/service-records/{c.record.pk}").json()
    assert one["notes_confidential"] is True and one["notes"] == ""
    listed = api.get("/service-records", student=c.student.osis).json()
    assert [r["notes"] for r in listed["items"]] == [""]
    assert SECRET not in api.get("/service-records", student=c.student.osis).content.decode()
    assert _confidential_views(supervisor) == 0


def test_the_api_shows_the_author_their_notes_and_logs_it(counseling: Counseling) -> None:
    c = counseling
    api = Api(token_for(c.counselor))
    assert api.get(f"/service-records/{c.record.pk}").json()["notes"] == SECRET
    assert api.get("/service-records", student=c.student.osis).json()["items"][0]["notes"] == SECRET
    assert _confidential_views(c.counselor) == 2


def test_the_api_refuses_a_confidential_mark_on_speech_notes(sessions: Sessions) -> None:
    d = sessions.d
    api = Api(token_for(d.doe_speech))
    response = api.post(
        "/service-records",
        {
            "student": d.speech_student.osis,
            "service": "SPEECH",
            "date": "2026-11-16",
            "start_time": "10:00",
            "end_time": "10:30",
            "language": "English",
            "location": "separate",
            "notes": "Worked on /s/ blends.",
            "notes_confidential": True,
        },
    )
    assert response.status_code == 422, response.content
    assert "Only counseling Session Notes can be marked confidential." in response.content.decode()
    assert not ServiceRecord.objects.exists()


# Exports.


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "pdf"])
def test_confidential_notes_are_left_out_of_exports(counseling: Counseling, file_format: str) -> None:
    response = _client(counseling.s.d.admin).get(f"/reports/encounter-attendance/export/{file_format}/{QUERY}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body  # the export holds the record's row...
    assert SECRET.encode() not in body  # ...never its notes
    if file_format == "csv":
        assert b"777777777" in body


def test_notes_once_confidential_stay_hidden_in_the_history_after_the_mark_is_lifted(
    counseling: Counseling,
) -> None:
    """The author lifts the mark in an amendment: the new notes are for everyone, the
    version signed as confidential stays confidential, on the page and in the API."""
    c = counseling
    service_record_amend(
        actor=c.counselor,
        record=c.record,
        reason="Summary for the team",
        changes={"notes": "Attended; goals reviewed.", "notes_confidential": False},
        certify=True,
    )
    supervisor = c.s.d.supervisor
    page = _shown(supervisor, f"/services/records/{c.record.pk}/")
    assert "Attended; goals reviewed." in page  # the current notes are no longer confidential
    assert SECRET not in page  # the earlier version's are
    api = Api(token_for(supervisor))
    body = api.get(f"/service-records/{c.record.pk}").content.decode()
    assert "Attended; goals reviewed." in body and SECRET not in body
    assert _confidential_views(supervisor) == 0  # nothing confidential was shown to them
    assert SECRET in _shown(c.counselor, f"/services/records/{c.record.pk}/")  # the author reads both
    assert _confidential_views(c.counselor) == 1
