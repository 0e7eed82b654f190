"""Which days are school days for a school: weekdays, less citywide, district and
school holidays, recesses and closures, plus any weekend listed as a school day.
Non-school days are the gray days of the Services Calendar."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from sesis.schoolcalendar.models import CalendarDay, DayKind
from sesis.schools.models import School

WEEKEND = "Weekend"


def non_school_days(school: School, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Every non-school day from start to end (inclusive) for the school, with the
    reason a user would be shown. One query."""
    entries = CalendarDay.objects.filter(date__range=(start, end)).filter(
        Q(school__isnull=True, district__isnull=True) | Q(school=school) | Q(district=school.district)
    )
    # The most specific entry wins: a school's own entry over its district's over citywide.
    by_day: dict[dt.date, tuple[int, CalendarDay]] = {}
    for entry in entries:
        rank = 2 if entry.school_id else 1 if entry.district else 0
        if entry.date not in by_day or rank > by_day[entry.date][0]:
            by_day[entry.date] = (rank, entry)
    closed: dict[dt.date, str] = {}
    day = start
    while day <= end:
        found = by_day.get(day)
        if found is not None:
            entry = found[1]
            if entry.kind != DayKind.SCHOOL_DAY:
                closed[day] = entry.description or entry.get_kind_display()
        elif day.weekday() >= 5:
            closed[day] = WEEKEND
        day += dt.timedelta(days=1)
    return closed


def non_school_reason(school: School, day: dt.date) -> str:
    """Why the day is not a school day for the school, or "" when it is one."""
    return non_school_days(school, day, day).get(day, "")
