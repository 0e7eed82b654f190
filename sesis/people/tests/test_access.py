from __future__ import annotations

import pytest
from django.http import Http404

from sesis.people.access import staff_for_user, visible_staff
from tests.factories import District


def ids(qs) -> set[str]:
    return set(qs.values_list("staff_id", flat=True))


def test_an_administrator_sees_all_staff(district: District) -> None:
    assert ids(visible_staff(district.admin)) == {"100", "200", "201", "300", "400", "500", "600"}


def test_a_supervisor_sees_providers_assigned_in_scope_and_themself(district: District) -> None:
    # the independent provider's RSA names a student of school_b, in district 2
    assert ids(visible_staff(district.supervisor)) == {"200", "300", "400", "500", "600"}
    assert ids(visible_staff(district.supervisor_out)) == {"201", "300"}


def test_a_supervisor_sees_the_providers_of_an_agency_in_scope(district: District) -> None:
    from sesis.people.models import AccessScope

    district.agency_ot.assignments.all().delete()
    AccessScope.objects.create(staff=district.supervisor_out, scope="agency", value="Acme Therapy")
    assert "400" in ids(visible_staff(district.supervisor_out))


def test_a_provider_sees_only_themself(district: District) -> None:
    assert ids(visible_staff(district.para)) == {"600"}


def test_staff_out_of_scope_is_not_found(district: District) -> None:
    with pytest.raises(Http404):
        staff_for_user(district.supervisor_out, "600")
    assert staff_for_user(district.supervisor, "600") == district.para
