"""Concurrent requests adding the same student, each on its own database connection.
SQLite serialises writers, so the race only exists on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from sesis.caseloads.actions import Outcome, caseload_add
from sesis.caseloads.models import CaseloadEntry
from tests.factories import build_district

THREADS = 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
def test_racing_additions_give_exactly_one_entry() -> None:
    d = build_district()
    barrier = threading.Barrier(THREADS)
    outcomes: list[Outcome] = []
    errors: list[BaseException] = []

    def add() -> None:
        try:
            barrier.wait()
            (result,) = caseload_add(actor=d.supervisor, provider=d.doe_speech, students=[d.speech_student])
            outcomes.append(result.outcome)
        except BaseException as error:  # reported below, with the thread's outcome
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(o.value for o in outcomes) == sorted(["added"] + ["already on the caseload"] * (THREADS - 1))
    assert CaseloadEntry.objects.filter(provider=d.doe_speech, student=d.speech_student).count() == 1
