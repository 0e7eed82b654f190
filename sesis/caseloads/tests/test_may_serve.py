"""Students the provider may serve: exactly the students permission_to_serve allows who
are not on the caseload yet, and the homepage's one-click add."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sesis.caseloads.actions import caseload_add
from sesis.caseloads.models import CaseloadEntry
from sesis.caseloads.queries import may_serve_not_on_caseload
from sesis.mandates.permissions import permission_to_serve
from sesis.people.models import Staff
from sesis.students.models import Student
from tests.factories import PASSWORD, District, MandateFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _osis(provider: Staff, day: dt.date) -> list[str]:
    students, count = may_serve_not_on_caseload(provider, day)
    assert count == len(students)
    return [student.osis for student in students]


def test_an_independent_provider_sees_the_students_their_rsas_name(district: District, today: dt.date) -> None:
    d = district
    assert _osis(d.independent_speech, today) == [d.rsa_student.osis]
    caseload_add(actor=d.independent_speech, provider=d.independent_speech, students=[d.rsa_student])
    assert _osis(d.independent_speech, today) == []


def test_a_school_assignment_offers_the_schools_mandated_students_in_the_discipline(
    district: District, today: dt.date
) -> None:
    d = district
    # Speech at 02M001 (Ana) and 15K003 (Finn); not the OT, para or unmandated students.
    assert set(_osis(d.doe_speech, today)) == {d.speech_student.osis, d.far_student.osis}
    assert _osis(d.para, today) == [d.para_student.osis]
    assert _osis(d.agency_ot, today) == [d.ot_student.osis]
    assert _osis(d.supervisor, today) == [] and _osis(d.admin, today) == []


def test_the_count_is_of_all_of_them_beyond_the_first_shown(district: District, today: dt.date) -> None:
    d = district
    students, count = may_serve_not_on_caseload(d.doe_speech, today, limit=1)
    assert count == 2 and len(students) == 1
    assert students[0].osis in {d.speech_student.osis, d.far_student.osis}
    assert may_serve_not_on_caseload(d.supervisor, today, limit=1) == ([], 0)


def test_the_list_is_exactly_what_permission_to_serve_allows(district: District, today: dt.date) -> None:
    d = district
    extra = StudentFactory.create(school=d.school_a, first_name="Zed", last_name="Extra")
    MandateFactory.create(student=extra, service="SPEECH", end_date=today - dt.timedelta(days=1))  # expired
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.speech_student])
    for provider in (d.doe_speech, d.agency_ot, d.independent_speech, d.para):
        on_caseload = set(
            CaseloadEntry.objects.filter(provider=provider, ended_at__isnull=True).values_list("student", flat=True)
        )
        expected = {
            student.osis
            for student in Student.objects.all()
            if student.pk not in on_caseload
            and permission_to_serve(provider=provider, student=student, day=today).allowed
        }
        assert set(_osis(provider, today)) == expected, provider


def test_the_homepage_adds_with_one_click_and_comes_back(district: District, today: dt.date) -> None:
    d = district
    client = Client()
    assert client.login(username=d.independent_speech.staff_id, password=PASSWORD)
    home = client.get("/").content.decode()
    assert "Students you may serve (1)" in home and d.rsa_student.osis in home
    response = client.post("/caseload/add/", {"osis": d.rsa_student.osis, "next": "/#may-serve-heading"})
    assert response.status_code == 302 and response["Location"] == "/#may-serve-heading"
    assert CaseloadEntry.objects.filter(provider=d.independent_speech, student=d.rsa_student).exists()
    assert "Students you may serve" not in client.get("/").content.decode()
    # A next that leaves the site is not followed.
    elsewhere = client.post("/caseload/add/", {"osis": d.rsa_student.osis, "next": "https://evil.example.org/"})
    assert elsewhere["Location"] == "/caseload/add/"
