"""Service record writes: record, edit, certify, delete, amend, and group sessions.
Every entry point (the Services Calendar's forms, the day page, the API) calls these.
A record is given to them as a draft: an unsaved ServiceRecord holding what the user
entered (see `draft`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sesis.access.scope import Scope
from sesis.audit.actions import audit_record
from sesis.caseloads.models import CaseloadEntry
from sesis.lib.errors import ActionRefused
from sesis.mandates.models import Mandate
from sesis.people.models import Staff
from sesis.services.choices import Grouping, SessionType
from sesis.services.history import changes_between
from sesis.services.models import AMENDABLE, ENTERED_FIELDS, GroupSession, ServiceRecord, SessionContent
from sesis.services.rules import Problem, check_record
from sesis.students.models import Student

LOCKED = "A certified service record cannot be changed or deleted; add an amendment instead."
ALREADY_RECORDED = "This session was already recorded (same student, service, date and Start Time)."
IN_TWO_PLACES = "You already have a session at this time; a provider cannot be in two places at once."
CERTIFY_AMENDMENT = (
    "Check the box to certify the amendment: amending a record is signing its corrected version as accurate and "
    "truthful."
)


def draft(
    *, student: Student, mandate: Mandate, date: Any, makeup_of: ServiceRecord | None = None, **entered: Any
) -> ServiceRecord:
    """A record as the user entered it, not yet saved: what the actions take. `entered`
    holds the Service Record form's fields (ENTERED_FIELDS); any left out take their
    declared defaults."""
    unknown = set(entered) - set(ENTERED_FIELDS)
    if unknown:
        raise TypeError(f"Not a field of a service record: {', '.join(sorted(unknown))}")
    return ServiceRecord(
        student=student, mandate=mandate, service=mandate.service, date=date, makeup_of=makeup_of, **entered
    )


def entered(record: SessionContent) -> dict[str, Any]:
    """The fields the user entered for a record (to pre-fill a form, or copy a draft)."""
    return {name: getattr(record, name) for name in ENTERED_FIELDS}


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


def _require_access(actor: Staff, provider: Staff, student: Student) -> None:
    if not Scope.of(actor).may_act_for(provider, student):
        raise ActionRefused("Outside your access.")


CONFIDENTIAL_NOT_YOURS = (
    "This record's Session Notes are confidential: only their author or an administrator can change the record."
)


def _require_notes_access(actor: Staff, record: ServiceRecord) -> None:
    """Changing a record means reading its notes: confidential ones are their author's
    and administrators' only."""
    if record.notes_hidden_from(actor):
        raise ActionRefused(CONFIDENTIAL_NOT_YOURS, field="notes")


NOT_YOURS_TO_SIGN = (
    "Only the provider, or whoever recorded the session on their behalf, can certify this record; "
    "a signature is never given for someone else."
)


def _require_signer(record: ServiceRecord, actor: Staff) -> None:
    """A saved session is signed by its provider or by whoever recorded it, never for
    them by someone else. (An amendment is different: its amender signs the correction
    they make, in their own name.)"""
    if actor.pk not in (record.provider_id, record.recorded_by_id):
        raise RecordRefused([("certify", NOT_YOURS_TO_SIGN)])


def _certify(record: ServiceRecord, actor: Staff) -> None:
    # Under a row lock, so that a removal at the same moment is seen: the student must
    # be on the caseload, or have left it no earlier than the session's day.
    entries = CaseloadEntry.objects.select_for_update().filter(provider=record.provider, student=record.student)
    if not entries.filter(Q(ended_at__isnull=True) | Q(ended_at__date__gte=record.date)).exists():
        raise RecordRefused(
            [("student", f"{record.student.full_name} is no longer on the caseload; the record cannot be certified.")]
        )
    record.certified_at = timezone.now()
    record.certified_by = actor
    record.certification_hash = record.content_hash()


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
        raise _refusal(error) from None


def _refusal(error: IntegrityError) -> RecordRefused:
    if "record_once_per_session" in str(error) or "UNIQUE" in str(error):
        return RecordRefused([("start_time", ALREADY_RECORDED)])
    return RecordRefused([("start_time", IN_TWO_PLACES)])


