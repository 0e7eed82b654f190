"""Mandate compliance against figures worked out by hand.

November 2026 starts on a Sunday; the weeks run Nov 1-7, 8-14, 15-21, 22-28 and
Nov 29-Dec 5. The `sessions` fixture makes Nov 11 (Wednesday) a citywide holiday and
freezes today at Wednesday Nov 18."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from sesis.caseloads.models import CaseloadEntry
from sesis.mandates.models import Mandate
from sesis.reports.compliance import (
    compliance,
    mandated_by_day,
    report_lines,
    still_to_deliver,
    total,
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
    assert (week1.makeups, week1.not_certified, week2.makeups, week2.not_certified) == (1, 0, 0, 1)


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


def test_the_total_adds_every_count_of_every_line(sessions: Sessions) -> None:
    s = sessions
    _record(s, 2)
    missed = _record(s, 3, session_type=SessionType.PROVIDER_ABSENT)
    _record(s, 4, makeup_of=missed)
    _record(s, 9, session_type=SessionType.STUDENT_ABSENT)
    _record(s, 10, session_type=SessionType.CANCELLED, cancel_reason="school_activity")
    service_record_create(
        actor=s.d.doe_speech, provider=s.d.doe_speech, data=s.speech_input(date=dt.date(2026, 11, 12))
    )
    lines = report_lines(s.d.admin, Filters(*FIRST_TWO_WEEKS), today=LATER)
    assert len(lines) > 1  # the total is of several lines, the speech line's counts among them
    summed, twice = total(lines), total(lines + lines)
    for name in ("mandated", "provided", "makeups", "student_absent", "provider_absent", "cancelled", "not_certified"):
        assert getattr(summed, name) == sum(getattr(line.counts, name) for line in lines), name
        assert getattr(twice, name) == 2 * getattr(summed, name), name
    assert (summed.provided, summed.makeups, summed.not_certified) == (3, 1, 1)
    assert (summed.student_absent, summed.provider_absent, summed.cancelled) == (1, 1, 1)


def test_counts_add_up_across_several_records_of_each_kind(sessions: Sessions) -> None:
    s = sessions
    for day in (2, 3):
        _record(s, day, session_type=SessionType.STUDENT_ABSENT)
    for day in (4, 5):
        _record(s, day, session_type=SessionType.PROVIDER_ABSENT)
    for day in (9, 10):
        _record(s, day, session_type=SessionType.CANCELLED, cancel_reason="school_activity")
    for by_week in (False, True):
        [line] = compliance([_speech(s)], *FIRST_TWO_WEEKS, by_week=by_week)
        c = line.counts
        assert (c.provided, c.student_absent, c.provider_absent, c.cancelled) == (0, 2, 2, 2), by_week


def test_the_filters_narrow_the_mandates_by_district_student_service_and_dates(sessions: Sessions) -> None:
    d = sessions.d
    everyone = {"111111111", "222222222", "333333333", "555555555", "666666666"}

    def osis(**filters: object) -> set[str]:
        period = filters.pop("period", NOV)
        return {m.student.osis for m in visible_mandates(d.admin, Filters(*period, **filters))}

    assert osis() == everyone
    assert osis(district=15) == {"666666666"}
    assert osis(student=d.ot_student) == {"222222222"}
    assert osis(service="OT") == {"222222222"}
    assert osis(school=d.school_b) == {"555555555"}
    # A mandate starting after the period, or ending before it, is not in it.
    MandateFactory.create(
        student=d.no_mandate_student, service="SPEECH", start_date=dt.date(2026, 12, 1), end_date=dt.date(2027, 6, 1)
    )
    MandateFactory.create(
        student=d.no_mandate_student, service="OT", start_date=dt.date(2026, 9, 8), end_date=dt.date(2026, 10, 31)
    )
    assert osis() == everyone
    assert "444444444" in osis(period=(dt.date(2026, 12, 1), dt.date(2026, 12, 31)))
    assert "444444444" in osis(period=(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))


def test_a_monthly_period_runs_from_the_first_of_the_month(sessions: Sessions) -> None:
    # 1 session a month on a monthly mandate: in a report of Nov 2 alone (one of
    # November's 20 school days, as Nov 2 to 30 has 20), 1/20 of it; from Nov 1 the same.
    mandate = MandateFactory.create(
        student=sessions.d.ot_student,
        service="OT",
        sessions=20,
        period="month",
        start_date=dt.date(2026, 9, 8),
        end_date=dt.date(2027, 6, 26),
    )
    closed = non_school_days(sessions.d.school_a, dt.date(2026, 10, 25), dt.date(2026, 12, 5))
    shares = mandated_by_day(mandate, closed, dt.date(2026, 11, 2), dt.date(2026, 11, 2))
    november_school_days = [
        dt.date(2026, 11, n)
        for n in range(1, 31)
        if dt.date(2026, 11, n) not in closed and dt.date(2026, 11, n).weekday() < 5
    ]
    assert shares == {dt.date(2026, 11, 2): Fraction(20, len(november_school_days))}


def test_the_report_counts_to_the_today_it_is_given(sessions: Sessions) -> None:
    s = sessions
    [early] = [
        line
        for line in report_lines(s.d.admin, Filters(*FIRST_TWO_WEEKS), today=dt.date(2026, 11, 7))
        if line.mandate == _speech(s)
    ]
    [late] = [
        line for line in report_lines(s.d.admin, Filters(*FIRST_TWO_WEEKS), today=LATER) if line.mandate == _speech(s)
    ]
    assert (early.counts.mandated_sessions, late.counts.mandated_sessions) == (2, 4)


def test_the_report_is_read_in_the_same_queries_however_many_mandates(sessions: Sessions) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import StudentFactory

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            lines = report_lines(sessions.d.admin, Filters(*NOV), today=LATER)
            [(line.student.osis, line.student.school.dbn) for line in lines]
        return len(lines), len(captured)

    lines, few = queries()
    for n in range(3):
        student = StudentFactory.create(school=sessions.d.school_b, first_name="Ola", last_name=f"Berg{n}")
        MandateFactory.create(student=student, service="SPEECH")
    assert queries() == (lines + 3, few)


def _served_monthly(s: Sessions, sessions_a_month: int) -> Mandate:
    """A monthly speech mandate of the speech student's, served by the speech provider."""
    monthly = MandateFactory.create(
        student=s.d.speech_student,
        service="SPEECH",
        sessions=sessions_a_month,
        period="month",
        start_date=dt.date(2026, 9, 8),
        end_date=dt.date(2027, 6, 26),
    )
    CaseloadEntry.objects.get(provider=s.d.doe_speech, student=s.d.speech_student).mandates.add(monthly)
    return monthly


