"""Service record writes: record, edit, certify, delete, amend, and group sessions.
Every entry point (the Services Calendar's forms, and later the API) calls these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sesis.audit.actions import audit_record
from sesis.caseloads.models import CaseloadEntry
from sesis.core.errors import ActionRefused
from sesis.people.access import can_see_staff
from sesis.people.models import Role, Staff
from sesis.services.choices import Grouping, SessionType
from sesis.services.models import Amendment, GroupSession, ServiceRecord
from sesis.services.rules import Problem, RecordInput, check_record
from sesis.students.access import can_see_student
from sesis.students.models import Student

LOCKED = "A certified service record cannot be changed or deleted; add an amendment instead."
ALREADY_RECORDED = "This session was already recorded (same student, service, date and Start Time)."
AMENDABLE = (
    "start_time", "end_time", "language", "session_type", "cancel_reason", "grouping", "group_count",
    "location", "description", "progress", "notes",
)  # fmt: skip


class RecordRefused(ActionRefused):
    """One or more rules refused the record; problems name each field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(" ".join(message for _, message in problems), field=problems[0][0] if problems else None)
        self.problems = problems


class StaleVersion(ActionRefused):
    """The record changed since the user opened it (the web form says so; the API answers 409)."""

    def __init__(self) -> None:
        super().__init__(
            "This record was changed by someone else since you opened it. Reload it and try again.", field="version"
        )


def may_record_for(actor: Staff, provider: Staff, student: Student | None = None) -> bool:
    """The provider themself; on their behalf, a supervisor with access to the provider
    (and the student), or an administrator."""
    if actor.pk == provider.pk:
        return True
    if actor.role == Role.ADMINISTRATOR:
        return True
    if actor.role == Role.SUPERVISOR and can_see_staff(actor, provider):
        return student is None or can_see_student(actor, student)
    return False


def _require_access(actor: Staff, provider: Staff, student: Student) -> None:
    if not may_record_for(actor, provider, student):
        raise ActionRefused("Outside your access.")


def _certify(record: ServiceRecord, actor: Staff) -> None:
    if (
        not CaseloadEntry.objects.select_for_update()
        .active()
        .filter(provider=record.provider, student=record.student)
        .exists()
    ):
        raise RecordRefused(
            [("student", f"{record.student.full_name} is no longer on the caseload; the record cannot be certified.")]
        )
    record.certified_at = timezone.now()
    record.certified_by = actor
    record.certification_hash = record.content_hash()


def _fields(data: RecordInput) -> dict[str, Any]:
    return {
        "student": data.student, "mandate": data.mandate, "service": data.mandate.service, "date": data.date,
        "start_time": data.start_time, "end_time": data.end_time, "language": data.language,
        "session_type": data.session_type, "cancel_reason": data.cancel_reason, "grouping": data.grouping,
        "group_count": data.group_count, "location": data.location, "description": data.description,
        "progress": data.progress, "notes": data.notes, "makeup_of": data.makeup_of,
    }  # fmt: skip


def _summary(record: ServiceRecord) -> dict[str, Any]:
    content = record.signed_content()
    content.pop("certified_at", None)
    content.pop("certified_by_id", None)
    return content


def _save_new(record: ServiceRecord) -> None:
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        # The unique constraint (a retried submission) or, on PostgreSQL, the exclusion
        # constraint (two sessions racing for the same time).
        if "record_once_per_session" in str(error) or "UNIQUE" in str(error):
            raise RecordRefused([("start_time", ALREADY_RECORDED)]) from None
        raise RecordRefused(
            [("start_time", "You already have a session at this time; a provider cannot be in two places at once.")]
        ) from None


def _same_group_session(provider: Staff, data: RecordInput) -> int | None:
    """A group session recorded one student at a time, as the guide does it: a group
    record at exactly the times of the provider's earlier group record of the same
    service joins that record's group session (so the provider is not "in two places")."""
    if data.grouping != Grouping.GROUP:
        return None
    return (
        ServiceRecord.objects.filter(
            provider=provider,
            date=data.date,
            start_time=data.start_time,
            end_time=data.end_time,
            service=data.mandate.service,
            grouping=Grouping.GROUP,
            group_session__isnull=False,
        )
        .values_list("group_session_id", flat=True)
        .first()
    )


