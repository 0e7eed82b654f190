"""Every page, as every role that can reach it, passes axe-core with no violations
and fits a 360 px phone screen. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from sesis.caseloads.actions import caseload_add, caseload_remove
from sesis.ivr.actions import first_attend_receive
from sesis.ivr.models import Source
from tests.browser.conftest import assert_accessible, assert_fits_phone_width, sign_in
from tests.factories import PASSWORD, District, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPERVISOR_PAGES = [
    ("first-attends-admin", "/administration/first-attends/"),
    ("first-attends-admin-refused", "/administration/first-attends/?status=refused"),
    ("profile-supervisor", "/profile/"),
    ("home-supervisor", "/"),
    ("administration", "/administration/"),
    ("staff-search", "/administration/staff/"),
    ("staff-search-results", "/administration/staff/?search=1"),
    ("staff-search-none", "/administration/staff/?name=zzz&search=1"),
    ("staff-detail-provider", "/administration/staff/300/"),
    ("staff-detail-self", "/administration/staff/200/"),
    ("staff-caseload", "/administration/staff/300/caseload/"),
    ("staff-caseload-empty", "/administration/staff/600/caseload/"),
    ("staff-caseload-add", "/administration/staff/300/caseload/add/"),
    ("staff-caseload-add-results", "/administration/staff/300/caseload/add/?school=02M001"),
    ("staff-caseload-add-invalid", "/administration/staff/300/caseload/add/?osis=12"),
    ("not-found", "/administration/staff/99999/"),
]
PROVIDER_PAGES = [
    ("my-first-attends", "/first-attends/"),
    ("profile-provider", "/profile/"),
    ("change-password", "/profile/password/"),
    ("home-provider", "/"),
    ("my-caseload", "/caseload/"),
    ("my-caseload-add-results", "/caseload/add/?last_name=o"),
    ("my-schedule-empty", "/schedule/"),
    ("slot-add-empty", "/schedule/add/"),
    ("day-empty", "/day/"),
]


@pytest.fixture
def district(transactional_db: None) -> District:
    d = build_district()
    caseload_add(actor=d.supervisor, provider=d.doe_speech, students=[d.speech_student])
    for n, osis in enumerate(["111111111", "444444444"]):  # first attends: already on the caseload, and refused
        first_attend_receive(
            staff_id="300",
            osis=osis,
            service="SPEECH",
            first_attend_date=timezone.localdate(),
            call_id=f"PAGE{n}",
            source=Source.CALL,
        )
    # and one removed, so the caseload page shows its history too
    (removed,) = caseload_add(actor=d.admin, provider=d.doe_speech, students=[d.far_student])
    assert removed.entry is not None
    caseload_remove(actor=d.admin, entry=removed.entry, reason="Added in error")
    return d


def check(page: Page, name: str, path: str) -> None:
    page.goto(path)
    assert_accessible(page, name)
    assert_fits_phone_width(page, name)


def test_the_sign_in_page(page: Page, district: District) -> None:
    check(page, "sign-in", "/accounts/login/")
    page.get_by_label("Staff ID").fill("200")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("correct staff ID and password").wait_for()
    assert_accessible(page, "sign-in-error")


@pytest.mark.parametrize(("name", "path"), SUPERVISOR_PAGES)
def test_supervisor_pages(page: Page, district: District, name: str, path: str) -> None:
    sign_in(page, "200", PASSWORD)
    check(page, name, path)


def test_the_profile_with_a_refused_pin(page: Page, district: District) -> None:
    sign_in(page, "300", PASSWORD)
    page.goto("/profile/")
    page.get_by_label("New telephone PIN").fill("1234")
    page.get_by_role("button", name="Set PIN").click()
    page.get_by_text("That PIN is too easy to guess").wait_for()
    assert_accessible(page, "profile-pin-refused")


def test_the_remove_page(page: Page, district: District) -> None:
    sign_in(page, "200", PASSWORD)
    page.goto("/administration/staff/300/caseload/")
    page.get_by_role("link", name="Remove Ana O'Connor from the caseload").click()
    assert_accessible(page, "remove")
    assert_fits_phone_width(page, "remove")


@pytest.mark.parametrize(("name", "path"), PROVIDER_PAGES)
def test_provider_pages(page: Page, district: District, name: str, path: str) -> None:
    sign_in(page, "300", PASSWORD)
    check(page, name, path)


ADMINISTRATOR_PAGES = [
    ("home-administrator", "/"),
    ("access-lookup", "/administration/access/"),
    ("access-lookup-unknown", "/administration/access/?osis=999999999"),
    ("student-access", "/administration/access/111111111/"),
    ("staff-password", "/administration/staff/300/password/"),
]


@pytest.mark.parametrize(("name", "path"), ADMINISTRATOR_PAGES)
def test_administrator_pages(page: Page, district: District, name: str, path: str) -> None:
    sign_in(page, "100", PASSWORD)
    check(page, name, path)


def test_a_refused_password_change(page: Page, district: District) -> None:
    sign_in(page, "300", PASSWORD)
    page.goto("/profile/password/")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("password1234")
    page.get_by_label("New password again").fill("password1234")
    page.get_by_role("button", name="Change password").click()
    page.locator(".usa-error-message", has_text="This password is too common.").wait_for()
    assert_accessible(page, "change-password-refused")
