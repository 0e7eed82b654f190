"""The rules of a record at their edges: the mandate's first and last days, the
mandate's own service, and the overlap flag that only a paraprofessional's overlap
sets."""

from __future__ import annotations

import datetime as dt

from sesis.caseloads.actions import caseload_add
from sesis.mandates.models import AssignmentKind
from sesis.services.actions import service_record_create, service_record_update
from sesis.services.rules import check_date, check_fields, check_record
from sesis.services.tests.conftest import Sessions
from tests.factories import AssignmentFactory, MandateFactory, StaffFactory, StudentFactory


def test_a_mandate_is_served_from_its_first_day_to_its_last(sessions: Sessions) -> None:
    d = sessions.d
    mandate = MandateFactory.create(
        student=d.speech_student, service="SPEECH", start_date=dt.date(2026, 11, 16), end_date=dt.date(2026, 11, 17)
    )

    def problems(day: int) -> list[tuple[str, str]]:
        return check_date(provider=d.doe_speech, student=d.speech_student, mandate=mandate, day=dt.date(2026, 11, day))

    assert problems(16) == [] and problems(17) == []
    outside = "is outside the mandate's dates (November 16, 2026 to November 17, 2026)."
    assert problems(13) == [("date", f"November 13, 2026 {outside}")]
    assert problems(18) == [("date", f"November 18, 2026 {outside}")]


def test_permission_is_for_the_mandates_own_service(sessions: Sessions) -> None:
    # The speech provider may serve the student's speech mandate, not their OT mandate.
    d = sessions.d
    ot = MandateFactory.create(student=d.speech_student, service="OT")
    assert check_date(provider=d.doe_speech, student=d.speech_student, mandate=ot, day=dt.date(2026, 11, 16)) == [
        (
            "service",
            "The provider's discipline does not cover the mandated service (Occupational Therapy) "
            "on November 16, 2026.",
        )
    ]


def test_only_a_paraprofessionals_overlap_is_flagged(sessions: Sessions) -> None:
    d = sessions.d
    plain = service_record_create(actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input())
    assert plain.overlap_flag == ""
    # Refused, the provider's own session at that time: no flag either.
    second = StudentFactory.create(school=d.school_a, first_name="Ola", last_name="Berg")
    mandate = MandateFactory.create(student=second, service="SPEECH", group_size=1)
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[second])
    data = sessions.speech_input(student=second, mandate=mandate, grouping="individual", group_count=None)
    problems, flag = check_record(provider=d.doe_speech, data=data)
    assert [field for field, _ in problems] == ["start_time"] and flag == ""
    assert "a provider cannot be in two places at once" in problems[0][1]
    # Refused, the student's session with another provider (not a paraprofessional): no flag.
    ot = MandateFactory.create(student=d.speech_student, service="OT")
    caseload_add(actor=d.agency_ot, provider=d.agency_ot, students=[d.speech_student])
    ot_data = sessions.speech_input(mandate=ot, grouping="individual", group_count=None, notes="Fine motor.")
    problems, flag = check_record(provider=d.agency_ot, data=ot_data)
    assert problems and "a student cannot receive two related services at once" in problems[0][1] and flag == ""


MAKEUP_REFUSED = [("makeup_of", "A make-up session must make up a missed session of the same student and service.")]


def test_a_makeup_makes_up_only_a_session_of_its_own_student_provider_and_mandate(sessions: Sessions) -> None:
    s = sessions
    d = s.d
    missed = service_record_create(actor=d.para, provider=d.para, data=s.para_input(session_type="provider_absent"))
    nov17 = dt.date(2026, 11, 17)
    # Another student's missed session (a paraprofessional's student, on the speech form).
    problems, _ = check_record(provider=d.doe_speech, data=s.speech_input(date=nov17, makeup_of=missed))
    assert problems == MAKEUP_REFUSED
    # The same student and mandate, but another provider's missed session.
    other_para = StaffFactory.create(staff_id="601", disciplines=["PARA"])
    AssignmentFactory.create(staff=other_para, kind=AssignmentKind.SCHOOL, school=d.school_a)
    caseload_add(actor=other_para, provider=other_para, students=[d.para_student])
    problems, _ = check_record(provider=other_para, data=s.para_input(date=nov17, makeup_of=missed))
    assert problems == MAKEUP_REFUSED
    # Its own: accepted.
    own = s.para_input(date=nov17, makeup_of=missed)
    assert check_record(provider=d.para, data=own) == ([], "")
    # The same student and provider, but another of the student's mandates.
    own.mandate = MandateFactory.create(student=d.para_student, service="PARA")
    problems, _ = check_record(provider=d.para, data=own)
    assert problems == MAKEUP_REFUSED