def _same_group_session(provider: Staff, data: ServiceRecord) -> int | None:
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
def service_record_create(
    *, actor: Staff, provider: Staff, data: ServiceRecord, certify: bool = False
) -> ServiceRecord:
    """Record one session (data: a draft). With certify, it is signed in the same step."""
    _require_access(actor, provider, data.student)
    group_id = _same_group_session(provider, data)
    problems, flag = check_record(provider=provider, data=data, group_session_id=group_id)
    if problems:
        raise RecordRefused(problems)
    record = data
    record.provider, record.recorded_by, record.overlap_flag = provider, actor, flag
    if data.grouping == Grouping.GROUP:
        record.group_session_id = group_id or GroupSession.objects.create(provider=provider, date=data.date).pk
    if certify:
        _certify(record, actor)
    _save_new(record)
    audit_record(
        actor=actor,
        action="service_record.create",
        obj=record,
        student=data.student,
        details={"record": _summary(record), "certified": certify},
    )
    return record


@transaction.atomic
def service_record_update(
    *, actor: Staff, record: ServiceRecord, data: ServiceRecord, version: int, certify: bool = False
) -> ServiceRecord:
    """Edit an uncertified record. version must be the one the user saw: a stale edit
    is refused rather than silently overwriting someone else's."""
    locked = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if locked.is_certified:
        raise ActionRefused(LOCKED)
    _require_access(actor, locked.provider, locked.student)
    _require_notes_access(actor, locked)
    if locked.version != version:
        raise StaleVersion
    if data.student.pk != locked.student_id or data.date != locked.date:
        raise RecordRefused([("student", "A record's student and date cannot be changed.")])
    problems, flag = check_record(
        provider=locked.provider, data=data, exclude=locked, group_session_id=locked.group_session_id
    )
    if problems:
        raise RecordRefused(problems)
    before = _summary(locked)
    for name in ENTERED_FIELDS:
        setattr(locked, name, getattr(data, name))
    locked.mandate, locked.service, locked.makeup_of = data.mandate, data.service, data.makeup_of
    locked.overlap_flag = flag
    locked.version += 1
    if certify:
        _require_signer(locked, actor)
        _certify(locked, actor)
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as error:
        raise _refusal(error) from None
    after = _summary(locked)
    changed = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
    audit_record(
        actor=actor,
        action="service_record.update",
        obj=locked,
        student=locked.student,
        details={"changes": changed, "certified": certify},
    )
    return locked


@transaction.atomic
def service_record_certify(*, actor: Staff, record: ServiceRecord) -> ServiceRecord:
    """The electronic signature: who, when (server clock), and a hash of the content.
    Every rule is checked again first: what was true when the session was saved (the
    entry window, the mandate, no overlap) must still be true when it is signed."""
    locked = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if locked.is_certified:
        raise ActionRefused("This record is already certified.")
    _require_access(actor, locked.provider, locked.student)
    _require_signer(locked, actor)
    problems, _ = check_record(
        provider=locked.provider, data=locked, exclude=locked, group_session_id=locked.group_session_id, signing=True
    )
    if problems:
        raise RecordRefused(problems)
    _certify(locked, actor)
    locked.save(update_fields=["certified_at", "certified_by", "certification_hash", "updated_at"])
    audit_record(
        actor=actor,
        action="service_record.certify",
        obj=locked,
        student=locked.student,
        details={"hash": locked.certification_hash},
    )
    return locked


@dataclass
class Certified:
    """What became of one record of a bulk certification."""

    record: ServiceRecord
    refusal: str = ""  # empty: certified


def service_records_certify(*, actor: Staff, records: list[ServiceRecord], attested: bool) -> list[Certified]:
    """Certify several records with one statement (attested: the user ticked it). Each
    record is certified on its own, as service_record_certify does it (its own lock,
    rules, hash and audit event): one that is refused leaves the others certified."""
    if not attested:
        raise ActionRefused(
            "Check the box to certify that the information of each session is accurate and truthful.", field="certify"
        )
    if not records:
        raise ActionRefused("Choose at least one record to certify.", field="records")
    outcomes = []
    for record in records:
        try:
            with transaction.atomic():
                signed = service_record_certify(actor=actor, record=record)
        except ActionRefused as refused:
            outcomes.append(Certified(record=record, refusal=refused.message))
        else:
            outcomes.append(Certified(record=signed))
    return outcomes


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
    audit_record(
        actor=actor,
        action="service_record.delete",
        student=student,
        details={"record_id": record_id, "record": summary},
    )


