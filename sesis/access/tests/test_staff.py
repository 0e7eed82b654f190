from __future__ import annotations

import pytest
from django.http import Http404

from sesis.access.scope import Scope
from tests.factories import District


def ids(qs) -> set[str]:
    return set(qs.values_list("staff_id", flat=True))


def test_an_administrator_sees_all_staff(district: District) -> None:
    assert ids(Scope.of(district.admin).staff()) == {"100", "200", "201", "300", "400", "500", "600"}


def test_a_supervisor_sees_providers_assigned_in_scope_and_themself(district: District) -> None:
    # the independent provider's RSA names a student of school_b, in district 2
    assert ids(Scope.of(district.supervisor).staff()) == {"200", "300", "400", "500", "600"}
    assert ids(Scope.of(district.supervisor_out).staff()) == {"201", "300"}


def test_a_supervisor_sees_the_providers_of_an_agency_in_scope(district: District) -> None:
    from sesis.people.models import AccessScope

    district.agency_ot.assignments.all().delete()
    AccessScope.objects.create(staff=district.supervisor_out, scope="agency", value="Acme Therapy")
    assert "400" in ids(Scope.of(district.supervisor_out).staff())


def test_a_provider_sees_only_themself(district: District) -> None:
    assert ids(Scope.of(district.para).staff()) == {"600"}


def test_staff_out_of_scope_is_not_found(district: District) -> None:
    with pytest.raises(Http404):
        Scope.of(district.supervisor_out).staff_member("600")
    assert Scope.of(district.supervisor).staff_member("600") == district.para
