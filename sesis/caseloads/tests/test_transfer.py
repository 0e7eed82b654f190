"""Caseload transfer: each student moves only when the new provider may take them (the
rules of adding), in one step with the removal, and both caseloads keep the history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sesis.audit.models import AuditEvent
from sesis.caseloads.actions import OUTSIDE_ACCESS, caseload_add, caseload_transfer
from sesis.caseloads.models import CaseloadEntry
from sesis.mandates.models import AssignmentKind
from sesis.mandates.permissions import NO_ASSIGNMENT
from sesis.people.models import Staff
from tests.factories import PASSWORD, AssignmentFactory, District, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(district: District) -> Staff:
    """Another DOE speech provider at 02M001, who may take Ana."""
    other = StaffFactory.create(staff_id="301", first_name="Nia", last_name="Okoro", disciplines=["SPEECH"])
    AssignmentFactory.create(staff=other, kind=AssignmentKind.SCHOOL, school=district.school_a)
    return other


@pytest.fixture
def ana(district: District, today: dt.date) -> CaseloadEntry:
    d = district
    (result,) = caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.speech_student])
    assert result.entry is not None
    return result.entry


def test_a_student_moves_with_history_on_both_caseloads(
    district: District, colleague: Staff, ana: CaseloadEntry
) -> None:
    d = district
    (result,) = caseload_transfer(actor=d.supervisor, entries=[ana], target=colleague)
    assert (result.moved, result.reason) == (True, "")
    old = CaseloadEntry.objects.get(pk=ana.pk)
    assert (
        old.ended_at is not None and old.end_reason == "Transferred to Nia Okoro (301)" and old.ended_by == d.supervisor
    )
    new = CaseloadEntry.objects.get(provider=colleague, student=d.speech_student, ended_at__isnull=True)
    assert new.source == "supervisor" and new.added_by == d.supervisor
    assert list(new.mandates.values_list("service", flat=True)) == ["SPEECH"]
    actions = list(AuditEvent.objects.filter(student=d.speech_student).values_list("action", flat=True))
    assert actions.count("caseload.remove") == 1 and actions.count("caseload.add") == 2


def test_a_provider_who_may_not_serve_the_student_is_refused_and_nothing_changes(
    district: District, ana: CaseloadEntry
) -> None:
    d = district
    (to_rsa,) = caseload_transfer(actor=d.supervisor, entries=[ana], target=d.independent_speech)
    assert (to_rsa.moved, to_rsa.reason) == (False, NO_ASSIGNMENT)
    (to_ot,) = caseload_transfer(actor=d.supervisor, entries=[ana], target=d.agency_ot)
    assert not to_ot.moved and "discipline does not cover" in to_ot.reason
    (to_self,) = caseload_transfer(actor=d.supervisor, entries=[ana], target=d.doe_speech)
    assert (to_self.moved, to_self.reason) == (False, "Choose another provider than the student's own.")
    assert CaseloadEntry.objects.get(pk=ana.pk).ended_at is None
    assert CaseloadEntry.objects.filter(student=d.speech_student).count() == 1


def test_a_supervisor_without_access_cannot_move_anyone(
    district: District, colleague: Staff, ana: CaseloadEntry
) -> None:
    (result,) = caseload_transfer(actor=district.supervisor_out, entries=[ana], target=colleague)
    assert (result.moved, result.reason) == (False, OUTSIDE_ACCESS)
    assert CaseloadEntry.objects.get(pk=ana.pk).ended_at is None


def test_when_the_removal_fails_the_add_is_undone(district: District, colleague: Staff, ana: CaseloadEntry) -> None:
    stale = CaseloadEntry.objects.get(pk=ana.pk)
    CaseloadEntry.objects.filter(pk=ana.pk).update(
        ended_at=dt.datetime(2026, 11, 17, 17, tzinfo=dt.UTC), ended_by=district.supervisor, end_reason="Added in error"
    )
    (result,) = caseload_transfer(actor=district.supervisor, entries=[stale], target=colleague)
    assert (result.moved, result.reason) == (False, "This student was already removed from the caseload.")
    assert not CaseloadEntry.objects.filter(provider=colleague).exists()


def test_the_caseload_page_transfers_marked_students(district: District, colleague: Staff, ana: CaseloadEntry) -> None:
    d = district
    client = Client()
    assert client.login(username=d.supervisor.staff_id, password=PASSWORD)
    url = "/administration/staff/300/caseload/"
    page = client.get(url).content.decode()
    assert "Transfer marked students" in page and f'value="{ana.pk}"' in page
    unknown = client.post(url + "transfer/", {"entry": [ana.pk], "target": "999"}, follow=True).content.decode()
    assert "Not transferred: no provider with staff ID 999 is in your scope." in unknown
    assert CaseloadEntry.objects.get(pk=ana.pk).ended_at is None
    done = client.post(url + "transfer/", {"entry": [ana.pk], "target": "301"}, follow=True).content.decode()
    assert "Transferred to Nia Okoro: Ana O&#x27;Connor (111111111)." in done
    assert CaseloadEntry.objects.filter(provider=colleague, ended_at__isnull=True).count() == 1
    # A provider's own caseload page offers no transfer.
    own = Client()
    assert own.login(username=d.doe_speech.staff_id, password=PASSWORD)
    assert "Transfer marked students" not in own.get("/caseload/").content.decode()
