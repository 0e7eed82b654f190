"""The Services Calendar: a month of one student's sessions with one provider, gray
non-school days, the sessions the provider's schedule puts ahead, and each week's
delivered sessions against the mandate."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from django.dispatch import Signal
from django.utils import timezone

from sesis.mandates.models import Mandate, Period
from sesis.medicaid.claimability import attach
from sesis.people.models import Staff
from sesis.schoolcalendar.days import non_school_days
from sesis.services.choices import SessionType
from sesis.services.models import ServiceRecord
from sesis.services.rules import entry_window_start
from sesis.students.models import Student

WEEK = calendar.Calendar(firstweekday=calendar.SUNDAY)

# What is planned ahead is the schedules app's to say (it sits above this one): its
# receiver answers with {date: [sessions]}, each with .slot (start_time, end_time) and
# .is_group, for the provider's sessions with the student not yet recorded.
scheduled_ahead = Signal()


@dataclass
class Day:
    date: dt.date
    in_month: bool
    gray_reason: str = ""
    records: list[ServiceRecord] = field(default_factory=list)
    selectable: bool = False  # may be picked under Record Past Services
    is_today: bool = False
    scheduled: list[Any] = field(default_factory=list)  # today and ahead, not yet recorded (see scheduled_ahead)


@dataclass
class Tally:
    label: str
    delivered: int
    mandated: int
    over: bool = True  # the period has ended

    @property
    def short(self) -> bool:
        return self.over and self.delivered < self.mandated


@dataclass
class Week:
    days: list[Day]
    tallies: list[Tally]


@dataclass
class Month:
    first: dt.date
    weeks: list[Week]
    monthly: list[Tally]

    @property
    def title(self) -> str:
        return f"{self.first:%B %Y}"

    @property
    def record_count(self) -> int:
        return sum(len(day.records) for week in self.weeks for day in week.days if day.in_month)

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.first + dt.timedelta(days=32)).replace(day=1)


def parse_month(value: str | None, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def servable_mandates(provider: Staff, student: Student, start: dt.date, end: dt.date) -> list[Mandate]:
    """The student's mandates in the period for services among the provider's disciplines."""
    return list(
        Mandate.objects.filter(
            student=student, service__in=provider.discipline_codes(), start_date__lte=end, end_date__gte=start
        ).order_by("service", "start_date")
    )


def build_month(*, provider: Staff, student: Student, first: dt.date) -> Month:
    today = timezone.localdate()
    dates = [d for week in WEEK.monthdatescalendar(first.year, first.month) for d in week]
    start, end = dates[0], dates[-1]
    gray = non_school_days(student.school, start, end)
    records = ServiceRecord.objects.filter(provider=provider, student=student, date__range=(start, end))
    by_day: dict[dt.date, list[ServiceRecord]] = {}
    shown = list(records.order_by("date", "start_time"))
    attach(shown)  # whether each is claimable to Medicaid, on one load of the facts
    for record in shown:
        by_day.setdefault(record.date, []).append(record)
    mandates = servable_mandates(provider, student, start, end)
    scheduled: dict[dt.date, list[Any]] = {}
    if end >= today:
        for _, answer in scheduled_ahead.send(
            sender=Month, provider=provider, student=student, start=max(start, today), end=end
        ):
            for day, sessions in cast(dict[dt.date, list[Any]], answer).items():
                scheduled.setdefault(day, []).extend(sessions)
    window = entry_window_start(today)
    weeks = []
    for chunk in WEEK.monthdatescalendar(first.year, first.month):
        days = [
            Day(
                date=d,
                in_month=d.month == first.month,
                gray_reason=gray.get(d, ""),
                records=by_day.get(d, []),
                # The adjacent months' days the grid shows are pickable too, when in the window.
                selectable=bool(
                    window <= d <= today and d not in gray and any(m.start_date <= d <= m.end_date for m in mandates)
                ),
                is_today=d == today,
                scheduled=scheduled.get(d, []),
            )
            for d in chunk
        ]
        weeks.append(Week(days=days, tallies=_weekly_tallies(days, mandates, today)))
    in_month = [day for week in weeks for day in week.days if day.in_month]
    month_over = in_month[-1].date < today
    monthly = [
        Tally(m.get_service_display(), _delivered(in_month, m), m.sessions, month_over)
        for m in mandates
        if m.period == Period.MONTH
    ]
    return Month(first=first, weeks=weeks, monthly=monthly)


def _delivered(days: list[Day], mandate: Mandate) -> int:
    """Service Provided sessions for the mandate (make-ups included)."""
    return sum(
        1
        for day in days
        for record in day.records
        if record.mandate_id == mandate.pk and record.session_type == SessionType.PROVIDED
    )


def _weekly_tallies(days: list[Day], mandates: list[Mandate], today: dt.date) -> list[Tally]:
    """Per weekly mandate: sessions delivered against sessions mandated, where a week
    can mandate no more sessions than it has school days within the mandate's dates.
    Only a week that is over can be short."""
    tallies = []
    over = days[-1].date < today
    for mandate in mandates:
        if mandate.period != Period.WEEK:
            continue
        school_days = sum(1 for d in days if not d.gray_reason and mandate.start_date <= d.date <= mandate.end_date)
        tallies.append(
            Tally(mandate.get_service_display(), _delivered(days, mandate), min(mandate.sessions, school_days), over)
        )
    return tallies