@transaction.atomic
def service_record_create(*, actor: Staff, provider: Staff, data: RecordInput, certify: bool = False) -> ServiceRecord:
    """Record one session. With certify, it is signed in the same step."""
    _require_access(actor, provider, data.student)
    group_id = _same_group_session(provider, data)
    problems, flag = check_record(provider=provider, data=data, group_session_id=group_id)
    if problems:
        raise RecordRefused(problems)
    record = ServiceRecord(provider=provider, recorded_by=actor, overlap_flag=flag, **_fields(data))
    if data.grouping == Grouping.GROUP:
        record.group_session_id = group_id or GroupSession.objects.create(provider=provider, date=data.date).pk
    if certify:
        _certify(record, actor)
    _save_new(record)
    audit_record(actor=actor, action="service_record.create", obj=record, student=data.student,
                 details={"record": _summary(record), "certified": certify})  # fmt: skip
    return record


@transaction.atomic
def service_record_update(
    *, actor: Staff, record: ServiceRecord, data: RecordInput, version: int, certify: bool = False
) -> ServiceRecord:
    """Edit an uncertified record. version must be the one the user saw: a stale edit
    is refused rather than silently overwriting someone else's."""
    locked = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if locked.is_certified:
        raise ActionRefused(LOCKED)
    _require_access(actor, locked.provider, locked.student)
    if locked.version != version:
        raise StaleVersion
    if data.student.pk != locked.student_id:
        raise RecordRefused([("student", "A record's student cannot be changed.")])
    problems, flag = check_record(
        provider=locked.provider, data=data, exclude=locked, group_session_id=locked.group_session_id
    )
    if problems:
        raise RecordRefused(problems)
    before = _summary(locked)
    for name, value in _fields(data).items():
        setattr(locked, name, value)
    locked.overlap_flag = flag
    locked.version += 1
    if certify:
        _certify(locked, actor)
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise RecordRefused([("start_time", ALREADY_RECORDED)]) from None
    after = _summary(locked)
    changed = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
    audit_record(actor=actor, action="service_record.update", obj=locked, student=locked.student,
                 details={"changes": changed, "certified": certify})  # fmt: skip
    return locked


@transaction.atomic
def service_record_certify(*, actor: Staff, record: ServiceRecord) -> ServiceRecord:
    """The electronic signature: who, when (server clock), and a hash of the content."""
    locked = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if locked.is_certified:
        raise ActionRefused("This record is already certified.")
    _require_access(actor, locked.provider, locked.student)
    _certify(locked, actor)
    locked.save(update_fields=["certified_at", "certified_by", "certification_hash", "updated_at"])
    audit_record(actor=actor, action="service_record.certify", obj=locked, student=locked.student,
                 details={"hash": locked.certification_hash})  # fmt: skip
    return locked


@transaction.atomic
def service_record_delete(*, actor: Staff, record: ServiceRecord) -> None:
    """Delete an uncertified record (its author's draft). Certified records stay."""
    locked = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if locked.is_certified:
        raise ActionRefused(LOCKED)
    _require_access(actor, locked.provider, locked.student)
    if ServiceRecord.objects.filter(makeup_of=locked).exists():
        raise ActionRefused("A make-up session refers to this record; delete or change the make-up first.")
    summary = _summary(locked)
    student = locked.student
    record_id = locked.pk
    locked.delete()
    audit_record(actor=actor, action="service_record.delete", student=student,
                 details={"record_id": record_id, "record": summary})  # fmt: skip


def effective_values(record: ServiceRecord) -> dict[str, Any]:
    """The record as amended: its own values with each amendment applied in order."""
    values = {name: getattr(record, name) for name in AMENDABLE}
    for amendment in record.amendments.all():
        for name, (_, after) in amendment.changes.items():
            values[name] = after
    return values


