"""The key pages make a fixed number of queries, whatever the size of the caseload,
the search results or the report: 5 students against 50, each with a mandate and a
session. (Speed is measured in bench/, never here; a query per row would grow.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sesis.caseloads.actions import caseload_add
from sesis.people.models import Staff
from sesis.schedules.actions import SlotInput, schedule_slot_create
from sesis.services.actions import draft, service_record_create
from tests.factories import District, MandateFactory, StudentFactory

pytestmark = pytest.mark.django_db
MONTH = "date_from=2026-11-01&date_to=2026-11-30"
PROVIDER_PAGES = [
    "/",
    "/caseload/",
    "/services/",
    "/services/111111111/?month=2026-11",
    "/schedule/",
    "/caseload/add/?last_name=lopez",
    f"/reports/encounter-attendance/?{MONTH}",
    f"/reports/compliance/?{MONTH}",
    "/first-attends/",
]
SUPERVISOR_PAGES = [
    "/",
    f"/reports/provider-totals/?{MONTH}",
    "/reports/awaiting-provider/",
    "/reports/never-served/",
    "/administration/staff/?search=1",
    "/administration/staff/300/",
    "/administration/staff/300/caseload/",
    "/administration/staff/300/caseload/add/?school=02M001",
    "/administration/staff/300/services/",
    f"/reports/encounter-attendance/?{MONTH}&school=02M001",
    f"/reports/compliance/?{MONTH}&school=02M001",
]


def grow(d: District, first: int, count: int) -> None:
    """count more speech students on Maria Santos's caseload, each with a session on
    November 16 and a place on her Wednesday schedule."""
    students = []
    for n in range(first, first + count):
        student = StudentFactory.create(school=d.school_a, first_name=f"Kid{n}", last_name=f"Lopez{n:03d}")
        MandateFactory.create(student=student, service="SPEECH", group_size=1)
        students.append(student)
    caseload_add(actor=d.supervisor, provider=d.doe_speech, students=students)
    for student in students:
        n = int(student.last_name[-3:])
        start = dt.time(7 + n // 6, (n % 6) * 10)
        end = dt.time(7 + n // 6, (n % 6) * 10 + 9)
        service_record_create(
            actor=d.doe_speech,
            provider=d.doe_speech,
            certify=True,
            data=draft(
                student=student,
                mandate=student.mandates.get(),
                date=dt.date(2026, 11, 16),
                start_time=start,
                end_time=end,
                language="English",
                location="separate",
                notes="Goals.",
            ),
        )
        schedule_slot_create(
            actor=d.doe_speech,
            provider=d.doe_speech,
            data=SlotInput(
                service="SPEECH", weekdays=[3], start_time=start, end_time=end, location="separate", students=[student]
            ),
        )


def counts(user: Staff, pages: list[str]) -> dict[str, int]:
    client = Client()
    client.force_login(user)
    found = {}
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        found[url] = len(queries)
    return found


@pytest.mark.parametrize(("who", "pages"), [("doe_speech", PROVIDER_PAGES), ("supervisor", SUPERVISOR_PAGES)])
def test_the_key_pages_do_not_grow_with_the_data(
    district: District, today: dt.date, who: str, pages: list[str]
) -> None:
    user = getattr(district, who)
    caseload_add(actor=district.supervisor, provider=district.doe_speech, students=[district.speech_student])
    grow(district, 0, 5)
    small = counts(user, pages)
    grow(district, 5, 45)
    assert counts(user, pages) == small


def test_the_floor_page_does_one_query_of_its_own(district: District) -> None:
    client = Client()
    assert client.get("/ping/").status_code == 302  # signed in only
    client.force_login(district.doe_speech)
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/ping/")
    assert answer.json() == {"ok": True, "staff_id": "300"}
    # The session and the user (authentication), then its own query.
    assert [q["sql"] for q in queries][-1] == "SELECT 1" and len(queries) == 3
