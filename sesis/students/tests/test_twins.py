"""Two students of one name (issue 19, item 2): every list shows each student's OSIS
ID, and the school where two of the list share a name — on the homepage's Still to
deliver, the Service Capture list, the group form and My Schedule."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.test import Client

from sesis.caseloads.actions import caseload_add
from sesis.schedules.actions import SlotInput, schedule_slot_create
from sesis.services.tests.conftest import Sessions
from sesis.students.models import Student
from sesis.students.templatetags.students import mark_twins, student_id
from tests.factories import PASSWORD, MandateFactory, StudentFactory


def _student(pk: int, last: str, first: str, osis: str, dbn: str) -> SimpleNamespace:
    return SimpleNamespace(pk=pk, last_name=last, first_name=first, osis=osis, school=SimpleNamespace(dbn=dbn))


def test_only_students_sharing_a_name_get_their_school() -> None:
    a = _student(1, "Fernandez", "Madison", "100000001", "02M001")
    b = _student(2, "FERNANDEZ", "madison", "100000002", "15K003")
    c = _student(3, "Fernandez", "Mateo", "100000003", "02M001")
    rows = [SimpleNamespace(student=s) for s in (a, b, c)]
    assert mark_twins(iter(rows), "student") == rows
    assert [student_id(s) for s in (a, b, c)] == [
        '<span class="sesis-student-id">100000001 · 02M001</span>',
        '<span class="sesis-student-id">100000002 · 15K003</span>',
        '<span class="sesis-student-id">100000003</span>',
    ]


def test_one_student_listed_twice_is_not_a_twin() -> None:
    a = _student(1, "Fernandez", "Madison", "100000001", "02M001")
    mark_twins([a, a])
    assert student_id(a) == '<span class="sesis-student-id">100000001</span>'


@pytest.fixture
def twins(sessions: Sessions) -> tuple[Student, Student]:
    d = sessions.d
    first = StudentFactory.create(osis="900000001", first_name="Madison", last_name="Fernandez", school=d.school_a)
    second = StudentFactory.create(osis="900000002", first_name="Madison", last_name="Fernandez", school=d.school_c)
    for student in (first, second):
        MandateFactory.create(student=student, service="SPEECH")
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[first, second])
    return first, second


def _page(sessions: Sessions, path: str) -> str:
    client = Client()
    assert client.login(username=sessions.d.doe_speech.staff_id, password=PASSWORD)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _told_apart(page: str) -> bool:
    return bool(
        re.search(r"900000001 · 02M001", page)
        and re.search(r"900000002 · 15K003", page)
        and "111111111 · 02M001" not in page  # a student whose name nobody shares gets no school
    )


@pytest.mark.parametrize("path", ["/", "/services/", "/services/group/"])
def test_the_provider_pages_tell_the_two_apart(sessions: Sessions, twins: tuple[Student, Student], path: str) -> None:
    page = _page(sessions, path)
    assert page.count("Fernandez, Madison") >= 2
    assert _told_apart(page), path


def test_my_schedule_tells_the_two_apart(sessions: Sessions, twins: tuple[Student, Student]) -> None:
    d = sessions.d
    schedule_slot_create(
        actor=d.doe_speech,
        provider=d.doe_speech,
        data=SlotInput(
            service="SPEECH",
            weekdays=[1, 3],
            start_time=dt.time(9, 0),
            end_time=dt.time(9, 30),
            location="separate",
            students=[*twins, d.speech_student],
        ),
    )
    page = _page(sessions, "/schedule/")
    assert _told_apart(page)
    assert "111111111" in page  # every student's OSIS ID