def test_a_monthly_mandate_is_owed_this_month(sessions: Sessions) -> None:
    s = sessions
    _record(s, 16)
    _record(s, 17)  # the weekly mandate is met this week
    monthly = _served_monthly(s, 4)
    owed = [(o.line.mandate, o.period, o.line.counts.shortfall) for o in still_to_deliver(s.d.doe_speech, s.today)]
    assert owed == [(monthly, "this month", 4)]


def test_weeks_are_counted_only_when_asked_for(sessions: Sessions) -> None:
    _record(sessions, 2)
    [plain] = compliance([_speech(sessions)], *FIRST_TWO_WEEKS)
    [by_week] = compliance([_speech(sessions)], *FIRST_TWO_WEEKS, by_week=True)
    assert plain.weeks == {}
    assert sorted(by_week.weeks) == [dt.date(2026, 11, 1), dt.date(2026, 11, 8)]


def test_a_session_in_a_week_later_closed_still_counts_in_that_week(sessions: Sessions) -> None:
    # Recorded on Monday Nov 2; the district then closes the whole week: the week
    # mandates nothing, yet the session shows in it (the records stay; they are signed).
    _record(sessions, 2)
    for day in range(2, 7):
        CalendarDay.objects.create(date=dt.date(2026, 11, day), kind="recess", district=2, description="Recess")
    [line] = compliance([_speech(sessions)], *FIRST_TWO_WEEKS, by_week=True, today=LATER)
    week = line.weeks[dt.date(2026, 11, 1)]
    assert (week.mandated, week.provided) == (0, 1)
    assert line.counts.mandated_sessions == 2


def _monthly(s: Sessions, sessions_a_month: int) -> Mandate:
    return MandateFactory.create(
        student=s.d.ot_student,
        service="OT",
        sessions=sessions_a_month,
        period="month",
        start_date=dt.date(2026, 9, 8),
        end_date=dt.date(2027, 6, 26),
    )


def test_a_report_ending_on_the_first_of_a_month_counts_that_day(sessions: Sessions) -> None:
    # Tuesday Dec 1 is a school day: a report to Dec 1 includes its share of December.
    mandate = _monthly(sessions, 20)
    closed = non_school_days(sessions.d.school_a, dt.date(2026, 10, 25), dt.date(2027, 1, 2))
    shares = mandated_by_day(mandate, closed, dt.date(2026, 11, 30), dt.date(2026, 12, 1))
    assert sorted(shares) == [dt.date(2026, 11, 30), dt.date(2026, 12, 1)]


