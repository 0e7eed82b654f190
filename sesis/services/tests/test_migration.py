"""Migration 0005 on a database holding amended records of the previous release: every
amendment becomes a version, the original keeps its own signature (checked), and the
way back restores the amendments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sesis.caseloads.actions import caseload_add
from sesis.mandates.models import Mandate
from sesis.services.history import signature
from sesis.services.models import ServiceRecord, ServiceRecordVersion, Signature, content_hash, signed_content
from tests.factories import District, build_district

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("services", "0003_provider_not_in_two_places")


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.fixture
def old_release(transactional_db: None) -> Iterator[Any]:
    """The database at services 0003 (amendments as overlays); put back to the latest after."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = _migrate([BEFORE])
    yield executor.loader.project_state([BEFORE]).apps
    _migrate(leaves)


def _signed(values: dict[str, Any]) -> str:
    return content_hash(
        signed_content(
            {
                **values,
                "amends_hash": "",
                "amendment_reason": "",
                "unsigned_amendment": False,
                "notes_confidential": False,
            }
        )
    )


def _old_record(apps: Any, d: District, start: dt.time, end: dt.time, day: int) -> Any:
    Record = apps.get_model("services", "ServiceRecord")
    mandate = Mandate.objects.get(student=d.para_student, service="PARA")
    values: dict[str, Any] = {
        "student_id": d.para_student.pk,
        "provider_id": d.para.pk,
        "mandate_id": mandate.pk,
        "date": dt.date(2026, 11, day),
        "start_time": start,
        "end_time": end,
        "service": "PARA",
        "language": "English",
        "session_type": "provided",
        "cancel_reason": "",
        "grouping": "individual",
        "group_count": None,
        "location": "classroom",
        "description": "health",
        "progress": "progressing",
        "notes": "",
        "makeup_of_id": None,
        "group_session_id": None,
        "recorded_by_id": d.para.pk,
        "certified_by_id": d.para.pk,
        "certified_at": timezone.now().replace(microsecond=0),
    }
    return Record.objects.create(**values, certification_hash=_signed(values), version=1)


def test_amendments_become_signed_versions_and_back(old_release: Any, client: Client) -> None:
    apps = old_release
    d = build_district()
    caseload_add(actor=d.para, provider=d.para, students=[d.para_student])
    amended = _old_record(apps, d, dt.time(9), dt.time(10), 16)
    untouched = _old_record(apps, d, dt.time(9), dt.time(10), 17)
    original_hash = amended.certification_hash
    Amendment = apps.get_model("services", "Amendment")
    Amendment.objects.create(
        record_id=amended.pk,
        amended_by_id=d.supervisor.pk,
        reason="Left early",
        changes={"end_time": ["10:00", "09:45"]},
    )
    Amendment.objects.create(
        record_id=amended.pk,
        amended_by_id=d.para.pk,
        reason="Was absent",
        changes={
            "session_type": ["provided", "student_absent"],
            "location": ["classroom", ""],
            "description": ["health", ""],
            "progress": ["progressing", ""],
        },
    )

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(leaves)

    record = ServiceRecord.objects.get(pk=amended.pk)
    assert (record.end_time, record.session_type, record.location, record.version) == (
        dt.time(9, 45),
        "student_absent",
        "",
        3,
    )
    assert record.unsigned_amendment and record.certified_by == d.para and record.amendment_reason == "Was absent"
    original, middle = ServiceRecordVersion.objects.filter(record=record)
    assert (original.version, original.end_time, original.certification_hash) == (1, dt.time(10), original_hash)
    assert original.hash_is_valid() and not original.unsigned_amendment  # the original signature, kept and checked
    assert (middle.version, middle.end_time, middle.session_type, middle.certified_by_id) == (
        2,
        dt.time(9, 45),
        "provided",
        d.supervisor.pk,
    )
    assert middle.amends_hash == original_hash and record.amends_hash == middle.certification_hash
    assert signature(record) == Signature.VERIFIED
    assert ServiceRecord.objects.get(pk=untouched.pk).version == 1
    assert not ServiceRecordVersion.objects.filter(record_id=untouched.pk).exists()
    call_command("verify_records")  # raises if any signature fails

    client.force_login(d.para)
    page = client.get(reverse("record_detail", args=[record.pk])).content.decode()
    assert "Amended before SESIS asked amendments to be signed" in page
    assert "End Time: 10:00 → 09:45" in page and "Session Type: Service Provided → Student Absent" in page

    # The way back: the original in the record's columns, the amendments as they were.
    executor = _migrate([BEFORE])
    apps = executor.loader.project_state([BEFORE]).apps
    back = apps.get_model("services", "ServiceRecord").objects.get(pk=amended.pk)
    assert (back.end_time, back.session_type, back.certification_hash, back.version) == (
        dt.time(10),
        "provided",
        original_hash,
        1,
    )
    changes = list(apps.get_model("services", "Amendment").objects.order_by("id").values_list("changes", flat=True))
    assert changes[0] == {"end_time": ["10:00", "09:45"]}
    assert changes[1]["session_type"] == ["provided", "student_absent"]


def test_an_amendment_that_would_break_a_constraint_stops_the_migration_and_names_it(old_release: Any) -> None:
    apps = old_release
    d = build_district()
    first = _old_record(apps, d, dt.time(9), dt.time(10), 16)
    _old_record(apps, d, dt.time(11), dt.time(12), 16)
    # The old overlay let this through: the same session twice once amended.
    apps.get_model("services", "Amendment").objects.create(
        record_id=first.pk,
        amended_by_id=d.para.pk,
        reason="wrong time",
        changes={"start_time": ["09:00", "11:00"], "end_time": ["10:00", "12:00"]},
    )
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    with pytest.raises(RuntimeError, match=f"record {first.pk}"):
        _migrate(leaves)
    # Nothing was applied: the record keeps its original version. Clear the conflict so
    # the fixture can migrate forward again.
    assert apps.get_model("services", "ServiceRecord").objects.get(pk=first.pk).start_time == dt.time(9)
    from sesis.lib.dbtriggers import ImmutableRows

    lock = ImmutableRows(table="services_amendment", message="Amendments are append-only.")
    with connection.cursor() as cursor:
        for sql in lock.drop_sql(connection.vendor):
            cursor.execute(sql)
        cursor.execute("DELETE FROM services_amendment")
        for sql in lock.create_sql(connection.vendor):
            cursor.execute(sql)
