"""Writing the audit log. Every action calls audit_record inside its own transaction,
so an event exists exactly when the change it describes does."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection, models, transaction
from django.db.models import QuerySet

from sesis.audit.channel import current_channel
from sesis.audit.models import AuditEvent, DisclosedStudent, Disclosure

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
    """Write one event: who (actor), what (action), to which record (obj), about which
    student, with details such as values before and after."""
    row = audit_row(
        actor_id=actor.pk if actor is not None else None,
        action=action,
        obj=obj,
        student_id=student.pk if student is not None else None,
        details=details,
    )
    event = AuditEvent(**row._asdict())
    event.save()
    return event


class EventRow(NamedTuple):
    """An event as the audit log stores it: the columns written, without a model
    instance (audit_record_many writes hundreds of thousands of them for an import or a
    feed, and building AuditEvent objects cost more than writing them)."""

    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    student_id: int | None
    details: dict[str, Any]


def audit_row(
    *,
    actor_id: int | None,
    action: str,
    obj: models.Model | None = None,
    model: type[models.Model] | None = None,
    pk: int | None = None,
    student_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> EventRow:
    """An event, not yet written (audit_record writes one, audit_record_many many),
    about `obj`, or about the row `pk` of `model` when no object is at hand. The
    channel the change came by (API token, IVR, ...) is added to the details."""
    details = dict(details or {})
    channel = current_channel()
    if channel and channel != "web":
        details.setdefault("via", channel)
    object_type, object_id = "", ""
    if obj is not None:
        object_type, object_id = obj._meta.label, str(obj.pk)
    elif model is not None:
        object_type, object_id = model._meta.label, str(pk)
    return EventRow(actor_id, action, object_type, object_id, student_id, details)


# The columns audit_record_many copies; `at` and `id` are the database's (its clock, its sequence).
COPIED = ("actor_id", "action", "object_type", "object_id", "student_id", "details")


def audit_record_many(events: list[EventRow]) -> None:
    """Write many events at once (an import's rows, a feed's first attends). On
    PostgreSQL by COPY: Django's multi-row INSERT prepares every value of every row and
    the driver then splits a statement of thousands of placeholders, which cost more
    than the rows themselves (a 20,000-row feed writes 38,000 events). The events are
    not given their ids; nothing reads them back. One statement however many events
    (a COPY is not seen by Django's query capture, nor by the Server-Timing count)."""
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create([AuditEvent(**event._asdict()) for event in events])
        return
    if not events:
        return
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY audit_auditevent ({', '.join(COPIED)}) FROM STDIN") as copy:
            for event in events:
                copy.write_row(
                    (
                        event.actor_id,
                        event.action,
                        event.object_type,
                        event.object_id,
                        event.student_id,
                        json.dumps(event.details),
                    )
                )


def disclosure_record(
    *,
    actor: Staff,
    kind: str,
    what: str,
    students: QuerySet[Any] | None = None,  # rows with a student_id: service records, mandates
    student_ids: Iterable[int] = (),
    record_count: int,
    file_format: str = "",
    filters: dict[str, Any] | None = None,
) -> Disclosure:
    """Log that `actor` saw or exported the records of some students: those named by
    `students` (any queryset whose rows have a student_id) and those in `student_ids`.
    A queryset is copied by one INSERT ... SELECT in the database, so a citywide export
    is logged without loading its students into memory. Written (and committed) before
    the data leaves, so an interrupted download is still logged."""
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            actor=actor,
            kind=kind,
            what=what,
            file_format=file_format,
            filters=filters or {},
            record_count=record_count,
        )
        students_count = 0
        if students is not None:
            sql, params = students.order_by().values_list("student_id").distinct().query.sql_with_params()
            table = DisclosedStudent._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (disclosure_id, student_id) SELECT %s, ids.student_id FROM ({sql}) ids",  # noqa: S608 (our own SQL, parameters bound)
                    [disclosure.pk, *params],
                )
                students_count = max(cursor.rowcount, 0)
        ids = sorted(set(student_ids))
        if ids:
            DisclosedStudent.objects.bulk_create(DisclosedStudent(disclosure=disclosure, student_id=i) for i in ids)
            students_count += len(ids)
        audit_record(
            actor=actor,
            action=f"disclosure.{kind}",
            obj=disclosure,
            details={
                "what": what,
                "format": file_format,
                "filters": filters or {},
                "records": record_count,
                "students": students_count,
            },
        )
    return disclosure
