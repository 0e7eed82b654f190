"""Caseload writes. The web pages (supervisor's and provider's), the IVR and the
imports all add and remove students through these two functions."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from sesis.access.scope import Scope
from sesis.audit.actions import audit_record, audit_record_many, audit_row
from sesis.caseloads.models import CaseloadEntry, Source
from sesis.lib.db import insert_rows
from sesis.lib.errors import ActionRefused
from sesis.mandates.permissions import PermissionRequest, Served, decide_permissions, permission_to_serve
from sesis.people.models import Staff
from sesis.students.models import Student

OUTSIDE_ACCESS = "Outside your access"
ALREADY_ON_CASELOAD = "Already on the caseload"


class Outcome(enum.Enum):
    ADDED = "added"
    ALREADY = "already on the caseload"
    REFUSED = "refused"


@dataclass(frozen=True)
class AddResult:
    student: Student
    outcome: Outcome
    reason: str = ""
    entry: CaseloadEntry | None = None


def _source_for(actor: Staff, provider: Staff) -> Source:
    return Source.PROVIDER if actor.pk == provider.pk else Source.SUPERVISOR


def _access_refusal(actor: Staff, provider: Staff, student: Student, source: Source) -> str:
    """Who may add: the provider themself (or the IVR on their behalf), a supervisor
    with access to both the provider and the student, or an administrator."""
    if source == Source.IVR or Scope.of(actor).may_act_for(provider, student):
        return ""
    return OUTSIDE_ACCESS


def caseload_add(
    *,
    actor: Staff,
    provider: Staff,
    students: Iterable[Student],
    source: Source | None = None,
    day: dt.date | None = None,
    service: str | None = None,
) -> list[AddResult]:
    """Add each student to the provider's caseload when an IEP mandate is active on
    `day` (today by default), the provider has permission to serve it, and the actor
    has access. Students are decided one by one: the allowed are added, the others
    come back with the reason in plain words. A student already on the caseload is
    reported as such and never duplicated, also when two requests race (the database's
    unique constraint decides). With service, only a mandate for that service counts
    (a first attend names the service)."""
    source = source or _source_for(actor, provider)
    day = day or timezone.localdate()
    results = []
    for student in students:
        results.append(
            _add_one(actor=actor, provider=provider, student=student, source=source, day=day, service=service)
        )
    return results


def _add_one(
    *, actor: Staff, provider: Staff, student: Student, source: Source, day: dt.date, service: str | None
) -> AddResult:
    refusal = _access_refusal(actor, provider, student, source)
    if refusal:
        return AddResult(student, Outcome.REFUSED, refusal)
    existing = CaseloadEntry.objects.active().filter(provider=provider, student=student).first()
    if existing is not None:
        return AddResult(student, Outcome.ALREADY, ALREADY_ON_CASELOAD, existing)
    permission = permission_to_serve(provider=provider, student=student, day=day, service=service)
    if not permission.allowed:
        return AddResult(student, Outcome.REFUSED, permission.refusal)
    try:
        with transaction.atomic():
            entry = CaseloadEntry.objects.create(
                provider=provider, student=student, source=source, added_by=actor, added_at=timezone.now()
            )
            entry.mandates.set(permission.mandates)
            audit_record(
                actor=actor,
                action="caseload.add",
                obj=entry,
                student=student,
                details={
                    "provider": provider.staff_id,
                    "source": source.value,
                    "mandates": [m.mandate_id for m in permission.mandates],
                },
            )
    except IntegrityError:
        # Another request added the same student between our check and our insert.
        existing = CaseloadEntry.objects.active().filter(provider=provider, student=student).first()
        if existing is None:
            raise
        return AddResult(student, Outcome.ALREADY, ALREADY_ON_CASELOAD, existing)
    return AddResult(student, Outcome.ADDED, entry=entry)


def caseload_remove(*, actor: Staff, entry: CaseloadEntry, reason: str) -> CaseloadEntry:
    """Take a student off a caseload, keeping the entry as history with who, when and why."""
    reason = reason.strip()
    if not reason:
        raise ActionRefused("Give a reason for removing the student from the caseload.", field="reason")
    if not Scope.of(actor).may_act_for(entry.provider, entry.student):
        raise ActionRefused(OUTSIDE_ACCESS)
    with transaction.atomic():
        locked = CaseloadEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.ended_at is not None:
            raise ActionRefused("This student was already removed from the caseload.")
        locked.ended_at = timezone.now()
        locked.ended_by = actor
        locked.end_reason = reason[:300]
        locked.save(update_fields=["ended_at", "ended_by", "end_reason"])
        audit_record(
            actor=actor,
            action="caseload.remove",
            obj=locked,
            student=locked.student,
            details={"provider": locked.provider.staff_id, "reason": locked.end_reason},
        )
    return locked


@dataclass(frozen=True)
class TransferResult:
    student: Student
    moved: bool
    reason: str = ""  # why not, when not moved


def caseload_transfer(
    *, actor: Staff, entries: Iterable[CaseloadEntry], target: Staff, day: dt.date | None = None
) -> list[TransferResult]:
    """Move students from one provider's caseload to another's. Each student is
    decided on their own, by every rule of adding (caseload_add: the target's
    permission to serve, the actor's access to both): when the target may take them,
    they are added there and taken off the old caseload in one transaction, with
    "Transferred to ..." as the reason, so both caseloads keep the history. When not,
    nothing changes for that student and the reason is given."""
    day = day or timezone.localdate()
    results = []
    for entry in entries:
        student = entry.student
        if entry.provider_id == target.pk:
            results.append(TransferResult(student, False, "Choose another provider than the student's own."))
            continue
        with transaction.atomic():
            added = _add_one(
                actor=actor, provider=target, student=student, source=_source_for(actor, target), day=day, service=None
            )
            if added.outcome is Outcome.REFUSED:
                results.append(TransferResult(student, False, added.reason))
                continue
            try:
                caseload_remove(
                    actor=actor, entry=entry, reason=f"Transferred to {target.full_name} ({target.staff_id})"
                )
            except ActionRefused as refused:
                transaction.set_rollback(True)  # keep them where they were
                results.append(TransferResult(student, False, refused.message))
                continue
        results.append(TransferResult(student, True))
    return results


@dataclass(frozen=True)
class FirstAttendResult:
    """What caseload_add_first_attends did with one request: the entry it added or found."""

    outcome: Outcome
    reason: str = ""
    entry_id: int | None = None


def caseload_add_first_attends(requests: list[PermissionRequest]) -> list[FirstAttendResult]:
    """caseload_add for a batch of first attends (source IVR, each provider acting for
    themself), set-based: the same rule, decided for the whole batch in SQL
    (decide_permissions), and the same entries and audit events, written in bulk,
    without loading a model object. Call inside a transaction. If another request adds
    one of the same students meanwhile, the batch falls back to caseload_add one by
    one, which the database's constraint decides."""
    if not requests:
        return []
    # Each active entry's key, or for an entry this batch adds, its place in `new`.
    active: dict[tuple[int, int], int | _New] = {
        (provider_id, student_id): pk
        for provider_id, student_id, pk in CaseloadEntry.objects.active()
        .filter(provider_id__in={r.provider_id for r in requests}, student_id__in={r.student_id for r in requests})
        .values_list("provider_id", "student_id", "pk")
    }
    staff_ids = dict(Staff.objects.filter(pk__in={r.provider_id for r in requests}).values_list("pk", "staff_id"))
    outcomes: list[tuple[Outcome, str, int | _New | None]] = []
    new: list[tuple[PermissionRequest, tuple[Served, ...]]] = []
    for request, permission in zip(requests, decide_permissions(requests), strict=True):
        key = (request.provider_id, request.student_id)
        if key in active:
            outcomes.append((Outcome.ALREADY, ALREADY_ON_CASELOAD, active[key]))
        elif not permission.allowed:
            outcomes.append((Outcome.REFUSED, permission.refusal, None))
        else:
            active[key] = _New(len(new))  # a second first attend for the same pair in this batch is "already"
            new.append((request, permission.mandates))
            outcomes.append((Outcome.ADDED, "", active[key]))
    now = timezone.now()
    try:
        with transaction.atomic():
            entry_ids = insert_rows(
                CaseloadEntry,
                ("provider_id", "student_id", "source", "added_by_id", "added_at"),
                [(r.provider_id, r.student_id, Source.IVR.value, r.provider_id, now) for r, _ in new],
            )
    except IntegrityError:
        return _one_by_one(requests)
    insert_rows(
        CaseloadEntry.mandates.through,
        ("caseloadentry_id", "mandate_id"),
        [(entry_id, m.pk) for entry_id, (_, chosen) in zip(entry_ids, new, strict=True) for m in chosen],
    )
    audit_record_many(
        [
            audit_row(
                actor_id=request.provider_id,
                action="caseload.add",
                model=CaseloadEntry,
                pk=entry_id,
                student_id=request.student_id,
                details={
                    "provider": staff_ids[request.provider_id],
                    "source": Source.IVR.value,
                    "mandates": [m.mandate_id for m in chosen],
                },
            )
            for entry_id, (request, chosen) in zip(entry_ids, new, strict=True)
        ]
    )
    return [
        FirstAttendResult(outcome, reason, entry_ids[entry.position] if isinstance(entry, _New) else entry)
        for outcome, reason, entry in outcomes
    ]


class _New(NamedTuple):
    """An entry the batch adds, by its place among them (its id is known once written)."""

    position: int


def _one_by_one(requests: list[PermissionRequest]) -> list[FirstAttendResult]:
    providers = Staff.objects.in_bulk({r.provider_id for r in requests})
    students = Student.objects.in_bulk({r.student_id for r in requests})
    results = []
    for r in requests:
        (result,) = caseload_add(
            actor=providers[r.provider_id],
            provider=providers[r.provider_id],
            students=[students[r.student_id]],
            source=Source.IVR,
            day=r.day,
            service=r.service,
        )
        results.append(FirstAttendResult(result.outcome, result.reason, result.entry.pk if result.entry else None))
    return results
