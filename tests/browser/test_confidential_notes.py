"""Confidential counseling notes in the browser, on a phone and at 1280 px: the
counselor ticks "Confidential notes" on the Service Record form (by its label) and
reads the notes back on the record page, marked; a supervisor in scope opens the same
record and reads that the notes are confidential, never the notes, with no way to
amend it. axe finds no violations on any of the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from sesis.audit.models import Disclosure
from sesis.caseloads.actions import caseload_add
from sesis.mandates.models import AssignmentKind
from sesis.services.models import ServiceRecord
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, assert_accessible, sign_in
from tests.factories import (
    PASSWORD,
    AssignmentFactory,
    District,
    MandateFactory,
    StaffFactory,
    StudentFactory,
    build_district,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRET = "Spoke about the move; check in next week."


@pytest.fixture
def district(transactional_db: None, today: dt.date) -> District:
    d = build_district()
    counselor = StaffFactory.create(staff_id="310", first_name="Kevin", last_name="O'Brien", disciplines=["COUNSELING"])
    AssignmentFactory.create(staff=counselor, kind=AssignmentKind.SCHOOL, school=d.school_a)
    student = StudentFactory.create(osis="777777777", first_name="Gia", last_name="Rossi", school=d.school_a)
    MandateFactory.create(student=student, service="COUNSELING", group_size=1)
    caseload_add(actor=counselor, provider=counselor, students=[student])
    return d


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_counselor_marks_notes_confidential_and_a_supervisor_cannot_read_them(
    page: Page, district: District, viewport
) -> None:
    width = viewport["width"]
    page.set_viewport_size(viewport)
    sign_in(page, "310", PASSWORD)
    page.goto("/services/777777777/record/new/?date=2026-11-16")
    page.get_by_label("Start Time").fill("13:00")
    page.get_by_label("End Time").fill("13:30")
    page.get_by_label("Service Location").select_option(label="Separate location in school")
    page.get_by_label("Session Notes").fill(SECRET)
    page.locator("label", has_text="Confidential notes").click()  # a USWDS checkbox: its label takes the click
    expect(page.get_by_label("Confidential notes")).to_be_checked()
    assert_accessible(page, f"confidential-form-{width}")
    page.screenshot(path=str(ARTIFACTS / f"confidential-form-{width}.png"), full_page=True)
    page.get_by_label("I certify that this session information is accurate").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".usa-alert--success")).to_be_visible()

    record = ServiceRecord.objects.get(student__osis="777777777")
    assert record.notes == SECRET and record.notes_confidential and record.is_certified
    page.goto(f"/services/records/{record.pk}/")
    expect(page.get_by_role("heading", name="Service Record: Gia Rossi")).to_be_visible()
    expect(page.get_by_text(SECRET)).to_be_visible()
    expect(page.get_by_text("Shown only to their author and administrators; each view is logged.")).to_be_visible()
    assert_accessible(page, f"confidential-record-author-{width}")
    page.screenshot(path=str(ARTIFACTS / f"confidential-record-author-{width}.png"), full_page=True)

    page.context.clear_cookies()
    sign_in(page, "200", PASSWORD)
    page.goto(f"/services/records/{record.pk}/")
    expect(page.get_by_role("heading", name="Service Record: Gia Rossi")).to_be_visible()
    expect(
        page.get_by_text("Confidential counseling notes: shown only to their author and administrators.")
    ).to_be_visible()
    expect(page.get_by_text(SECRET)).to_have_count(0)
    expect(page.get_by_role("link", name="Amend")).to_have_count(0)
    assert_accessible(page, f"confidential-record-supervisor-{width}")
    page.screenshot(path=str(ARTIFACTS / f"confidential-record-supervisor-{width}.png"), full_page=True)
    shown = Disclosure.objects.filter(what="Confidential counseling notes")
    assert {d.actor.staff_id for d in shown} == {"310"}  # the author's showings; the supervisor saw none
