"""Concurrent schedule changes and day recordings, each on its own database
connection. SQLite serialises writers, so the races only exist on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from sesis.caseloads.actions import caseload_add
from sesis.schedules.actions import Outcome, SlotRefused, day_record, schedule_slot_create
from sesis.schedules.models import ScheduleSlot
from sesis.schedules.tests.conftest import slot_input
from sesis.services.models import ServiceRecord
from tests.factories import build_district

THREADS = 8
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL"
    ),
]


def race(work: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(THREADS)
    results: list[object] = []
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            results.append(work(n))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_racing_overlapping_slots_give_exactly_one(today: dt.date) -> None:
    d = build_district()
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.speech_student])

    def add(n: int) -> object:
        data = slot_input([d.speech_student], start_time=dt.time(9, n), end_time=dt.time(9, 30 + n))
        return schedule_slot_create(actor=d.doe_speech, provider=d.doe_speech, data=data)

    results, errors = race(add)
    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, SlotRefused) for e in errors)
    assert ScheduleSlot.objects.count() == 1


def test_racing_submissions_of_the_same_day_record_it_once(today: dt.date) -> None:
    d = build_district()
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.speech_student])
    slot = schedule_slot_create(actor=d.doe_speech, provider=d.doe_speech, data=slot_input([d.speech_student]))
    outcomes = {f"s{slot.pk}": Outcome(notes="Drills.")}

    results, errors = race(
        lambda n: day_record(actor=d.doe_speech, provider=d.doe_speech, day=today, outcomes=outcomes, certify=True)
    )
    assert errors == []
    assert all(not result.problems for result in results)  # a retry is not a refusal
    assert sorted(len(result.saved) for result in results) == [0] * (THREADS - 1) + [1]
    assert ServiceRecord.objects.count() == 1
