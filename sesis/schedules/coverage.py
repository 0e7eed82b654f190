"""The schedule held against the mandates and the school calendar: for each mandate
the provider serves, whether the week's slots can deliver what it calls for, and
which coming weeks lose sessions to non-school days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sesis.caseloads.queries import active_caseload
from sesis.mandates.models import Mandate, Period
from sesis.people.models import Staff
from sesis.schedules.models import ScheduleSlot
from sesis.schedules.occurrences import slots_of
from sesis.schoolcalendar.days import non_school_days_by_school
from sesis.students.models import Student

WEEKS_AHEAD = 4


@dataclass
class Coverage:
    student: Student
    mandate: Mandate
    slots: list[ScheduleSlot]
    problems: list[str] = field(default_factory=list)

    @property
    def per_week(self) -> int:
        return sum(len(slot.days) for slot in self.slots)

    @property
    def ok(self) -> bool:
        return not self.problems


def _day(day: dt.date) -> str:
    return f"{day:%A}, {day:%B} {day.day}"


def schedule_coverage(provider: Staff, today: dt.date) -> list[Coverage]:
    """One line per mandate of the caseload that the provider serves, active today."""
    slots = list(slots_of(provider))
    entries = list(active_caseload(provider))
    disciplines = provider.discipline_codes()
    monday = today - dt.timedelta(days=today.weekday())
    horizon = monday + dt.timedelta(weeks=WEEKS_AHEAD) - dt.timedelta(days=1)
    month_start = today.replace(day=1)
    month_end = (month_start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    closed = non_school_days_by_school(
        {e.student.school for e in entries}, min(monday, month_start), max(horizon, month_end)
    )
    mandates = list(
        Mandate.objects.active_on(today)
        .filter(student__in=[e.student for e in entries], service__in=disciplines)
        .order_by("service", "start_date")
    )
    lines = []
    for entry in entries:
        student = entry.student
        for mandate in (m for m in mandates if m.student_id == student.pk):
            mine = [
                s
                for s in slots
                if s.service == mandate.service and any(m.student_id == student.pk for m in s.members.all())
            ]
            line = Coverage(student=student, mandate=mandate, slots=mine)
            line.problems = _problems(line, closed[student.school_id], monday, month_start, month_end)
            lines.append(line)
    return lines


def _problems(
    line: Coverage, closed: dict[dt.date, str], monday: dt.date, month_start: dt.date, month_end: dt.date
) -> list[str]:
    mandate = line.mandate
    if not line.slots:
        return ["Not scheduled."]
    problems = []
    short = sorted({s.minutes for s in line.slots if s.minutes < mandate.minutes})
    if short:
        problems.append(f"Sessions of {short[0]} min; the mandate calls for {mandate.minutes} min.")
    for slot in line.slots:
        if len(slot.members.all()) > mandate.group_size:
            size = "individual sessions" if mandate.group_size == 1 else f"a group of up to {mandate.group_size}"
            problems.append(f"A group of {len(slot.members.all())}; the mandate calls for {size}.")
    if mandate.period == Period.WEEK:
        if line.per_week < mandate.sessions:
            problems.append(
                f"{line.per_week} session{'s' if line.per_week != 1 else ''} a week scheduled; "
                f"the mandate calls for {mandate.sessions}."
            )
            return problems
        for week in range(WEEKS_AHEAD):
            problems += _week_problem(line, closed, monday + dt.timedelta(weeks=week))
    else:
        days = _meeting_days(line, closed, month_start, month_end)
        if len(days) < mandate.sessions:
            problems.append(
                f"{len(days)} sessions on school days in {month_start:%B}; "
                f"the mandate calls for {mandate.sessions} a month."
            )
    return problems


def _meeting_days(line: Coverage, closed: dict[dt.date, str], start: dt.date, end: dt.date) -> list[dt.date]:
    mandate = line.mandate
    days = []
    day = max(start, mandate.start_date)
    while day <= min(end, mandate.end_date):
        if day not in closed:
            days += [day for slot in line.slots if slot.meets_on(day)]
        day += dt.timedelta(days=1)
    return days


def _week_problem(line: Coverage, closed: dict[dt.date, str], monday: dt.date) -> list[str]:
    """A week whose school days take sessions away: make them up on another day."""
    friday = monday + dt.timedelta(days=4)
    mandate = line.mandate
    school_days = sum(
        1
        for n in range(5)
        if (d := monday + dt.timedelta(days=n)) not in closed and mandate.start_date <= d <= mandate.end_date
    )
    wanted = min(mandate.sessions, school_days)
    held = len(_meeting_days(line, closed, monday, friday))
    if held >= wanted:
        return []
    lost = [
        f"{_day(d)}: {closed[d]}"
        for n in range(5)
        if (d := monday + dt.timedelta(days=n)) in closed and any(s.meets_on(d) for s in line.slots)
    ]
    week = f"Week of {monday:%B} {monday.day}: {held} of {wanted} sessions"
    if not lost:
        return [f"{week} fall within the mandate's dates. Schedule a make-up."]
    return [f"{week} fall on school days ({'; '.join(lost)}). Schedule a make-up."]