def test_a_report_from_mid_month_knows_the_months_first_day_is_not_a_school_day(sessions: Sessions) -> None:
    # November 1 is a Sunday: from Nov 18, a monthly mandate's share of a day is still
    # its sessions over November's school days, the calendar read from the 1st (a
    # calendar read from the 2nd would count the Sunday as a school day).
    mandate = _monthly(sessions, 19)
    [line] = compliance([mandate], dt.date(2026, 11, 18), dt.date(2026, 11, 18), today=LATER)
    assert line.counts.mandated == Fraction(19, len(_school_days_of_november(sessions)))


def _school_days_of_november(s: Sessions) -> list[dt.date]:
    closed = non_school_days(s.d.school_a, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    return [dt.date(2026, 11, n) for n in range(1, 31) if dt.date(2026, 11, n) not in closed]


def test_what_is_still_owed_is_read_in_the_same_queries_however_many_students(sessions: Sessions) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sesis.caseloads.actions import caseload_add
    from tests.factories import StudentFactory

    s = sessions

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            still_to_deliver(s.d.doe_speech, s.today)
        return len(captured)

    one = queries()
    for n in range(3):
        student = StudentFactory.create(school=s.d.school_a, first_name="Ola", last_name=f"Berg{n}")
        MandateFactory.create(student=student, service="SPEECH")
        caseload_add(actor=s.d.doe_speech, provider=s.d.doe_speech, students=[student])
    assert len(still_to_deliver(s.d.doe_speech, s.today)) == 4
    assert queries() == one


def test_this_month_runs_from_the_first(sessions: Sessions, monkeypatch: pytest.MonkeyPatch) -> None:
    # On Thursday Dec 3, a monthly mandate of 1 session, provided on Tuesday Dec 1:
    # nothing is owed this month.
    from django.utils import timezone

    s = sessions
    dec3 = dt.date(2026, 12, 3)
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: dec3)
    data = s.speech_input(date=dt.date(2026, 12, 1), grouping="individual", group_count=None)
    monthly = _served_monthly(s, 1)
    owed = [(o.line.mandate, o.period) for o in still_to_deliver(s.d.doe_speech, dec3)]
    assert (monthly, "this month") in owed
    data.mandate = monthly
    service_record_create(actor=s.d.doe_speech, provider=s.d.doe_speech, data=data, certify=True)
    owed = [(o.line.mandate, o.period) for o in still_to_deliver(s.d.doe_speech, dec3)]
    assert (monthly, "this month") not in owed


def test_mandates_counted_together_count_as_each_alone(sessions: Sessions) -> None:
    # compliance() counts each (school, frequency, dates) once for all the mandates that
    # share it: mandates of one school differing only in their first day, their sessions
    # or their period, and one of another school with a closure, each keep their own count.
    d = sessions.d
    for day in range(2, 6):
        CalendarDay.objects.create(date=dt.date(2026, 11, day), kind="closure", school=d.school_c)
    made = [
        MandateFactory.create(student=student, service=service, sessions=n, period=period, start_date=start)
        for student, service, n, period, start in [
            (d.ot_student, "OT", 2, "week", dt.date(2026, 11, 12)),
            (d.ot_student, "PT", 2, "week", dt.date(2026, 11, 13)),
            (d.ot_student, "COUNSELING", 3, "week", dt.date(2026, 11, 13)),
            (d.ot_student, "HEARING", 3, "month", dt.date(2026, 11, 13)),
            (d.ot_student, "VISION", 2, "week", dt.date(2026, 11, 1)),  # school_a, open Nov 2-5
            (d.far_student, "OT", 2, "week", dt.date(2026, 11, 1)),  # school_c, closed Nov 2-5
        ]
    ]
    ending = MandateFactory.create(  # as VISION, but ending on Friday Nov 20
        student=d.ot_student,
        service="HEALTH",
        sessions=2,
        start_date=dt.date(2026, 11, 1),
        end_date=dt.date(2026, 11, 20),
    )
    mandates = [_speech(sessions), *made, ending]
    together = {line.mandate.pk: line.counts.mandated for line in compliance(mandates, *NOV, today=LATER)}
    alone = {m.pk: compliance([m], *NOV, today=LATER)[0].counts.mandated for m in mandates}
    assert together == alone
    assert len(set(alone.values())) >= 4  # the mandates do differ