@transaction.atomic
def service_record_amend(
    *, actor: Staff, record: ServiceRecord, reason: str, changes: dict[str, Any], amendments_seen: int | None = None
) -> Amendment:
    """Correct a certified record. The original stays as signed; the amendment holds
    who, when, why and each changed field's before and after. The amended record must
    still satisfy every rule. With amendments_seen (how many amendments the caller
    saw), an amendment made meanwhile by someone else refuses this one as stale."""
    locked = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if not locked.is_certified:
        raise ActionRefused("An uncertified record is edited, not amended.")
    _require_access(actor, locked.provider, locked.student)
    if amendments_seen is not None and locked.amendments.count() != amendments_seen:
        raise StaleVersion
    reason = reason.strip()
    if not reason:
        raise RecordRefused([("reason", "Give the reason for the amendment.")])
    unknown = set(changes) - set(AMENDABLE)
    if unknown:
        raise RecordRefused([(sorted(unknown)[0], "This field cannot be amended.")])
    current = effective_values(locked)
    proposed = {**current, **changes}
    data = RecordInput(
        student=locked.student, mandate=locked.mandate, date=locked.date, makeup_of=locked.makeup_of, **proposed
    )
    problems, _ = check_record(
        provider=locked.provider, data=data, exclude=locked, group_session_id=locked.group_session_id
    )
    if problems:
        raise RecordRefused(problems)
    normalised = {name: getattr(data, name) for name in AMENDABLE}
    diff = {
        name: [_plain(current[name]), _plain(normalised[name])]
        for name in AMENDABLE
        if _plain(current[name]) != _plain(normalised[name])
    }
    if not diff:
        raise RecordRefused([("reason", "Nothing was changed; an amendment must change at least one field.")])
    amendment = Amendment.objects.create(record=locked, amended_by=actor, reason=reason[:500], changes=diff)
    audit_record(actor=actor, action="service_record.amend", obj=locked, student=locked.student,
                 details={"amendment": amendment.pk, "reason": amendment.reason, "changes": diff})  # fmt: skip
    return amendment


def _plain(value: Any) -> Any:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value


@dataclass
class GroupMember:
    student: Student
    present: bool


@transaction.atomic
def group_session_record(
    *, actor: Staff, provider: Staff, common: RecordInput, members: list[tuple[GroupMember, Any]], certify: bool = False
) -> list[ServiceRecord]:
    """One form, one record per student: the present ones as Service Provided with the
    group size set to the number present, the absent ones as Student Absent. All or
    nothing: if any student's record is refused, none is saved, and the problems are
    reported per student as (student, field, message)."""
    present = sum(1 for member, _ in members if member.present)
    if not members:
        raise RecordRefused([("students", "Choose the students of the group.")])
    if present == 0:
        raise RecordRefused([("students", "Mark at least one student present, or record each absence on its own.")])
    group = GroupSession.objects.create(provider=provider, date=common.date)
    records: list[ServiceRecord] = []
    problems: list[Problem] = []
    for member, mandate in members:
        _require_access(actor, provider, member.student)
        data = RecordInput(
            student=member.student, mandate=mandate, date=common.date, start_time=common.start_time,
            end_time=common.end_time, language=common.language,
            session_type=SessionType.PROVIDED if member.present else SessionType.STUDENT_ABSENT,
            grouping=Grouping.GROUP, group_count=present, location=common.location,
            description=common.description, progress=common.progress, notes=common.notes,
        )  # fmt: skip
        found, flag = check_record(provider=provider, data=data, group_session_id=group.pk)
        if found:
            problems += [
                (f"{member.student.osis}:{name}", f"{member.student.full_name}: {message}") for name, message in found
            ]
            continue
        record = ServiceRecord(
            provider=provider, recorded_by=actor, overlap_flag=flag, group_session=group, **_fields(data)
        )
        if certify:
            _certify(record, actor)
        records.append(record)
    if problems:
        transaction.set_rollback(True)
        raise RecordRefused(problems)
    for record in records:
        _save_new(record)
        audit_record(actor=actor, action="service_record.create", obj=record, student=record.student,
                     details={"record": _summary(record), "certified": certify, "group_session": group.pk})  # fmt: skip
    return records
