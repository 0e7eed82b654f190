"""Receiving and processing first attends. A first attend is stored first, whatever
it says, then processed through the same caseload action as every other way onto a
caseload (source: IVR). Processing one first attend is one transaction with the row
locked: a process killed at any moment leaves it pending, to be processed again,
never half done and never done twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sesis.audit.actions import audit_record
from sesis.caseloads.actions import Outcome, caseload_add
from sesis.caseloads.models import Source as CaseloadSource
from sesis.core.codes import ServiceType
from sesis.ivr.models import FirstAttend, Source, Status
from sesis.people.models import Staff
from sesis.students.models import Student


@dataclass(frozen=True)
class Received:
    first_attend: FirstAttend
    created: bool


def first_attend_receive(
    *,
    staff_id: str,
    osis: str,
    service: str,
    first_attend_date: dt.date,
    call_id: str,
    source: Source,
    process: bool = True,
) -> Received:
    """Keep a first attend (the same call_id twice keeps the first and changes nothing),
    then process it at once unless asked not to."""
    provider = Staff.objects.filter(staff_id=staff_id).first()
    student = Student.objects.filter(osis=osis).first()
    with transaction.atomic():
        first_attend, created = FirstAttend.objects.get_or_create(
            call_id=call_id,
            defaults={
                "source": source,
                "staff_id": staff_id,
                "osis": osis,
                "service": service,
                "first_attend_date": first_attend_date,
                "provider": provider,
                "student": student,
            },
        )
        if created:
            audit_record(
                actor=provider,
                action="first_attend.receive",
                obj=first_attend,
                student=student,
                details={
                    "call_id": call_id,
                    "source": source.value,
                    "service": service,
                    "date": first_attend_date.isoformat(),
                },
            )
    if process and first_attend.status == Status.PENDING:
        first_attend = first_attend_process(first_attend_id=first_attend.pk) or first_attend
    return Received(first_attend, created)


def _refusal(first_attend: FirstAttend) -> str:
    if first_attend.provider is None:
        return f"No staff member has staff ID {first_attend.staff_id}"
    if first_attend.student is None:
        return f"No student has OSIS ID {first_attend.osis}"
    if first_attend.first_attend_date > timezone.localdate():
        return "The first attend date is in the future"
    if first_attend.service not in ServiceType.values:
        return f"{first_attend.service} is not a service type"
    return ""


def first_attend_process(*, first_attend_id: int) -> FirstAttend | None:
    """Decide one pending first attend. Returns it, or None if another process holds
    or has already decided it."""
    with transaction.atomic():
        first_attend = (
            FirstAttend.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("provider", "student")
            .filter(pk=first_attend_id, status=Status.PENDING)
            .first()
        )
        if first_attend is None:
            return None
        refusal = _refusal(first_attend)
        if refusal:
            first_attend.status, first_attend.reason = Status.REFUSED, refusal
        else:
            assert first_attend.provider is not None and first_attend.student is not None
            (result,) = caseload_add(
                actor=first_attend.provider,
                provider=first_attend.provider,
                students=[first_attend.student],
                source=CaseloadSource.IVR,
                day=first_attend.first_attend_date,
                service=first_attend.service,
            )
            first_attend.caseload_entry = result.entry
            first_attend.status = {Outcome.ADDED: Status.ADDED, Outcome.ALREADY: Status.ALREADY}.get(
                result.outcome, Status.REFUSED
            )
            first_attend.reason = result.reason if result.outcome is Outcome.REFUSED else ""
        first_attend.processed_at = timezone.now()
        first_attend.save(update_fields=["status", "reason", "processed_at", "caseload_entry"])
        audit_record(
            actor=first_attend.provider,
            action="first_attend.process",
            obj=first_attend,
            student=first_attend.student,
            details={"status": first_attend.status, "reason": first_attend.reason},
        )
    return first_attend


def process_pending(*, batch_size: int = 500, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Process every pending first attend, oldest first, in batches. Safe to run in
    several processes at once and to kill at any moment."""
    counts = {status.value: 0 for status in Status if status != Status.PENDING}
    total = FirstAttend.objects.pending().count()
    done = 0
    last_id = 0
    while True:
        ids = list(
            FirstAttend.objects.pending()
            .filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        for pk in ids:
            decided = first_attend_process(first_attend_id=pk)
            if decided is not None:
                counts[decided.status] += 1
            done += 1
        last_id = ids[-1]
        if progress:
            progress(done, total)
    return counts
