"""The browser's own session may call the API; its writes need the CSRF token, as the
pages' forms do. Malformed bodies and unknown fields get the error shape too."""

from __future__ import annotations

import json

from django.test import Client

from sesis.api.tests.conftest import Api, token_for
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions

RECORD = {
    "student": "333333333",
    "service": "PARA",
    "date": "2026-11-16",
    "start_time": "09:00",
    "end_time": "10:00",
    "language": "English",
    "location": "classroom",
    "description": "health",
    "progress": "progressing",
}


def test_a_signed_in_browser_reads_and_writes_with_its_csrf_token(sessions: Sessions) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(sessions.d.para)
    assert browser.get("/api/v1/staff/me").json()["staff"]["staff_id"] == sessions.d.para.staff_id
    refused = browser.post("/api/v1/service-records", json.dumps(RECORD), content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert not ServiceRecord.objects.exists()
    browser.get("/")  # the page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    saved = browser.post(
        "/api/v1/service-records", json.dumps(RECORD), content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert saved.status_code == 201 and ServiceRecord.objects.count() == 1


def test_without_a_session_or_token_the_api_answers_401_not_a_login_page(sessions: Sessions) -> None:
    anonymous = Client()
    for response in (
        anonymous.get("/api/v1/students?osis=333333333"),
        anonymous.post("/api/v1/service-records", json.dumps(RECORD), content_type="application/json"),
    ):
        assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert anonymous.get("/api/v1/openapi.json").json()["info"]["title"] == "SESIS API"


def test_a_body_that_is_not_json_or_breaks_the_schema_names_the_problem(sessions: Sessions) -> None:
    api = Api(token_for(sessions.d.para))
    garbled = api.client.post("/api/v1/service-records", "{not json", content_type="application/json")
    assert garbled.status_code == 400 and garbled.json()["code"] == "bad_request"
    missing = api.post("/service-records", {k: v for k, v in RECORD.items() if k != "date"})
    assert missing.status_code == 422 and missing.json()["field"] == "date"
    assert missing.json()["message"] == "date: Field required"
    wrong = api.post("/service-records", {**RECORD, "start_time": 36000, "session_type": "maybe"})
    assert {p["field"] for p in wrong.json()["problems"]} == {"start_time", "session_type"}
    assert not ServiceRecord.objects.exists()


def test_a_request_with_a_bad_token_is_refused_even_with_a_session(sessions: Sessions) -> None:
    browser = Client()
    browser.force_login(sessions.d.para)
    response = browser.get("/api/v1/staff/me", headers={"Authorization": "Bearer sesis_revoked-or-wrong"})
    assert response.status_code == 401


def test_try_it_drops_blank_fields_and_opens_only_read_operations(sessions: Sessions) -> None:
    browser = Client()
    browser.force_login(sessions.d.para)
    response = browser.get("/api/try/", {"operation": "/api/v1/students", "last_name": "ng", "osis": "", "limit": ""})
    assert response.status_code == 302 and response["Location"] == "/api/v1/students?last_name=ng"
    assert browser.get(response["Location"]).json()["items"][0]["osis"] == "333333333"
    assert browser.get("/api/try/", {"operation": "/accounts/logout/"}).status_code == 404
    assert browser.get("/api/try/", {"operation": "/api/v1/service-records/group"}).status_code == 404
