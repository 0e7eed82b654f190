"""Schedule writes (add, change and remove a slot) and recording a day's sessions
from the schedule. Recording goes through the service record actions, so every rule
of a Service Record holds here exactly as on the form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from sesis.access.scope import Scope
from sesis.audit.actions import audit_record
from sesis.caseloads.models import CaseloadEntry
from sesis.lib.codes import ServiceType
from sesis.lib.errors import ActionRefused
from sesis.mandates.models import Mandate
from sesis.mandates.permissions import permission_to_serve
from sesis.people.models import Staff
from sesis.schedules.models import SHORT_DAY, ScheduleSlot, SlotStudent, Weekday
from sesis.schedules.occurrences import Occurrence, occurrences_on
from sesis.services import actions as records
from sesis.services.choices import Grouping, ServiceDescription, ServiceLocation, SessionType
from sesis.services.models import ServiceRecord
from sesis.services.rules import Problem
from sesis.students.models import Student


class SlotRefused(ActionRefused):
    """One or more rules refused the slot; problems name each field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(" ".join(message for _, message in problems), field=problems[0][0])
        self.problems = problems


@dataclass
class SlotInput:
    service: str
    weekdays: list[int]
    start_time: dt.time
    end_time: dt.time
    location: str
    students: list[Student]
    description: str = ""


def _hm(value: dt.time) -> str:
    return f"{value:%H:%M}"


def _check_students(provider: Staff, data: SlotInput, label: str, today: dt.date) -> list[Problem]:
    """Each student on the caseload, with a mandate for the service that the provider
    may serve, in a group no larger than the mandate allows."""
    problems: list[Problem] = []
    on_caseload = set(
        CaseloadEntry.objects.active()
        .filter(provider=provider, student__in=data.students)
        .values_list("student", flat=True)
    )
    for student in data.students:
        if student.pk not in on_caseload:
            problems.append(("students", f"{student.full_name} is not on your caseload."))
            continue
        mandate = _current_mandate(student, data.service, today)
        if mandate is None:
            problems.append(("students", f"{student.full_name} has no {label} mandate."))
            continue
        permission = permission_to_serve(
            provider=provider, student=student, day=max(today, mandate.start_date), service=data.service
        )
        if not permission.allowed:
            problems.append(("students", f"{student.full_name}: {permission.refusal}."))
        if len(data.students) > mandate.group_size:
            size = "individual sessions" if mandate.group_size == 1 else f"a group of up to {mandate.group_size}"
            count = len(data.students)
            problems.append(
                ("students", f"{student.full_name}'s mandate calls for {size}; this slot has {count} students.")
            )
    return problems


def _current_mandate(student: Student, service: str, today: dt.date) -> Mandate | None:
    """The mandate in force today, or else the next one to start."""
    return Mandate.objects.filter(student=student, service=service, end_date__gte=today).order_by("start_date").first()


def check_slot(*, provider: Staff, data: SlotInput, exclude: ScheduleSlot | None = None) -> list[Problem]:
    """Every rule of a slot: the days, times and place; each student on the caseload with
    a mandate for the service that the provider may serve; a group no larger than each
    student's mandate allows; and no two slots of the provider at once."""
    problems: list[Problem] = []
    today = timezone.localdate()
    if not data.weekdays or any(day not in Weekday.values for day in data.weekdays):
        problems.append(("weekdays", "Choose at least one school day (Monday to Friday)."))
    if data.start_time >= data.end_time:
        problems.append(("end_time", "End Time must be after Start Time."))
    if data.location not in ServiceLocation.values:
        problems.append(("location", "Choose the Service Location."))
    if data.service not in provider.discipline_codes():
        problems.append(("service", "Choose a Service Type among your disciplines."))
        return problems
    label = ServiceType(data.service).label
    if data.description and (data.service != ServiceType.PARA or data.description not in ServiceDescription.values):
        problems.append(("description", "Service Description is for paraprofessional sessions only."))
    if not data.students:
        problems.append(("students", "Choose the student, or the students of the group."))
    problems += _check_students(provider, data, label, today)
    if not problems:
        problems += _check_overlap(provider, data, exclude)
    return problems


