"""The reports through the API: the same figures and refusals as the pages, each page
and file written to the disclosure log."""

from __future__ import annotations

import csv
import io

from django.test import Client
from django.urls import reverse

from sesis.api.tests.conftest import Api, token_for
from sesis.audit.models import DisclosedStudent, Disclosure, DisclosureKind
from sesis.services.actions import service_record_create
from sesis.services.tests.conftest import Sessions


def test_encounter_attendance_as_json_holds_the_rows_and_totals(sessions: Sessions) -> None:
    d = sessions.d
    service_record_create(actor=d.para, provider=d.para, data=sessions.para_input(), certify=True)
    service_record_create(actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input())
    api = Api(token_for(d.supervisor))
    report = api.get("/reports/encounter-attendance", ordering="student").json()
    assert [(r["osis"], r["service"], r["minutes"]) for r in report["items"]] == [
        ("333333333", "Paraprofessional", 60),
        ("111111111", "Speech-Language Therapy", 30),
    ]
    assert (report["totals"]["records"], report["totals"]["minutes"]) == (2, 90)
    assert report["filters"] == {"from": "2026-11-01", "to": "2026-11-18"}
    view = Disclosure.objects.get(kind=DisclosureKind.VIEW)
    assert view.record_count == 2 and DisclosedStudent.objects.filter(disclosure=view).count() == 2
    only_para = Api(token_for(d.para)).get("/reports/encounter-attendance").json()
    assert [r["osis"] for r in only_para["items"]] == ["333333333"]


def test_the_csv_is_the_export_and_is_logged_first(sessions: Sessions) -> None:
    d = sessions.d
    service_record_create(actor=d.para, provider=d.para, data=sessions.para_input(), certify=True)
    response = Api(token_for(d.para)).get("/reports/encounter-attendance/csv", date_from="2026-11-01")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="encounter-attendance_20261101-20261118.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Student", "OSIS ID", "School"] and rows[1][1] == "333333333" and len(rows) == 2
    export = Disclosure.objects.get(kind=DisclosureKind.EXPORT)
    assert (export.file_format, export.record_count) == ("csv", 1)


def test_the_report_filters_refuse_as_the_page_does(client: Client, sessions: Sessions) -> None:
    d = sessions.d
    api = Api(token_for(d.supervisor)).get(
        "/reports/encounter-attendance", date_from="2026-11-18", date_to="2026-11-01", student="666666666"
    )
    client.force_login(d.supervisor)
    page = client.get(
        reverse("encounter_attendance"), {"date_from": "2026-11-18", "date_to": "2026-11-01", "student": "666666666"}
    )
    assert api.status_code == 422
    page_errors = {name: errors[0] for name, errors in page.context["form"].errors.items()}
    assert (
        {p["field"]: p["message"] for p in api.json()["problems"]}
        == page_errors
        == {
            "student": "No student with OSIS ID 666666666 is in your scope.",
            "date_to": "The To date must be on or after the From date.",
        }
    )
    assert not Disclosure.objects.exists()


def test_compliance_as_json_ranks_the_shortfalls(sessions: Sessions) -> None:
    d = sessions.d
    service_record_create(actor=d.para, provider=d.para, data=sessions.para_input(), certify=True)
    report = Api(token_for(d.supervisor)).get("/reports/compliance", service="PARA").json()
    (line,) = report["items"]
    assert (line["student"], line["provided"], line["mandated"]) == (
        "333333333",
        1,
        line["provided"] + line["shortfall"],
    )
    assert report["total"]["shortfall"] == line["shortfall"] > 0
    csv_response = Api(token_for(d.supervisor)).get("/reports/compliance/csv", service="PARA")
    lines = b"".join(csv_response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "333333333" in lines[1]
