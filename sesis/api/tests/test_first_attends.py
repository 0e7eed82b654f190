"""First attends through the API: kept as received, processed at once, never twice."""

from __future__ import annotations

from sesis.api.tests.conftest import Api, token_for
from sesis.caseloads.models import CaseloadEntry, Source
from sesis.ivr.models import FirstAttend
from tests.factories import District


def report(d: District, **overrides: str) -> dict[str, str]:
    return {
        "call_id": "outside-ivr-1",
        "staff_id": d.doe_speech.staff_id,
        "osis": d.speech_student.osis,
        "service": "SPEECH",
        "first_attend_date": "2026-11-16",
        **overrides,
    }


def test_a_first_attend_adds_the_student_once(district: District, today: object) -> None:
    api = Api(token_for(district.doe_speech))
    first = api.post("/first-attends", report(district))
    assert first.status_code == 201 and first.json()["status"] == "added"
    entry = CaseloadEntry.objects.get(provider=district.doe_speech)
    assert entry.source == Source.IVR and first.json()["caseload_entry"] == entry.pk
    again = api.post("/first-attends", report(district))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert FirstAttend.objects.count() == 1


def test_a_refused_first_attend_is_kept_with_its_reason(district: District, today: object) -> None:
    api = Api(token_for(district.admin))
    response = api.post("/first-attends", report(district, osis="999999999"))
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["reason"]) == ("refused", "No student has OSIS ID 999999999")


def test_a_provider_reports_only_for_themself(district: District, today: object) -> None:
    api = Api(token_for(district.para))
    refused = api.post("/first-attends", report(district))
    assert refused.status_code == 422 and refused.json()["field"] == "staff_id"
    assert (
        refused.json()["message"] == f"No staff member with staff ID {district.doe_speech.staff_id} is in your scope."
    )
    assert not FirstAttend.objects.exists()


def test_each_sees_the_first_attends_in_scope(district: District, today: object) -> None:
    Api(token_for(district.doe_speech)).post("/first-attends", report(district))
    assert Api(token_for(district.doe_speech)).get("/first-attends").json()["count"] == 1
    assert Api(token_for(district.para)).get("/first-attends").json()["count"] == 0
    assert Api(token_for(district.supervisor)).get("/first-attends", status="added").json()["count"] == 1
    assert Api(token_for(district.supervisor)).get("/first-attends", status="refused").json()["count"] == 0
    # doe_speech also works in 15K003, so that school's supervisor sees the report too.
    assert Api(token_for(district.supervisor_out)).get("/first-attends").json()["count"] == 1
    assert Api(token_for(district.independent_speech)).get("/first-attends").json()["count"] == 0
