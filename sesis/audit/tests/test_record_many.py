"""audit_record_many (COPY on PostgreSQL, INSERT elsewhere) keeps every event as
audit_record would: each field, details with any text, the database's clock; and,
inside a transaction that fails, nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from sesis.audit.actions import audit_record_many, audit_row
from sesis.audit.models import AuditEvent
from tests.factories import District

AWKWARD = 'tab\there, newline\nhere, back\\slash, quote " and ñ, 中文, \\N'


def test_many_events_are_kept_field_by_field(district: District) -> None:
    d = district
    events = [
        audit_row(
            actor_id=d.doe_speech.pk,
            action="test.one",
            obj=d.speech_student,
            student_id=d.speech_student.pk,
            details={"text": AWKWARD, "nested": {"list": [1, None, True]}},
        ),
        audit_row(actor_id=None, action="test.two", details={}),
        audit_row(actor_id=d.supervisor.pk, action="test.three", obj=d.school_a, details={"n": 3}),
    ]
    before = AuditEvent.objects.count()
    audit_record_many(events)
    written = list(AuditEvent.objects.filter(action__startswith="test.").order_by("id"))
    assert AuditEvent.objects.count() == before + 3
    assert [(e.actor_id, e.action, e.object_type, e.object_id, e.student_id, e.details) for e in written] == [
        (
            d.doe_speech.pk,
            "test.one",
            "students.Student",
            str(d.speech_student.pk),
            d.speech_student.pk,
            {"text": AWKWARD, "nested": {"list": [1, None, True]}},
        ),
        (None, "test.two", "", "", None, {}),
        (d.supervisor.pk, "test.three", "schools.School", str(d.school_a.pk), None, {"n": 3}),
    ]
    assert all(e.at is not None for e in written)


@pytest.mark.django_db(transaction=True)
def test_in_a_failed_transaction_nothing_is_kept(district: District) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record_many([audit_row(actor_id=None, action="test.lost", details={}) for _ in range(3)])
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
