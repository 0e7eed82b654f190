"""The rules of a record at their edges: the mandate's first and last days, the
mandate's own service, and the overlap flag that only a paraprofessional's overlap
sets."""

from __future__ import annotations

import datetime as dt

from sesis.caseloads.actions import caseload_add
from sesis.services.actions import service_record_create
from sesis.services.rules import check_date, check_record
from sesis.services.tests.conftest import Sessions
from tests.factories import MandateFactory, StudentFactory


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
