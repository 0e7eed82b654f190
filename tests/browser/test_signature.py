"""Needs your signature, as a provider uses it: a week of sessions saved without
certifying, then certified from the homepage with one statement and one button."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from sesis.caseloads.actions import caseload_add
from sesis.services.actions import service_record_create
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions
from tests.browser.conftest import ARTIFACTS, DESKTOP, assert_accessible, assert_fits_phone_width, sign_in
from tests.factories import PASSWORD, District, build_district


@pytest.fixture
def week(transactional_db: None, today: dt.date) -> District:
    d = build_district()
    caseload_add(actor=d.para, provider=d.para, students=[d.para_student])
    sessions = Sessions(d=d, today=today)
    for day in (12, 13, 16, 17, 18):
        service_record_create(actor=d.para, provider=d.para, data=sessions.para_input(date=dt.date(2026, 11, day)))
    return d


def test_a_week_of_sessions_is_certified_in_two_steps(page: Page, week: District) -> None:
    sign_in(page, week.para.staff_id, PASSWORD)
    section = page.get_by_role("region", name="Needs your signature (5)")
    expect(section.get_by_role("checkbox", name="Certify Chloe Nguyen, Nov 12")).to_be_checked()
    assert_accessible(page, "needs-signature")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "needs-signature-1280.png"), full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "needs-signature-390.png"), full_page=False)
    page.set_viewport_size(DESKTOP)
    assert_fits_phone_width(page, "needs-signature")
    # Without the statement nothing is signed.
    page.get_by_role("button", name="Certify ticked records").click()
    expect(page.get_by_text("Check the box to certify")).to_be_visible()
    assert not ServiceRecord.objects.filter(certified_at__isnull=False).exists()
    # The two steps: tick the statement, press the button.
    page.get_by_label(
        "I certify that the information of each ticked session is accurate and truthful.", exact=False
    ).check()
    page.get_by_role("button", name="Certify ticked records").click()
    expect(page.get_by_text("Certified 5 service records.")).to_be_visible()
    expect(page.get_by_role("heading", name="Needs your signature (5)")).to_have_count(0)
    assert ServiceRecord.objects.filter(certified_by=week.para).count() == 5
    assert_accessible(page, "needs-signature-done")


def test_an_independent_provider_adds_a_student_their_rsa_names_from_the_homepage(
    page: Page, transactional_db: None, today: dt.date
) -> None:
    d = build_district()
    sign_in(page, d.independent_speech.staff_id, PASSWORD)
    expect(page.get_by_role("heading", name="Students you may serve (1)")).to_be_visible()
    assert_accessible(page, "may-serve")
    assert_fits_phone_width(page, "may-serve")
    page.get_by_role("button", name=f"Add {d.rsa_student.first_name} {d.rsa_student.last_name} to my caseload").click()
    expect(
        page.get_by_text(f"Added to the caseload: {d.rsa_student.full_name} ({d.rsa_student.osis}).")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Students you may serve (1)")).to_have_count(0)
    assert_accessible(page, "may-serve-added")
