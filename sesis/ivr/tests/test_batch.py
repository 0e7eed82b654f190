"""Processing a backlog in batches decides every first attend exactly as processing
them one by one does (the same rule: decide_permissions in SQL for a batch,
decide_permission in Python for one)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sesis.caseloads.actions import caseload_add
from sesis.caseloads.models import CaseloadEntry
from sesis.ivr.actions import first_attend_process, first_attend_receive, process_pending
from sesis.ivr.models import FirstAttend, Source
from tests.factories import District

TODAY = dt.date(2026, 11, 18)
# staff_id, osis, service, days before today (negative: in the future)
REPORTS = [
    ("300", "111111111", "SPEECH", 1),  # added (or already, after another report)
    ("300", "111111111", "SPEECH", 3),  # the same pair again
    ("300", "444444444", "SPEECH", 1),  # no mandate
    ("300", "222222222", "OT", 1),  # discipline does not cover
    ("300", "555555555", "SPEECH", 1),  # no assignment
    ("300", "666666666", "SPEECH", 1),  # added (assigned to school_c)
    ("400", "222222222", "OT", 1),  # added (agency)
    ("500", "555555555", "SPEECH", 1),  # added (RSA)
    ("500", "555555555", "OT", 1),  # no OT mandate, but already on the caseload once the row above is in
    ("600", "333333333", "PARA", 1),  # already: on the caseload before the run
    ("999", "111111111", "SPEECH", 1),  # unknown staff
    ("300", "999999999", "SPEECH", 1),  # unknown student
    ("300", "111111111", "SPEECH", -2),  # future date
    ("200", "111111111", "SPEECH", 1),  # a supervisor
    ("300", "555555555", "SPEECH", 200),  # before the mandate began (checked before the assignment)
]


def run(
    district: District, picks: list[int], *, batch_size: int | None
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    FirstAttend.objects.all().delete()
    CaseloadEntry.objects.all().delete()
    caseload_add(actor=district.para, provider=district.para, students=[district.para_student])
    for n, pick in enumerate(picks):
        staff_id, osis, service, days_ago = REPORTS[pick]
        first_attend_receive(
            staff_id=staff_id,
            osis=osis,
            service=service,
            call_id=f"P{n}",
            first_attend_date=TODAY - dt.timedelta(days=days_ago),
            source=Source.FEED,
            process=False,
        )
    if batch_size is None:
        for pk in FirstAttend.objects.order_by("pk").values_list("pk", flat=True):
            first_attend_process(first_attend_id=pk)
    else:
        process_pending(batch_size=batch_size)
    outcomes = list(FirstAttend.objects.order_by("pk").values_list("call_id", "status", "reason"))
    entries = sorted(CaseloadEntry.objects.active().values_list("provider__staff_id", "student__osis"))
    return outcomes, entries


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(st.integers(min_value=0, max_value=len(REPORTS) - 1), min_size=1, max_size=12),
    batch_size=st.integers(min_value=1, max_value=6),
)
def test_batches_decide_exactly_as_one_by_one(district: District, today, picks: list[int], batch_size: int) -> None:
    assert run(district, picks, batch_size=batch_size) == run(district, picks, batch_size=None)


def test_the_reasons_in_a_batch_are_the_plain_words_of_the_rules(district: District, today) -> None:
    outcomes, entries = run(district, list(range(len(REPORTS))), batch_size=50)
    assert [(status, reason) for _, status, reason in outcomes] == [
        ("added", ""),
        ("already", ""),
        ("refused", "No IEP mandate"),
        ("refused", "The provider's discipline does not cover the mandated service (Occupational Therapy)"),
        ("refused", "No assignment or RSA for this student"),
        ("added", ""),
        ("added", ""),
        ("added", ""),
        ("already", ""),
        ("already", ""),
        ("refused", "No staff member has staff ID 999"),
        ("refused", "No student has OSIS ID 999999999"),
        ("refused", "The first attend date is in the future"),
        ("refused", "Only service providers have caseloads"),
        ("refused", "No IEP mandate"),
    ]
    assert ("300", "111111111") in entries and len(entries) == 5
