"""After a refused Save, an error summary at the top of the form (GOV.UK's pattern):
it takes the focus, so a phone shows it and a screen reader reads it, and lists each
problem as a link that moves the focus to its field. On a phone and at 1280 px."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from sesis.caseloads.actions import caseload_add
from sesis.services.models import ServiceRecord
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, assert_accessible, sign_in
from tests.factories import PASSWORD, District, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(transactional_db: None, today: dt.date) -> District:
    d = build_district()
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.speech_student])
    return d


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_refused_save_is_summarised_at_the_top_and_focused(page: Page, district: District, viewport) -> None:
    sign_in(page, "300", PASSWORD)
    page.set_viewport_size(viewport)
    page.goto("/services/111111111/record/new/?date=2026-11-16")
    page.get_by_label("Start Time").fill("10:30")
    page.get_by_label("End Time").fill("10:00")
    page.get_by_role("button", name="Save").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_contain_text("nothing was saved")
    link = summary.get_by_role("link", name="End Time: End Time must be after Start Time.")
    expect(link).to_be_visible()
    top = summary.bounding_box()
    assert top is not None and -1 <= top["y"] < viewport["height"] / 2  # in view, not 1,700 px down
    assert_accessible(page, f"error-summary-{viewport['width']}")
    page.screenshot(path=str(ARTIFACTS / f"error-summary-{viewport['width']}.png"))

    link.click()
    expect(page.get_by_label("End Time")).to_be_focused()
    assert not ServiceRecord.objects.exists()
