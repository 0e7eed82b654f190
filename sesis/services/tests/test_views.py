from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sesis.services.actions import service_record_create
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions

PARA_FORM = {
    "start_time": "09:00",
    "end_time": "10:00",
    "language": "English",
    "session_type": "provided",
    "grouping": "individual",
    "location": "classroom",
    "description": "health",
    "progress": "progressing",
    "notes": "",
    "certify": "on",
}


@pytest.fixture
def para(client: Client, sessions: Sessions) -> Client:
    client.force_login(sessions.d.para)
    return client


def form_for(sessions: Sessions, **overrides: str) -> dict[str, str]:
    mandate = sessions.d.para_student.mandates.get()
    return {**PARA_FORM, "mandate": str(mandate.pk), **overrides}


def test_service_capture_lists_the_caseload_by_name(para: Client) -> None:
    response = para.get(reverse("services_home"))
    assert b"Services Calendar" in response.content
    assert f'href="{reverse("services_calendar", args=["333333333"])}"'.encode() in response.content


def test_the_services_calendar_shows_gray_days_with_their_reason(para: Client) -> None:
    response = para.get(reverse("services_calendar", args=["333333333"]), {"month": "2026-11"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "No school: Veterans Day" in content
    assert "No school: Weekend" in content
    assert "Record Past Services" in content


def test_the_calendar_shows_records_and_the_week_against_the_mandate(para: Client, sessions: Sessions) -> None:
    service_record_create(actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input(), certify=True)
    service_record_create(
        actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input(date=dt.date(2026, 11, 17))
    )
    response = para.get(reverse("services_calendar", args=["333333333"]), {"month": "2026-11"})
    content = response.content.decode()
    assert "09:00–10:00\n          Service Provided" in content
    assert content.count("Not certified") == 1 and content.count("<strong>Certified</strong>") == 1
    weeks = response.context["month"].weeks
    week_of_16th = next(w for w in weeks if any(d.date == dt.date(2026, 11, 16) for d in w.days))
    assert [(t.delivered, t.mandated, t.short) for t in week_of_16th.tallies] == [(2, 5, False)]  # the week is not over
    week_of_9th = next(w for w in weeks if any(d.date == dt.date(2026, 11, 9) for d in w.days))
    assert [(t.delivered, t.mandated, t.short) for t in week_of_9th.tallies] == [
        (0, 4, True)
    ]  # Veterans Day: 4 school days


def test_record_past_services_offers_only_days_that_can_be_recorded(para: Client) -> None:
    response = para.get(reverse("record_pick_date", args=["333333333"]), {"month": "2026-11"})
    content = response.content.decode()
    assert 'value="2026-11-16"' in content
    assert 'value="2026-11-11"' not in content  # holiday
    assert 'value="2026-11-14"' not in content  # weekend
    assert 'value="2026-11-19"' not in content  # future
    assert ">OK</button>" in content


def test_record_past_services_stays_inside_the_entry_window(para: Client) -> None:
    response = para.get(reverse("record_pick_date", args=["333333333"]), {"month": "2026-01"})
    assert response.context["month"].first == dt.date(2026, 10, 1)


def test_the_form_is_prefilled_from_the_mandate(para: Client, sessions: Sessions) -> None:
    response = para.get(reverse("record_new", args=["333333333"]), {"date": "2026-11-16"})
    form = response.context["form"]
    mandate = sessions.d.para_student.mandates.get()
    assert form.initial["mandate"] == str(mandate.pk)
    assert form.initial["language"] == "English"
    assert form.initial["location"] == "separate"  # "Separate location in school" on the mandate
    assert form.initial["grouping"] == "individual"
    content = response.content.decode()
    for label in [
        "Start Time",
        "End Time",
        "Service Type",
        "Language of Service",
        "Session Type",
        "Group Size",
        "Service Location",
        "Service Description",
        "Progress Indicator",
        "Session Notes",
    ]:
        assert f'">{label}</label>' in content, label
    assert "accurate and truthful" in content


def test_the_form_for_a_speech_provider_has_no_service_description(client: Client, sessions: Sessions) -> None:
    client.force_login(sessions.d.doe_speech)
    response = client.get(reverse("record_new", args=["111111111"]), {"date": "2026-11-16"})
    assert "description" not in response.context["form"].fields
    assert b"Required for OT, PT and speech sessions." in response.content


def test_an_empty_post_is_refused_with_field_errors(para: Client) -> None:
    response = para.post(reverse("record_new", args=["333333333"]) + "?date=2026-11-16", {})
    assert response.status_code == 200
    assert response.context["form"].errors["start_time"] == ["This field is required."]
    assert not ServiceRecord.objects.exists()


def test_a_valid_post_saves_and_certifies(para: Client, sessions: Sessions) -> None:
    url = reverse("record_new", args=["333333333"]) + "?date=2026-11-16"
    response = para.post(url, form_for(sessions), follow=True)
    assert response.redirect_chain[-1][0].endswith("?month=2026-11")
    assert [str(m) for m in response.context["messages"]] == [
        "Saved and certified: Service Provided on November 16, 09:00 to 10:00."
    ]
    record = ServiceRecord.objects.get()
    assert record.is_certified and record.description == "health"


def test_a_refused_post_names_the_field_and_saves_nothing(para: Client, sessions: Sessions) -> None:
    url = reverse("record_new", args=["333333333"]) + "?date=2026-11-16"
    response = para.post(url, form_for(sessions, progress="", end_time="08:00"))
    errors = response.context["form"].errors
    assert errors["end_time"] == ["End Time must be after Start Time."]
    assert errors["progress"] == [
        "Choose a Progress Indicator: paraprofessionals document progress towards the IEP annual goals."
    ]
    assert not ServiceRecord.objects.exists()


def test_a_date_rule_is_shown_at_the_top_of_the_form(para: Client, sessions: Sessions) -> None:
    url = reverse("record_new", args=["333333333"]) + "?date=2026-11-14"
    response = para.post(url, form_for(sessions))
    assert response.context["form"].non_field_errors() == [
        "November 14, 2026 is not a school day (Weekend). Days shown in gray need no record."
    ]


def test_a_student_not_on_the_caseload_is_not_found(para: Client) -> None:
    assert para.get(reverse("services_calendar", args=["111111111"])).status_code == 404
    assert para.get(reverse("record_new", args=["111111111"]), {"date": "2026-11-16"}).status_code == 404


def test_another_providers_record_is_not_found(client: Client, sessions: Sessions) -> None:
    record = service_record_create(actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input())
    client.force_login(sessions.d.doe_speech)
    for name in ("record_detail", "record_edit", "record_amend", "record_delete"):
        assert client.get(reverse(name, args=[record.pk])).status_code == 404
    assert client.post(reverse("record_certify", args=[record.pk]), {"certify": "on"}).status_code == 404
    client.force_login(sessions.d.supervisor_out)
    assert client.get(reverse("record_detail", args=[record.pk])).status_code == 404
    record.refresh_from_db()
    assert not record.is_certified


def test_a_supervisor_records_on_behalf_and_the_record_says_so(client: Client, sessions: Sessions) -> None:
    client.force_login(sessions.d.supervisor)
    url = reverse("staff_record_new", args=["600", "333333333"]) + "?date=2026-11-16"
    client.post(url, form_for(sessions))
    record = ServiceRecord.objects.get()
    assert record.recorded_by == sessions.d.supervisor
    detail = client.get(reverse("record_detail", args=[record.pk]))
    assert b"on behalf of the provider" in detail.content
    client.force_login(sessions.d.supervisor_out)
    assert client.get(reverse("staff_services_home", args=["600"])).status_code == 404


def test_certifying_from_the_record_page_needs_the_checkbox(para: Client, sessions: Sessions) -> None:
    record = service_record_create(actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input())
    url = reverse("record_certify", args=[record.pk])
    response = para.post(url, {}, follow=True)
    assert "Check the box to certify" in str(next(iter(response.context["messages"])))
    record.refresh_from_db()
    assert not record.is_certified
    para.post(url, {"certify": "on"})
    record.refresh_from_db()
    assert record.is_certified


def test_a_certified_record_cannot_be_edited_through_the_page(para: Client, sessions: Sessions) -> None:
    record = service_record_create(
        actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input(), certify=True
    )
    response = para.post(reverse("record_edit", args=[record.pk]), form_for(sessions, notes="changed"), follow=True)
    assert "cannot be changed or deleted" in str(next(iter(response.context["messages"])))
    para.post(reverse("record_delete", args=[record.pk]))
    record.refresh_from_db()
    assert record.notes == "" and ServiceRecord.objects.filter(pk=record.pk).exists()


def test_editing_with_a_stale_version_is_refused(para: Client, sessions: Sessions) -> None:
    record = service_record_create(actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input())
    url = reverse("record_edit", args=[record.pk])
    para.post(url, {**form_for(sessions, notes="first", certify=""), "version": "1"})
    response = para.post(url, {**form_for(sessions, notes="second", certify=""), "version": "1"})
    assert "changed by someone else" in response.context["form"].non_field_errors()[0]
    record.refresh_from_db()
    assert record.notes == "first"


def test_the_amend_page_signs_a_new_version_and_the_record_page_lists_its_history(
    para: Client, sessions: Sessions
) -> None:
    record = service_record_create(
        actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input(), certify=True
    )
    values = {k: v for k, v in form_for(sessions).items() if k not in {"mandate", "certify"}}
    url = reverse("record_amend", args=[record.pk])
    unsigned = para.post(url, {**values, "end_time": "09:45", "reason": "Left early", "version": "1"})
    assert "amending a record is signing its corrected version" in unsigned.content.decode()
    record.refresh_from_db()
    assert record.version == 1 and record.end_time == dt.time(10, 0)
    page = para.get(url).content.decode()
    assert 'name="description"' in page and 'name="version" value="1"' in page
    para.post(url, {**values, "end_time": "09:45", "reason": "Left early", "version": "1", "certify": "on"})
    detail = para.get(reverse("record_detail", args=[record.pk])).content.decode()
    assert "Session, as amended (version 2)" in detail
    assert "End Time: 10:00 → 09:45" in detail and "Left early" in detail
    assert "The record matches what was certified, in every version." in detail


def test_the_amend_form_shows_only_the_fields_of_the_providers_service(client: Client, sessions: Sessions) -> None:
    d = sessions.d
    record = service_record_create(
        actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input(), certify=True
    )
    client.force_login(d.doe_speech)
    page = client.get(reverse("record_amend", args=[record.pk])).content.decode()
    assert 'name="notes"' in page and 'name="description"' not in page  # Service Description: paraprofessionals only


def test_a_group_session_from_one_form(client: Client, sessions: Sessions) -> None:
    from sesis.caseloads.actions import caseload_add
    from tests.factories import MandateFactory, StudentFactory

    students = [StudentFactory.create(school=sessions.d.school_a) for _ in range(3)]
    for student in students:
        MandateFactory.create(student=student, service="SPEECH", group_size=3)
    caseload_add(actor=sessions.d.doe_speech, provider=sessions.d.doe_speech, students=students)
    client.force_login(sessions.d.doe_speech)
    data = {
        "date": "2026-11-16",
        "start_time": "11:00",
        "end_time": "11:30",
        "service": "SPEECH",
        "language": "English",
        "location": "separate",
        "notes": "Turn-taking.",
        "certify": "on",
        "member": [s.osis for s in students],
        "absent": [students[0].osis],
    }
    response = client.post(reverse("group_session"), data, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0] == "Group session saved and certified: 3 records (2 present, 1 absent)."
    # The two present are claims Medicaid cannot pay (no facts on file): each is named, in the order of
    # their names; the absent is no claim.
    present = sorted(students[1:], key=lambda s: (s.last_name, s.first_name, s.osis))
    assert [m.split(": Not claimable to Medicaid: ")[0] for m in shown[1:]] == [
        f"{s.full_name} ({s.osis}), 11:00" for s in present
    ]
    assert sorted(ServiceRecord.objects.values_list("session_type", "group_count")) == [
        ("provided", 2),
        ("provided", 2),
        ("student_absent", 2),
    ]


def test_a_group_session_with_nobody_chosen_says_so(client: Client, sessions: Sessions) -> None:
    client.force_login(sessions.d.doe_speech)
    data = {
        "date": "2026-11-16",
        "start_time": "11:00",
        "end_time": "11:30",
        "service": "SPEECH",
        "language": "English",
        "location": "separate",
    }
    response = client.post(reverse("group_session"), data)
    assert response.context["problems"] == ["Choose the students of the group: check In this group next to each."]


def test_an_unreadable_version_is_refused_as_stale_not_an_error(para: Client, sessions: Sessions) -> None:
    record = service_record_create(actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input())
    response = para.post(
        reverse("record_edit", args=[record.pk]), {**form_for(sessions, notes="x", certify=""), "version": "abc"}
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.context["form"].non_field_errors()[0]
    record.refresh_from_db()
    assert record.notes == ""


def test_bad_amendment_input_on_the_form_is_named_at_its_field_and_changes_nothing(
    para: Client, sessions: Sessions
) -> None:
    record = service_record_create(
        actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input(), certify=True
    )
    values = {k: v for k, v in form_for(sessions).items() if k not in {"mandate", "certify"}}
    bad = {**values, "start_time": "late", "session_type": "skipped", "reason": "x", "certify": "on", "version": "1"}
    response = para.post(reverse("record_amend", args=[record.pk]), bad)
    errors = response.context["form"].errors
    assert set(errors) == {"start_time", "session_type"}
    record.refresh_from_db()
    assert record.version == 1 and not record.versions.exists()
