from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sesis.audit.models import AuditEvent
from sesis.caseloads.actions import ALREADY_ON_CASELOAD, OUTSIDE_ACCESS, Outcome, caseload_add
from sesis.caseloads.models import CaseloadEntry, Source
from sesis.mandates.models import AssignmentKind, Mandate
from sesis.mandates.permissions import NO_ASSIGNMENT, NO_MANDATE, NOT_A_PROVIDER
from tests.factories import AssignmentFactory, District, MandateFactory, StudentFactory


def add_one(district: District, actor, provider, student, **kwargs):
    (result,) = caseload_add(actor=actor, provider=provider, students=[student], **kwargs)
    return result


def test_supervisor_adds_a_student_with_a_mandate_and_permission(district: District) -> None:
    d = district
    result = add_one(d, d.supervisor, d.doe_speech, d.speech_student)
    assert result.outcome is Outcome.ADDED
    entry = CaseloadEntry.objects.get(provider=d.doe_speech, student=d.speech_student)
    assert entry.source == Source.SUPERVISOR
    assert entry.added_by == d.supervisor
    assert [m.service for m in entry.mandates.all()] == ["SPEECH"]
    assert entry.is_active


def test_provider_adds_to_their_own_caseload(district: District) -> None:
    d = district
    result = add_one(d, d.doe_speech, d.doe_speech, d.speech_student)
    assert result.outcome is Outcome.ADDED
    assert result.entry is not None and result.entry.source == Source.PROVIDER


def test_it_refuses_a_student_without_a_mandate(district: District) -> None:
    d = district
    result = add_one(d, d.supervisor, d.doe_speech, d.no_mandate_student)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, NO_MANDATE)
    assert not CaseloadEntry.objects.exists()


def test_it_refuses_a_mandate_that_has_ended(district: District) -> None:
    d = district
    student = StudentFactory(school=d.school_a)
    today = timezone.localdate()
    MandateFactory(student=student, start_date=today - dt.timedelta(days=90), end_date=today - dt.timedelta(days=1))
    result = add_one(d, d.supervisor, d.doe_speech, student)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, NO_MANDATE)


def test_it_refuses_when_the_discipline_does_not_cover_the_mandated_service(district: District) -> None:
    d = district
    result = add_one(d, d.supervisor, d.doe_speech, d.ot_student)
    assert result.outcome is Outcome.REFUSED
    assert result.reason == "The provider's discipline does not cover the mandated service (Occupational Therapy)"


def test_the_refusal_names_every_mandated_service_the_discipline_does_not_cover(district: District) -> None:
    d = district
    MandateFactory.create(student=d.ot_student, service="PT")
    result = add_one(d, d.supervisor, d.doe_speech, d.ot_student)
    assert result.reason == (
        "The provider's discipline does not cover the mandated service (Occupational Therapy, Physical Therapy)"
    )


def test_it_refuses_a_provider_without_an_assignment_for_the_student(district: District) -> None:
    d = district
    student = StudentFactory(school=d.school_b)  # doe_speech is assigned to school_a and school_c only
    MandateFactory(student=student, service="SPEECH")
    result = add_one(d, d.supervisor, d.doe_speech, student)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, NO_ASSIGNMENT)


def test_an_ended_assignment_gives_no_permission(district: District) -> None:
    d = district
    today = timezone.localdate()
    d.doe_speech.assignments.update(end_date=today - dt.timedelta(days=1))
    result = add_one(d, d.admin, d.doe_speech, d.speech_student)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, NO_ASSIGNMENT)


def test_an_agency_provider_needs_an_agency_assignment_not_a_school_one(district: District) -> None:
    d = district
    d.agency_ot.assignments.all().delete()
    AssignmentFactory(staff=d.agency_ot, kind=AssignmentKind.SCHOOL, school=d.school_a)
    result = add_one(d, d.admin, d.agency_ot, d.ot_student)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, NO_ASSIGNMENT)


def test_an_agency_provider_with_an_agency_assignment_is_allowed(district: District) -> None:
    d = district
    assert add_one(d, d.supervisor, d.agency_ot, d.ot_student).outcome is Outcome.ADDED


def test_an_independent_provider_needs_an_rsa_naming_the_student(district: District) -> None:
    d = district
    assert add_one(d, d.admin, d.independent_speech, d.rsa_student).outcome is Outcome.ADDED
    other = add_one(d, d.admin, d.independent_speech, d.speech_student)
    assert (other.outcome, other.reason) == (Outcome.REFUSED, NO_ASSIGNMENT)


def test_an_rsa_for_another_service_gives_no_permission(district: District) -> None:
    d = district
    d.independent_speech.assignments.update(service="OT")
    result = add_one(d, d.admin, d.independent_speech, d.rsa_student)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, NO_ASSIGNMENT)


def test_a_school_assignment_limited_to_a_service_covers_only_that_service(district: District) -> None:
    d = district
    d.doe_speech.assignments.update(service="OT")
    result = add_one(d, d.supervisor, d.doe_speech, d.speech_student)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, NO_ASSIGNMENT)


def test_a_supervisor_outside_the_students_scope_is_refused(district: District) -> None:
    d = district
    # doe_speech is assigned to school_c as well, so the supervisor sees the provider
    # but not the student, who is in district 15.
    result = add_one(d, d.supervisor, d.doe_speech, d.far_student)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, OUTSIDE_ACCESS)
    assert not CaseloadEntry.objects.exists()


