from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from sesis.audit.actions import audit_record
from sesis.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(actor=None, action="test.event", details={"before": 1, "after": 2})


def test_an_event_records_when_from_the_database_clock(event: AuditEvent) -> None:
    event.refresh_from_db()
    assert event.at is not None
    assert event.details == {"before": 1, "after": 2}


def test_the_database_refuses_to_update_an_event_through_the_orm(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    event.refresh_from_db()
    assert event.action == "test.event"


def test_the_database_refuses_to_delete_an_event_through_the_orm(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("sql", ["UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"])
def test_the_database_refuses_raw_sql_changes(event: AuditEvent, sql: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"
