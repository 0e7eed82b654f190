"""What a provider's schedule puts on given days: each slot's session on each school
day it meets, with the students who are to be served that day and any record
already made for them. A fixed number of queries, whatever the range or caseload."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from sesis.caseloads.models import CaseloadEntry
from sesis.lib.codes import ServiceType
from sesis.mandates.models import Mandate
from sesis.people.models import Staff
from sesis.schedules.models import ScheduleSlot, SlotStudent
from sesis.schoolcalendar.days import non_school_days_by_school
from sesis.services.models import ServiceRecord
from sesis.students.models import Student


@dataclass
class Member:
    """A student of a session: the mandate it serves, and the record once made."""

    student: Student
    mandate: Mandate
    record: ServiceRecord | None = None


@dataclass
class Occurrence:
    slot: ScheduleSlot
    date: dt.date
    members: list[Member] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # students of the slot not served that day, and why

    @property
    def key(self) -> str:
        return f"s{self.slot.pk}"

    @property
    def is_group(self) -> bool:
        return len(self.slot.members.all()) > 1

    @property
    def service_label(self) -> str:
        return ServiceType(self.slot.service).label

    @property
    def to_record(self) -> list[Member]:
        return [m for m in self.members if m.record is None]

    @property
    def recorded(self) -> bool:
        return not self.to_record

    @property
    def certified(self) -> bool:
        return all(m.record is not None and m.record.is_certified for m in self.members)

    @property
    def names(self) -> str:
        return ", ".join(m.student.full_name for m in self.members)


def slots_of(provider: Staff) -> QuerySet[ScheduleSlot]:
    members = SlotStudent.objects.select_related("student__school").order_by(
        "student__last_name_key", "student__first_name_key"
    )
    return ScheduleSlot.objects.filter(provider=provider).prefetch_related(Prefetch("members", queryset=members))


def occurrences_between(
    provider: Staff, start: dt.date, end: dt.date, *, student: Student | None = None
) -> list[Occurrence]:
    """Every session the schedule puts from start to end (inclusive), in date and time order."""
    slots = list(slots_of(provider))
    if student is not None:
        slots = [s for s in slots if any(m.student_id == student.pk for m in s.members.all())]
    if not slots:
        return []
    students = {m.student_id: m.student for s in slots for m in s.members.all()}
    on_caseload = set(
        CaseloadEntry.objects.active().filter(provider=provider, student__in=students).values_list("student", flat=True)
    )
    mandates = list(
        Mandate.objects.filter(student__in=students, start_date__lte=end, end_date__gte=start).order_by("start_date")
    )
    closed = non_school_days_by_school({s.school for s in students.values()}, start, end)
    # A session's record is the provider's record of the student, that day, for the
    # service, at a time that overlaps the slot's: a session that started late (times
    # adjusted on the day form) is still that session, never a second one.
    records: dict[tuple[int, dt.date, str], list[ServiceRecord]] = {}
    for r in ServiceRecord.objects.filter(provider=provider, student__in=students, date__range=(start, end)):
        records.setdefault((r.student_id, r.date, r.service), []).append(r)
    found = []
    day = start
    while day <= end:
        for slot in slots:
            if slot.meets_on(day):
                occurrence = _occurrence(slot, day, on_caseload, mandates, closed, records)
                if occurrence.members:
                    found.append(occurrence)
        day += dt.timedelta(days=1)
    return found


def occurrences_on(provider: Staff, day: dt.date) -> list[Occurrence]:
    return occurrences_between(provider, day, day)


def _occurrence(slot, day, on_caseload, mandates, closed, records) -> Occurrence:  # type: ignore[no-untyped-def]
    occurrence = Occurrence(slot=slot, date=day)
    label = ServiceType(slot.service).label
    for membership in slot.members.all():
        student = membership.student
        if student.pk not in on_caseload:
            occurrence.notes.append(f"{student.full_name} is no longer on your caseload.")
            continue
        reason = closed[student.school_id].get(day)
        if reason:
            occurrence.notes.append(f"{student.full_name}: no school ({reason}).")
            continue
        mandate = next(
            (
                m
                for m in mandates
                if m.student_id == student.pk and m.service == slot.service and m.start_date <= day <= m.end_date
            ),
            None,
        )
        if mandate is None:
            occurrence.notes.append(f"{student.full_name} has no {label} mandate on this day.")
            continue
        record = next(
            (
                r
                for r in records.get((student.pk, day, slot.service), [])
                if r.start_time < slot.end_time and slot.start_time < r.end_time
            ),
            None,
        )
        occurrence.members.append(Member(student=student, mandate=mandate, record=record))
    return occurrence
