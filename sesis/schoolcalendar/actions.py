"""Administrators keep the school calendar: add, change and remove holidays, recesses,
closures and weekend school days, one day or a range of days at a time (a ten-day
recess is one entry: its weekdays, kept as one range).

Marking days non-school that already hold service records lists those records and
asks for a confirmation first. The records stay as they are (they are signed); they
are then shown as "recorded on a day now marked …" on their pages and in the
supervisor's lists. Which records those are is the services app's to say (it sits
above this one): it registers a function in RECORDS_ON_DAYS."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction

from sesis.audit.actions import audit_record
from sesis.lib.errors import ActionRefused
from sesis.people.models import Role, Staff
from sesis.schoolcalendar.models import CalendarDay, DayKind
from sesis.schools.models import School

MAX_RANGE_DAYS = 366
RECORDS_SHOWN = 50

# (days just marked non-school) -> (how many records fall on them, the first RECORDS_SHOWN).
RECORDS_ON_DAYS: list[Callable[[Sequence[CalendarDay]], tuple[int, list[Any]]]] = []


class NeedsConfirmation(ActionRefused):
    """The days hold service records: the action is done only once confirmed."""

    def __init__(self, count: int, records: list[Any]) -> None:
        super().__init__(
            f"{count} service record{'s are' if count != 1 else ' is'} on these days. They stay as they are "
            "(they are signed) and are shown as recorded on a day now marked non-school. Confirm to go on.",
            field="confirm",
        )
        self.count = count
        self.records = records
        self.listed = ""  # the page's note of the days it listed the records for


def _require_administrator(actor: Staff) -> None:
    if actor.role != Role.ADMINISTRATOR:
        raise ActionRefused("Only administrators keep the school calendar.")


def _where(school: School | None, district: int | None) -> str:
    return school.dbn if school else f"district {district}" if district else "citywide"


def range_dates(start: dt.date, end: dt.date, kind: str) -> list[dt.date]:
    """The days a range marks: one date as given; over several days, the weekdays (a
    holiday, recess or closure) or the weekend days (weekend school days), as the other
    days already are what the range would make them."""
    if start == end:
        return [start]
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    weekend = kind == DayKind.SCHOOL_DAY
    return [day for day in days if (day.weekday() >= 5) == weekend]


def _check(*, kind: str, start: dt.date, end: dt.date, school: School | None, district: int | None) -> list[dt.date]:
    if kind not in DayKind.values:
        raise ActionRefused("Choose a kind of day from the list.", field="kind")
    if school is not None and district is not None:
        raise ActionRefused("Give a school or a district, not both.", field="district")
    if district is not None and not School.objects.filter(district=district).exists():
        raise ActionRefused(f"No school is in district {district}.", field="district")
    if end < start:
        raise ActionRefused("The To date must be on or after the From date.", field="end_date")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ActionRefused(f"Choose at most {MAX_RANGE_DAYS} days at a time.", field="end_date")
    dates = range_dates(start, end, kind)
    if not dates:
        which = "weekend day" if kind == DayKind.SCHOOL_DAY else "weekday"
        raise ActionRefused(
            f"{start} to {end} holds no {which}; weekends are non-school days and weekdays school days already.",
            field="end_date",
        )
    return dates


def _details(days: Sequence[CalendarDay]) -> dict[str, Any]:
    first = days[0]
    return {
        "date": first.date.isoformat(),
        "to": days[-1].date.isoformat(),
        "days": len(days),
        "kind": first.kind,
        "school": first.school.dbn if first.school else None,
        "district": first.district,
        "description": first.description,
    }


def _create(
    *,
    dates: list[dt.date],
    kind: str,
    school: School | None,
    district: int | None,
    description: str,
    confirmed: bool,
) -> tuple[list[CalendarDay], int]:
    """The days created (in the caller's transaction), and how many records they hold;
    NeedsConfirmation (rolling the caller's transaction back) when they hold any and
    that is not confirmed."""
    taken = list(CalendarDay.objects.filter(date__in=dates, school=school, district=district).order_by("date")[:5])
    if taken:
        listed = ", ".join(f"{day.date} ({day.get_kind_display()})" for day in taken)
        raise ActionRefused(
            f"Already on the calendar for {_where(school, district)}: {listed}. Change or remove it first.",
            field="start_date",
        )
    range_id = uuid.uuid4() if len(dates) > 1 else None
    CalendarDay.objects.bulk_create(
        CalendarDay(
            date=date,
            kind=kind,
            school=school,
            district=district,
            description=description.strip(),
            range_id=range_id,
        )
        for date in dates
    )
    days = list(CalendarDay.objects.filter(date__in=dates, school=school, district=district).order_by("date"))
    held = 0
    if kind != DayKind.SCHOOL_DAY:
        for records_on in RECORDS_ON_DAYS:
            count, shown = records_on(days)
            held += count
            if count and not confirmed:
                raise NeedsConfirmation(count, shown)
    return days, held


@transaction.atomic
def calendar_range_add(
    *,
    actor: Staff,
    start: dt.date,
    end: dt.date | None = None,
    kind: str,
    school: School | None = None,
    district: int | None = None,
    description: str = "",
    confirmed: bool = False,
) -> list[CalendarDay]:
    """Mark a date, or the days from start to end, for a school, a district or citywide."""
    _require_administrator(actor)
    end = end or start
    dates = _check(kind=kind, start=start, end=end, school=school, district=district)
    days, held = _create(
        dates=dates, kind=kind, school=school, district=district, description=description, confirmed=confirmed
    )
    audit_record(actor=actor, action="calendar.add", obj=days[0], details=_details(days) | {"records_on_days": held})
    return days


def calendar_day_add(*, actor: Staff, date: dt.date, **kwargs: Any) -> CalendarDay:
    """One date (the calendar import's and the tests' way)."""
    return calendar_range_add(actor=actor, start=date, end=date, **kwargs)[0]


def range_of(day: CalendarDay) -> list[CalendarDay]:
    """The days added with this one (itself alone if it was added alone)."""
    if day.range_id is None:
        return [day]
    return list(CalendarDay.objects.filter(range_id=day.range_id).select_related("school").order_by("date"))


@transaction.atomic
def calendar_range_change(
    *,
    actor: Staff,
    day: CalendarDay,
    start: dt.date,
    end: dt.date | None = None,
    kind: str,
    school: School | None = None,
    district: int | None = None,
    description: str = "",
    confirmed: bool = False,
) -> list[CalendarDay]:
    """Change a day or a range (dates, kind, where, description): its days are replaced
    by the new ones in one step, audited with both."""
    _require_administrator(actor)
    end = end or start
    dates = _check(kind=kind, start=start, end=end, school=school, district=district)
    old = range_of(day)
    before = _details(old)
    CalendarDay.objects.filter(pk__in=[d.pk for d in old]).delete()
    days, held = _create(
        dates=dates, kind=kind, school=school, district=district, description=description, confirmed=confirmed
    )
    audit_record(
        actor=actor,
        action="calendar.change",
        obj=days[0],
        details={"before": before, "after": _details(days), "records_on_days": held},
    )
    return days


@transaction.atomic
def calendar_day_remove(*, actor: Staff, day: CalendarDay) -> list[CalendarDay]:
    """Remove a day, with the days added with it as one range."""
    _require_administrator(actor)
    days = range_of(day)
    audit_record(actor=actor, action="calendar.remove", obj=day, details=_details(days))
    CalendarDay.objects.filter(pk__in=[d.pk for d in days]).delete()
    return days
