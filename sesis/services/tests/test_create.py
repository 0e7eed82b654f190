"""Every rule of a service record, refusing with a message that names the field."""

from __future__ import annotations

import datetime as dt

import pytest

from sesis.audit.models import AuditEvent
from sesis.caseloads.actions import caseload_add, caseload_remove
from sesis.lib.errors import ActionRefused
from sesis.schoolcalendar.models import CalendarDay
from sesis.services.actions import RecordRefused, service_record_create
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions
from tests.factories import MandateFactory, StudentFactory


def refused(s: Sessions, provider, data) -> list[tuple[str, str]]:
    with pytest.raises(RecordRefused) as caught:
        service_record_create(actor=provider, provider=provider, data=data)
    assert not ServiceRecord.objects.filter(
        provider=provider, student=data.student, date=data.date, start_time=data.start_time
    ).exists()
    return caught.value.problems


def test_a_paraprofessional_records_a_session_as_the_guide_describes(sessions: Sessions) -> None:
    s = sessions
    record = service_record_create(actor=s.d.para, provider=s.d.para, data=s.para_input(), certify=True)
    assert record.service == "PARA"
    assert record.session_type == "provided"
    assert record.is_certified and record.certified_by == s.d.para
    assert record.hash_is_valid()
    event = AuditEvent.objects.get(action="service_record.create")
    assert event.student == s.d.para_student and event.details["certified"] is True


def test_a_record_saved_without_certifying_is_not_certified(sessions: Sessions) -> None:
    record = service_record_create(actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input())
    assert not record.is_certified
    assert record.certification_hash == ""


def test_no_future_dates(sessions: Sessions) -> None:
    assert refused(sessions, sessions.d.para, sessions.para_input(date=dt.date(2026, 11, 19))) == [
        ("date", "The date of service cannot be in the future.")
    ]


def test_no_weekends(sessions: Sessions) -> None:
    assert refused(sessions, sessions.d.para, sessions.para_input(date=dt.date(2026, 11, 14))) == [
        ("date", "November 14, 2026 is not a school day (Weekend). Days shown in gray need no record.")
    ]


def test_no_holidays(sessions: Sessions) -> None:
    assert refused(sessions, sessions.d.para, sessions.para_input(date=dt.date(2026, 11, 11))) == [
        ("date", "November 11, 2026 is not a school day (Veterans Day). Days shown in gray need no record.")
    ]


def test_no_closures_of_the_students_school_or_district(sessions: Sessions) -> None:
    s = sessions
    CalendarDay.objects.create(
        date=dt.date(2026, 11, 12), kind="closure", school=s.d.school_a, description="Boiler repair"
    )
    CalendarDay.objects.create(date=dt.date(2026, 11, 13), kind="closure", district=2, description="Snow")
    assert refused(s, s.d.para, s.para_input(date=dt.date(2026, 11, 12)))[0][1].endswith(
        "(Boiler repair). Days shown in gray need no record."
    )
    assert refused(s, s.d.para, s.para_input(date=dt.date(2026, 11, 13)))[0][1].startswith(
        "November 13, 2026 is not a school day (Snow)"
    )
    CalendarDay.objects.create(
        date=dt.date(2026, 11, 13), kind="school_day", school=s.d.school_a, description="Open after all"
    )
    assert service_record_create(actor=s.d.para, provider=s.d.para, data=s.para_input(date=dt.date(2026, 11, 13)))


def test_a_weekend_listed_as_a_school_day_can_be_recorded(sessions: Sessions) -> None:
    s = sessions
    CalendarDay.objects.create(date=dt.date(2026, 11, 14), kind="school_day", description="Saturday make-up day")
    assert service_record_create(actor=s.d.para, provider=s.d.para, data=s.para_input(date=dt.date(2026, 11, 14)))


def test_only_inside_the_entry_window(sessions: Sessions, settings) -> None:
    s = sessions
    assert refused(s, s.d.para, s.para_input(date=dt.date(2026, 9, 30))) == [
        ("date", "The date must be within the entry window: October 1, 2026 to today.")
    ]
    assert service_record_create(actor=s.d.para, provider=s.d.para, data=s.para_input(date=dt.date(2026, 10, 1)))
    settings.SESIS_ENTRY_WINDOW_MONTHS = 0
    assert refused(s, s.d.para, s.para_input(date=dt.date(2026, 10, 2)))[0][1].startswith(
        "The date must be within the entry window: November 1"
    )


def test_only_inside_the_mandates_dates(sessions: Sessions) -> None:
    s = sessions
    mandate = s.para_input().mandate
    mandate.start_date = dt.date(2026, 11, 10)
    mandate.save()
    assert refused(s, s.d.para, s.para_input(date=dt.date(2026, 11, 9))) == [
        (
            "date",
            "November 9, 2026 is outside the mandate's dates (November 10, 2026 to "
            + f"{mandate.end_date:%B} {mandate.end_date.day}, {mandate.end_date.year}).",
        )
    ]


