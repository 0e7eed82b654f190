from __future__ import annotations

import pytest
from django.http import Http404

from sesis.access.scope import Scope
from sesis.caseloads.actions import caseload_add
from tests.factories import District


def osis_of(qs) -> set[str]:
    return set(qs.values_list("osis", flat=True))


def test_an_administrator_sees_every_student(district: District) -> None:
    assert len(osis_of(Scope.of(district.admin).students())) == 6


def test_a_supervisor_sees_the_students_of_schools_in_scope(district: District) -> None:
    assert osis_of(Scope.of(district.supervisor).students()) == {
        "111111111",
        "222222222",
        "333333333",
        "444444444",
        "555555555",
    }
    assert osis_of(Scope.of(district.supervisor_out).students()) == {"666666666"}


def test_a_supervisor_with_an_agency_in_scope_sees_what_the_agency_serves(district: District) -> None:
    from sesis.people.models import AccessScope

    AccessScope.objects.create(staff=district.supervisor_out, scope="agency", value="Acme Therapy")
    # Acme's provider is assigned to school_a.
    assert "111111111" in osis_of(Scope.of(district.supervisor_out).students())


def test_a_provider_sees_the_students_their_assignments_cover(district: District) -> None:
    d = district
    assert osis_of(Scope.of(d.independent_speech).students()) == {"555555555"}
    assert "555555555" not in osis_of(Scope.of(d.doe_speech).students())
    assert "666666666" in osis_of(Scope.of(d.doe_speech).students())  # assigned to school_c too


def test_a_provider_keeps_seeing_their_caseload(district: District) -> None:
    d = district
    caseload_add(actor=d.independent_speech, provider=d.independent_speech, students=[d.rsa_student])
    d.independent_speech.assignments.all().delete()
    assert osis_of(Scope.of(d.independent_speech).students()) == {"555555555"}


def test_a_student_out_of_scope_is_not_found(district: District) -> None:
    with pytest.raises(Http404):
        Scope.of(district.supervisor).student("666666666")
    with pytest.raises(Http404):
        Scope.of(district.supervisor).student("999999999")
    assert Scope.of(district.supervisor_out).student("666666666") == district.far_student