def test_a_supervisor_outside_the_providers_scope_is_refused(district: District) -> None:
    d = district
    result = add_one(d, d.supervisor_out, d.para, d.far_student)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, OUTSIDE_ACCESS)


def test_a_provider_cannot_add_to_another_providers_caseload(district: District) -> None:
    d = district
    result = add_one(d, d.para, d.doe_speech, d.speech_student)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, OUTSIDE_ACCESS)


def test_only_providers_have_caseloads(district: District) -> None:
    d = district
    result = add_one(d, d.admin, d.supervisor, d.speech_student)
    assert (result.outcome, result.reason) == (Outcome.REFUSED, NOT_A_PROVIDER)


def test_a_student_already_on_the_caseload_is_reported_and_not_duplicated(district: District) -> None:
    d = district
    add_one(d, d.supervisor, d.doe_speech, d.speech_student)
    again = add_one(d, d.doe_speech, d.doe_speech, d.speech_student)
    assert (again.outcome, again.reason) == (Outcome.ALREADY, ALREADY_ON_CASELOAD)
    assert CaseloadEntry.objects.filter(provider=d.doe_speech, student=d.speech_student).count() == 1


def test_marked_students_are_decided_one_by_one(district: District) -> None:
    d = district
    students = [d.speech_student, d.ot_student, d.no_mandate_student, d.far_student]
    results = caseload_add(actor=d.supervisor, provider=d.doe_speech, students=students)
    assert [(r.student, r.outcome) for r in results] == [
        (d.speech_student, Outcome.ADDED),
        (d.ot_student, Outcome.REFUSED),
        (d.no_mandate_student, Outcome.REFUSED),
        (d.far_student, Outcome.REFUSED),
    ]
    assert list(CaseloadEntry.objects.values_list("student", flat=True)) == [d.speech_student.pk]


def test_each_addition_writes_one_audit_event(district: District) -> None:
    d = district
    caseload_add(actor=d.supervisor, provider=d.doe_speech, students=[d.speech_student, d.no_mandate_student])
    event = AuditEvent.objects.get(action="caseload.add")
    assert event.actor == d.supervisor
    assert event.student == d.speech_student
    assert event.details["provider"] == "300"
    assert event.details["source"] == "supervisor"


def test_the_ivr_adds_for_the_provider_with_the_ivr_as_source(district: District) -> None:
    d = district
    result = add_one(d, d.doe_speech, d.doe_speech, d.speech_student, source=Source.IVR)
    assert result.entry is not None and result.entry.source == Source.IVR


def test_a_removed_student_can_be_added_again_and_the_history_stays(district: District) -> None:
    from sesis.caseloads.actions import caseload_remove

    d = district
    first = add_one(d, d.supervisor, d.doe_speech, d.speech_student).entry
    assert first is not None
    caseload_remove(actor=d.supervisor, entry=first, reason="Added in error")
    again = add_one(d, d.supervisor, d.doe_speech, d.speech_student)
    assert again.outcome is Outcome.ADDED
    assert CaseloadEntry.objects.filter(provider=d.doe_speech, student=d.speech_student).count() == 2
    assert CaseloadEntry.objects.active().count() == 1


def test_the_database_refuses_a_second_active_entry(district: District) -> None:
    d = district
    now = timezone.now()
    fields = {"provider": d.doe_speech, "student": d.speech_student, "source": "provider", "added_by": d.doe_speech}
    CaseloadEntry.objects.create(added_at=now, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseloadEntry.objects.create(added_at=now, **fields)


def test_a_race_past_the_check_is_caught_by_the_constraint(district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two requests both pass the 'already on the caseload' check; the second insert
    meets the database constraint and is reported as already on the caseload."""
    d = district
    add_one(d, d.supervisor, d.doe_speech, d.speech_student)
    from sesis.caseloads import actions

    real_active = actions.CaseloadEntry.objects.active
    calls = {"n": 0}

    def blind_first_check():
        calls["n"] += 1
        qs = real_active()
        return qs.none() if calls["n"] == 1 else qs

    monkeypatch.setattr(actions.CaseloadEntry.objects, "active", blind_first_check)
    result = add_one(d, d.doe_speech, d.doe_speech, d.speech_student)
    assert (result.outcome, result.reason) == (Outcome.ALREADY, ALREADY_ON_CASELOAD)
    assert CaseloadEntry.objects.filter(student=d.speech_student).count() == 1


def test_an_add_returns_the_entry_it_made_or_found_and_audits_it(district: District) -> None:
    d = district
    added = add_one(d, d.supervisor, d.doe_speech, d.speech_student)
    again = add_one(d, d.doe_speech, d.doe_speech, d.speech_student)
    assert added.entry is not None and again.entry == added.entry
    assert (again.student, again.outcome, again.reason) == (d.speech_student, Outcome.ALREADY, ALREADY_ON_CASELOAD)
    event = AuditEvent.objects.get(action="caseload.add")
    assert (event.object_type, event.object_id) == ("caseloads.CaseloadEntry", str(added.entry.pk))
    mandate = Mandate.objects.get(student=d.speech_student, service="SPEECH")
    assert event.details == {
        "provider": d.doe_speech.staff_id,
        "source": "supervisor",
        "mandates": [mandate.mandate_id],
    }
    # Another provider's entry for the student is not this provider's "already".
    other = add_one(d, d.supervisor, d.independent_speech, d.speech_student)
    assert other.outcome is not Outcome.ALREADY
