"""Writing the audit log. Every action calls audit_record inside its own transaction,
so an event exists exactly when the change it describes does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from sesis.audit.models import AuditEvent

if TYPE_CHECKING:
    from sesis.people.models import Staff
    from sesis.students.models import Student


def audit_record(
    *,
    actor: Staff | None,
    action: str,
    obj: models.Model | None = None,
    student: Student | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = audit_event(actor=actor, action=action, obj=obj, student=student, details=details)
    event.save()
    return event


def audit_event(
    *,
    actor: Staff | None,
    action: str,
    obj: models.Model | None = None,
    student: Student | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved event, for actions that write many at once with audit_record_many."""
    return AuditEvent(
        actor=actor,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        student=student,
        details=details or {},
    )


def audit_record_many(events: list[AuditEvent]) -> None:
    AuditEvent.objects.bulk_create(events)
