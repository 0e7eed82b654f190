from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from sesis.audit.models import AuditEvent
from sesis.core.errors import ActionRefused
from sesis.services.actions import RecordRefused, effective_values, service_record_amend, service_record_create
from sesis.services.models import Amendment, ServiceRecord
from sesis.services.tests.conftest import Sessions


@pytest.fixture
def certified(sessions: Sessions) -> ServiceRecord:
    return service_record_create(
        actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input(), certify=True
    )


def test_an_amendment_keeps_the_original_and_records_who_when_why_and_what(
    sessions: Sessions, certified: ServiceRecord
) -> None:
    amendment = service_record_amend(
        actor=sessions.d.para, record=certified, reason="Student left early", changes={"end_time": dt.time(9, 45)}
    )
    certified.refresh_from_db()
    assert certified.end_time == dt.time(10, 0)  # the original, as signed
    assert certified.hash_is_valid()
    assert amendment.changes == {"end_time": ["10:00", "09:45"]}
    assert amendment.amended_by == sessions.d.para and amendment.reason == "Student left early"
    assert effective_values(certified)["end_time"] == "09:45"
    assert AuditEvent.objects.filter(action="service_record.amend").count() == 1


def test_amendments_apply_in_order(sessions: Sessions, certified: ServiceRecord) -> None:
    service_record_amend(actor=sessions.d.para, record=certified, reason="a", changes={"notes": "first"})
    service_record_amend(actor=sessions.d.para, record=certified, reason="b", changes={"notes": "second"})
    assert effective_values(certified)["notes"] == "second"
    assert [a.changes["notes"] for a in certified.amendments.all()] == [["", "first"], ["first", "second"]]


def test_an_amendment_must_satisfy_the_rules(sessions: Sessions, certified: ServiceRecord) -> None:
    with pytest.raises(RecordRefused) as caught:
        service_record_amend(
            actor=sessions.d.para, record=certified, reason="typo", changes={"end_time": dt.time(8, 0)}
        )
    assert caught.value.problems == [("end_time", "End Time must be after Start Time.")]
    assert not Amendment.objects.exists()


def test_an_amendment_needs_a_reason_and_a_change(sessions: Sessions, certified: ServiceRecord) -> None:
    with pytest.raises(RecordRefused, match="Give the reason"):
        service_record_amend(actor=sessions.d.para, record=certified, reason=" ", changes={"notes": "x"})
    with pytest.raises(RecordRefused, match="Nothing was changed"):
        service_record_amend(actor=sessions.d.para, record=certified, reason="no-op", changes={"notes": ""})


def test_only_amendable_fields_can_be_amended(sessions: Sessions, certified: ServiceRecord) -> None:
    with pytest.raises(RecordRefused, match="cannot be amended"):
        service_record_amend(
            actor=sessions.d.para, record=certified, reason="x", changes={"certified_by": sessions.d.admin}
        )


def test_an_uncertified_record_is_edited_not_amended(sessions: Sessions) -> None:
    draft = service_record_create(actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input())
    with pytest.raises(ActionRefused, match="edited, not amended"):
        service_record_amend(actor=sessions.d.para, record=draft, reason="x", changes={"notes": "y"})


def test_the_database_keeps_amendments_append_only(sessions: Sessions, certified: ServiceRecord) -> None:
    amendment = service_record_amend(actor=sessions.d.para, record=certified, reason="why", changes={"notes": "n"})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Amendment.objects.filter(pk=amendment.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        amendment.delete()
    assert Amendment.objects.get().reason == "why"