def test_only_with_permission_on_that_date(sessions: Sessions) -> None:
    s = sessions
    s.d.para.assignments.update(start_date=dt.date(2026, 11, 17))
    assert refused(s, s.d.para, s.para_input(date=dt.date(2026, 11, 16))) == [
        ("service", "No assignment or RSA for this student on November 16, 2026.")
    ]


def test_only_students_on_the_providers_caseload(sessions: Sessions) -> None:
    s = sessions
    entry = s.d.para.caseload_entries.get()
    caseload_remove(actor=s.d.para, entry=entry, reason="Added in error")
    assert refused(s, s.d.para, s.para_input()) == [("student", "Chloe Nguyen is not on Carmen Diaz's caseload.")]


def test_start_before_end(sessions: Sessions) -> None:
    s = sessions
    assert ("end_time", "End Time must be after Start Time.") in refused(
        s, s.d.para, s.para_input(start_time=dt.time(10, 0), end_time=dt.time(10, 0))
    )


def test_a_paraprofessional_needs_a_service_description_and_progress_indicator(sessions: Sessions) -> None:
    s = sessions
    assert refused(s, s.d.para, s.para_input(description="", progress="")) == [
        ("description", "Choose a Service Description (Health for a specialty not listed)."),
        ("progress", "Choose a Progress Indicator: paraprofessionals document progress towards the IEP annual goals."),
    ]


def test_absences_and_cancellations_need_no_location_description_or_progress(sessions: Sessions) -> None:
    s = sessions
    absent = service_record_create(
        actor=s.d.para,
        provider=s.d.para,
        certify=True,
        data=s.para_input(session_type="student_absent", location="", description="", progress=""),
    )
    assert absent.is_certified and absent.description == "" and absent.location == ""
    cancelled = service_record_create(
        actor=s.d.para,
        provider=s.d.para,
        data=s.para_input(
            date=dt.date(2026, 11, 17), session_type="cancelled", cancel_reason="school_activity", location="classroom"
        ),
    )
    assert cancelled.location == ""  # dropped: a cancelled session has no location


def test_a_cancellation_needs_its_reason(sessions: Sessions) -> None:
    s = sessions
    assert refused(s, s.d.para, s.para_input(session_type="cancelled")) == [
        ("cancel_reason", "Choose the reason the session was cancelled.")
    ]


def test_session_notes_are_required_for_speech_ot_and_pt(sessions: Sessions) -> None:
    s = sessions
    assert refused(s, s.d.doe_speech, s.speech_input(notes="  ")) == [
        ("notes", "Session Notes are required for Speech-Language Therapy sessions.")
    ]


def test_service_description_is_for_paraprofessionals_only(sessions: Sessions) -> None:
    s = sessions
    assert ("description", "Service Description is for paraprofessional sessions only.") in refused(
        s, s.d.doe_speech, s.speech_input(description="health")
    )


def test_a_group_needs_the_number_present_and_no_more_than_the_mandate(sessions: Sessions) -> None:
    s = sessions
    assert refused(s, s.d.doe_speech, s.speech_input(group_count=None)) == [
        ("group_count", "Enter the number of students present for a group session (Group, 1 when only one came).")
    ]
    assert refused(s, s.d.doe_speech, s.speech_input(group_count=4)) == [
        ("group_count", "Group Size cannot be above the mandate's group size (a group of up to 3).")
    ]
    assert refused(s, s.d.para, s.para_input(grouping="group", group_count=2)) == [
        ("group_count", "Group Size cannot be above the mandate's group size (individual sessions only).")
    ]


def test_group_one_is_valid_when_only_one_student_of_a_group_came(sessions: Sessions) -> None:
    s = sessions
    record = service_record_create(actor=s.d.doe_speech, provider=s.d.doe_speech, data=s.speech_input(group_count=1))
    assert record.group_size_display == "Group, 1"


def test_a_language_from_the_list(sessions: Sessions) -> None:
    s = sessions
    assert refused(s, s.d.para, s.para_input(language="Klingon")) == [
        ("language", "Choose a Language of Service from the list.")
    ]


def test_the_same_session_is_never_recorded_twice(sessions: Sessions) -> None:
    s = sessions
    service_record_create(actor=s.d.para, provider=s.d.para, data=s.para_input(session_type="student_absent"))
    with pytest.raises(RecordRefused, match="already recorded"):
        service_record_create(actor=s.d.para, provider=s.d.para, data=s.para_input(session_type="student_absent"))
    assert ServiceRecord.objects.count() == 1


