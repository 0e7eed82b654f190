"""Every page, as each role, with garbage in the query parameters the pages read:
never a server error (a refusal, an empty result or a 404 instead)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import District

PATHS = [
    "/",
    "/caseload/",
    "/caseload/add/",
    "/administration/",
    "/administration/staff/",
    "/administration/staff/300/",
    "/administration/staff/300/caseload/",
    "/administration/staff/300/caseload/add/",
    "/administration/staff/300/services/",
    "/administration/staff/600/services/333333333/",
    "/administration/staff/600/services/333333333/record/",
    "/administration/staff/600/services/333333333/record/new/",
    "/services/",
    "/services/group/",
    "/services/333333333/",
    "/services/333333333/record/",
    "/services/333333333/record/new/",
    "/first-attends/",
    "/administration/first-attends/",
    "/administration/calendar/",
    "/profile/",
    "/services/records/999999/",
]
PARAMS = [
    "page",
    "month",
    "year",
    "date",
    "osis",
    "last_name",
    "first_name",
    "date_of_birth",
    "school",
    "name",
    "staff_id",
    "provider_type",
    "discipline",
    "agency",
    "status",
    "search",
    "error",
]
GARBAGE = ["", "-1", "99999999999999999999", "2026-13-45", "'; DROP TABLE x; --", "\u0000", "é" * 300, "[]"]


@pytest.mark.parametrize("persona", ["admin", "supervisor", "doe_speech", "para"])
def test_no_page_answers_garbage_with_a_server_error(client: Client, district: District, persona: str) -> None:
    from sesis.caseloads.actions import caseload_add

    caseload_add(actor=district.para, provider=district.para, students=[district.para_student])
    client.raise_request_exception = False
    client.force_login(getattr(district, persona))
    for path in PATHS:
        for junk in GARBAGE:
            response = client.get(path, dict.fromkeys(PARAMS, junk))
            assert response.status_code in {200, 302, 404}, (persona, path, junk, response.status_code)
