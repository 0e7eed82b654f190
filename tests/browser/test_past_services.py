"""Record Past Services on a phone and at 1280 px: the picker lists the past school
days of the window with their weekday names (on a phone only those), OK stays within
reach without scrolling, and three dates picked at once record the same session on
each. The interactions are counted (test-artifacts/figures.json). axe: no violations."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from sesis.caseloads.actions import caseload_add
from sesis.services.models import ServiceRecord
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, Interactions, assert_accessible, record_figure, sign_in
from tests.factories import PASSWORD, District, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DATES = ["Thursday, November 12", "Friday, November 13", "Monday, November 16"]


@pytest.fixture
def district(transactional_db: None, today: dt.date) -> District:
    d = build_district()
    caseload_add(actor=d.para, provider=d.para, students=[d.para_student])
    return d


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_three_past_dates_recorded_at_once(page: Page, district: District, viewport) -> None:
    width = viewport["width"]
    page.set_viewport_size(viewport)
    sign_in(page, "600", PASSWORD)
    page.goto("/services/333333333/")
    ui = Interactions()
    ui.click(page.get_by_role("link", name="Record Past Services"))
    expect(page.get_by_label("Wednesday, November 18")).to_have_count(1)  # today, by weekday name
    expect(page.get_by_label("Thursday, November 19")).to_have_count(0)  # tomorrow: not offered
    if viewport is PHONE:  # a phone lists only the days that can be picked
        expect(page.get_by_text("Nov 19", exact=True)).to_be_hidden()
    for date in DATES:
        ui.check(page.locator("label", has_text=date))
    ok = page.get_by_role("button", name="OK")
    box = ok.bounding_box()
    assert box is not None and box["y"] + box["height"] <= viewport["height"]  # in reach, no scrolling
    assert_accessible(page, f"past-services-picker-{width}")
    page.screenshot(path=str(ARTIFACTS / f"past-services-picker-{width}.png"))
    ui.click(ok)

    expect(page.get_by_text("Dates of the session (3)")).to_be_visible()
    ui.fill(page.get_by_label("Start Time"), "09:00")
    ui.fill(page.get_by_label("End Time"), "14:30")
    ui.choose(page.get_by_label("Service Description"), "Health")
    ui.choose(page.get_by_label("Progress Indicator"), "Progressing")
    ui.check(page.get_by_label("I certify that this session information is accurate and truthful."))
    assert_accessible(page, f"past-services-form-{width}")
    ui.click(page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Saved and certified on 3 dates: Thu Nov 12, Fri Nov 13, Mon Nov 16.")).to_be_visible()
    records = ServiceRecord.objects.order_by("date")
    assert [r.date.day for r in records] == [12, 13, 16]
    assert all(r.is_certified and r.start_time == dt.time(9) for r in records)
    record_figure(f"three past dates recorded at once ({width} px)", ui.count)
