"""Administrators keep the school calendar: add and remove holidays, recesses,
closures and weekend school days."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sesis.audit.actions import audit_record
from sesis.lib.errors import ActionRefused
from sesis.people.models import Role, Staff
from sesis.schoolcalendar.models import CalendarDay, DayKind
from sesis.schools.models import School


def _require_administrator(actor: Staff) -> None:
    if actor.role != Role.ADMINISTRATOR:
        raise ActionRefused("Only administrators keep the school calendar.")


@transaction.atomic
def calendar_day_add(
    *,
    actor: Staff,
    date: dt.date,
    kind: str,
    school: School | None = None,
    district: int | None = None,
    description: str = "",
) -> CalendarDay:
    _require_administrator(actor)
    if kind not in DayKind.values:
        raise ActionRefused("Choose a kind of day from the list.", field="kind")
    if school is not None and district is not None:
        raise ActionRefused("Give a school or a district, not both.", field="district")
    if district is not None and not School.objects.filter(district=district).exists():
        raise ActionRefused(f"No school is in district {district}.", field="district")
    existing = CalendarDay.objects.filter(date=date, school=school, district=district).first()
    if existing is not None:
        where = school.dbn if school else f"district {district}" if district else "citywide"
        raise ActionRefused(f"{date} already has an entry ({existing.get_kind_display()}, {where}).", field="date")
    day = CalendarDay.objects.create(
        date=date, kind=kind, school=school, district=district, description=description.strip()
    )
    details = {
        "date": date.isoformat(),
        "kind": kind,
        "school": school.dbn if school else None,
        "district": district,
        "description": day.description,
    }
    audit_record(actor=actor, action="calendar.add", obj=day, details=details)
    return day


@transaction.atomic
def calendar_day_remove(*, actor: Staff, day: CalendarDay) -> None:
    _require_administrator(actor)
    details = {
        "date": day.date.isoformat(),
        "kind": day.kind,
        "school": day.school.dbn if day.school else None,
        "district": day.district,
        "description": day.description,
    }
    audit_record(actor=actor, action="calendar.remove", obj=day, details=details)
    day.delete()
