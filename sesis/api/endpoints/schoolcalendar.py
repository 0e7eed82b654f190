"""The school calendar: its exceptions (holidays, recesses, closures, weekend school
days) and, for one school, the days that are not school days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from sesis.api.auth import auth
from sesis.api.endpoints.common import DBN
from sesis.api.errors import ApiError, responses
from sesis.api.paging import PageQuery, page, page_of
from sesis.api.schemas import CalendarDayOut, NonSchoolDayOut
from sesis.api.types import IsoDate
from sesis.schoolcalendar.days import non_school_days
from sesis.schoolcalendar.models import CalendarDay, DayKind
from sesis.schools.models import School

router = Router()

CalendarDayPage = page_of(CalendarDayOut, "CalendarDayPage")
MAX_DAYS = 366


def _period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The school year (July to June) by default; at most a year."""
    from django.utils import timezone

    today = timezone.localdate()
    year = today.year if today.month >= 7 else today.year - 1
    start = start or dt.date(year, 7, 1)
    end = end or dt.date(start.year + (1 if start.month >= 7 else 0), 6, 30)
    if end < start:
        raise ApiError(422, "invalid", "The To date must be on or after the From date.", field="date_to")
    if (end - start).days + 1 > MAX_DAYS:
        raise ApiError(422, "invalid", f"Choose a period of at most {MAX_DAYS} days.", field="date_to")
    return start, end


class DaySearch(PageQuery):
    date_from: IsoDate | None = Field(None, description="From (the school year's July 1 by default)")
    date_to: IsoDate | None = Field(None, description="To (the school year's June 30 by default)")
    kind: DayKind | None = None
    school: str | None = Field(None, max_length=6, description="Only this school's own entries (DBN)")
    district: int | None = Field(None, ge=1, le=99, description="Only this district's own entries")


@router.get(
    "/days",
    response=responses({200: CalendarDayPage}),
    auth=auth("calendar:read"),
    summary="Calendar days",
    operation_id="listSchoolDays",
)
def list_days(request: HttpRequest, filters: Query[DaySearch]) -> dict[str, Any]:
    """The calendar's entries in a period of at most a year, by date."""
    start, end = _period(filters.date_from, filters.date_to)
    days = CalendarDay.objects.filter(date__range=(start, end)).select_related("school")
    if filters.kind:
        days = days.filter(kind=filters.kind)
    if filters.school:
        days = days.filter(school__dbn=filters.school.strip().upper())
    if filters.district:
        days = days.filter(district=filters.district)
    return page(days.order_by("date", "school__dbn", "district", "id"), filters)


class PeriodQuery(Schema):
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


@router.get(
    "/schools/{dbn}/non-school-days",
    response=responses({200: list[NonSchoolDayOut]}),
    auth=auth("calendar:read"),
    summary="A school's non-school days",
    operation_id="listSchoolNonSchoolDays",
)
def school_closed_days(request: HttpRequest, period: Query[PeriodQuery], dbn: str = DBN) -> list[dict[str, Any]]:
    """Every day in the period that is not a school day for the school, with the
    reason (the gray days of the Services Calendar): weekends, and citywide, district
    and school holidays, recesses and closures."""
    school = School.objects.filter(dbn=dbn.strip().upper()).first()
    if school is None:
        raise Http404(f"No school has the DBN {dbn}.")
    start, end = _period(period.date_from, period.date_to)
    return [{"date": day, "reason": reason} for day, reason in sorted(non_school_days(school, start, end).items())]
