from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sesis.audit.models import DisclosedStudent, Disclosure
from sesis.people.models import Staff
from sesis.reports.filters import default_period
from sesis.services.actions import service_record_create
from sesis.services.tests.conftest import Sessions
from tests.factories import PASSWORD

QUERY = "?date_from=2026-11-01&date_to=2026-11-30"


def _client(user: Staff) -> Client:
    client = Client()
    assert client.login(username=user.staff_id, password=PASSWORD)
    return client


def _page(user: Staff, path: str, status: int = 200) -> str:
    response = _client(user).get(path)
    assert response.status_code == status
    return response.content.decode()


@pytest.fixture
def recorded(sessions: Sessions) -> None:
    s, d = sessions, sessions.d
    for day in (2, 3, 9):
        service_record_create(
            actor=d.doe_speech, provider=d.doe_speech, certify=True, data=s.speech_input(date=dt.date(2026, 11, day))
        )
    service_record_create(actor=d.para, provider=d.para, data=s.para_input(date=dt.date(2026, 11, 4)))


@pytest.mark.parametrize("who", ["admin", "supervisor", "doe_speech", "para"])
def test_the_reports_page_links_both_reports(sessions: Sessions, who: str) -> None:
    page = _page(getattr(sessions.d, who), "/reports/")
    assert 'href="/reports/encounter-attendance/"' in page and 'href="/reports/compliance/"' in page


def test_the_encounter_attendance_page_opens_on_this_month(sessions: Sessions, recorded: None) -> None:
    page = _page(sessions.d.supervisor, "/reports/encounter-attendance/")
    assert 'value="2026-11-01"' in page and 'value="2026-11-18"' in page
    assert "4 service records." in page
    assert "O&#x27;Connor, Ana" in page and "Nguyen, Chloe" in page and "Not certified" in page


def test_a_provider_sees_only_their_sessions_and_no_provider_filter(sessions: Sessions, recorded: None) -> None:
    page = _page(sessions.d.para, f"/reports/encounter-attendance/{QUERY}")
    assert "1 service record." in page and "Nguyen, Chloe" in page and "O&#x27;Connor" not in page
    assert 'name="provider"' not in page


def test_the_out_of_scope_supervisor_sees_nothing(sessions: Sessions, recorded: None) -> None:
    page = _page(sessions.d.supervisor_out, f"/reports/encounter-attendance/{QUERY}")
    assert "0 service records." in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2026-11-30&date_to=2026-11-01", "The To date must be on or after the From date."),
        ("date_from=2025-01-01&date_to=2026-11-01", "Choose a period of at most 366 days."),
        ("date_from=yesterday&date_to=2026-11-01", "Enter a date."),
        ("date_from=&date_to=2026-11-01", "Enter the From date."),
        ("date_from=2026-11-01&date_to=2026-11-30&school=99X999", "No school has the DBN 99X999."),
        (
            "date_from=2026-11-01&date_to=2026-11-30&provider=999999",
            "No provider with staff ID 999999 is in your scope.",
        ),
        (
            "date_from=2026-11-01&date_to=2026-11-30&student=666666666",
            "No student with OSIS ID 666666666 is in your scope.",
        ),
        ("date_from=2026-11-01&date_to=2026-11-30&service=MAGIC", "Select a valid choice."),
        ("date_from=2026-11-01&date_to=2026-11-30&district=0", "greater than or equal to 1"),
    ],
)
def test_bad_filters_are_named(sessions: Sessions, recorded: None, query: str, message: str) -> None:
    page = _page(sessions.d.supervisor, f"/reports/encounter-attendance/?{query}")
    assert message in page
    assert "service records." not in page


def test_a_provider_outside_the_supervisors_scope_is_not_found(sessions: Sessions, recorded: None) -> None:
    page = _page(sessions.d.supervisor_out, f"/reports/encounter-attendance/{QUERY}&provider=600")
    assert "No provider with staff ID 600 is in your scope." in page


def test_column_headings_sort_and_say_how(sessions: Sessions, recorded: None) -> None:
    page = _page(sessions.d.admin, f"/reports/encounter-attendance/{QUERY}&sort=-date")
    assert 'aria-sort="descending"' in page
    assert page.index("2026-11-09") < page.index("2026-11-02")
    assert "sort=date" in page  # the date heading now sorts ascending


def test_changing_a_filter_keeps_the_chosen_sort(sessions: Sessions, recorded: None) -> None:
    page = _page(sessions.d.admin, f"/reports/encounter-attendance/{QUERY}&sort=-student")
    assert '<input type="hidden" name="sort" value="-student">' in page


def test_viewing_the_report_is_in_the_disclosure_log(sessions: Sessions, recorded: None) -> None:
    _page(sessions.d.para, f"/reports/encounter-attendance/{QUERY}")
    disclosure = Disclosure.objects.get()
    assert (disclosure.kind, disclosure.what, disclosure.record_count) == ("view", "Encounter Attendance", 1)
    assert list(DisclosedStudent.objects.values_list("student__osis", flat=True)) == ["333333333"]


