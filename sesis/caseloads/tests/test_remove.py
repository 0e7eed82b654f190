from __future__ import annotations

import pytest

from sesis.audit.models import AuditEvent
from sesis.caseloads.actions import caseload_add, caseload_remove
from sesis.caseloads.models import CaseloadEntry
from sesis.lib.errors import ActionRefused
from tests.factories import District


@pytest.fixture
def entry(district: District) -> CaseloadEntry:
    (result,) = caseload_add(
        actor=district.supervisor, provider=district.doe_speech, students=[district.speech_student]
    )
    assert result.entry is not None
    return result.entry


def test_removal_keeps_the_entry_with_who_when_and_why(district: District, entry: CaseloadEntry) -> None:
    caseload_remove(actor=district.supervisor, entry=entry, reason="Student changed schools")
    entry.refresh_from_db()
    assert not entry.is_active
    assert entry.ended_by == district.supervisor
    assert entry.end_reason == "Student changed schools"
    event = AuditEvent.objects.get(action="caseload.remove")
    assert event.details["reason"] == "Student changed schools"


def test_removal_needs_a_reason(district: District, entry: CaseloadEntry) -> None:
    with pytest.raises(ActionRefused, match="Give a reason"):
        caseload_remove(actor=district.supervisor, entry=entry, reason="   ")
    entry.refresh_from_db()
    assert entry.is_active


def test_a_supervisor_out_of_scope_cannot_remove(district: District, entry: CaseloadEntry) -> None:
    with pytest.raises(ActionRefused, match="Outside your access"):
        caseload_remove(actor=district.supervisor_out, entry=entry, reason="Added in error")
    entry.refresh_from_db()
    assert entry.is_active


def test_the_provider_can_remove_from_their_own_caseload(district: District, entry: CaseloadEntry) -> None:
    caseload_remove(actor=district.doe_speech, entry=entry, reason="Services completed or mandate ended")
    entry.refresh_from_db()
    assert entry.ended_by == district.doe_speech


def test_a_removed_entry_cannot_be_removed_twice(district: District, entry: CaseloadEntry) -> None:
    caseload_remove(actor=district.supervisor, entry=entry, reason="Added in error")
    with pytest.raises(ActionRefused, match="already removed"):
        caseload_remove(actor=district.supervisor, entry=entry, reason="Added in error")
    assert AuditEvent.objects.filter(action="caseload.remove").count() == 1


def test_the_removal_is_audited_with_who_what_and_why(district: District, entry: CaseloadEntry) -> None:
    caseload_remove(actor=district.supervisor, entry=entry, reason="  Student changed schools  ")
    event = AuditEvent.objects.get(action="caseload.remove")
    assert event.actor == district.supervisor
    assert (event.object_type, event.object_id) == ("caseloads.CaseloadEntry", str(entry.pk))
    assert event.student == district.speech_student
    assert event.details == {"provider": district.doe_speech.staff_id, "reason": "Student changed schools"}


def test_a_long_reason_is_kept_to_300_characters(district: District, entry: CaseloadEntry) -> None:
    removed = caseload_remove(actor=district.supervisor, entry=entry, reason="x" * 301)
    entry.refresh_from_db()
    assert entry.end_reason == removed.end_reason == "x" * 300
    assert AuditEvent.objects.get(action="caseload.remove").details["reason"] == "x" * 300


def test_each_refusal_says_what_is_wrong_and_names_its_field(district: District, entry: CaseloadEntry) -> None:
    with pytest.raises(ActionRefused) as no_reason:
        caseload_remove(actor=district.supervisor, entry=entry, reason="")
    assert (str(no_reason.value), no_reason.value.field) == (
        "Give a reason for removing the student from the caseload.",
        "reason",
    )
    with pytest.raises(ActionRefused) as outside:
        caseload_remove(actor=district.supervisor_out, entry=entry, reason="x")
    assert (str(outside.value), outside.value.field) == ("Outside your access", None)
    caseload_remove(actor=district.supervisor, entry=entry, reason="x")
    with pytest.raises(ActionRefused) as twice:
        caseload_remove(actor=district.supervisor, entry=entry, reason="x")
    assert str(twice.value) == "This student was already removed from the caseload."
    assert not AuditEvent.objects.filter(action="caseload.remove", actor=district.supervisor_out).exists()
