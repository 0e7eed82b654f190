"""Mandate compliance against figures worked out by hand.

November 2026 starts on a Sunday; the weeks run Nov 1-7, 8-14, 15-21, 22-28 and
Nov 29-Dec 5. The `sessions` fixture makes Nov 11 (Wednesday) a citywide holiday and
freezes today at Wednesday Nov 18."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from sesis.mandates.models import Mandate
from sesis.reports.compliance import (
    compliance,
    mandated_by_day,
    report_lines,
    still_to_deliver,
    visible_mandates,
    whole,
)
from sesis.reports.filters import Filters
from sesis.schoolcalendar.days import non_school_days
from sesis.schoolcalendar.models import CalendarDay
from sesis.services.actions import service_record_amend, service_record_create
from sesis.services.choices import SessionType
from sesis.services.tests.conftest import Sessions
from tests.factories import MandateFactory

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
FIRST_TWO_WEEKS = (dt.date(2026, 11, 1), dt.date(2026, 11, 14))
LATER = dt.date(2026, 12, 31)  # a "today" after the period, so every day of it counts


def _mandated(mandate: Mandate, start: dt.date, end: dt.date, today: dt.date = LATER) -> int:
    [line] = compliance([mandate], start, end, today=today)
    return line.counts.mandated_sessions


def _speech(s: Sessions) -> Mandate:
    return Mandate.objects.get(student=s.d.speech_student, service="SPEECH")


def test_a_full_week_mandates_its_sessions_and_a_holiday_week_still_does(sessions: Sessions) -> None:
    # Nov 1-7: five school days, 2 sessions. Nov 8-14: four (Nov 11 is a holiday), still 2.
    assert _mandated(_speech(sessions), *FIRST_TWO_WEEKS) == 4


def test_a_week_with_fewer_school_days_than_sessions_mandates_only_those_days(sessions: Sessions) -> None:
    # A district recess Mon Nov 2 - Thu Nov 5 leaves one school day that week: 1 session, not 2.
    for day in range(2, 6):
        CalendarDay.objects.create(date=dt.date(2026, 11, day), kind="recess", district=2, description="Recess")
    assert _mandated(_speech(sessions), *FIRST_TWO_WEEKS) == 1 + 2


def test_a_closure_of_another_school_does_not_count(sessions: Sessions) -> None:
    for day in range(2, 6):
        CalendarDay.objects.create(date=dt.date(2026, 11, day), kind="closure", school=sessions.d.school_c)
    assert _mandated(_speech(sessions), *FIRST_TWO_WEEKS) == 4


def test_a_mandate_starting_mid_week_counts_from_its_first_day(sessions: Sessions) -> None:
    # Starts Thursday Nov 12: that week has two school days within the mandate (12, 13): 2 sessions.
    mandate = MandateFactory.create(
        student=sessions.d.ot_student,
        service="OT",
        sessions=2,
        start_date=dt.date(2026, 11, 12),
        end_date=dt.date(2027, 6, 26),
    )
    assert _mandated(mandate, *FIRST_TWO_WEEKS) == 2
    # Starting on Friday Nov 13 leaves one school day that week: 1 session.
    later = MandateFactory.create(
        student=sessions.d.ot_student,
        service="OT",
        sessions=2,
        start_date=dt.date(2026, 11, 13),
        end_date=dt.date(2027, 6, 26),
    )
    assert _mandated(later, *FIRST_TWO_WEEKS) == 1


def test_a_monthly_mandate_is_spread_over_the_months_school_days(sessions: Sessions) -> None:
    # November has 21 weekdays less the Nov 11 holiday: 20 school days; 4 sessions a month.
    mandate = MandateFactory.create(
        student=sessions.d.ot_student,
        service="COUNSELING",
        sessions=4,
        period="month",
        group_size=1,
        start_date=dt.date(2026, 9, 1),
        end_date=dt.date(2027, 6, 26),
    )
    assert _mandated(mandate, *NOV) == 4
    # Nov 1-14 holds 9 of them: 4 x 9/20 = 1.8, rounded to 2; Nov 15-30 holds 11: 2.2, rounded to 2.
    closed = non_school_days(sessions.d.ot_student.school, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    shares = mandated_by_day(mandate, closed, *FIRST_TWO_WEEKS)
    assert sum(shares.values()) == Fraction(4 * 9, 20)
    assert _mandated(mandate, *FIRST_TWO_WEEKS) == 2
    assert _mandated(mandate, dt.date(2026, 11, 15), dt.date(2026, 11, 30)) == 2


def test_a_week_cut_by_the_period_counts_pro_rata_so_consecutive_months_do_not_count_it_twice(
    sessions: Sessions,
) -> None:
    # Nov 29 - Dec 5 has 5 school days; November holds one of them (Mon Nov 30): 2 x 1/5 = 0.4.
    # November: 2 + 2 + 2 + 2 + 0.4 = 8.4, rounded to 8.
    speech = _speech(sessions)
    [november] = compliance([speech], *NOV, today=LATER)
    assert november.counts.mandated == Fraction(42, 5)
    assert november.counts.mandated_sessions == 8
    # December's first days take the other 1.6 of that week: the week counts 2 in all.
    closed = non_school_days(sessions.d.speech_student.school, dt.date(2026, 11, 29), dt.date(2026, 12, 5))
    december_part = mandated_by_day(speech, closed, dt.date(2026, 12, 1), dt.date(2026, 12, 5))
    assert sum(december_part.values()) == Fraction(8, 5)


def test_sessions_are_mandated_only_up_to_today(sessions: Sessions) -> None:
    # Today is Wed Nov 18: weeks 1 and 2 (4 sessions) and 3 of the 5 days of week 3 (1.2): 5.2 -> 5.
    [line] = compliance([_speech(sessions)], *NOV)
    assert line.counts.mandated == Fraction(26, 5)
    assert line.counts.mandated_sessions == 5


def test_a_mandate_ending_before_the_period_mandates_nothing_after_it(sessions: Sessions) -> None:
    mandate = MandateFactory.create(
        student=sessions.d.ot_student,
        service="OT",
        sessions=2,
        start_date=dt.date(2026, 9, 1),
        end_date=dt.date(2026, 11, 6),
    )
    assert _mandated(mandate, *NOV) == 2


def test_rounding_is_half_up() -> None:
    assert [whole(Fraction(n, 2)) for n in range(6)] == [0, 1, 1, 2, 2, 3]


def _record(s: Sessions, day: int, **overrides: object) -> object:
    data = s.speech_input(date=dt.date(2026, 11, day), **overrides)
    return service_record_create(actor=s.d.doe_speech, provider=s.d.doe_speech, data=data, certify=True)


def test_counts_of_provided_make_ups_absences_cancellations_and_uncertified(sessions: Sessions) -> None:
    s = sessions
    _record(s, 2)
    missed = _record(s, 3, session_type=SessionType.PROVIDER_ABSENT)
    _record(s, 4, makeup_of=missed)  # the make-up
    _record(s, 9, session_type=SessionType.STUDENT_ABSENT)
    _record(s, 10, session_type=SessionType.CANCELLED, cancel_reason="school_activity")
    service_record_create(
        actor=s.d.doe_speech, provider=s.d.doe_speech, data=s.speech_input(date=dt.date(2026, 11, 12))
    )
    for by_week in (False, True):
        [line] = compliance([_speech(s)], *FIRST_TWO_WEEKS, by_week=by_week)
        c = line.counts
        assert (c.mandated_sessions, c.provided, c.makeups) == (4, 3, 1)
        assert (c.student_absent, c.provider_absent, c.cancelled, c.not_certified) == (1, 1, 1, 1)
        assert c.shortfall == 1
    [line] = compliance([_speech(s)], *FIRST_TWO_WEEKS, by_week=True)
    week1, week2 = line.weeks[dt.date(2026, 11, 1)], line.weeks[dt.date(2026, 11, 8)]
    assert (week1.mandated, week1.provided, week1.provider_absent) == (2, 2, 1)
    assert (week2.mandated, week2.provided, week2.student_absent, week2.cancelled) == (2, 1, 1, 1)


def test_an_amended_session_type_counts_as_amended(sessions: Sessions) -> None:
    s = sessions
    record = _record(s, 2)
    _record(s, 3)
    service_record_amend(
        certify=True,
        actor=s.d.doe_speech,
        record=record,
        reason="Student was absent, entered by mistake",
        changes={"session_type": SessionType.STUDENT_ABSENT},
    )
    for by_week in (False, True):
        [line] = compliance([_speech(s)], *FIRST_TWO_WEEKS, by_week=by_week)
        assert (line.counts.provided, line.counts.student_absent, line.counts.shortfall) == (1, 1, 3)
        if by_week:
            assert line.weeks[dt.date(2026, 11, 1)].provided == 1


def test_another_providers_sessions_count_for_the_students_mandate(sessions: Sessions) -> None:
    # The mandate is the student's: a session by a supervisor on the provider's behalf counts too.
    s = sessions
    data = s.speech_input(date=dt.date(2026, 11, 2))
    service_record_create(actor=s.d.supervisor, provider=s.d.doe_speech, data=data, certify=True)
    [line] = compliance([_speech(s)], *FIRST_TWO_WEEKS)
    assert line.counts.provided == 1


def test_the_report_puts_shortfalls_first(sessions: Sessions) -> None:
    s = sessions
    _record(s, 2)
    _record(s, 3)
    _record(s, 9)
    _record(s, 10)
    lines = report_lines(s.d.supervisor, Filters(*FIRST_TWO_WEEKS), today=LATER)
    shortfalls = [line.counts.shortfall for line in lines]
    assert shortfalls == sorted(shortfalls, reverse=True)
    speech = next(line for line in lines if line.mandate == _speech(s))
    assert speech.counts.shortfall == 0
    # First: the paraprofessional mandate, 5 a week: 5 + 4 (the holiday week), none provided.
    assert (lines[0].student.osis, lines[0].counts.shortfall) == ("333333333", 9)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", {"111111111", "222222222", "333333333", "555555555", "666666666"}),
        ("supervisor", {"111111111", "222222222", "333333333", "555555555"}),  # district 2
        ("supervisor_out", {"666666666"}),  # 15K003 only
        ("doe_speech", {"111111111"}),  # their caseload
        ("independent_speech", set()),  # nobody on their caseload yet
    ],
)
def test_each_role_sees_the_mandates_in_its_scope(sessions: Sessions, who: str, expected: set[str]) -> None:
    user = getattr(sessions.d, who)
    found = {m.student.osis for m in visible_mandates(user, Filters(*NOV))}
    assert found == expected


def test_a_provider_filter_keeps_the_mandates_on_that_providers_caseload(sessions: Sessions) -> None:
    found = visible_mandates(sessions.d.supervisor, Filters(*NOV, provider=sessions.d.agency_ot))
    assert [m.student.osis for m in found] == ["222222222"]


def test_the_homepage_lists_what_is_still_owed_this_week(sessions: Sessions) -> None:
    s = sessions
    # Week of Nov 15: speech 2 a week, one provided on Monday: one still to deliver.
    _record(s, 16)
    owed = still_to_deliver(s.d.doe_speech, s.today)
    assert [(o.line.student.osis, o.line.counts.provided, o.line.counts.shortfall, o.period) for o in owed] == [
        ("111111111", 1, 1, "this week")
    ]
    _record(s, 17)
    assert still_to_deliver(s.d.doe_speech, s.today) == []
