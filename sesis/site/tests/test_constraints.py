"""The database itself holds the invariants, whatever path a write takes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from sesis.mandates.models import Assignment
from sesis.people.models import StaffDiscipline
from sesis.students.models import Enrolment
from tests.factories import District, MandateFactory, StaffFactory, StudentFactory


def refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_mandates_hold_their_shape(district: District) -> None:
    s = district.speech_student
    refused(lambda: MandateFactory.create(student=s, start_date=dt.date(2027, 1, 1), end_date=dt.date(2026, 1, 1)))
    refused(lambda: MandateFactory.create(student=s, sessions=0))
    refused(lambda: MandateFactory.create(student=s, group_size=0))
    refused(lambda: MandateFactory.create(student=s, service="ART"))
    refused(lambda: MandateFactory.create(student=s, period="year"))


def test_an_osis_id_is_nine_characters_and_unique(district: District) -> None:
    refused(lambda: StudentFactory.create(osis="1234", school=district.school_a))
    refused(lambda: StudentFactory.create(osis="111111111", school=district.school_a))


def test_a_providers_type_and_role_agree(district: District) -> None:
    refused(lambda: StaffFactory.create(role="supervisor", provider_type="DOE"))
    refused(lambda: StaffFactory.create(role="provider", provider_type=""))
    refused(lambda: StaffFactory.create(provider_type="DOE", agency=district.agency_ot.agency))


def test_a_discipline_is_held_once(district: District) -> None:
    refused(lambda: StaffDiscipline.objects.create(staff=district.doe_speech, service="SPEECH"))


def test_assignments_name_what_their_kind_needs(district: District) -> None:
    d = district
    start = dt.date(2026, 9, 8)
    refused(lambda: Assignment.objects.create(staff=d.doe_speech, kind="school", start_date=start))
    refused(
        lambda: Assignment.objects.create(
            staff=d.independent_speech, kind="rsa", student=d.rsa_student, start_date=start
        )
    )
    refused(lambda: Assignment.objects.create(staff=d.agency_ot, kind="agency", student=d.ot_student, start_date=start))
    refused(
        lambda: Assignment.objects.create(
            staff=d.doe_speech, kind="school", school=d.school_a, start_date=start, end_date=dt.date(2026, 1, 1)
        )
    )


def test_a_student_has_one_current_enrolment(district: District) -> None:
    s = district.speech_student
    Enrolment.objects.create(student=s, school=s.school, grade="4", start_date=dt.date(2026, 9, 8))
    refused(lambda: Enrolment.objects.create(student=s, school=s.school, grade="5", start_date=dt.date(2026, 10, 1)))


def test_a_caseload_entry_cannot_end_without_who_and_why(district: District) -> None:
    from django.utils import timezone

    from sesis.caseloads.models import CaseloadEntry

    d = district
    refused(
        lambda: CaseloadEntry.objects.create(
            provider=d.doe_speech,
            student=d.speech_student,
            source="provider",
            added_by=d.doe_speech,
            added_at=timezone.now(),
            ended_at=timezone.now(),
        )
    )
