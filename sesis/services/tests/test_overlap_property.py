"""Property: two Service Provided sessions of one provider on one day are both
accepted exactly when their times do not overlap ([start, end) intervals); on
PostgreSQL the exclusion constraint holds the same rule in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sesis.caseloads.actions import caseload_add
from sesis.services.actions import RecordRefused, service_record_create
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions
from tests.factories import MandateFactory, StudentFactory

SLOTS = st.integers(min_value=8 * 12, max_value=15 * 12)  # five-minute slots from 08:00 to 15:00
LENGTHS = st.integers(min_value=1, max_value=18)


def at(slot: int) -> dt.time:
    return dt.time(slot // 12, (slot % 12) * 5)


@pytest.fixture
def second(sessions: Sessions):
    student = StudentFactory.create(school=sessions.d.school_a, first_name="Ola", last_name="Berg")
    mandate = MandateFactory.create(student=student, service="PARA", group_size=1)
    caseload_add(actor=sessions.d.para, provider=sessions.d.para, students=[student])
    return student, mandate


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a_start=SLOTS, a_len=LENGTHS, b_start=SLOTS, b_len=LENGTHS)
def test_both_sessions_are_accepted_exactly_when_they_do_not_overlap(
    sessions: Sessions, second, a_start, a_len, b_start, b_len
) -> None:
    ServiceRecord.objects.filter(certified_at__isnull=True).delete()
    para = sessions.d.para
    service_record_create(
        actor=para, provider=para, data=sessions.para_input(start_time=at(a_start), end_time=at(a_start + a_len))
    )
    student, mandate = second
    b = sessions.para_input(student=student, mandate=mandate, start_time=at(b_start), end_time=at(b_start + b_len))
    overlaps = a_start < b_start + b_len and b_start < a_start + a_len
    try:
        service_record_create(actor=para, provider=para, data=b)
        accepted = True
    except RecordRefused:
        accepted = False
    assert accepted == (not overlaps)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints exist only on PostgreSQL")
def test_postgresql_itself_refuses_an_overlap_that_skipped_the_check(sessions: Sessions, second) -> None:
    para = sessions.d.para
    first = service_record_create(actor=para, provider=para, data=sessions.para_input())
    student, mandate = second
    with pytest.raises(IntegrityError, match="record_provider_not_in_two_places"), transaction.atomic():
        ServiceRecord.objects.create(
            student=student,
            provider=para,
            mandate=mandate,
            date=first.date,
            start_time=dt.time(9, 30),
            end_time=dt.time(10, 30),
            service="PARA",
            language="English",
            recorded_by=para,
            location="classroom",
            created_at=timezone.now(),
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints exist only on PostgreSQL")
def test_postgresql_holds_an_amended_session_to_its_new_time(sessions: Sessions, second) -> None:
    from sesis.services.actions import service_record_amend

    para = sessions.d.para
    first = service_record_create(actor=para, provider=para, data=sessions.para_input(), certify=True)
    service_record_amend(
        actor=para,
        record=first,
        reason="wrong time",
        certify=True,
        changes={"start_time": dt.time(11), "end_time": dt.time(12)},
    )
    student, mandate = second

    def insert(start: dt.time, end: dt.time) -> None:
        ServiceRecord.objects.create(
            student=student,
            provider=para,
            mandate=mandate,
            date=first.date,
            start_time=start,
            end_time=end,
            service="PARA",
            language="English",
            recorded_by=para,
            location="classroom",
            created_at=timezone.now(),
        )

    with pytest.raises(IntegrityError, match="record_provider_not_in_two_places"), transaction.atomic():
        insert(dt.time(11, 30), dt.time(12, 30))  # the amended time is taken
    insert(dt.time(9, 30), dt.time(10, 30))  # the time it was amended from is free
