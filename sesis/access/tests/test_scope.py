"""The scope policy: one object per request or command run, which reads a supervisor's
grants once; what each role sees of what belongs to a provider and a student."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sesis.access.scope import Scope, active
from sesis.caseloads.actions import caseload_add
from sesis.caseloads.models import CaseloadEntry
from tests.factories import District


def _grant_reads(queries: CaptureQueriesContext) -> int:
    return sum(1 for q in queries.captured_queries if "people_accessscope" in q["sql"])


def test_a_request_reads_the_supervisors_grants_once(client: Client, district: District) -> None:
    d = district
    client.force_login(d.supervisor)
    marked = ["111111111", "222222222", "333333333"]
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("staff_caseload_add", args=["300"]), {"osis": marked})
    assert response.status_code == 302
    assert CaseloadEntry.objects.filter(provider=d.doe_speech, student=d.speech_student).exists()
    # Many scope checks (the provider, each student, in the page and in the action): one read of the grants.
    assert _grant_reads(queries) == 1


def test_scope_of_gives_the_active_scope_to_its_user_only(district: District) -> None:
    d = district
    scope = Scope(d.supervisor)
    with active(scope):
        assert Scope.of(d.supervisor) is scope
        assert Scope.of(d.doe_speech) is not scope
    assert Scope.of(d.supervisor) is not scope


def test_a_command_run_builds_one_scope(district: District) -> None:
    d = district
    scope = Scope(d.supervisor)
    with active(scope), CaptureQueriesContext(connection) as queries:
        for osis in ("111111111", "222222222"):
            Scope.of(d.supervisor).sees_student(d.speech_student if osis == "111111111" else d.ot_student)
    assert _grant_reads(queries) == 1


def test_what_belongs_to_a_provider_and_a_student_is_seen_by_role(district: District) -> None:
    d = district
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.speech_student])
    entries = CaseloadEntry.objects.all()
    assert list(Scope(d.admin).restrict(entries)) == list(entries)
    assert [e.student for e in Scope(d.supervisor).restrict(entries)] == [d.speech_student]
    assert [e.student for e in Scope(d.supervisor).restrict(entries, bulk=True)] == [d.speech_student]
    assert list(Scope(d.supervisor_out).restrict(entries)) == []
    assert [e.provider for e in Scope(d.doe_speech).restrict(entries)] == [d.doe_speech]
    assert list(Scope(d.agency_ot).restrict(entries)) == []


def test_look_ups_outside_the_scope_are_404s_that_say_which(district: District) -> None:
    """Every look-up outside a user's scope is a 404 (never a 403, which would confirm
    the student or staff member exists), and each says what was not found."""
    d = district
    outsider = Scope(d.supervisor_out)
    with pytest.raises(Http404, match=r"^No such student\.$"):
        outsider.student(d.speech_student.osis)
    with pytest.raises(Http404, match=r"^No such staff member\.$"):
        outsider.staff_member("999999")
    with pytest.raises(Http404, match=r"^No such page\.$"):
        Scope(d.doe_speech).provider(d.agency_ot.staff_id)
    with pytest.raises(Http404, match=r"^Only service providers have caseloads\.$"):
        Scope(d.admin).provider(d.supervisor.staff_id)
    assert Scope(d.supervisor).student(d.speech_student.osis) == d.speech_student
    assert Scope(d.admin).provider(d.doe_speech.staff_id) == d.doe_speech
    assert Scope(d.doe_speech).provider(None) == d.doe_speech


def test_a_supervisor_of_a_school_and_an_agency_sees_the_staff_of_both(district: District) -> None:
    from sesis.people.models import AccessScope, ScopeKind

    d = district
    AccessScope.objects.create(staff=d.supervisor_out, scope=ScopeKind.AGENCY, value="Acme Therapy")
    AccessScope.objects.create(staff=d.supervisor_out, scope=ScopeKind.SCHOOL, value=d.school_a.dbn)
    seen = set(Scope(d.supervisor_out).staff().values_list("staff_id", flat=True))
    assert {d.agency_ot.staff_id, d.doe_speech.staff_id, d.supervisor_out.staff_id} <= seen
    assert d.admin.staff_id not in seen and d.supervisor.staff_id not in seen
    assert Scope(d.supervisor_out).sees_staff(d.supervisor_out)
    assert not Scope(d.doe_speech).sees_staff(d.para) and Scope(d.doe_speech).sees_staff(d.doe_speech)


def test_seeing_oneself_or_everyone_asks_the_database_nothing(district: District) -> None:
    d = district
    provider, admin = Scope(d.doe_speech), Scope(d.admin)
    provider.sees_everything, admin.sees_everything  # noqa: B018 (read the role once, before counting)
    with CaptureQueriesContext(connection) as queries:
        assert provider.sees_staff(d.doe_speech)
        assert admin.sees_staff(d.para)
    assert len(queries) == 0


def test_an_agency_supervisor_sees_the_students_its_staff_are_assigned(district: District) -> None:
    from sesis.mandates.models import AssignmentKind
    from sesis.people.models import AccessScope, Role, ScopeKind
    from tests.factories import AssignmentFactory, StaffFactory

    d = district
    agency_lead = StaffFactory.create(staff_id="250", role=Role.SUPERVISOR, provider_type="")
    AccessScope.objects.create(staff=agency_lead, scope=ScopeKind.AGENCY, value="Acme Therapy")
    # Acme's OT is assigned school_a as a whole, and one student of school_c by name.
    AssignmentFactory.create(staff=d.agency_ot, kind=AssignmentKind.AGENCY, student=d.far_student, service="OT")
    seen = set(Scope(agency_lead).students().values_list("osis", flat=True))
    assert d.far_student.osis in seen  # named on an assignment
    assert d.speech_student.osis in seen  # in a school an assignment covers
    assert d.rsa_student.osis not in seen  # school_b: no Acme assignment there


def test_bulk_reads_the_visible_staff_once_as_ids_and_the_plain_form_as_a_subquery(district: District) -> None:
    d = district
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.speech_student])
    entries = CaseloadEntry.objects.all()
    scope = Scope(d.supervisor)
    scope.school_ids, scope.agency_ids  # noqa: B018 (the grants, read before counting)
    with CaptureQueriesContext(connection) as plain:
        assert len(list(scope.restrict(entries, provider="provider"))) == 1
    with CaptureQueriesContext(connection) as bulk:
        for _ in range(2):
            assert len(list(scope.restrict(entries, provider="provider", bulk=True))) == 1
    assert len(plain) == 1  # one query: the scope inside it
    assert len(bulk) == 4  # the visible staff's ids once (assigned, then providers), then one query each


def test_the_visible_staff_as_ids_is_none_for_everyone(district: District) -> None:
    d = district
    assert Scope(d.admin).staff_ids() is None  # everyone: no list to filter by
    ids = Scope(d.supervisor).staff_ids()
    assert ids is not None and d.doe_speech.pk in ids and d.admin.pk not in ids


def test_an_api_tokens_scope_is_the_one_of_its_request(district: District) -> None:
    from sesis.access.scope import activate

    d = district
    with active(None):
        scope = activate(Scope(d.doe_speech))
        assert Scope.of(d.doe_speech) is scope
    assert Scope.of(d.doe_speech) is not scope  # the block put back what was current


def test_restricting_a_providers_things_needs_to_know_which_field_is_the_provider(district: District) -> None:
    with pytest.raises(AssertionError, match=r"^a provider's own things are named by their provider$"):
        Scope(district.doe_speech).restrict(CaseloadEntry.objects.all(), provider=None)


def test_the_visible_staff_ids_are_exactly_the_visible_staff(district: District) -> None:
    """_staff_ids reads a supervisor's staff from their assignments; staff() tests each
    staff row. Both must name the same people, for every kind of grant."""
    from sesis.people.models import AccessScope, Role, ScopeKind, Staff

    d = district
    agency_boss = Staff.objects.create(staff_id="202", first_name="Ann", last_name="Gency", role=Role.SUPERVISOR)
    AccessScope.objects.create(staff=agency_boss, scope=ScopeKind.AGENCY, value="Acme Therapy")
    for supervisor in (d.supervisor, d.supervisor_out, agency_boss):
        scope = Scope(supervisor)
        assert set(scope.staff_ids() or []) == set(scope.staff().values_list("pk", flat=True)), supervisor
    assert d.independent_speech.pk in (Scope(d.supervisor).staff_ids() or [])  # by the RSA student's school
    assert d.agency_ot.pk in (Scope(agency_boss).staff_ids() or [])
    assert Scope(d.supervisor_out).staff_ids() == sorted([d.supervisor_out.pk, d.doe_speech.pk])  # 15K003: school_c
