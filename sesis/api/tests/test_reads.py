"""Students, staff, mandates and the school calendar: each role sees only its scope,
and the quick searches refuse what the web pages refuse, in the same words."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from sesis.api.tests.conftest import Api, token_for
from sesis.schoolcalendar.models import CalendarDay
from tests.factories import District


def osis_of(page: dict) -> list[str]:
    return [item["osis"] for item in page["items"]]


def test_student_search_is_scoped_to_each_role(district: District) -> None:
    d = district
    by_school = {"school": d.school_c.dbn}
    assert osis_of(Api(token_for(d.admin)).get("/students", **by_school).json()) == [d.far_student.osis]
    assert osis_of(Api(token_for(d.supervisor)).get("/students", **by_school).json()) == []
    assert osis_of(Api(token_for(d.supervisor_out)).get("/students", **by_school).json()) == [d.far_student.osis]
    assert osis_of(Api(token_for(d.independent_speech)).get("/students", last_name="mu").json()) == [d.rsa_student.osis]
    assert osis_of(Api(token_for(d.independent_speech)).get("/students", last_name="o").json()) == []


def test_a_student_outside_scope_is_404_like_one_that_does_not_exist(district: District) -> None:
    api = Api(token_for(district.supervisor))
    inside = api.get(f"/students/{district.speech_student.osis}")
    assert inside.status_code == 200 and [m["service"] for m in inside.json()["mandates"]] == ["SPEECH"]
    outside, missing = api.get(f"/students/{district.far_student.osis}"), api.get("/students/999999999")
    assert outside.status_code == missing.status_code == 404
    assert (
        outside.json()
        == missing.json()
        == {
            "code": "not_found",
            "message": "No such student.",
            "field": None,
            "problems": [],
        }
    )


def test_the_quick_search_refuses_as_the_page_does(client: Client, district: District) -> None:
    api = Api(token_for(district.supervisor)).get("/students", osis="12345")
    client.force_login(district.supervisor)
    page = client.get(reverse("staff_caseload_add", args=[district.doe_speech.staff_id]), {"osis": "12345"})
    assert api.status_code == 422
    assert api.json()["message"] == page.context["form"].errors["osis"][0] == "An OSIS ID is 9 digits."
    empty = Api(token_for(district.supervisor)).get("/students")
    assert empty.json()["message"] == "Enter at least one of OSIS ID, last name, first name, date of birth or school."


def test_staff_are_scoped_and_a_provider_sees_only_themself(district: District) -> None:
    d = district
    assert [s["staff_id"] for s in Api(token_for(d.para)).get("/staff").json()["items"]] == [d.para.staff_id]
    assert Api(token_for(d.para)).get(f"/staff/{d.doe_speech.staff_id}").status_code == 404
    outside = Api(token_for(d.supervisor_out))
    assert outside.get(f"/staff/{d.para.staff_id}").status_code == 404
    detail = outside.get(f"/staff/{d.doe_speech.staff_id}").json()
    assert detail["disciplines"] == ["SPEECH"]
    assert sorted(a["school"] for a in detail["assignments"]) == [d.school_a.dbn, d.school_c.dbn]
    ot = Api(token_for(d.supervisor)).get("/staff", discipline="OT").json()
    assert [(s["staff_id"], s["agency"]) for s in ot["items"]] == [(d.agency_ot.staff_id, "Acme Therapy")]


def test_mandates_are_those_of_students_in_scope(district: District, today: object) -> None:
    d = district
    mine = Api(token_for(d.independent_speech)).get("/mandates").json()
    assert [m["student"] for m in mine["items"]] == [d.rsa_student.osis]
    supervisor = Api(token_for(d.supervisor))
    assert supervisor.get("/mandates").json()["count"] == 4  # every mandate but the one in district 15
    assert supervisor.get("/mandates", service="OT").json()["items"][0]["student"] == d.ot_student.osis
    assert supervisor.get("/mandates", active_on="2030-01-01").json()["count"] == 0
    bad_date = supervisor.get("/mandates", active_on="0")
    assert bad_date.status_code == 422 and bad_date.json()["field"] == "active_on"


def test_the_school_calendar_lists_days_and_a_schools_non_school_days(district: District, today: object) -> None:
    CalendarDay.objects.create(date=dt.date(2026, 11, 26), kind="holiday", description="Thanksgiving")
    CalendarDay.objects.create(
        date=dt.date(2026, 11, 24), kind="closure", school=district.school_c, description="Boiler repair"
    )
    api = Api(token_for(district.para))
    days = api.get("/school-calendar/days").json()
    assert [(x["date"], x["school"]) for x in days["items"]] == [("2026-11-24", "15K003"), ("2026-11-26", None)]
    closed = api.get("/school-calendar/schools/15K003/non-school-days", date_from="2026-11-23", date_to="2026-11-29")
    assert closed.json() == [
        {"date": "2026-11-24", "reason": "Boiler repair"},
        {"date": "2026-11-26", "reason": "Thanksgiving"},
        {"date": "2026-11-28", "reason": "Weekend"},
        {"date": "2026-11-29", "reason": "Weekend"},
    ]
    backwards = api.get("/school-calendar/days", date_from="2026-11-29", date_to="2026-11-23")
    assert (
        backwards.status_code == 422 and backwards.json()["message"] == "The To date must be on or after the From date."
    )
    assert api.get("/school-calendar/schools/99X999/non-school-days").status_code == 404


def test_a_repeated_query_parameter_is_refused_naming_it(district: District) -> None:
    api = Api(token_for(district.supervisor))
    response = api.client.get("/api/v1/students?first_name=Ana&first_name=Ben")
    assert response.status_code == 422
    assert response.json()["field"] == "first_name" and "once" in response.json()["message"]
