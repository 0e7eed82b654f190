"""Which days are school days for a school: weekdays, less citywide, district and
school holidays, recesses and closures, plus any weekend listed as a school day.
Non-school days are the gray days of the Services Calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from sesis.schoolcalendar.models import CalendarDay, DayKind
from sesis.schools.models import School

WEEKEND = "Weekend"


def non_school_days(school: School, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Every non-school day from start to end (inclusive) for the school, with the
    reason a user would be shown. One query."""
    return non_school_days_by_school([school], start, end)[school.pk]


def non_school_days_by_school(schools: Iterable[School], start: dt.date, end: dt.date) -> dict[int, dict[dt.date, str]]:
    """non_school_days for many schools at once (a report over a district): one query."""
    schools = list(schools)
    districts = {school.district for school in schools}
    entries = list(
        CalendarDay.objects.filter(date__range=(start, end)).filter(
            Q(school__isnull=True, district__isnull=True) | Q(school__in=schools) | Q(district__in=districts)
        )
    )
    return {school.pk: _closed_days(school, entries, start, end) for school in schools}


def _closed_days(school: School, entries: list[CalendarDay], start: dt.date, end: dt.date) -> dict[dt.date, str]:
    # The most specific entry wins: a school's own entry over its district's over citywide.
    by_day: dict[dt.date, tuple[int, CalendarDay]] = {}
    for entry in entries:
        if entry.school_id is not None and entry.school_id != school.pk:
            continue
        if entry.school_id is None and entry.district is not None and entry.district != school.district:
            continue
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
