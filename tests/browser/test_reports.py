"""The reports in a browser: a session recorded through the form is found in the
Encounter Attendance report and in its CSV export; every report page passes axe-core
and fits a 360 px phone screen."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from playwright.sync_api import Page, expect

from sesis.audit.models import Disclosure
from sesis.caseloads.actions import caseload_add
from sesis.schoolcalendar.models import CalendarDay
from sesis.services.actions import draft, service_record_amend, service_record_create
from sesis.services.models import ServiceRecord
from tests.browser.conftest import ARTIFACTS, assert_accessible, assert_fits_phone_width, sign_in
from tests.factories import PASSWORD, District, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
QUERY = "?date_from=2026-11-01&date_to=2026-11-30"


@pytest.fixture
def district(transactional_db: None, today) -> District:
    d = build_district()
    caseload_add(actor=d.para, provider=d.para, students=[d.para_student])
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.speech_student])
    CalendarDay.objects.create(date=dt.date(2026, 11, 11), kind="holiday", description="Veterans Day")
    return d


def test_a_recorded_session_is_found_in_the_encounter_attendance_report(page: Page, district: District) -> None:
    sign_in(page, "600", PASSWORD)
    page.get_by_role("link", name="Service Capture").click()
    page.get_by_role("link", name="Nguyen, Chloe").click()
    page.get_by_role("link", name="Record Past Services").click()
    page.get_by_label("November 16").check()
    page.get_by_role("button", name="OK").click()
    page.get_by_label("Start Time").fill("09:00")
    page.get_by_label("End Time").fill("14:30")
    page.get_by_label("Service Description").select_option(label="Health")
    page.get_by_label("Progress Indicator").select_option(label="Progressing")
    page.get_by_label("I certify that this session information is accurate and truthful.").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved and certified")).to_be_visible()
    # "The service just recorded will now be seen on ... the Encounter Attendance reports."
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Encounter Attendance").click()
    expect(page.get_by_role("status")).to_have_text("1 service record.")
    row = page.get_by_role("row", name="2026-11-16")
    expect(row).to_contain_text("Nguyen, Chloe")
    expect(row).to_contain_text("09:00")
    expect(row).to_contain_text("14:30")
    expect(row).to_contain_text("330")
    expect(row).to_contain_text("Carmen Diaz")
    assert_accessible(page, "encounter-attendance-provider")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV file of the Encounter Attendance report").click()
    path = download.value.path()
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[1][:10] == [
        "Nguyen, Chloe",
        "333333333",
        "02M001",
        "Paraprofessional",
        "Diaz, Carmen",
        "600",
        "2026-11-16",
        "09:00",
        "14:30",
        "330",
    ]
    assert Disclosure.objects.filter(kind="export", actor=district.para).count() == 1


def test_a_supervisor_filters_sorts_and_reads_the_compliance_chart(page: Page, district: District) -> None:
    d = district
    _records(d)
    sign_in(page, "200", PASSWORD)
    page.goto("/reports/encounter-attendance/")
    page.get_by_label("Service Type").select_option(label="Speech-Language Therapy")
    page.get_by_role("button", name="Show report").click()
    expect(page.get_by_role("status")).to_have_text("2 service records.")
    page.get_by_role("link", name="Date (sorted ascending; select to sort descending)").click()
    expect(page.locator(".sesis-report-table tbody tr").first).to_contain_text("2026-11-03")
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Mandate Compliance").click()
    expect(page.locator(".sesis-report-table tbody tr").first).to_contain_text("Nguyen, Chloe")  # the largest shortfall
    page.get_by_role("link", name="O'Connor, Ana").click()
    expect(page.get_by_role("img")).to_have_attribute(
        "aria-label",
        "Speech-Language Therapy, 2 x 30 min per week, "
        "group of up to 3: 1 session delivered of 5 mandated (25 of 156 minutes); 2 of 3 "
        "weeks short.",
    )
    page.get_by_text("The figures as a table").click()
    expect(page.get_by_role("row", name="Nov 8, 2026")).to_contain_text("Short by 2")


def _records(d: District) -> None:
    mandate = d.speech_student.mandates.get()

    def data(day: int, **extra: object) -> ServiceRecord:
        values: dict[str, object] = {
            "student": d.speech_student,
            "mandate": mandate,
            "date": dt.date(2026, 11, day),
            "start_time": dt.time(10),
            "end_time": dt.time(10, 30),
            "language": "English",
            "location": "separate",
            "notes": "Articulation",
        }
        return draft(**{**values, **extra})

    first = service_record_create(actor=d.doe_speech, provider=d.doe_speech, data=data(2), certify=True)
    service_record_amend(
        certify=True, actor=d.doe_speech, record=first, reason="Ended early", changes={"end_time": dt.time(10, 25)}
    )
    service_record_create(
        actor=d.doe_speech,
        provider=d.doe_speech,
        data=data(3, session_type="cancelled", cancel_reason="school_activity"),
    )


REPORT_PAGES = {
    "200": [
        ("reports-home-supervisor", "/reports/"),
        ("encounter-attendance-supervisor", f"/reports/encounter-attendance/{QUERY}"),
        ("encounter-attendance-sorted", f"/reports/encounter-attendance/{QUERY}&sort=-student"),
        (
            "encounter-attendance-invalid",
            "/reports/encounter-attendance/?date_from=2026-11-30&date_to=2026-11-01&student=9",
        ),
        ("encounter-attendance-empty", f"/reports/encounter-attendance/{QUERY}&district=15"),
        ("compliance-supervisor", f"/reports/compliance/{QUERY}&school=02M001"),
        ("student-chart", f"/reports/students/111111111/chart/{QUERY}"),
        ("school-chart", f"/reports/schools/02M001/chart/{QUERY}"),
        ("provider-totals-supervisor", f"/reports/provider-totals/{QUERY}"),
        ("provider-totals-behind", f"/reports/provider-totals/{QUERY}&behind=on&sort=provider"),
        ("awaiting-provider", "/reports/awaiting-provider/"),
        ("awaiting-provider-invalid", "/reports/awaiting-provider/?school=99X999"),
        ("never-served", "/reports/never-served/"),
        ("first-attends-awaiting", "/administration/first-attends/?status=awaiting"),
        ("home-supervisor-dashboard", "/"),
    ],
    "300": [
        ("home-provider-owed", "/"),
        ("reports-home-provider", "/reports/"),
        ("encounter-attendance-provider-records", f"/reports/encounter-attendance/{QUERY}"),
        ("compliance-provider", f"/reports/compliance/{QUERY}"),
        ("provider-totals-provider", f"/reports/provider-totals/{QUERY}"),
    ],
}


@pytest.mark.parametrize("staff_id", list(REPORT_PAGES))
def test_every_report_page_is_accessible_and_fits_a_phone(page: Page, district: District, staff_id: str) -> None:
    _records(district)
    sign_in(page, staff_id, PASSWORD)
    for name, path in REPORT_PAGES[staff_id]:
        page.goto(path)
        assert_accessible(page, name)
        assert_fits_phone_width(page, name)


def test_the_chart_numbers_and_weeks_sit_under_and_over_their_bars(page: Page, district: District) -> None:
    """The numbers and week labels are HTML (so their contrast can be measured), placed
    by CSS over and under the SVG's bars: each must line up with its own week's bars."""
    _records(district)
    sign_in(page, "200", PASSWORD)
    page.goto(f"/reports/students/111111111/chart/{QUERY}")
    bars = page.locator(".sesis-chart__plot svg rect").all()
    values = page.locator(".sesis-chart__row--values li span").all()
    weeks = page.locator(".sesis-chart__row--labels .sesis-chart__week").all()
    assert len(bars) == len(values) == 2 * len(weeks) > 0
    for bar, value in zip(bars, values, strict=True):
        box, label = bar.bounding_box(), value.bounding_box()
        assert box is not None and label is not None
        assert abs((box["x"] + box["width"] / 2) - (label["x"] + label["width"] / 2)) <= 2
    for i, week in enumerate(weeks):
        left, right, label = bars[2 * i].bounding_box(), bars[2 * i + 1].bounding_box(), week.bounding_box()
        assert left is not None and right is not None and label is not None
        middle = (left["x"] + right["x"] + right["width"]) / 2
        assert abs(middle - (label["x"] + label["width"] / 2)) <= 2
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".sesis-chart").first.screenshot(path=str(ARTIFACTS / "student-chart.png"))


def test_a_students_name_on_mandate_compliance_opens_their_chart_for_the_same_period(
    page: Page, district: District
) -> None:
    _records(district)
    sign_in(page, "200", PASSWORD)
    page.goto(f"/reports/compliance/{QUERY}&school=02M001")
    page.get_by_role("link", name="O'Connor, Ana").click()
    page.get_by_role("heading", name="Weekly chart: Ana O'Connor (111111111)").wait_for()
    assert page.get_by_label("From", exact=True).input_value() == "2026-11-01"
    assert page.get_by_label("To", exact=True).input_value() == "2026-11-30"
    # The chart shows the report's weeks, not only the current one.
    weeks = page.locator(".sesis-chart__week").all_inner_texts()
    assert weeks[:3] == ["Nov 1", "Nov 8", "Nov 15"]


def test_mandate_compliance_fits_1280_with_its_key_columns_and_providers(page: Page, district: District) -> None:
    """At 1280 px the whole table is in view (nothing scrolled away), the shortfall next
    to the student, and who serves each mandate."""
    _records(district)
    sign_in(page, "200", PASSWORD)
    page.goto(f"/reports/compliance/{QUERY}&school=02M001")
    wrap = page.locator(".sesis-table-wrap").first
    assert wrap.evaluate("element => element.scrollWidth <= element.clientWidth")
    headers = page.locator(".sesis-compliance-table thead th").all_inner_texts()
    assert headers[:7] == [
        "Student",
        "Service Type",
        "Mandated to date",
        "Provided",
        "Shortfall",
        "Minutes short",
        "Provider",
    ]
    shortfall = page.get_by_role("columnheader", name="Shortfall").bounding_box()
    assert shortfall is not None and shortfall["x"] + shortfall["width"] <= 1280
    row = page.get_by_role("row", name=re.compile("O'Connor, Ana"))
    expect(row).to_contain_text("Santos, Maria")
    ARTIFACTS.mkdir(exist_ok=True)
    wrap.screenshot(path=str(ARTIFACTS / "compliance-1280.png"))
    assert_accessible(page, "compliance-1280")


def test_the_supervisors_dashboard_at_1280_and_390(page: Page, district: District) -> None:
    """The dashboard as a supervisor reads it: every figure and the providers furthest
    behind in view at 1280 px with nothing scrolled sideways, stacked on a phone; a
    figure opens its list with the same number."""
    d = district
    _records(d)
    caseload_add(actor=d.supervisor, provider=d.agency_ot, students=[d.ot_student])
    sign_in(page, "200", PASSWORD)
    page.goto("/")
    page.get_by_role("heading", name="Your scope today").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= 1280")
    behind = page.get_by_role("link", name=re.compile("behind, This week so far"))
    count = behind.inner_text().split()[0]
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".sesis-dashboard").screenshot(path=str(ARTIFACTS / "dashboard-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".sesis-dashboard").screenshot(path=str(ARTIFACTS / "dashboard-390.png"))
    assert page.evaluate("document.documentElement.scrollWidth <= 390")
    assert_accessible(page, "dashboard-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    behind.click()
    page.get_by_role("heading", name="Provider Service Totals").wait_for()
    plural = "" if count == "1" else "s"
    expect(page.get_by_role("status")).to_have_text(f"{count} provider{plural}.")
    assert page.get_by_label("Providers", exact=True).input_value() == "on"
    wrap = page.locator(".sesis-table-wrap").first
    assert wrap.evaluate("element => element.scrollWidth <= element.clientWidth")
    wrap.screenshot(path=str(ARTIFACTS / "provider-totals-1280.png"))
    page.go_back()
    page.get_by_role("link", name=re.compile("Mandates awaiting a provider$")).click()
    expect(page.get_by_role("status")).to_contain_text("1 mandate awaiting a provider")
    expect(page.get_by_role("row", name=re.compile("Muñoz, Eve"))).to_contain_text("Speech")


def test_the_remove_page_warns_of_uncertified_sessions(page: Page, district: District) -> None:
    _records(district)  # Nov 3, cancelled, not certified
    sign_in(page, "200", PASSWORD)
    page.goto("/administration/staff/300/caseload/")
    page.get_by_role("link", name="Remove Ana O'Connor from the caseload").click()
    warning = page.get_by_role("region", name=re.compile("not certified"))
    expect(warning).to_contain_text("Tue, Nov 3, 2026")
    assert_accessible(page, "remove-with-uncertified")
    assert_fits_phone_width(page, "remove-with-uncertified")
