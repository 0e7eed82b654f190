"""Two claim runs of one month at the same moment, on PostgreSQL (each on its own
thread and connection): the month's lock queues them, so every session is claimed
once and the second run finds nothing new. SQLite serialises writers: there the race
cannot happen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from sesis.api.tests.test_concurrency import race
from sesis.claims.actions import claim_run_create
from sesis.claims.models import ClaimLine, ClaimRun
from sesis.claims.tests.test_claim_run import NOVEMBER, ot, speech
from sesis.services.tests.conftest import Sessions

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL"
    ),
]


def test_racing_runs_claim_each_session_once(facts: Sessions) -> None:
    s = facts
    records = [speech(s, day) for day in (12, 13, 16, 17)] + [ot(s, day) for day in (12, 13, 16, 17)]
    runs = race([lambda: claim_run_create(actor=s.d.admin, month=NOVEMBER) for _ in range(4)])
    assert sorted(r.lines for r in runs) == [0, 0, 0, len(records)]
    assert ClaimRun.objects.count() == 4
    claimed = list(ClaimLine.objects.values_list("record_id", flat=True))
    assert sorted(claimed) == sorted(r.pk for r in records)
    assert dt.date(2026, 11, 12) in set(ClaimLine.objects.values_list("date", flat=True))


def test_a_run_waits_for_the_month_another_run_holds(facts: Sessions) -> None:
    """While one transaction holds November's lock, a run of November waits; once it
    is released, the run proceeds and claims what is there."""
    import threading

    from django.db import connections, transaction

    from sesis.claims.models import ClaimMonth

    s = facts
    speech(s, 16)
    ClaimMonth.objects.create(month=NOVEMBER)
    holding, release = threading.Event(), threading.Event()
    results: list[ClaimRun] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                ClaimMonth.objects.select_for_update().get(month=NOVEMBER)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    def claim() -> None:
        try:
            results.append(claim_run_create(actor=s.d.admin, month=NOVEMBER))
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    runner = threading.Thread(target=claim)
    runner.start()
    runner.join(1.0)
    waited = runner.is_alive()
    release.set()
    holder.join()
    runner.join(10)
    assert waited, "the run did not wait for the month's lock"
    assert [r.lines for r in results] == [1]