def test_editing_a_makeup_does_not_count_it_as_already_made_up(sessions: Sessions) -> None:
    s = sessions
    d = s.d
    missed = service_record_create(actor=d.para, provider=d.para, data=s.para_input(session_type="provider_absent"))
    makeup = service_record_create(
        actor=d.para, provider=d.para, data=s.para_input(date=dt.date(2026, 11, 17), makeup_of=missed)
    )
    edited = service_record_update(
        actor=d.para,
        record=makeup,
        data=s.para_input(date=dt.date(2026, 11, 17), makeup_of=missed, notes="Caught up."),
        version=makeup.version,
    )
    assert (edited.makeup_of, edited.notes) == (missed, "Caught up.")


def test_every_bad_field_is_named_not_only_the_first(sessions: Sessions) -> None:
    data = sessions.speech_input(start_time=None, end_time="late", language=5, location="moon", notes="x" * 4001)
    assert check_fields(data) == [
        ("start_time", "Start Time cannot be empty (null)."),
        ("end_time", "End Time: enter a time as HH:MM."),
        ("language", "Language of Service: enter text."),
        ("location", "Choose a Service Location from the list."),
        ("notes", "Session Notes can be at most 4,000 characters."),
    ]


def test_a_session_provided_needs_its_location(sessions: Sessions) -> None:
    problems, _ = check_record(provider=sessions.d.doe_speech, data=sessions.speech_input(location=""))
    assert problems == [("location", "Choose the Service Location.")]


def test_the_first_refusals_stop_the_checks_and_flag_nothing(sessions: Sessions) -> None:
    s = sessions
    d = s.d
    # A bad field.
    assert check_record(provider=d.doe_speech, data=s.speech_input(notes=None)) == (
        [("notes", "Session Notes cannot be empty (null).")],
        "",
    )
    # Another student's mandate.
    data = s.speech_input()
    data.mandate = MandateFactory.create(student=d.far_student, service="SPEECH")
    assert check_record(provider=d.doe_speech, data=data) == (
        [("service", "That mandate is not one of this student's.")],
        "",
    )


def test_the_student_must_be_on_this_providers_caseload(sessions: Sessions) -> None:
    s = sessions
    d = s.d
    # On another provider's caseload (the speech provider's), not on the OT provider's.
    ot = MandateFactory.create(student=d.speech_student, service="OT")
    data = s.speech_input(mandate=ot, grouping="individual", group_count=None)
    assert check_record(provider=d.agency_ot, data=data) == (
        [("student", "Ana O'Connor is not on Lucia Ferrari's caseload.")],
        "",
    )
    # The provider has a caseload, without this student.
    stranger = StudentFactory.create(school=d.school_a, first_name="Ola", last_name="Berg")
    mandate = MandateFactory.create(student=stranger, service="SPEECH")
    data = s.speech_input(student=stranger, mandate=mandate)
    problems, _ = check_record(provider=d.doe_speech, data=data)
    assert problems == [("student", "Ola Berg is not on Maria Santos's caseload.")]


def test_a_missed_session_is_never_flagged(sessions: Sessions) -> None:
    d = sessions.d
    absent = sessions.speech_input(session_type="student_absent")
    assert check_record(provider=d.doe_speech, data=absent) == ([], "")


def test_the_entry_window_starts_on_the_first_of_the_month_before_across_a_new_year(settings) -> None:
    from sesis.services.rules import entry_window_start

    settings.SESIS_ENTRY_WINDOW_MONTHS = 1
    assert entry_window_start(dt.date(2027, 1, 15)) == dt.date(2026, 12, 1)
    assert entry_window_start(dt.date(2027, 2, 1)) == dt.date(2027, 1, 1)
    assert entry_window_start(dt.date(2026, 12, 31)) == dt.date(2026, 11, 1)
    settings.SESIS_ENTRY_WINDOW_MONTHS = 13
    assert entry_window_start(dt.date(2027, 1, 15)) == dt.date(2025, 12, 1)
    settings.SESIS_ENTRY_WINDOW_MONTHS = 0
    assert entry_window_start(dt.date(2027, 1, 15)) == dt.date(2027, 1, 1)
