"""Provider Service Totals, hand-computed on the personas' district for the week of
November 15 to 21 (counted to its end). Mandates: speech and OT 2 x 30 min a week,
para 5 x 360 min a week."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from sesis.audit.models import Disclosure
from sesis.reports import compliance, totals
from sesis.reports.filters import Filters
from sesis.services.actions import service_record_create
from sesis.services.choices import SessionType
from sesis.services.tests.conftest import Sessions

WEEK_END = dt.date(2026, 11, 21)
WEEK = Filters(start=dt.date(2026, 11, 15), end=WEEK_END)


def _week(s: Sessions) -> None:
    """Speech: a 20-minute session (certified) and a Student Absent; para: one hour,
    not certified; OT: nothing."""
    d = s.d
    for data, certify in (
        (s.speech_input(start_time=dt.time(10, 0), end_time=dt.time(10, 20)), True),
        (s.speech_input(date=dt.date(2026, 11, 17), session_type=SessionType.STUDENT_ABSENT), True),
    ):
        service_record_create(actor=d.doe_speech, provider=d.doe_speech, data=data, certify=certify)
    service_record_create(actor=d.para, provider=d.para, data=s.para_input(), certify=False)


def _figures(line: totals.ProviderLine) -> tuple[int, ...]:
    c = line.counts
    return (
        line.student_count,
        c.mandated_sessions,
        c.provided,
        line.shortfall,
        c.mandated_minutes_whole,
        c.provided_minutes,
        line.minutes_shortfall,
        c.student_absent,
        c.not_certified,
    )


def test_one_line_per_provider_hand_computed_shortfalls_first(sessions: Sessions) -> None:
    s = sessions
    _week(s)
    lines = totals.provider_lines(s.d.supervisor, WEEK, today=WEEK_END)
    assert [line.provider.staff_id for line in lines] == ["600", "400", "300"]
    para, ot, speech = lines
    assert _figures(para) == (1, 5, 1, 4, 1800, 60, 1740, 0, 1)
    assert _figures(ot) == (1, 2, 0, 2, 60, 0, 60, 0, 0)
    assert _figures(speech) == (1, 2, 1, 1, 60, 20, 40, 1, 0)
    assert speech.missed == 1 and speech.behind


def test_a_line_is_mandate_compliance_filtered_to_its_provider(sessions: Sessions) -> None:
    s = sessions
    _week(s)
    for line in totals.provider_lines(s.d.supervisor, WEEK, today=WEEK_END):
        by_provider = Filters(start=WEEK.start, end=WEEK.end, provider=line.provider)
        report = compliance.report_lines(s.d.supervisor, by_provider, today=WEEK_END)
        assert compliance.total(report) == line.counts
        assert sum(item.counts.shortfall for item in report) == line.shortfall


def test_sorting_and_only_those_behind(sessions: Sessions) -> None:
    s = sessions
    _week(s)
    by_name = totals.provider_lines(s.d.supervisor, WEEK, sort="provider", today=WEEK_END)
    assert [line.provider.last_name for line in by_name] == ["Diaz", "Ferrari", "Santos"]
    fewest_short = totals.provider_lines(s.d.supervisor, WEEK, sort="shortfall", today=WEEK_END)
    assert [line.provider.staff_id for line in fewest_short] == ["300", "400", "600"]
    unknown = totals.provider_lines(s.d.supervisor, WEEK, sort="nonsense", today=WEEK_END)
    assert [line.provider.staff_id for line in unknown] == ["600", "400", "300"]
    # Speech's week met in full: only OT and para stay behind.
    service_record_create(
        actor=s.d.doe_speech,
        provider=s.d.doe_speech,
        data=s.speech_input(date=dt.date(2026, 11, 18), start_time=dt.time(11, 0), end_time=dt.time(11, 40)),
        certify=True,
    )
    behind = Filters(start=WEEK.start, end=WEEK.end, behind=True)
    assert [line.provider.staff_id for line in totals.provider_lines(s.d.supervisor, behind, today=WEEK_END)] == [
        "600",
        "400",
    ]


def test_scope_a_provider_sees_their_own_line_and_out_of_scope_sees_none(sessions: Sessions) -> None:
    s = sessions
    _week(s)
    [own] = totals.provider_lines(s.d.doe_speech, WEEK, today=WEEK_END)
    assert own.provider == s.d.doe_speech and own.student_count == 1
    # Otto supervises 15K003 only: Maria Santos is assigned there, her students are not.
    assert totals.provider_lines(s.d.supervisor_out, WEEK, today=WEEK_END) == []
    assert {line.provider.staff_id for line in totals.provider_lines(s.d.admin, WEEK, today=WEEK_END)} == {
        "300",
        "400",
        "600",
    }


def test_a_mandate_nobody_serves_is_on_no_line(sessions: Sessions) -> None:
    # Eve Muñoz's speech mandate (school_b, in scope) has no provider.
    lines = totals.provider_lines(sessions.d.supervisor, WEEK, today=WEEK_END)
    assert sessions.d.rsa_student.pk not in {pk for line in lines for pk in line.students}


@pytest.fixture
def supervisor_client(sessions: Sessions) -> Client:
    client = Client()
    client.force_login(sessions.d.supervisor)
    return client


def test_the_page_sorts_links_each_provider_to_compliance_and_logs_the_view(
    sessions: Sessions, supervisor_client: Client
) -> None:
    _week(sessions)
    page = supervisor_client.get("/reports/provider-totals/?date_from=2026-11-15&date_to=2026-11-21")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Diaz, Carmen") < html.index("Ferrari, Lucia") < html.index("Santos, Maria")
    assert "/reports/compliance/?date_from=2026-11-15&amp;date_to=2026-11-21&amp;provider=300" in html
    assert 'aria-sort="descending"' in html
    assert "3 providers; 3 behind." in html
    logged = Disclosure.objects.get(what=totals.TITLE)
    assert logged.record_count == 3 and logged.students.count() == 3
    by_name = supervisor_client.get("/reports/provider-totals/?date_from=2026-11-15&date_to=2026-11-21&sort=provider")
    assert by_name.content.decode().index("Diaz, Carmen") < by_name.content.decode().index("Santos, Maria")
    refused = supervisor_client.get("/reports/provider-totals/?date_from=2026-11-21&date_to=2026-11-15")
    assert "The To date must be on or after the From date." in refused.content.decode()
    assert "Diaz, Carmen" not in refused.content.decode()


def test_exports_csv_and_xlsx_are_logged(sessions: Sessions, supervisor_client: Client) -> None:
    """The page and its files count to today, Wednesday the 18th: 3 of the week's 5
    school days. Para: 3 sessions (1,080 min) mandated, 1 hour given: 2 sessions and
    1,020 minutes short; speech has its 1 session but 16 of 36 minutes short."""
    _week(sessions)
    query = "date_from=2026-11-15&date_to=2026-11-21&behind=on"
    response = supervisor_client.get(f"/reports/provider-totals/export/csv/?{query}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == totals.COLUMNS
    assert [row[1] for row in rows[1:]] == ["600", "400", "300"]
    assert rows[1][totals.COLUMNS.index("Minutes short")] == "1020"
    assert rows[3][totals.COLUMNS.index("Sessions short")] == "0"
    assert rows[3][totals.COLUMNS.index("Minutes short")] == "16"
    response = supervisor_client.get(f"/reports/provider-totals/export/xlsx/?{query}")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=totals.COLUMNS.index("Sessions short") + 1).value == 2
    exports = Disclosure.objects.filter(what=totals.TITLE, kind="export")
    assert sorted(exports.values_list("file_format", flat=True)) == ["csv", "xlsx"]
    assert all(export.filters["behind"] is True for export in exports)
