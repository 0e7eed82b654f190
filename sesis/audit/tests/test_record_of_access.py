"""The disclosure log and the record of access: every page and API read that shows a
student's service records is logged with who, when and what; an administrator sees,
per student, who viewed or exported their records and what changed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from sesis.api.tests.conftest import Api
from sesis.audit.models import Disclosure
from sesis.people.models import Staff
from sesis.services import actions
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions


@pytest.fixture
def record(sessions: Sessions) -> ServiceRecord:
    d = sessions.d
    return actions.service_record_create(actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input())


def views_of(osis: str) -> list[tuple[str, str, str]]:
    return [
        (d.actor.staff_id, d.kind, d.what)
        for d in Disclosure.objects.filter(students__student__osis=osis).select_related("actor").order_by("id")
    ]


def test_every_page_showing_a_students_records_is_logged(
    client: Client, sessions: Sessions, record: ServiceRecord
) -> None:
    d = sessions.d
    client.force_login(d.doe_speech)
    for url in (
        reverse("services_calendar", args=["111111111"]) + "?month=2026-11",
        reverse("record_pick_date", args=["111111111"]),
        reverse("record_detail", args=[record.pk]),
    ):
        assert client.get(url).status_code == 200
    client.force_login(d.supervisor)
    assert client.get(reverse("staff_services_calendar", args=["300", "111111111"])).status_code == 200
    assert views_of("111111111") == [
        ("300", "view", "Services Calendar"),
        ("300", "view", "Record Past Services"),
        ("300", "view", "Service Record"),
        ("200", "view", "Services Calendar"),
    ]
    first = Disclosure.objects.filter(what="Services Calendar").order_by("id").first()
    assert first is not None
    assert first.record_count == 1 and first.filters == {"month": "2026-11", "provider": "300"}
    assert views_of("222222222") == []  # nobody else's records were shown


def test_a_refused_view_logs_nothing(client: Client, sessions: Sessions, record: ServiceRecord) -> None:
    client.force_login(sessions.d.supervisor_out)
    assert client.get(reverse("record_detail", args=[record.pk])).status_code == 404
    assert not Disclosure.objects.exists()


def test_api_reads_of_records_are_logged(
    sessions: Sessions, record: ServiceRecord, api_as: Callable[[Staff], Api]
) -> None:
    api = api_as(sessions.d.doe_speech)
    assert api.get(f"/service-records/{record.pk}").status_code == 200
    assert api.get("/service-records", student="111111111").status_code == 200
    assert api.get("/service-records", student="222222222").json()["count"] == 0  # nothing shown, nothing logged
    assert views_of("111111111") == [("300", "view", "API: service record"), ("300", "view", "API: service records")]
    listed = Disclosure.objects.get(what="API: service records")
    assert listed.filters["student"] == "111111111" and listed.record_count == 1


def test_an_administrator_sees_per_student_who_viewed_exported_and_changed(
    client: Client, sessions: Sessions, record: ServiceRecord
) -> None:
    d = sessions.d
    client.force_login(d.doe_speech)
    client.get(reverse("record_detail", args=[record.pk]))
    client.force_login(d.supervisor)
    export = client.get(
        reverse("report_download", args=["encounter-attendance", "csv"]),
        {"school": "02M001", "start": "2026-11-01", "end": "2026-11-30"},
    )
    assert export.status_code == 200
    client.force_login(d.admin)
    assert b"Record of access" in client.get(reverse("administration")).content
    found = client.get(reverse("access_lookup"), {"osis": "111111111"})
    assert found.status_code == 302 and found["Location"] == reverse("student_access", args=["111111111"])
    response = client.get(found["Location"])
    page = response.content.decode()
    assert response.context["student"].osis == "111111111" and "(111111111)</h2>" in page
    assert "Santos" in page and "Service Record" in page  # the provider's view
    assert "Exported as CSV" in page and "Encounter Attendance" in page  # the supervisor's export
    assert "service_record.create" in page  # the change


@pytest.mark.parametrize(
    ("osis", "message"),
    [
        ("12345", "An OSIS ID has 9 digits."),
        ("12345678x", "An OSIS ID has 9 digits."),
        ("999999999", "No student has the OSIS ID 999999999."),
    ],
)
def test_the_lookup_names_a_bad_osis(client: Client, sessions: Sessions, osis: str, message: str) -> None:
    client.force_login(sessions.d.admin)
    response = client.get(reverse("access_lookup"), {"osis": osis})
    assert response.status_code == 200 and message in response.content.decode()


def test_the_record_of_access_is_for_administrators_only(client: Client, sessions: Sessions) -> None:
    for person in (sessions.d.supervisor, sessions.d.doe_speech):
        client.force_login(person)
        assert client.get(reverse("access_lookup")).status_code == 404
        assert client.get(reverse("student_access", args=["111111111"])).status_code == 404
    client.force_login(sessions.d.admin)
    assert client.get(reverse("student_access", args=["999999999"])).status_code == 404


def test_a_long_record_of_access_is_paged_by_its_own_links(client: Client, sessions: Sessions) -> None:
    from sesis.audit.actions import disclosure_record
    from sesis.audit.models import DisclosureKind

    d = sessions.d
    for n in range(55):
        disclosure_record(
            actor=d.supervisor,
            kind=DisclosureKind.VIEW,
            what=f"View {n}",
            student_ids=[d.speech_student.pk],
            record_count=1,
        )
    client.force_login(d.admin)
    url = reverse("student_access", args=["111111111"])
    first = client.get(url).content.decode()
    assert 'aria-label="Pages of views and exports"' in first and 'href="?page=2"' in first
    assert "View 54" in first and "View 0<" not in first  # newest first
    second = client.get(url, {"page": "2"}).content.decode()
    assert "View 0<" in second and "View 54" not in second
