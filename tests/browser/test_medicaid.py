"""Medicaid at entry, as the provider meets it: a session saved without parental
consent on file is kept and the reason is said at once, on the calendar, the record
page and the homepage; the administrator's claims page produces the month's file.
Every page passes axe and fits a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from sesis.caseloads.actions import caseload_add
from sesis.claims.models import ClaimRun
from sesis.medicaid.models import Consent
from sesis.medicaid.tests.conftest import give_facts
from sesis.schoolcalendar.models import CalendarDay
from sesis.services.models import ServiceRecord
from tests.browser.conftest import assert_accessible, assert_fits_phone_width, sign_in
from tests.factories import PASSWORD, District, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_CONSENT = "Not claimable to Medicaid: no parental consent to bill Medicaid is on file for this student."


@pytest.fixture
def district(transactional_db: None, today) -> District:
    d = build_district()
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.speech_student])
    CalendarDay.objects.create(date=dt.date(2026, 11, 11), kind="holiday", description="Veterans Day")
    give_facts(d)
    Consent.objects.filter(student=d.speech_student).delete()
    return d


def test_the_reason_is_said_at_entry_and_shown_wherever_the_session_is(page: Page, district: District) -> None:
    sign_in(page, "300", PASSWORD)
    page.goto("/services/111111111/record/new/?date=2026-11-16")
    page.get_by_label("Start Time").fill("10:00")
    page.get_by_label("End Time").fill("10:30")
    page.get_by_label("Group Size").select_option("individual")
    page.get_by_label("Service Location").select_option("separate")
    page.get_by_label("Session Notes").fill("Worked on /s/ blends.")
    page.get_by_label("I certify that this session information is accurate and truthful.").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved and certified: Service Provided on November 16")).to_be_visible()
    expect(page.get_by_text(NO_CONSENT)).to_be_visible()  # said at once; the record is kept
    assert ServiceRecord.objects.filter(certified_at__isnull=False).count() == 1
    expect(
        page.get_by_role("link", name="10:00–10:30 Service Provided Certified Not claimable to Medicaid")
    ).to_be_visible()
    assert_accessible(page, "calendar-unclaimable")
    assert_fits_phone_width(page, "calendar-unclaimable")

    page.get_by_role("link", name="10:00–10:30 Service Provided Certified Not claimable to Medicaid").click()
    expect(page.locator("dd", has_text=NO_CONSENT)).to_be_visible()
    assert_accessible(page, "record-unclaimable")
    assert_fits_phone_width(page, "record-unclaimable")

    page.goto("/")
    section = page.get_by_role("region", name="Not claimable to Medicaid this month (1)")
    expect(section.get_by_text("no parental consent to bill Medicaid is on file for this student")).to_be_visible()
    assert_accessible(page, "home-unclaimable")

    # Consent arrives: the same record is claimable, and the record page says with what code.
    Consent.objects.create(student=district.speech_student, given_on=dt.date(2026, 9, 1))
    page.goto(f"/services/records/{ServiceRecord.objects.get().pk}/")
    expect(page.locator("dd", has_text="Claimable: 92507, 1 unit")).to_be_visible()


def test_the_administrator_produces_the_month_claim_file(page: Page, district: District) -> None:
    from sesis.services.actions import service_record_create
    from sesis.services.tests.conftest import Sessions

    s = Sessions(d=district, today=dt.date(2026, 11, 18))
    Consent.objects.create(student=district.speech_student, given_on=dt.date(2026, 9, 1))
    data = s.speech_input(grouping="individual", group_count=None)
    service_record_create(actor=district.doe_speech, provider=district.doe_speech, data=data, certify=True)
    sign_in(page, "100", PASSWORD)
    page.goto("/administration/")
    page.get_by_role("link", name="Medicaid claims").click()
    expect(page.get_by_text("1 session, 30 minutes")).to_be_visible()
    assert_accessible(page, "medicaid-claims")
    assert_fits_phone_width(page, "medicaid-claims")
    page.get_by_label("Month (YYYY-MM)").fill("2026-11")
    page.get_by_role("button", name="Produce the claim file").click()
    expect(page.get_by_text("1 new claims, 0 replacements, 0 voids")).to_be_visible()
    run = ClaimRun.objects.get()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"837P file of run {run.pk}").click()
    assert download.value.suggested_filename == f"sesis-claims-2026-11-run{run.pk}.x12"
    assert_accessible(page, "medicaid-claims-run")


def test_the_administrator_keeps_the_facts_and_the_rules_in_the_browser(page: Page, district: District) -> None:
    sign_in(page, "100", PASSWORD)
    # The student's Medicaid page, found from the claims page by OSIS ID: no consent on file.
    page.goto("/administration/medicaid/")
    page.get_by_label("A student's Medicaid facts: OSIS ID").fill("111111111")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No consent on file: no session of this student is claimable.")).to_be_visible()
    assert_accessible(page, "student-medicaid")
    assert_fits_phone_width(page, "student-medicaid")
    page.get_by_role("link", name="Add a consent").click()
    page.get_by_label("Given on").fill("2026-09-08")
    page.get_by_label("Withdrawn on").fill("2026-09-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("2026-09-01 is before the date given 2026-09-08.", exact=True)).to_be_visible()
    assert_accessible(page, "student-medicaid-fact-refused")
    assert_fits_phone_width(page, "student-medicaid-fact-refused")
    assert not Consent.objects.filter(student=district.speech_student).exists()
    page.get_by_label("Withdrawn on").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("is saved.", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="Correct the consent given 2026-09-08")).to_be_visible()

    # The provider's credential, from the staff member's page.
    page.goto("/administration/staff/300/")
    expect(page.get_by_text("SLP-031234", exact=False)).to_be_visible()
    page.get_by_role("link", name="Correct the credential of Maria Santos").click()
    assert_accessible(page, "staff-credential")
    assert_fits_phone_width(page, "staff-credential")
    page.get_by_label("Expires on").fill("2026-11-30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("2026-11-30")).to_be_visible()

    # The claim rules.
    page.goto("/administration/medicaid/")
    page.get_by_role("link", name="Claim rules").click()
    assert_accessible(page, "claim-rules")
    assert_fits_phone_width(page, "claim-rules")
    page.get_by_role("link", name="Change the Speech-Language Therapy individual rule").click()
    page.get_by_label("Rate per unit ($)").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".usa-error-message", has_text="greater than or equal to 0.01")).to_be_visible()
    assert_accessible(page, "claim-rule-refused")
    page.get_by_label("Rate per unit ($)").fill("61.25")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="$61.25")).to_be_visible()