def _copy(record: ServiceRecord) -> ServiceRecord:
    """A detached copy of a record, to hold an amendment's proposed version."""
    copy = ServiceRecord(**{f.attname: getattr(record, f.attname) for f in ServiceRecord._meta.concrete_fields})
    copy.student, copy.provider, copy.mandate, copy.makeup_of = (
        record.student,
        record.provider,
        record.mandate,
        record.makeup_of,
    )
    return copy


@transaction.atomic
def service_record_amend(
    *,
    actor: Staff,
    record: ServiceRecord,
    reason: str,
    changes: dict[str, Any],
    certify: bool,
    version: int | None = None,
) -> ServiceRecord:
    """Correct a certified record: a new version, which the amender certifies (an
    amendment is a signature too). The version it replaces stays as it was signed (the
    database copies it into the record's history), and the new one names its hash.
    The amended record must satisfy every rule, as a new one would; moving it frees its
    old time. With version (the one the caller read), a change made meanwhile refuses
    this one as stale."""
    locked = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if not locked.is_certified:
        raise ActionRefused("An uncertified record is edited, not amended.")
    _require_access(actor, locked.provider, locked.student)
    _require_notes_access(actor, locked)
    if version is not None and locked.version != version:
        raise StaleVersion
    unknown = sorted(set(changes) - set(AMENDABLE))
    if unknown:
        raise RecordRefused([(name, f"{name}: this field cannot be amended.") for name in unknown])
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise RecordRefused([("reason", "Give the reason for the amendment.")])
    if not certify:
        raise RecordRefused([("certify", CERTIFY_AMENDMENT)])
    proposed = _copy(locked)
    for name, value in changes.items():
        setattr(proposed, name, value)
    problems, flag = check_record(
        provider=locked.provider, data=proposed, exclude=locked, group_session_id=locked.group_session_id
    )
    if problems:
        raise RecordRefused(problems)
    diff = changes_between(locked, proposed)
    if not diff:
        raise RecordRefused([("reason", "Nothing was changed; an amendment must change at least one field.")])
    for name in ENTERED_FIELDS:
        setattr(locked, name, getattr(proposed, name))
    locked.makeup_of = proposed.makeup_of
    locked.overlap_flag = flag
    locked.amends_hash, locked.amendment_reason, locked.unsigned_amendment = (
        locked.certification_hash,
        reason[:500],
        False,
    )
    locked.version += 1
    _certify(locked, actor)
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as error:
        raise _refusal(error) from None
    audit_record(
        actor=actor,
        action="service_record.amend",
        obj=locked,
        student=locked.student,
        details={
            "version": locked.version,
            "reason": locked.amendment_reason,
            "changes": diff,
            "hash": locked.certification_hash,
            "amends": locked.amends_hash,
        },
    )
    return locked


@dataclass
class GroupMember:
    student: Student
    present: bool
    # The student's own values of the fields each record of a group may hold for itself
    # (Session Notes, Language of Service, Progress Indicator), over the shared ones.
    own: dict[str, Any] = field(default_factory=dict)


# The fields each student of a group may hold for themselves (besides present or absent).
OWN_IN_GROUP = ("notes", "notes_confidential", "language", "progress")


@transaction.atomic
def group_session_record(
    *,
    actor: Staff,
    provider: Staff,
    common: ServiceRecord,
    members: list[tuple[GroupMember, Mandate]],
    certify: bool = False,
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
        unknown = set(member.own) - set(OWN_IN_GROUP)
        if unknown:
            raise TypeError(f"Not a field a group's student holds alone: {', '.join(sorted(unknown))}")
        shared = (
            entered(common)
            | member.own
            | {
                "session_type": SessionType.PROVIDED if member.present else SessionType.STUDENT_ABSENT,
                "cancel_reason": "",
                "grouping": Grouping.GROUP,
                "group_count": present,
            }
        )
        data = draft(student=member.student, mandate=mandate, date=common.date, **shared)
        found, flag = check_record(provider=provider, data=data, group_session_id=group.pk)
        if found:
            problems += [
                (f"{member.student.osis}:{name}", f"{member.student.full_name}: {message}") for name, message in found
            ]
            continue
        record = data
        record.provider, record.recorded_by, record.overlap_flag, record.group_session = provider, actor, flag, group
        if certify:
            _certify(record, actor)
        records.append(record)
    if problems:
        transaction.set_rollback(True)
        raise RecordRefused(problems)
    for record in records:
        _save_new(record)
        audit_record(
            actor=actor,
            action="service_record.create",
            obj=record,
            student=record.student,
            details={"record": _summary(record), "certified": certify, "group_session": group.pk},
        )
    return records
