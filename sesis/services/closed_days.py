"""Service records on days the school calendar now marks non-school: recorded before
the day was marked (a closure added afterwards), kept as signed, and shown as
"recorded on a day now marked …" on the record's page, the Services Calendar and the
supervisor's lists (Encounter Attendance, "Days now marked non-school").

A record's day is its student's school's: the most specific calendar entry for the
date wins (the school's own, then its district's, then citywide), as in
sesis.schoolcalendar.days. The calendar keeps at most one entry per date and place,
so the rule is six EXISTS tests, answered by the calendar's date index, run only on the
records dated on a day some calendar entry marks non-school."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from sesis.schoolcalendar.days import non_school_reason
from sesis.schoolcalendar.models import CalendarDay, DayKind
from sesis.services.models import ServiceRecord

RECORDS_SHOWN = 50  # the records listed before a confirmation


def _entry(where: Q, *, open_day: bool) -> Exists:
    entries = CalendarDay.objects.filter(where, date=OuterRef("date"))
    entries = entries.filter(kind=DayKind.SCHOOL_DAY) if open_day else entries.exclude(kind=DayKind.SCHOOL_DAY)
    return Exists(entries)


def on_non_school_days(
    records: QuerySet[ServiceRecord], within: tuple[dt.date, dt.date] | None = None
) -> QuerySet[ServiceRecord]:
    """The records dated on a day that is now non-school for their student's school
    (weekends aside: no record can be saved on one); `within`: the records' dates, when
    the caller knows them. Reads the dates some calendar entry marks non-school (one
    small query) and tests only the records on those dates."""
    school = Q(school=OuterRef("student__school"))
    district = Q(school__isnull=True, district=OuterRef("student__school__district"))
    citywide = Q(school__isnull=True, district__isnull=True)
    closed = _entry(school, open_day=False) | (
        ~_entry(school, open_day=True)
        & (_entry(district, open_day=False) | (~_entry(district, open_day=True) & _entry(citywide, open_day=False)))
    )
    # Each branch needs a non-school entry on the record's date somewhere, so first the
    # dates that have one (a few dozen a year), as values: the records' indexes that
    # lead with the date (or the provider, then the date) find their records, and only
    # those are tested, not every record of the period (a district's year: 2.7 s).
    marked = CalendarDay.objects.exclude(kind=DayKind.SCHOOL_DAY)
    if within is not None:
        marked = marked.filter(date__range=within)
    dates = sorted(set(marked.values_list("date", flat=True)))
    return records.filter(date__in=dates).filter(closed)


def records_on_days(days: Sequence[CalendarDay]) -> tuple[int, list[Any]]:
    """The records on days just marked non-school (schoolcalendar's RECORDS_ON_DAYS):
    how many, and the first ones to list."""
    if not days:
        return 0, []
    first = days[0]
    candidates: QuerySet[ServiceRecord] = ServiceRecord.objects.filter(date__in=[day.date for day in days])
    if first.school_id:
        candidates = candidates.filter(student__school_id=first.school_id)
    elif first.district:
        candidates = candidates.filter(student__school__district=first.district)
    records = on_non_school_days(candidates)
    shown = list(records.select_related("student", "provider").order_by("date", "start_time", "id")[:RECORDS_SHOWN])
    return (records.count() if len(shown) == RECORDS_SHOWN else len(shown)), shown


def now_marked(record: ServiceRecord) -> str:
    """ "Recorded on a day now marked …" for one record, or ""."""
    reason = non_school_reason(record.student.school, record.date)
    if not reason or reason == "Weekend":
        return ""
    return f"Recorded on a day now marked non-school ({reason}); kept as recorded."
