"""Service records through the API: the Services Calendar's rules and messages,
safe retries with Idempotency-Key, and edits only at the current version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sesis.api.models import IdempotencyKey
from sesis.api.tests.conftest import Api, token_for
from sesis.audit.models import AuditEvent
from sesis.caseloads.actions import caseload_add
from sesis.services.actions import service_record_create
from sesis.services.models import ServiceRecord, ServiceRecordVersion
from sesis.services.tests.conftest import Sessions
from tests.factories import MandateFactory, StudentFactory

PARA = {
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


@pytest.fixture
def para(sessions: Sessions) -> Api:
    return Api(token_for(sessions.d.para))


def body(**overrides: Any) -> dict[str, Any]:
    return {**PARA, **overrides}


def test_it_records_a_session_as_the_form_does(para: Api, sessions: Sessions) -> None:
    response = para.post("/service-records", body(certify=True))
    assert response.status_code == 201
    data = response.json()
    record = ServiceRecord.objects.get(pk=data["id"])
    assert (record.provider, record.student, record.date) == (
        sessions.d.para,
        sessions.d.para_student,
        dt.date(2026, 11, 16),
    )
    assert data["certified"] is True and record.hash_is_valid()
    assert data["start_time"] == "09:00:00" and data["minutes"] == 60 and data["etag"] == '"1"'
    assert AuditEvent.objects.get(action="service_record.create").details["via"].startswith("api personal token")


def test_the_same_idempotency_key_returns_the_first_result_and_records_once(para: Api) -> None:
    first = para.post("/service-records", body(), **{"Idempotency-Key": "tablet-42-0916"})
    again = para.post("/service-records", body(), **{"Idempotency-Key": "tablet-42-0916"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert ServiceRecord.objects.count() == 1


def test_a_key_reused_for_a_different_request_is_refused(para: Api) -> None:
    para.post("/service-records", body(), **{"Idempotency-Key": "k1"})
    other = para.post("/service-records", body(start_time="11:00", end_time="11:30"), **{"Idempotency-Key": "k1"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused" and other.json()["field"] == "Idempotency-Key"
    assert ServiceRecord.objects.count() == 1


def test_a_refused_request_keeps_nothing_so_the_corrected_retry_works(para: Api) -> None:
    refused = para.post("/service-records", body(location=None), **{"Idempotency-Key": "k2"})
    assert refused.status_code == 422 and refused.json()["field"] == "location"
    assert not IdempotencyKey.objects.exists() and not ServiceRecord.objects.exists()
    assert para.post("/service-records", body(), **{"Idempotency-Key": "k2"}).status_code == 201


def test_without_a_key_the_same_session_twice_is_refused(para: Api) -> None:
    assert para.post("/service-records", body()).status_code == 201
    twice = para.post("/service-records", body())
    assert twice.status_code == 422
    assert twice.json()["message"] == (
        "You already have a session from 09:00 to 10:00 on this date (Chloe Nguyen); "
        "a provider cannot be in two places at once."
    )
    assert ServiceRecord.objects.count() == 1


def test_the_api_and_the_form_give_the_same_refusal(client: Client, para: Api, sessions: Sessions) -> None:
    api = para.post("/service-records", body(start_time="10:00", end_time="09:30"))
    client.force_login(sessions.d.para)
    mandate = sessions.d.para_student.mandates.get()
    form = {
        "mandate": str(mandate.pk),
        "start_time": "10:00",
        "end_time": "09:30",
        "language": "English",
        "session_type": "provided",
        "grouping": "individual",
        "location": "classroom",
        "description": "health",
        "progress": "progressing",
        "notes": "",
    }
    page = client.post(reverse("record_new", args=["333333333"]) + "?date=2026-11-16", form)
    web_message = page.context["form"].errors["end_time"][0]
    assert api.status_code == 422
    assert api.json()["problems"] == [{"field": "end_time", "message": web_message}]
    assert web_message == "End Time must be after Start Time."
    holiday = para.post("/service-records", body(date="2026-11-11"))
    assert holiday.json()["message"] == (
        "November 11, 2026 is not a school day (Veterans Day). Days shown in gray need no record."
    )
    assert not ServiceRecord.objects.exists()


def test_a_student_outside_scope_or_without_the_mandate_is_named(para: Api) -> None:
    far = para.post("/service-records", body(student="666666666"))
    assert (far.status_code, far.json()["field"]) == (422, "student")
    assert far.json()["message"] == "No student with OSIS ID 666666666 is in your scope."
    speech = para.post("/service-records", body(service="SPEECH"))
    assert speech.json()["message"] == "Chloe Nguyen has no Speech-Language Therapy mandate on November 16, 2026."


def test_a_provider_cannot_record_for_another_provider(para: Api, sessions: Sessions) -> None:
    other = para.post("/service-records", body(provider=sessions.d.doe_speech.staff_id))
    assert other.status_code == 404
    assert other.json()["message"] == "No provider with this staff ID is in your scope."


def _uncertified(sessions: Sessions) -> ServiceRecord:
    return service_record_create(actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input())


def edit(**overrides: Any) -> dict[str, Any]:
    fields = {k: v for k, v in PARA.items() if k not in ("student", "date")}
    return {**fields, **overrides}


def test_an_edit_at_the_current_version_is_saved(para: Api, sessions: Sessions) -> None:
    record = _uncertified(sessions)
    read = para.get(f"/service-records/{record.pk}")
    assert read["ETag"] == '"1"'
    saved = para.put(f"/service-records/{record.pk}", edit(end_time="09:45", version=1), **{"If-Match": read["ETag"]})
    assert saved.status_code == 200 and saved.json()["version"] == 2 and saved.json()["end_time"] == "09:45:00"
    by_field = para.put(f"/service-records/{record.pk}", edit(end_time="09:40", version=2))
    assert by_field.status_code == 200 and by_field.json()["version"] == 3


def test_a_stale_edit_is_refused_with_409_and_changes_nothing(para: Api, sessions: Sessions) -> None:
    record = _uncertified(sessions)
    para.put(f"/service-records/{record.pk}", edit(end_time="09:45", version=1))
    stale = para.put(f"/service-records/{record.pk}", edit(end_time="09:15", version=1), **{"If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert stale.json()["message"].startswith("This record was changed by someone else since you opened it.")
    assert ServiceRecord.objects.get(pk=record.pk).end_time == dt.time(9, 45)


def test_an_edit_without_a_version_is_refused_naming_version(para: Api, sessions: Sessions) -> None:
    record = _uncertified(sessions)
    for headers in ({}, {"If-Match": '"1"'}):  # the header alone is not enough: the schema requires version
        refused = para.put(f"/service-records/{record.pk}", edit(end_time="09:15"), **headers)
        assert refused.status_code == 422 and refused.json()["field"] == "version"
    assert ServiceRecord.objects.get(pk=record.pk).version == 1


def test_an_if_match_that_disagrees_with_the_version_is_refused(para: Api, sessions: Sessions) -> None:
    record = _uncertified(sessions)
    refused = para.put(f"/service-records/{record.pk}", edit(end_time="09:15", version=1), **{"If-Match": '"2"'})
    assert refused.status_code == 422 and refused.json()["field"] == "If-Match"
    assert refused.json()["message"] == "If-Match names version 2 but version is 1: send the version you read."
    assert ServiceRecord.objects.get(pk=record.pk).end_time != dt.time(9, 15)


def test_certifying_needs_the_attestation_and_then_locks_the_record(para: Api, sessions: Sessions) -> None:
    record = _uncertified(sessions)
    refused = para.post(f"/service-records/{record.pk}/certify", {"certify": False})
    assert refused.status_code == 422 and refused.json()["field"] == "certify"
    certified = para.post(f"/service-records/{record.pk}/certify", {"certify": True})
    assert certified.status_code == 200 and certified.json()["certified_by"] == sessions.d.para.staff_id
    locked = para.put(f"/service-records/{record.pk}", edit(end_time="09:15", version=2))
    assert locked.status_code == 422
    assert (
        locked.json()["message"] == "A certified service record cannot be changed or deleted; add an amendment instead."
    )


def test_an_amendment_is_a_signed_version_and_a_stale_one_is_refused(para: Api, sessions: Sessions) -> None:
    record = service_record_create(
        actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input(), certify=True
    )
    url = f"/service-records/{record.pk}/amendments"
    unsigned = para.post(url, {"reason": "Ended early", "changes": {"end_time": "09:50"}, "certify": False})
    assert unsigned.status_code == 422 and unsigned.json()["field"] == "certify"
    amended = para.post(
        url, {"reason": "Ended early", "changes": {"end_time": "09:50"}, "certify": True}, **{"If-Match": '"1"'}
    )
    assert amended.status_code == 201
    data = amended.json()
    assert data["end_time"] == "09:50:00" and data["minutes"] == 50 and data["amended"] and data["etag"] == '"2"'
    assert data["amendment_reason"] == "Ended early" and data["certified_by"] == sessions.d.para.staff_id
    original, current = data["versions"]
    assert (original["version"], original["end_time"], original["changes"]) == (1, "10:00:00", {})
    assert current["changes"] == {"End Time": ["10:00", "09:50"]}
    assert current["amends_hash"] == original["certification_hash"] == record.certification_hash
    stale = para.post(url, {"reason": "Typo", "changes": {"notes": "x"}, "certify": True}, **{"If-Match": '"1"'})
    assert stale.status_code == 409
    assert ServiceRecordVersion.objects.count() == 1
    no_reason = para.post(url, {"reason": " ", "changes": {"notes": "x"}, "certify": True})
    assert no_reason.json()["message"] == "Give the reason for the amendment."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"notes": None}, "changes.notes"),
        ({"start_time": None}, "changes.start_time"),
        ({"start_time": 930}, "changes.start_time"),
        ({"group_count": "2"}, "changes.group_count"),
        ({"session_type": "skipped"}, "changes.session_type"),
        ({"notes": 5}, "changes.notes"),
        ({"certified_by": "300"}, "changes.certified_by"),
        ({"date": "2026-11-17"}, "changes.date"),
    ],
)
def test_bad_amendment_input_is_a_422_naming_the_field(
    para: Api, sessions: Sessions, changes: dict[str, Any], field: str
) -> None:
    record = service_record_create(
        actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input(), certify=True
    )
    response = para.post(
        f"/service-records/{record.pk}/amendments", {"reason": "Clear the notes", "changes": changes, "certify": True}
    )
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not ServiceRecordVersion.objects.exists()


def test_records_outside_scope_are_404(sessions: Sessions) -> None:
    record = _uncertified(sessions)
    speech = Api(token_for(sessions.d.doe_speech))
    assert speech.get(f"/service-records/{record.pk}").status_code == 404
    assert speech.post(f"/service-records/{record.pk}/certify", {"certify": True}).status_code == 404
    assert speech.get("/service-records").json()["count"] == 0
    assert Api(token_for(sessions.d.supervisor_out)).get("/service-records").json()["count"] == 0
    assert Api(token_for(sessions.d.supervisor)).get("/service-records").json()["count"] == 1
    assert ServiceRecord.objects.get(pk=record.pk).certified_at is None


def test_the_list_filters_orders_and_pages(para: Api, sessions: Sessions) -> None:
    for day in (16, 17, 18):
        service_record_create(
            actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input(date=dt.date(2026, 11, day))
        )
    first = para.get("/service-records", ordering="-date", limit=2).json()
    assert [r["date"] for r in first["items"]] == ["2026-11-18", "2026-11-17"]
    assert (first["count"], first["next_offset"]) == (3, 2)
    rest = para.get("/service-records", ordering="-date", limit=2, offset=2).json()
    assert [r["date"] for r in rest["items"]] == ["2026-11-16"] and rest["next_offset"] is None
    assert para.get("/service-records", date_from="2026-11-17").json()["count"] == 2
    too_many = para.get("/service-records", limit=201)
    assert too_many.status_code == 422 and too_many.json()["field"] == "limit"
    bad_order = para.get("/service-records", ordering="notes")
    assert bad_order.status_code == 422 and bad_order.json()["field"] == "ordering"


def test_a_group_session_is_all_or_nothing(sessions: Sessions) -> None:
    d = sessions.d
    classmate = MandateFactory(student=StudentFactory(school=d.school_a, first_name="Ivy", last_name="Lee")).student
    speech = Api(token_for(d.doe_speech))
    group = {
        "service": "SPEECH",
        "date": "2026-11-16",
        "start_time": "10:00",
        "end_time": "10:30",
        "language": "English",
        "location": "separate",
        "notes": "Blends.",
        "students": [{"student": d.speech_student.osis}, {"student": classmate.osis, "present": False}],
    }
    refused = speech.post("/service-records/group", group)
    assert refused.status_code == 422
    assert refused.json()["problems"] == [
        {"field": f"{classmate.osis}:student", "message": "Ivy Lee: Ivy Lee is not on Maria Santos's caseload."}
    ]
    assert not ServiceRecord.objects.exists()
    group["students"] = [{"student": d.speech_student.osis}, {"student": classmate.osis, "present": False}]
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[classmate])
    saved = speech.post("/service-records/group", group)
    assert saved.status_code == 201
    records = saved.json()["records"]
    assert [(r["student"], r["session_type"], r["group_count"]) for r in records] == [
        (d.speech_student.osis, "provided", 1),
        (classmate.osis, "student_absent", 1),
    ]
    assert len({r["group_session"] for r in records}) == 1


def test_text_with_a_nul_character_is_refused_before_anything_runs(para: Api) -> None:
    in_body = para.post("/service-records", body(notes="ok\x00"))
    in_query = para.get("/service-records", student="33333\x003333")
    in_path = para.get("/students/33333\x00333")
    assert in_body.status_code == in_query.status_code == in_path.status_code == 400
    assert in_body.json()["message"] == "Text cannot contain NUL characters."
    assert not ServiceRecord.objects.exists()


def test_any_other_address_under_the_api_is_a_json_404(para: Api) -> None:
    for path in ("/nothing-here", "/service-records/-1/certify", "/service-records/1%0A/certify"):
        response = para.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_groups_students_may_hold_their_own_notes_and_language(sessions: Sessions) -> None:
    d = sessions.d
    classmate = MandateFactory(student=StudentFactory(school=d.school_a, first_name="Ivy", last_name="Lee")).student
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[classmate])
    speech = Api(token_for(d.doe_speech))
    group = {
        "service": "SPEECH",
        "date": "2026-11-16",
        "start_time": "10:00",
        "end_time": "10:30",
        "language": "English",
        "location": "separate",
        "notes": "Blends.",
        "students": [
            {"student": d.speech_student.osis, "notes": "Ana: /s/ blends.", "language": "Spanish"},
            {"student": classmate.osis},
        ],
    }
    unknown = speech.post("/service-records/group", group | {"students": [{"student": classmate.osis, "x": 1}]})
    assert unknown.status_code == 422 and not ServiceRecord.objects.exists()
    null = speech.post("/service-records/group", group | {"students": [{"student": classmate.osis, "notes": None}]})
    assert null.status_code == 422 and not ServiceRecord.objects.exists()
    saved = speech.post("/service-records/group", group)
    assert saved.status_code == 201, saved.content
    by_student = {r["student"]: (r["notes"], r["language"]) for r in saved.json()["records"]}
    assert by_student == {
        d.speech_student.osis: ("Ana: /s/ blends.", "Spanish"),
        classmate.osis: ("Blends.", "English"),
    }