def test_a_provider_cannot_be_in_two_places_at_once(sessions: Sessions) -> None:
    s = sessions
    other = StudentFactory.create(school=s.d.school_a, first_name="Ola", last_name="Berg")
    MandateFactory.create(student=other, service="PARA", group_size=1)
    caseload_add(actor=s.d.para, provider=s.d.para, students=[other])
    service_record_create(actor=s.d.para, provider=s.d.para, data=s.para_input())
    clash = s.para_input(
        student=other, mandate=other.mandates.get(), start_time=dt.time(9, 30), end_time=dt.time(10, 30)
    )
    assert refused(s, s.d.para, clash) == [
        (
            "start_time",
            "You already have a session from 09:00 to 10:00 on this date (Chloe Nguyen); a provider cannot be in two places at once.",
        )
    ]
    # Back to back is not an overlap, and an absence holds no time.
    assert service_record_create(
        actor=s.d.para,
        provider=s.d.para,
        data=s.para_input(
            student=other, mandate=other.mandates.get(), start_time=dt.time(10, 0), end_time=dt.time(11, 0)
        ),
    )
    absent = s.para_input(
        student=other,
        mandate=other.mandates.get(),
        start_time=dt.time(9, 15),
        end_time=dt.time(9, 45),
        session_type="student_absent",
    )
    assert service_record_create(actor=s.d.para, provider=s.d.para, data=absent)


def test_a_student_cannot_get_two_related_services_at_once(sessions: Sessions) -> None:
    s = sessions
    MandateFactory.create(student=s.d.speech_student, service="OT", group_size=1)
    caseload_add(actor=s.d.agency_ot, provider=s.d.agency_ot, students=[s.d.speech_student])
    service_record_create(actor=s.d.doe_speech, provider=s.d.doe_speech, data=s.speech_input())
    ot = s.speech_input(
        mandate=s.d.speech_student.mandates.get(service="OT"),
        grouping="individual",
        group_count=None,
        notes="Fine motor.",
    )
    assert refused(s, s.d.agency_ot, ot) == [
        (
            "start_time",
            "Ana O'Connor has a Speech-Language Therapy session from 10:00 to 10:30 with Maria Santos; a student cannot receive two related services at once.",
        )
    ]


def test_a_paraprofessionals_overlap_is_flagged_not_refused(sessions: Sessions) -> None:
    s = sessions
    MandateFactory.create(student=s.d.speech_student, service="PARA", group_size=1)
    caseload_add(actor=s.d.para, provider=s.d.para, students=[s.d.speech_student])
    service_record_create(actor=s.d.doe_speech, provider=s.d.doe_speech, data=s.speech_input())
    para = s.para_input(
        student=s.d.speech_student,
        mandate=s.d.speech_student.mandates.get(service="PARA"),
        start_time=dt.time(8, 0),
        end_time=dt.time(14, 0),
    )
    record = service_record_create(actor=s.d.para, provider=s.d.para, data=para)
    assert (
        record.overlap_flag
        == "Overlaps: Ana O'Connor has a Speech-Language Therapy session from 10:00 to 10:30 with Maria Santos."
    )


def test_a_supervisor_records_on_behalf_of_a_provider_in_scope(sessions: Sessions) -> None:
    s = sessions
    record = service_record_create(actor=s.d.supervisor, provider=s.d.para, data=s.para_input(), certify=True)
    assert record.on_behalf and record.recorded_by == s.d.supervisor and record.certified_by == s.d.supervisor
    with pytest.raises(ActionRefused, match="Outside your access"):
        service_record_create(
            actor=s.d.supervisor_out, provider=s.d.para, data=s.para_input(date=dt.date(2026, 11, 17))
        )
    with pytest.raises(ActionRefused, match="Outside your access"):
        service_record_create(actor=s.d.doe_speech, provider=s.d.para, data=s.para_input(date=dt.date(2026, 11, 17)))


def test_a_makeup_session_makes_up_one_missed_session(sessions: Sessions) -> None:
    s = sessions
    missed = service_record_create(actor=s.d.para, provider=s.d.para, data=s.para_input(session_type="provider_absent"))
    makeup = service_record_create(
        actor=s.d.para, provider=s.d.para, data=s.para_input(date=dt.date(2026, 11, 17), makeup_of=missed)
    )
    assert makeup.makeup_of == missed
    again = s.para_input(date=dt.date(2026, 11, 18), makeup_of=missed)
    assert refused(s, s.d.para, again) == [
        ("makeup_of", "The session missed on November 16, 2026 has already been made up.")
    ]
    provided = makeup
    assert refused(s, s.d.para, s.para_input(date=dt.date(2026, 11, 18), makeup_of=provided)) == [
        ("makeup_of", "A make-up session must make up a missed session of the same student and service.")
    ]
