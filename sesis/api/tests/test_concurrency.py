"""Concurrency on PostgreSQL, end to end over HTTP (each request on its own thread and
database connection): 20 requests adding the same student give one caseload entry and
no server error; 20 retries of one service record with one Idempotency-Key give one
record; two edits from the same version give one success and one 409. SQLite
serialises writers, so these races exist only on PostgreSQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from sesis.api.tests.conftest import token_for
from sesis.api.tests.test_records import PARA, edit
from sesis.caseloads.models import CaseloadEntry
from sesis.services.actions import service_record_create
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions

THREADS = 20

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL"
    ),
]


def race(requests: list[Callable[[], Any]]) -> list[Any]:
    """Run each request on its own thread, all released at once; their responses."""
    barrier = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            results[n] = requests[n]()
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def api_client(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_twenty_requests_adding_one_student_give_one_entry_and_no_server_error(sessions: Sessions) -> None:
    """Ten through the API and ten through the web page, all at once."""
    d = sessions.d
    secret = token_for(d.supervisor)
    web = Client()
    web.force_login(d.supervisor)
    api_add = lambda: api_client(secret).post(  # noqa: E731
        "/api/v1/caseloads/500/entries", json.dumps({"students": ["555555555"]}), content_type="application/json"
    )
    web_add = lambda: web.post("/administration/staff/500/caseload/add/", {"osis": ["555555555"]})  # noqa: E731
    responses = race([api_add, web_add] * (THREADS // 2))
    assert sorted({r.status_code for r in responses}) == [200, 302]  # API answers, the web page redirects
    outcomes = [r.json()["results"][0]["outcome"] for r in responses if r.status_code == 200]
    assert len(outcomes) == THREADS // 2 and outcomes.count("added") <= 1
    assert set(outcomes) <= {"added", "already"}
    assert CaseloadEntry.objects.filter(provider=d.independent_speech, student=d.rsa_student).count() == 1


def test_twenty_retries_with_one_idempotency_key_record_once(sessions: Sessions) -> None:
    secret = token_for(sessions.d.para)
    post = lambda: api_client(secret).post(  # noqa: E731
        "/api/v1/service-records",
        json.dumps(PARA),
        content_type="application/json",
        headers={"Idempotency-Key": "tablet-retry-7"},
    )
    responses = race([post] * THREADS)
    record = ServiceRecord.objects.get()
    assert {r.status_code for r in responses} == {201}
    assert {r.json()["id"] for r in responses} == {record.pk}
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == [""] + ["true"] * (THREADS - 1)


def test_two_edits_from_the_same_version_give_one_success_and_one_409(sessions: Sessions) -> None:
    record = service_record_create(actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input())
    secret = token_for(sessions.d.para)
    url = f"/api/v1/service-records/{record.pk}"
    put = lambda end: lambda: api_client(secret).put(  # noqa: E731
        url, json.dumps(edit(end_time=end, version=1)), content_type="application/json"
    )
    responses = race([put("09:45"), put("09:15")])
    assert sorted(r.status_code for r in responses) == [200, 409]
    winner = next(r for r in responses if r.status_code == 200).json()
    saved = ServiceRecord.objects.get(pk=record.pk)
    assert saved.version == 2 and saved.end_time.strftime("%H:%M:%S") == winner["end_time"]