def test_the_page_makes_the_same_number_of_queries_for_4_or_24_records(sessions: Sessions, recorded: None) -> None:
    def count() -> int:
        client = _client(sessions.d.admin)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/reports/encounter-attendance/{QUERY}").status_code == 200
        return len(queries)

    before = count()
    s, d = sessions, sessions.d
    for day in (5, 6, 9, 10, 12, 13, 16, 17):
        for hour in (8, 11):
            service_record_create(
                actor=d.doe_speech,
                provider=d.doe_speech,
                data=s.speech_input(
                    date=dt.date(2026, 11, day), start_time=dt.time(hour, 0), end_time=dt.time(hour, 30)
                ),
            )
    assert count() == before


def test_the_page_counts_its_records_once_through_its_totals(sessions: Sessions, recorded: None) -> None:
    client = _client(sessions.d.supervisor)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/reports/encounter-attendance/{QUERY}").content.decode()
    assert "4 service records." in page
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "services_servicerecord" in q["sql"]]
    assert len(counts) == 1 and "GROUP BY" in counts[0]  # the totals by session type, not a second count


def test_the_compliance_page_puts_shortfalls_first(sessions: Sessions, recorded: None) -> None:
    page = _page(sessions.d.supervisor, f"/reports/compliance/{QUERY}")
    # Para 5 a week to Nov 18: 5 + 4 + 3 = 12 mandated, 1 provided: 11 short; speech 5 mandated, 3 provided.
    assert page.index("Nguyen, Chloe") < page.index("O&#x27;Connor, Ana")
    assert "11 short" in page and "2 short" in page
    assert "Mandated to date" in page


def test_the_compliance_page_for_a_provider_lists_their_caseload(sessions: Sessions, recorded: None) -> None:
    page = _page(sessions.d.doe_speech, f"/reports/compliance/{QUERY}")
    assert "1 mandate;" in page and "O&#x27;Connor, Ana" in page and "Nguyen" not in page


def test_the_student_chart_shows_each_week_in_words_and_numbers(sessions: Sessions, recorded: None) -> None:
    page = _page(sessions.d.supervisor, f"/reports/students/111111111/chart/{QUERY}")
    assert 'role="img"' in page
    # Weeks of Nov 1 (2 of 2), Nov 8 (1 of 2: short), Nov 15 (in progress).
    assert (
        "Speech-Language Therapy, 2 x 30 min per week, group of up to 3: 3 sessions delivered of 6 mandated (90 of 180 minutes); "
        "1 of 3 weeks short." in page
    )
    assert "Short by 1" in page and "In progress" in page
    # The figures in minutes too: the holiday week mandates 2 x 30, one 30-minute session came.
    assert '<th scope="row">Nov 8, 2026</th><td>2</td><td>1</td><td>60</td><td>30</td>' in page
    assert '<th scope="row">Nov 1, 2026</th><td>2</td><td>2</td><td>60</td><td>60</td>' in page


def test_charts_are_scoped(sessions: Sessions, recorded: None) -> None:
    d = sessions.d
    _page(d.supervisor_out, f"/reports/students/111111111/chart/{QUERY}", status=404)
    _page(d.para, f"/reports/students/111111111/chart/{QUERY}", status=200)  # a para at the school sees the student
    assert "No mandates of this student" in _page(d.para, f"/reports/students/111111111/chart/{QUERY}")
    _page(d.supervisor_out, f"/reports/schools/02M001/chart/{QUERY}", status=404)
    _page(d.doe_speech, f"/reports/schools/02M001/chart/{QUERY}", status=404)
    _page(d.admin, f"/reports/schools/99X999/chart/{QUERY}", status=404)


def test_the_school_chart_adds_up_every_mandate(sessions: Sessions, recorded: None) -> None:
    page = _page(sessions.d.supervisor, f"/reports/schools/02M001/chart/{QUERY}")
    # Week of Nov 1: speech 2 + OT 2 + para 5 = 9 mandated; speech 2 + para 1 delivered.
    assert '<th scope="row">Nov 1, 2026</th><td>9</td><td>3</td>' in page


def test_the_homepage_shows_what_is_still_owed_this_week(sessions: Sessions, recorded: None) -> None:
    page = _page(sessions.d.doe_speech, "/")
    assert "Still to deliver this week" in page
    assert "0 of 2 this week" in page


@pytest.mark.parametrize(
    ("today", "complete", "period"),
    [
        (dt.date(2026, 12, 1), True, (dt.date(2026, 11, 1), dt.date(2026, 11, 30))),
        (dt.date(2026, 12, 7), True, (dt.date(2026, 11, 1), dt.date(2026, 11, 30))),
        (dt.date(2026, 12, 8), True, (dt.date(2026, 12, 1), dt.date(2026, 12, 8))),
        (dt.date(2027, 1, 3), True, (dt.date(2026, 12, 1), dt.date(2026, 12, 31))),
        (dt.date(2026, 12, 1), False, (dt.date(2026, 12, 1), dt.date(2026, 12, 1))),  # Encounter Attendance
    ],
)
def test_the_default_period_is_never_a_month_of_a_day_for_compliance(
    today: dt.date, complete: bool, period: tuple[dt.date, dt.date]
) -> None:
    assert default_period(today, complete=complete) == period
