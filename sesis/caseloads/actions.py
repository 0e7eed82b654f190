"""Caseload writes. The web pages (supervisor's and provider's), the IVR and the
imports all add and remove students through these two functions."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sesis.access.scope import Scope
from sesis.audit.actions import audit_record, audit_record_many, audit_row
from sesis.caseloads.models import CaseloadEntry, Source
from sesis.lib.db import bulk_insert
from sesis.lib.errors import ActionRefused
from sesis.mandates.models import Assignment, Mandate
from sesis.mandates.permissions import decide_permission, permission_to_serve
from sesis.people.models import Staff, StaffDiscipline
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
class FirstAttendRequest:
    provider: Staff
    student: Student
    day: dt.date
    service: str


def caseload_add_first_attends(requests: list[FirstAttendRequest]) -> list[AddResult]:
    """caseload_add for a batch of first attends (source IVR, each provider acting for
    themself): the same rule (decide_permission) on data loaded once for the whole
    batch, and the same entries and audit events, written in bulk. Call inside a
    transaction. If another request adds one of the same students meanwhile, the batch
    falls back to caseload_add one by one, which the database's constraint decides."""
    if not requests:
        return []
    days = [r.day for r in requests]
    provider_ids = {r.provider.pk for r in requests}
    student_ids = {r.student.pk for r in requests}
    disciplines: dict[int, set[str]] = {pk: set() for pk in provider_ids}
    for staff_id, service in StaffDiscipline.objects.filter(staff_id__in=provider_ids).values_list(
        "staff_id", "service"
    ):
        disciplines[staff_id].add(service)
    mandates: dict[int, list[Mandate]] = {}
    for mandate in Mandate.objects.filter(
        student_id__in=student_ids, start_date__lte=max(days), end_date__gte=min(days)
    ):
        mandates.setdefault(mandate.student_id, []).append(mandate)
    assignments: dict[int, list[Assignment]] = {}
    for assignment in Assignment.objects.filter(staff_id__in=provider_ids, start_date__lte=max(days)).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=min(days))
    ):
        assignments.setdefault(assignment.staff_id, []).append(assignment)
    active = {
        (e.provider_id, e.student_id): e
        for e in CaseloadEntry.objects.active().filter(provider_id__in=provider_ids, student_id__in=student_ids)
    }
    results: list[AddResult | None] = []
    new: list[tuple[int, CaseloadEntry, list[Mandate]]] = []
    now = timezone.now()
    for request in requests:
        key = (request.provider.pk, request.student.pk)
        if key in active:
            results.append(AddResult(request.student, Outcome.ALREADY, ALREADY_ON_CASELOAD, active[key]))
            continue
        day = request.day
        permission = decide_permission(
            provider=request.provider,
            disciplines=disciplines[request.provider.pk],
            mandates=[m for m in mandates.get(request.student.pk, []) if m.start_date <= day <= m.end_date],
            assignments=[
                a
                for a in assignments.get(request.provider.pk, [])
                if a.start_date <= day and (a.end_date is None or a.end_date >= day)
            ],
            student=request.student,
            service=request.service,
        )
        if not permission.allowed:
            results.append(AddResult(request.student, Outcome.REFUSED, permission.refusal))
            continue
        entry = CaseloadEntry(
            provider=request.provider,
            student=request.student,
            source=Source.IVR,
            added_by=request.provider,
            added_at=now,
        )
        active[key] = entry  # a second first attend for the same pair in this batch is "already"
        new.append((len(results), entry, permission.mandates))
        results.append(None)
    try:
        with transaction.atomic():
            bulk_insert(CaseloadEntry, [entry for _, entry, _ in new])
    except IntegrityError:
        return [
            caseload_add(
                actor=r.provider,
                provider=r.provider,
                students=[r.student],
                source=Source.IVR,
                day=r.day,
                service=r.service,
            )[0]
            for r in requests
        ]
    Through = CaseloadEntry.mandates.through
    bulk_insert(
        Through, [Through(caseloadentry_id=entry.pk, mandate_id=m.pk) for _, entry, chosen in new for m in chosen]
    )
    audit_record_many(
        [
            audit_row(
                actor_id=entry.provider_id,
                action="caseload.add",
                obj=entry,
                student_id=entry.student_id,
                details={
                    "provider": entry.provider.staff_id,
                    "source": Source.IVR.value,
                    "mandates": [m.mandate_id for m in chosen],
                },
            )
            for _, entry, chosen in new
        ]
    )
    for index, entry, _ in new:
        results[index] = AddResult(entry.student, Outcome.ADDED, entry=entry)
    return [result for result in results if result is not None]
