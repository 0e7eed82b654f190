from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sesis.audit.models import AuditEvent
from sesis.caseloads.actions import caseload_add
from sesis.caseloads.models import CaseloadEntry
from sesis.ivr.actions import first_attend_receive, process_pending
from sesis.ivr.models import FirstAttend, Source, Status
from tests.factories import District


def receive(staff_id: str = "300", osis: str = "111111111", service: str = "SPEECH", call_id: str = "CA1", **kw):
    return first_attend_receive(
        staff_id=staff_id,
        osis=osis,
        service=service,
        call_id=call_id,
        first_attend_date=kw.pop("day", timezone.localdate()),
        source=Source.CALL,
        **kw,
    )


def test_a_valid_first_attend_puts_the_student_on_the_caseload_at_once(district: District) -> None:
    fa = receive().first_attend
    assert (fa.status, fa.reason) == (Status.ADDED, "")
    entry = CaseloadEntry.objects.get(provider=district.doe_speech, student=district.speech_student)
    assert (entry.source, entry.added_by, fa.caseload_entry) == ("ivr", district.doe_speech, entry)
    assert fa.processed_at is not None
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "first_attend.receive",
        "first_attend.process",
        "caseload.add",
    }


def test_a_student_already_on_the_caseload_is_reported_as_such(district: District) -> None:
    caseload_add(actor=district.supervisor, provider=district.doe_speech, students=[district.speech_student])
    fa = receive().first_attend
    assert fa.status == Status.ALREADY
    assert CaseloadEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"staff_id": "999"}, "No staff member has staff ID 999"),
        ({"osis": "999999999"}, "No student has OSIS ID 999999999"),
        ({"osis": "444444444"}, "No IEP mandate"),
        (
            {"osis": "222222222", "service": "OT"},
            "The provider's discipline does not cover the mandated service (Occupational Therapy)",
        ),
        ({"osis": "555555555"}, "No assignment or RSA for this student"),
        ({"service": "OT"}, "No IEP mandate"),  # Ana has no OT mandate
        ({"staff_id": "200"}, "Only service providers have caseloads"),
        ({"day": timezone.localdate() + dt.timedelta(days=2)}, "The first attend date is in the future"),
    ],
)
def test_a_first_attend_that_cannot_be_added_is_kept_with_its_reason(district: District, kwargs, reason: str) -> None:
    fa = receive(**kwargs).first_attend
    fa.refresh_from_db()
    assert (fa.status, fa.reason) == (Status.REFUSED, reason)
    assert not CaseloadEntry.objects.exists()


def test_the_same_call_id_twice_changes_nothing(district: District) -> None:
    first = receive()
    again = receive(osis="222222222")
    assert first.created and not again.created
    assert again.first_attend.pk == first.first_attend.pk
    assert FirstAttend.objects.get().osis == "111111111"
    assert CaseloadEntry.objects.count() == 1


def test_the_backlog_is_processed_in_batches_oldest_first(district: District) -> None:
    for n, osis in enumerate(["111111111", "444444444", "666666666"]):
        receive(call_id=f"CA{n}", osis=osis, process=False)
    assert FirstAttend.objects.pending().count() == 3
    seen: list[tuple[int, int]] = []
    counts = process_pending(batch_size=2, progress=lambda done, total: seen.append((done, total)))
    assert counts == {"added": 2, "already": 0, "refused": 1}
    assert seen == [(2, 3), (3, 3)]
    assert not FirstAttend.objects.pending().exists()
    assert process_pending() == {"added": 0, "already": 0, "refused": 0}


def test_the_database_holds_that_a_decided_first_attend_has_a_time(district: District) -> None:
    from django.db import IntegrityError, transaction

    fa = receive(process=False).first_attend
    with pytest.raises(IntegrityError), transaction.atomic():
        FirstAttend.objects.filter(pk=fa.pk).update(status=Status.ADDED)
    with pytest.raises(IntegrityError), transaction.atomic():
        FirstAttend.objects.filter(pk=fa.pk).update(status=Status.REFUSED, processed_at=dt.datetime.now(dt.UTC))
