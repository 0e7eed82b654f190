"""The schedule held against the mandates and the school calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from sesis.schedules.actions import schedule_slot_create
from sesis.schedules.coverage import schedule_coverage
from sesis.schedules.tests.conftest import slot_input
from sesis.schoolcalendar.models import CalendarDay
from tests.factories import District, MandateFactory

pytestmark = pytest.mark.django_db


def add(d: District, students: list, **fields: object) -> None:
    schedule_slot_create(actor=d.doe_speech, provider=d.doe_speech, data=slot_input(students, **fields))


def problems_of(d: District, today: dt.date, name: str) -> list[str]:
    (line,) = [c for c in schedule_coverage(d.doe_speech, today) if c.student.first_name == name]
    return line.problems


def test_a_schedule_that_meets_every_mandate(speech: District, today: dt.date) -> None:
    add(speech, [speech.speech_student], weekdays=[1, 3])
    add(speech, speech.group, weekdays=[2, 4], start_time=dt.time(10), end_time=dt.time(10, 30))
    lines = schedule_coverage(speech.doe_speech, today)
    assert len(lines) == 5
    assert all(line.ok for line in lines), [line.problems for line in lines]
    assert {line.per_week for line in lines} == {2}


def test_unscheduled_too_few_and_too_short_are_flagged(speech: District, today: dt.date) -> None:
    add(speech, [speech.speech_student], weekdays=[1], end_time=dt.time(9, 20))
    assert problems_of(speech, today, "Ana") == [
        "Sessions of 20 min; the mandate calls for 30 min.",
        "1 session a week scheduled; the mandate calls for 2.",
    ]
    assert problems_of(speech, today, "Avery") == ["Not scheduled."]


def test_a_holiday_in_the_coming_weeks_takes_a_session_away(speech: District, today: dt.date) -> None:
    CalendarDay.objects.create(date=dt.date(2026, 11, 26), kind="holiday", description="Thanksgiving")
    add(speech, [speech.speech_student], weekdays=[1, 4])
    assert problems_of(speech, today, "Ana") == [
        "Week of November 23: 1 of 2 sessions fall on school days (Thursday, November 26: Thanksgiving). "
        "Schedule a make-up."
    ]
    # A week whose school days cannot hold the mandate asks only for what they can:
    # with only Thursday open, Thursday's session is one of one.
    for day in (23, 24, 25, 27):
        CalendarDay.objects.create(date=dt.date(2026, 11, day), kind="recess", description="Recess")
    CalendarDay.objects.filter(date=dt.date(2026, 11, 26)).delete()
    assert problems_of(speech, today, "Ana") == []


def test_a_monthly_mandate_is_held_against_the_months_school_days(speech: District, today: dt.date) -> None:
    speech.speech_student.mandates.update(sessions=12, period="month")
    add(speech, [speech.speech_student], weekdays=[1, 3])  # about 8 or 9 in November
    (problem,) = problems_of(speech, today, "Ana")
    assert problem.endswith("sessions on school days in November; the mandate calls for 12 a month.")
    assert int(problem.split()[0]) < 12


def test_a_group_grown_past_a_new_mandate_is_flagged(speech: District, today: dt.date) -> None:
    add(speech, speech.group[:3])
    avery = speech.group[0]
    avery.mandates.update(end_date=dt.date(2026, 11, 17))
    MandateFactory.create(student=avery, service="SPEECH", group_size=1, start_date=dt.date(2026, 11, 18))
    assert problems_of(speech, today, "Avery") == [
        "A group of 3; the mandate calls for individual sessions.",
        # The new mandate began on Wednesday: Monday's session this week served the old one.
        "Week of November 16: 1 of 2 sessions fall within the mandate's dates. Schedule a make-up.",
    ]
