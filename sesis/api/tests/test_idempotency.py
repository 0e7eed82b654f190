"""Idempotency keys under concurrency, and their purge."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import RequestFactory
from django.utils import timezone

from sesis.api.idempotency import idempotent
from sesis.api.models import IdempotencyKey
from sesis.caseloads.actions import caseload_add
from sesis.services.actions import draft, service_record_create
from sesis.services.models import ServiceRecord
from tests.factories import build_district

THREADS = 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
def test_racing_retries_with_one_key_record_once_and_answer_alike(today: dt.date) -> None:
    d = build_district()
    caseload_add(actor=d.para, provider=d.para, students=[d.para_student])
    mandate = d.para_student.mandates.get()
    barrier = threading.Barrier(THREADS)
    answers: list[tuple[int, Any, str | None]] = []
    errors: list[BaseException] = []

    def work() -> tuple[int, dict[str, Any]]:
        data = draft(
            student=d.para_student,
            mandate=mandate,
            date=dt.date(2026, 11, 16),
            start_time=dt.time(9),
            end_time=dt.time(10),
            language="English",
            location="classroom",
            description="health",
            progress="progressing",
        )
        record = service_record_create(actor=d.para, provider=d.para, data=data)
        return 201, {"id": record.pk}

    def post() -> None:
        request = RequestFactory().post(
            "/api/v1/service-records",
            data="{}",
            content_type="application/json",
            headers={"Idempotency-Key": "retry-1"},
        )
        try:
            barrier.wait()
            response = idempotent(request, d.para, work)
            answers.append((response.status_code, json.loads(response.content), response.get("Idempotent-Replayed")))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    record = ServiceRecord.objects.get()
    assert {(status, body["id"]) for status, body, _ in answers} == {(201, record.pk)}
    assert sorted(replayed or "" for _, _, replayed in answers) == [""] + ["true"] * (THREADS - 1)
    assert IdempotencyKey.objects.count() == 1


def test_the_purge_deletes_only_keys_older_than_a_day(db: None) -> None:
    d = build_district()
    old = IdempotencyKey.objects.create(staff=d.para, key="old", fingerprint="x", status_code=201, body={})
    IdempotencyKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    IdempotencyKey.objects.create(staff=d.para, key="new", fingerprint="x", status_code=201, body={})
    out = io.StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert out.getvalue().strip() == "Deleted 1 idempotency keys older than 24 hours."
    with pytest.raises(SystemExit):
        call_command("purge_idempotency_keys", hours=0, stderr=io.StringIO())
    assert IdempotencyKey.objects.count() == 1
