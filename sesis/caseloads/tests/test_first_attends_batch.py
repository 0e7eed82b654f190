"""caseload_add_first_attends, the feed's batch form of caseload_add: what it writes
and returns for each kind of outcome, at the edges of mandates' and assignments' dates,
and in bulk (the same queries for one first attend as for several)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sesis.audit.models import AuditEvent
from sesis.caseloads.actions import ALREADY_ON_CASELOAD, Outcome, caseload_add, caseload_add_first_attends
from sesis.caseloads.models import CaseloadEntry, Source
from sesis.mandates.models import Assignment, AssignmentKind, Mandate
from sesis.mandates.permissions import PermissionRequest
from tests.factories import AssignmentFactory, District, MandateFactory, StudentFactory

DAY = dt.date(2026, 11, 17)


def _request(d: District, who: str, student: str, service: str, day: dt.date = DAY) -> PermissionRequest:
    return PermissionRequest(getattr(d, who).pk, getattr(d, student).pk, day, service)


def test_each_outcome_with_its_student_reason_and_entry(district: District) -> None:
    d = district
    (before,) = caseload_add(actor=d.para, provider=d.para, students=[d.para_student])
    results = caseload_add_first_attends(
        [
            _request(d, "doe_speech", "speech_student", "SPEECH"),
            _request(d, "para", "para_student", "PARA"),
            _request(d, "doe_speech", "ot_student", "OT"),
        ]
    )
    added, already, refused = results
    assert (added.outcome, added.reason) == (Outcome.ADDED, "")
    assert before.entry is not None
    assert (already.outcome, already.reason, already.entry_id) == (
        Outcome.ALREADY,
        ALREADY_ON_CASELOAD,
        before.entry.pk,
    )
    assert (refused.outcome, refused.entry_id) == (Outcome.REFUSED, None)
    assert refused.reason == "The provider's discipline does not cover the mandated service (Occupational Therapy)"
    entry = CaseloadEntry.objects.get(pk=added.entry_id)
    assert (entry.provider, entry.student, entry.source, entry.added_by) == (
        d.doe_speech,
        d.speech_student,
        Source.IVR,
        d.doe_speech,
    )
    assert entry.added_at is not None and entry.ended_at is None
    assert list(entry.mandates.all()) == [Mandate.objects.get(student=d.speech_student, service="SPEECH")]
    event = AuditEvent.objects.get(action="caseload.add", object_id=str(entry.pk))
    assert (event.actor, event.student) == (d.doe_speech, d.speech_student)
    assert event.details["source"] == "ivr" and event.details["provider"] == d.doe_speech.staff_id


def test_a_batch_is_written_in_the_same_queries_for_one_first_attend_as_for_three(district: District) -> None:
    d = district

    def queries(requests: list[PermissionRequest]) -> int:
        with CaptureQueriesContext(connection) as captured:
            results = caseload_add_first_attends(requests)
        assert {r.outcome for r in results} == {Outcome.ADDED}
        return len(captured)

    one = queries([_request(d, "doe_speech", "speech_student", "SPEECH")])
    CaseloadEntry.objects.all().delete()
    three = queries(
        [
            _request(d, "doe_speech", "speech_student", "SPEECH"),
            _request(d, "agency_ot", "ot_student", "OT"),
            _request(d, "para", "para_student", "PARA"),
        ]
    )
    assert three == one


@pytest.mark.parametrize("edge", ["mandate starts", "mandate ends", "assignment starts", "assignment ends"])
def test_a_first_attend_on_the_first_or_last_day_of_a_mandate_or_assignment_counts(
    district: District, edge: str
) -> None:
    d = district
    student = StudentFactory.create(school=d.school_b)
    dates = {"mandate starts": (DAY, DAY + dt.timedelta(days=90)), "mandate ends": (DAY - dt.timedelta(days=90), DAY)}
    start, end = dates.get(edge, (DAY - dt.timedelta(days=90), DAY + dt.timedelta(days=90)))
    MandateFactory.create(student=student, service="SPEECH", start_date=start, end_date=end)
    Assignment.objects.filter(staff=d.doe_speech).delete()
    assigned = {"assignment starts": (DAY, None), "assignment ends": (DAY - dt.timedelta(days=90), DAY)}
    a_start, a_end = assigned.get(edge, (DAY - dt.timedelta(days=90), None))
    AssignmentFactory.create(
        staff=d.doe_speech, kind=AssignmentKind.SCHOOL, school=d.school_b, start_date=a_start, end_date=a_end
    )
    request = PermissionRequest(d.doe_speech.pk, student.pk, DAY, "SPEECH")
    [result] = caseload_add_first_attends([request])
    assert result.outcome is Outcome.ADDED, result.reason
    # A day later (or earlier), past the edge, it is refused.
    CaseloadEntry.objects.all().delete()
    past = DAY + dt.timedelta(days=1) if "ends" in edge else DAY - dt.timedelta(days=1)
    [result] = caseload_add_first_attends([PermissionRequest(d.doe_speech.pk, student.pk, past, "SPEECH")])
    assert result.outcome is Outcome.REFUSED


def test_the_same_pair_twice_in_a_batch_is_added_once(district: District) -> None:
    d = district
    first, second = caseload_add_first_attends(
        [_request(d, "doe_speech", "speech_student", "SPEECH"), _request(d, "doe_speech", "speech_student", "SPEECH")]
    )
    assert first.outcome is Outcome.ADDED and first.entry_id is not None
    assert (second.outcome, second.reason, second.entry_id) == (Outcome.ALREADY, ALREADY_ON_CASELOAD, first.entry_id)
    assert CaseloadEntry.objects.filter(student=d.speech_student).count() == 1


def test_a_race_falls_back_to_adding_one_by_one(district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another request adds one of the batch's students between the batch's read and its
    insert: the constraint refuses the bulk insert, and each first attend is then added
    by caseload_add with its own provider, day and service."""
    d = district
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.speech_student])
    from sesis.caseloads import actions

    real_active = actions.CaseloadEntry.objects.active
    calls = {"n": 0}

    def blind_first_read():
        calls["n"] += 1
        return real_active().none() if calls["n"] == 1 else real_active()

    monkeypatch.setattr(actions.CaseloadEntry.objects, "active", blind_first_read)
    results = caseload_add_first_attends(
        [
            _request(d, "doe_speech", "speech_student", "SPEECH"),
            _request(d, "agency_ot", "ot_student", "OT"),
            _request(d, "doe_speech", "ot_student", "OT"),
        ]
    )
    assert [r.outcome for r in results] == [Outcome.ALREADY, Outcome.ADDED, Outcome.REFUSED]
    entry = CaseloadEntry.objects.get(provider=d.agency_ot, student=d.ot_student)
    assert results[1].entry_id == entry.pk
    assert results[0].entry_id == CaseloadEntry.objects.get(provider=d.doe_speech, student=d.speech_student).pk
    assert (entry.source, entry.added_by) == (Source.IVR, d.agency_ot)
    assert CaseloadEntry.objects.filter(student=d.speech_student).count() == 1
