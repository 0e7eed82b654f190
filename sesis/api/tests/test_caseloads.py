"""Caseloads through the API: per-student outcomes, safe retries, removal with a
reason, and the caseload pages' own refusals."""

from __future__ import annotations

import pytest
from django.test import Client

from sesis.api.tests.conftest import Api, token_for
from sesis.caseloads.models import CaseloadEntry
from tests.factories import District


@pytest.fixture
def supervisor(district: District) -> Api:
    return Api(token_for(district.supervisor))


def test_each_student_gets_its_own_outcome(supervisor: Api, district: District) -> None:
    d = district
    students = [d.speech_student.osis, d.no_mandate_student.osis, d.far_student.osis, "000000000"]
    response = supervisor.post(f"/caseloads/{d.doe_speech.staff_id}/entries", {"students": students})
    assert response.status_code == 200
    data = response.json()
    assert data["added"] == 1
    assert [(r["student"], r["outcome"]) for r in data["results"]] == [
        (d.speech_student.osis, "added"),
        (d.no_mandate_student.osis, "refused"),
        (d.far_student.osis, "not_found"),
        ("000000000", "not_found"),
    ]
    assert data["results"][0]["entry"]["source"] == "supervisor"
    assert data["results"][1]["message"].startswith(f"Not added: {d.no_mandate_student.full_name}")
    assert data["results"][2]["message"] == (
        "Not added: OSIS ID 666666666 was not found among the students you can see."
    )
    again = supervisor.post(f"/caseloads/{d.doe_speech.staff_id}/entries", {"students": [d.speech_student.osis]})
    assert again.json()["results"][0]["outcome"] == "already"
    assert CaseloadEntry.objects.active().filter(provider=d.doe_speech).count() == 1


def test_a_retried_add_with_its_key_replays_the_first_answer(supervisor: Api, district: District) -> None:
    path = f"/caseloads/{district.doe_speech.staff_id}/entries"
    first = supervisor.post(path, {"students": [district.speech_student.osis]}, **{"Idempotency-Key": "add-1"})
    again = supervisor.post(path, {"students": [district.speech_student.osis]}, **{"Idempotency-Key": "add-1"})
    assert again.json() == first.json() and again.json()["results"][0]["outcome"] == "added"
    assert again["Idempotent-Replayed"] == "true"


def test_removal_needs_a_reason_as_on_the_page(client: Client, supervisor: Api, district: District) -> None:
    d = district
    added = supervisor.post(f"/caseloads/{d.doe_speech.staff_id}/entries", {"students": [d.speech_student.osis]})
    entry_id = added.json()["results"][0]["entry"]["id"]
    path = f"/caseloads/{d.doe_speech.staff_id}/entries/{entry_id}/remove"
    api = supervisor.post(path, {"reason": ""})
    client.force_login(d.supervisor)
    page = client.post(f"/administration/staff/{d.doe_speech.staff_id}/caseload/{entry_id}/remove/", {"reason": ""})
    assert api.status_code == 422
    assert (
        api.json()["message"] == page.context["form"].errors["reason"][0] == "Choose a reason for removing the student."
    )
    other = supervisor.post(path, {"reason": "Other"})
    assert other.json()["problems"] == [{"field": "details", "message": "Explain the reason when you choose Other."}]
    removed = supervisor.post(path, {"reason": "Student changed schools"})
    assert removed.status_code == 200
    assert (
        removed.json()["end_reason"] == "Student changed schools"
        and removed.json()["ended_by"] == d.supervisor.staff_id
    )
    assert supervisor.post(path, {"reason": "Student changed schools"}).status_code == 404


def test_a_caseload_outside_scope_is_404(district: District) -> None:
    d = district
    outside = Api(token_for(d.supervisor_out))  # 15K003 only: the paraprofessional works in 02M001
    assert outside.get(f"/caseloads/{d.para.staff_id}/entries").status_code == 404
    refused = outside.post(f"/caseloads/{d.para.staff_id}/entries", {"students": [d.para_student.osis]})
    assert refused.status_code == 404
    assert refused.json()["message"] == "No provider with this staff ID is in your scope."
    provider = Api(token_for(d.para))
    assert provider.get(f"/caseloads/{d.doe_speech.staff_id}/entries").status_code == 404
    assert provider.get(f"/caseloads/{d.para.staff_id}/entries").json()["count"] == 0
    assert not CaseloadEntry.objects.exists()


def test_a_provider_adds_to_their_own_caseload(district: District) -> None:
    d = district
    mine = Api(token_for(d.para))
    response = mine.post(f"/caseloads/{d.para.staff_id}/entries", {"students": [d.para_student.osis]})
    assert response.json()["results"][0]["entry"]["source"] == "provider"
    listed = mine.get(f"/caseloads/{d.para.staff_id}/entries").json()
    assert [e["student"]["osis"] for e in listed["items"]] == [d.para_student.osis]
    empty = mine.post(f"/caseloads/{d.para.staff_id}/entries", {"students": []})
    assert empty.status_code == 422 and empty.json()["field"] == "students"