def _check_overlap(provider: Staff, data: SlotInput, exclude: ScheduleSlot | None) -> list[Problem]:
    others = ScheduleSlot.objects.filter(
        provider=provider, start_time__lt=data.end_time, end_time__gt=data.start_time
    ).prefetch_related("members__student")
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    for other in others:
        shared = sorted(set(other.days) & set(data.weekdays))
        if shared:
            names = ", ".join(m.student.full_name for m in other.members.all())
            return [
                (
                    "start_time",
                    f"You already have a session on {SHORT_DAY[shared[0]]} from "
                    f"{_hm(other.start_time)} to {_hm(other.end_time)} ({names}); "
                    "a provider cannot be in two places at once.",
                )
            ]
    return []


def _require_own(actor: Staff, provider: Staff) -> None:
    if not Scope.of(actor).may_act_for(provider):
        raise ActionRefused("Outside your access.")


def _lock_schedule(provider: Staff) -> None:
    """One schedule change at a time per provider, so two slots cannot race past the
    overlap check."""
    Staff.objects.select_for_update().filter(pk=provider.pk).first()


def _summary(slot: ScheduleSlot, students: list[Student]) -> dict[str, Any]:
    return {
        "service": slot.service,
        "weekdays": slot.weekdays,
        "start_time": _hm(slot.start_time),
        "end_time": _hm(slot.end_time),
        "location": slot.location,
        "description": slot.description,
        "students": [s.osis for s in students],
    }


def _apply(slot: ScheduleSlot, data: SlotInput) -> None:
    slot.service = data.service
    slot.weekdays = "".join(str(d) for d in sorted(set(data.weekdays)))
    slot.start_time, slot.end_time = data.start_time, data.end_time
    slot.location, slot.description = data.location, data.description


@transaction.atomic
def schedule_slot_create(*, actor: Staff, provider: Staff, data: SlotInput) -> ScheduleSlot:
    _require_own(actor, provider)
    _lock_schedule(provider)
    problems = check_slot(provider=provider, data=data)
    if problems:
        raise SlotRefused(problems)
    slot = ScheduleSlot(provider=provider)
    _apply(slot, data)
    slot.save()
    SlotStudent.objects.bulk_create([SlotStudent(slot=slot, student=s) for s in data.students])
    audit_record(actor=actor, action="schedule_slot.create", obj=slot, details=_summary(slot, data.students))
    return slot


@transaction.atomic
def schedule_slot_update(*, actor: Staff, slot: ScheduleSlot, data: SlotInput) -> ScheduleSlot:
    _require_own(actor, slot.provider)
    _lock_schedule(slot.provider)
    problems = check_slot(provider=slot.provider, data=data, exclude=slot)
    if problems:
        raise SlotRefused(problems)
    before = _summary(slot, [m.student for m in slot.members.select_related("student")])
    _apply(slot, data)
    slot.save()
    SlotStudent.objects.filter(slot=slot).exclude(student__in=data.students).delete()
    kept = set(SlotStudent.objects.filter(slot=slot).values_list("student", flat=True))
    SlotStudent.objects.bulk_create([SlotStudent(slot=slot, student=s) for s in data.students if s.pk not in kept])
    after = _summary(slot, data.students)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit_record(actor=actor, action="schedule_slot.update", obj=slot, details={"changes": changes})
    return slot


@transaction.atomic
def schedule_slot_delete(*, actor: Staff, slot: ScheduleSlot) -> None:
    """Remove a slot from the schedule. Sessions already recorded from it stay."""
    _require_own(actor, slot.provider)
    summary = _summary(slot, [m.student for m in slot.members.select_related("student")])
    slot_id = slot.pk
    slot.delete()
    audit_record(actor=actor, action="schedule_slot.delete", details={"slot_id": slot_id, "slot": summary})


# Recording a day from the schedule ---------------------------------------------------


@dataclass
class Outcome:
    """What happened to one scheduled session: Service Provided (with any students
    absent, for a group), Student Absent, Provider Absent or Cancelled."""

    session_type: str = SessionType.PROVIDED
    cancel_reason: str = ""
    absent: set[str] = field(default_factory=set)  # OSIS ids of a group's absent students
    notes: str = ""
    notes_confidential: bool = False
    progress: str = ""
    description: str = ""
    start_time: dt.time | None = None  # None: as scheduled
    end_time: dt.time | None = None


