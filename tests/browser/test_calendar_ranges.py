"""The school calendar by ranges in the browser: a week's closure over a day that holds
a certified session is listed and confirmed first; the record then says it was recorded
on a day now marked non-school, and the supervisor finds it from the dashboard. Every
page passes axe and fits a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from sesis.caseloads.actions import caseload_add
from sesis.mandates.models import Mandate
from sesis.schoolcalendar.models import CalendarDay
from sesis.services.actions import draft, service_record_create
from tests.browser.conftest import ARTIFACTS, assert_accessible, assert_fits_phone_width, sign_in, sign_out
from tests.factories import PASSWORD, District, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(transactional_db: None, today) -> District:
    d = build_district()
    caseload_add(actor=d.para, provider=d.para, students=[d.para_student])
    service_record_create(
        actor=d.para,
        provider=d.para,
        data=draft(
            student=d.para_student,
            mandate=Mandate.objects.get(student=d.para_student, service="PARA"),
            date=dt.date(2026, 11, 16),
            start_time=dt.time(9),
            end_time=dt.time(10),
            language="English",
            location="classroom",
            description="health",
            progress="progressing",
        ),
        certify=True,
    )
    return d


def test_a_closure_over_a_recorded_day_is_confirmed_then_flagged(page: Page, district: District) -> None:
    sign_in(page, "100", PASSWORD)
    page.goto("/administration/calendar/?year=2026")
    page.get_by_label("From").fill("2026-11-16")
    page.get_by_label("To (blank for one day)").fill("2026-11-20")
    page.get_by_label("Kind of day").select_option("closure")
    page.get_by_label("District, blank for citywide").fill("2")
    page.get_by_label("Description").fill("Storm damage")
    page.get_by_role("button", name="Add").click()

    expect(page.get_by_text("1 service record is on these days.").first).to_be_visible()
    records = page.get_by_role("table", name="Service records on these days")
    expect(records).to_contain_text("Nguyen, Chloe (333333333)")
    assert not CalendarDay.objects.filter(kind="closure").exists()
    assert_accessible(page, "calendar-confirm")
    assert_fits_phone_width(page, "calendar-confirm")
    page.screenshot(path=str(ARTIFACTS / "desktop-calendar-confirm.png"), full_page=True)

    page.locator("label[for=id_confirm]").click()
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Added: Closure (district 2), 2026-11-16 to 2026-11-20: 5 days.")).to_be_visible()
    listed = page.get_by_role("table", name="Holidays, recesses, closures and weekend school days of the school year")
    expect(listed).to_contain_text("Mon, Nov 16, 2026 to Fri, Nov 20, 2026 (5 days)")
    assert_accessible(page, "calendar-ranges")
    assert_fits_phone_width(page, "calendar-ranges")

    page.get_by_role("link", name="Change November 16, 2026 Closure").click()
    expect(page.get_by_label("To (blank for one day)")).to_have_value("2026-11-20")
    assert_accessible(page, "calendar-change")
    assert_fits_phone_width(page, "calendar-change")

    sign_out(page)
    sign_in(page, "200", PASSWORD)
    page.get_by_role("link", name="1 Sessions on days now marked non-school").click()
    expect(page.get_by_label("School day")).to_have_value("closed")
    assert_accessible(page, "encounter-attendance-now-marked")
    report = page.get_by_role("table").filter(has_text="Nguyen")
    expect(report.locator("tbody tr")).to_have_count(1)
    report.get_by_role("link", name="2026-11-16").click()
    expect(
        page.get_by_text("Recorded on a day now marked non-school (Storm damage); kept as recorded.")
    ).to_be_visible()
    assert_accessible(page, "record-now-marked")
    assert_fits_phone_width(page, "record-now-marked")
