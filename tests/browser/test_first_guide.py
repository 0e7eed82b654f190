"""The first user guide, "Adding a student to a provider's caseload in SESIS", step
by step by its visible labels, as a user trained on the guide would do it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sesis.caseloads.models import CaseloadEntry
from tests.browser.conftest import assert_accessible, sign_in, sign_out
from tests.factories import PASSWORD, District, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(transactional_db: None) -> District:
    return build_district()


def test_a_supervisor_gives_a_doe_provider_access_to_students(page: Page, district: District) -> None:
    # 1. Confirm that you have access to the student and the provider in SESIS.
    sign_in(page, "200", PASSWORD)
    # 2. Click Administration, and then click Staff from the left navigation bar.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Staff").click()
    #    The Staff Quick Search form appears.
    expect(page.get_by_role("heading", name="Staff Quick Search")).to_be_visible()
    assert_accessible(page, "staff-quick-search")
    # 3. Search for the appropriate staff member.
    page.get_by_label("Name (last or first, from the start)").fill("Santos")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page, "staff-search-results")
    # 4. On the search results page, click the magnifying glass icon next to the staff member.
    page.get_by_role("link", name="View Maria Santos").click()
    expect(page.get_by_role("heading", name="Maria Santos")).to_be_visible()
    actions = page.get_by_role("navigation", name="Actions")
    # 5. From the Actions bar, click the Select drop-down icon.
    actions.get_by_text("Select").click()
    assert_accessible(page, "staff-page-select-open")
    # 6. From the pop-up menu, choose Caseload.
    actions.get_by_role("link", name="Caseload", exact=True).click()
    expect(page.get_by_role("heading", name="Caseload", exact=True)).to_be_visible()
    # 7. From the Actions bar, click Add to Caseload. The Student Quick Search form appears.
    page.get_by_role("navigation", name="Actions").get_by_role("link", name="Add to Caseload").click()
    expect(page.get_by_role("heading", name="Student Quick Search")).to_be_visible()
    # 8. Search for the student.
    page.get_by_label("School (DBN)").fill("02M001")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page, "student-search-results")
    # 9. On the search results page, check the box next to the student's name.
    page.get_by_role("checkbox", name="Mark Ana O'Connor").check()
    page.get_by_role("checkbox", name="Mark Dan Smith").check()  # no IEP mandate: refused with the reason
    # 10. Click the green Add Students marked Below to Caseload button.
    button = page.get_by_role("button", name="Add Students marked Below to Caseload")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(33, 110, 31)"
    button.click()
    expect(page.get_by_text("Added to the caseload: Ana O'Connor (111111111).")).to_be_visible()
    expect(page.get_by_text("Not added: Dan Smith (444444444). No IEP mandate.")).to_be_visible()
    assert_accessible(page, "student-added-messages")
    # 11. From the Actions bar, click Caseload. The provider's caseload appears.
    page.get_by_role("navigation", name="Actions").get_by_role("link", name="Caseload", exact=True).click()
    caseload = page.get_by_role("table", name="Caseload")
    expect(caseload.get_by_role("rowheader", name="O'Connor, Ana")).to_be_visible()
    expect(caseload.get_by_text("Smith")).to_have_count(0)
    assert_accessible(page, "provider-caseload")
    assert CaseloadEntry.objects.get().source == "supervisor"
    # The provider can now access the student in SESIS.
    sign_out(page)
    sign_in(page, "300", PASSWORD)
    area = page.get_by_role("region", name="My Student Caseload")
    expect(area.get_by_role("rowheader", name="O'Connor, Ana")).to_be_visible()


def test_a_doe_provider_adds_a_student_from_the_homepage(page: Page, district: District) -> None:
    sign_in(page, "600", PASSWORD)
    # 2. On the SESIS homepage, scroll to the My Student Caseload area at the bottom of the page.
    area = page.get_by_role("region", name="My Student Caseload")
    area.scroll_into_view_if_needed()
    #    The Student Quick Search form appears.
    form = area.get_by_role("form", name="Student Quick Search")
    expect(form).to_be_visible()
    assert_accessible(page, "provider-home")
    # 3. Search for the student.
    form.get_by_label("Last name").fill("nguy")
    form.get_by_role("button", name="Search").click()
    # 4. On the search results page, check the box next to the student's name.
    page.get_by_role("checkbox", name="Mark Chloe Nguyen").check()
    # 5. Click the green Add Students marked Below to Caseload button.
    page.get_by_role("button", name="Add Students marked Below to Caseload").click()
    expect(page.get_by_text("Added to the caseload: Chloe Nguyen (333333333).")).to_be_visible()
    # 6. From the Actions bar, click Caseload. Your caseload appears with the additional student listed.
    page.get_by_role("navigation", name="Actions").get_by_role("link", name="Caseload", exact=True).click()
    expect(page.get_by_role("table", name="Caseload").get_by_role("rowheader", name="Nguyen, Chloe")).to_be_visible()
    assert_accessible(page, "my-caseload")
    entry = CaseloadEntry.objects.get()
    assert (entry.provider.staff_id, entry.source) == ("600", "provider")


def test_a_supervisor_removes_a_student_with_a_reason(page: Page, district: District) -> None:
    from sesis.caseloads.actions import caseload_add

    caseload_add(actor=district.supervisor, provider=district.doe_speech, students=[district.speech_student])
    sign_in(page, "200", PASSWORD)
    page.goto("/administration/staff/300/caseload/")
    page.get_by_role("link", name="Remove Ana O'Connor from the caseload").click()
    page.get_by_role("button", name="Remove from caseload").click()
    expect(page.get_by_text("Choose a reason for removing the student.", exact=True)).to_be_visible()
    assert_accessible(page, "remove-with-error")
    page.get_by_label("Reason for removal").select_option("Student changed schools")
    page.get_by_role("button", name="Remove from caseload").click()
    expect(page.get_by_text("Removed from the caseload: Ana O'Connor (111111111).")).to_be_visible()
    history = page.get_by_role("table", name="Removed from the caseload")
    expect(history.get_by_text("Student changed schools")).to_be_visible()