@dataclass
class DayResult:
    """What a day's Save did: the records saved, and the sessions refused (by key, with
    their messages), of which nothing was saved."""

    saved: list[ServiceRecord] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The refusal, in a sentence ("" when every session was saved)."""
        count = len(self.problems)
        if not count:
            return ""
        needs = f"{count} session{'s' if count != 1 else ''} need{'' if count != 1 else 's'} attention"
        return f"{needs}: {'they were' if count != 1 else 'it was'} not saved. Correct and Save again."


@transaction.atomic
def day_record(
    *, actor: Staff, provider: Staff, day: dt.date, outcomes: dict[str, Outcome], certify: bool
) -> DayResult:
    """Record the chosen sessions of the day as the schedule has them, each with what
    happened. Each session saves on its own: one refused session (its problems named)
    does not hold back the others. A session already recorded (a retried submission, or
    one recorded meanwhile on the form) is left as it is, never recorded twice."""
    _require_own(actor, provider)
    _lock_schedule(provider)
    by_key = {o.key: o for o in occurrences_on(provider, day)}
    result = DayResult()
    for key, outcome in outcomes.items():
        occurrence = by_key.get(key)
        if occurrence is None:
            result.problems[key] = ["This session is not on your schedule for this day."]
            continue
        try:
            with transaction.atomic():
                result.saved += _record(actor, provider, occurrence, outcome, certify)
        except records.RecordRefused as refused:
            result.problems[key] = [message for _, message in refused.problems]
        except ActionRefused as refused:
            result.problems[key] = [refused.message]
    return result


def day_provider_absent(*, actor: Staff, provider: Staff, day: dt.date, certify: bool) -> DayResult:
    """ "I was absent today": every session of the day not yet recorded, recorded as
    Provider Absent in one step (certified when the provider ticks the certification)."""
    _require_own(actor, provider)
    remaining = [o for o in occurrences_on(provider, day) if not o.recorded]
    if not remaining:
        raise ActionRefused("Every session of this day is already recorded.")
    outcomes = {o.key: Outcome(session_type=SessionType.PROVIDER_ABSENT) for o in remaining}
    return day_record(actor=actor, provider=provider, day=day, outcomes=outcomes, certify=certify)


def _input(occurrence: Occurrence, member: Any, outcome: Outcome, **fields: Any) -> ServiceRecord:
    slot = occurrence.slot
    return records.draft(
        student=member.student,
        mandate=member.mandate,
        date=occurrence.date,
        start_time=outcome.start_time or slot.start_time,
        end_time=outcome.end_time or slot.end_time,
        language=member.mandate.language,
        cancel_reason=outcome.cancel_reason,
        location=slot.location,
        description=outcome.description or slot.description,
        progress=outcome.progress,
        notes=outcome.notes,
        notes_confidential=outcome.notes_confidential,
        **fields,
    )


def _record(
    actor: Staff, provider: Staff, occurrence: Occurrence, outcome: Outcome, certify: bool
) -> list[ServiceRecord]:
    members = occurrence.to_record
    if not members:
        return []
    if outcome.session_type not in SessionType.values:
        raise ActionRefused("Choose a Session Type from the list.")
    if not occurrence.is_group:
        data = _input(occurrence, members[0], outcome, session_type=outcome.session_type)
        return [records.service_record_create(actor=actor, provider=provider, data=data, certify=certify)]
    if outcome.session_type == SessionType.STUDENT_ABSENT:
        raise ActionRefused("For a group, mark each absent student; Student Absent is chosen per student.")
    present = [m for m in members if m.student.osis not in outcome.absent]
    if outcome.session_type == SessionType.PROVIDED and present:
        group = [(records.GroupMember(student=m.student, present=m in present), m.mandate) for m in members]
        common = _input(occurrence, members[0], outcome)
        return records.group_session_record(
            actor=actor, provider=provider, common=common, members=group, certify=certify
        )
    # Nobody came, the provider was absent, or the session was cancelled: each student's
    # record says so, with the group as planned.
    session_type = SessionType.STUDENT_ABSENT if outcome.session_type == SessionType.PROVIDED else outcome.session_type
    return [
        records.service_record_create(
            actor=actor,
            provider=provider,
            certify=certify,
            data=_input(
                occurrence, m, outcome, session_type=session_type, grouping=Grouping.GROUP, group_count=len(members)
            ),
        )
        for m in members
    ]
