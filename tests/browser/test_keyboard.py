"""The first guide's supervisor procedure by keyboard alone: Tab to each control
the guide names, Enter or Space to use it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sesis.caseloads.models import CaseloadEntry
from sesis.core.testing import PASSWORD, District, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_NAME = """() => {
  const e = document.activeElement;
  if (!e) return "";
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return (e.getAttribute("aria-label") || label || e.innerText || e.value || "").trim();
}"""


def tab_to(page: Page, name: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_NAME) == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with the Tab key")


def activate(page: Page, key: str = "Enter") -> None:
    """Press a key that follows a link or submits a form, and wait for the new page."""
    with page.expect_navigation():
        page.keyboard.press(key)


@pytest.fixture
def district(transactional_db: None) -> District:
    return build_district()


def test_a_supervisor_adds_a_student_by_keyboard_alone(page: Page, district: District) -> None:
    page.goto("/")
    tab_to(page, "Staff ID")
    page.keyboard.type("200")
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    activate(page)
    tab_to(page, "Administration")
    activate(page)
    tab_to(page, "Staff")
    activate(page)
    tab_to(page, "Name (last or first, from the start)")
    page.keyboard.type("Santos")
    activate(page)
    tab_to(page, "View Maria Santos")
    activate(page)
    tab_to(page, "Select")
    page.keyboard.press("Enter")  # opens the drop-down in place
    tab_to(page, "Caseload")
    activate(page)
    tab_to(page, "Add to Caseload")
    activate(page)
    tab_to(page, "Last name")
    page.keyboard.type("O'Connor")
    activate(page)
    tab_to(page, "Mark Ana O'Connor")
    page.keyboard.press("Space")
    page.keyboard.press("Shift+Tab")  # the green button stands just above the results
    assert page.evaluate(FOCUSED_NAME) == "Add Students marked Below to Caseload"
    activate(page)
    expect(page.get_by_text("Added to the caseload: Ana O'Connor (111111111).")).to_be_visible()
    tab_to(page, "Caseload")
    activate(page)
    expect(page.get_by_role("table", name="Caseload").get_by_role("rowheader", name="O'Connor, Ana")).to_be_visible()
    assert CaseloadEntry.objects.filter(student=district.speech_student).count() == 1
