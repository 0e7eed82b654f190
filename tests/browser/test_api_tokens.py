"""Making and revoking API tokens by their visible labels; the pages pass axe-core and
fit a phone screen. The token made on the page then works against the API."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sesis.api.models import ApiToken, TokenKind
from tests.browser.conftest import assert_accessible, assert_fits_phone_width, sign_in
from tests.factories import PASSWORD, District, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(transactional_db: None) -> District:
    return build_district()


def test_a_provider_makes_a_personal_token_and_uses_it(page: Page, district: District) -> None:
    sign_in(page, "300", PASSWORD)
    page.goto("/profile/")
    page.get_by_role("link", name="Manage your API tokens").click()
    assert_accessible(page, "api-tokens-empty")
    page.get_by_role("button", name="Create token").click()
    page.get_by_text("Give the token a name that says what uses it.", exact=True).wait_for()
    assert_accessible(page, "api-tokens-refused")
    page.get_by_label("Token name").fill("Scheduling spreadsheet")
    page.get_by_label("Lasts").select_option("30")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Token").input_value()
    assert secret.startswith("sesis_")
    assert_accessible(page, "api-token-created")
    assert_fits_phone_width(page, "api-token-created")
    me = page.request.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status == 200 and me.json()["staff"]["staff_id"] == "300"
    page.get_by_role("link", name="Done").click()
    page.get_by_role("heading", name="Create a token").wait_for()
    assert_fits_phone_width(page, "api-tokens")
    page.get_by_role("button", name="Revoke Scheduling spreadsheet").click()
    page.get_by_text("Revoked: Scheduling spreadsheet. It no longer works.").wait_for()
    assert page.request.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {secret}"}).status == 401


def test_an_administrator_makes_a_service_token_with_scopes(page: Page, district: District) -> None:
    sign_in(page, "100", PASSWORD)
    page.goto("/administration/")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_role("heading", name="Create a service token").wait_for()  # the page, not the navigation to it
    assert_accessible(page, "service-tokens-empty")
    page.get_by_label("System").fill("Medicaid claiming")
    page.get_by_role("button", name="Create service token").click()
    page.get_by_text("Choose at least one scope for the service token.", exact=True).wait_for()
    assert_accessible(page, "service-tokens-refused")
    page.locator("label", has_text="Read and export the Encounter Attendance").click()  # USWDS styles the label
    expect(page.get_by_label("reports:read: Read and export")).to_be_checked()
    page.get_by_role("button", name="Create service token").click()
    expect(page.get_by_label("Token")).to_have_value(re.compile(r"^sesis_"))
    assert page.get_by_label("Token").input_value().startswith(ApiToken.objects.get().prefix)
    page.get_by_role("link", name="Done").click()
    page.get_by_role("heading", name="Create a service token").wait_for()
    assert_accessible(page, "service-tokens")
    assert_fits_phone_width(page, "service-tokens")
    token = ApiToken.objects.get()
    assert (token.kind, token.scopes) == (TokenKind.SERVICE, ["reports:read"])
    page.get_by_role("button", name="Revoke Medicaid claiming").click()
    page.get_by_text("Revoked: Medicaid claiming").wait_for()


def test_the_api_reference_page_and_its_try_it_forms(page: Page, district: District) -> None:
    page.goto("/api/v1/docs")
    page.get_by_role("heading", name="SESIS API reference").wait_for()
    assert_accessible(page, "api-docs-anonymous")
    sign_in(page, "200", PASSWORD)
    page.goto("/api/v1/docs")
    page.get_by_role("link", name="Student Quick Search").click()
    search = page.locator("article", has=page.get_by_role("heading", name="Student Quick Search"))
    search.get_by_text("Try it").click()
    assert_accessible(page, "api-docs")
    assert_fits_phone_width(page, "api-docs")
    search.get_by_label("last_name").fill("o'c")
    search.get_by_role("button", name="Send GET /api/v1/students").click()
    assert '"osis": "111111111"' in page.content()
