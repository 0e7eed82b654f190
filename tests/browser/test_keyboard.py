"""Both guides' procedures by keyboard alone: Tab to each control the guide names,
Enter or Space to use it, type into fields and drop-downs. Every control reached
shows where the focus is."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sesis.caseloads.actions import caseload_add
from sesis.caseloads.models import CaseloadEntry
from sesis.services.forms import CERTIFY_LABEL
from sesis.services.models import ServiceRecord
from tests.factories import PASSWORD, District, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_NAME = """() => {
  const e = document.activeElement;
  if (!e) return "";
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return (e.getAttribute("aria-label") || label || e.innerText || e.value || "").trim();
}"""


# The focus indicator: an outline, or a box shadow; for USWDS's visually hidden
# checkboxes and radio buttons, the one drawn on their label's box.
FOCUS_VISIBLE = """() => {
  const e = document.activeElement;
  const shown = (style) => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== 'none');
  if (shown(getComputedStyle(e))) return true;
  return [...(e.labels || [])].some(l => shown(getComputedStyle(l, '::before')) || shown(getComputedStyle(l)));
}"""


def tab_to(page: Page, name: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_NAME) == name:
            assert page.evaluate(FOCUS_VISIBLE), f"{name!r} has the focus but does not show it"
            return
    raise AssertionError(f"{name!r} cannot be reached with the Tab key")


def sign_in_by_keyboard(page: Page, staff_id: str) -> None:
    page.goto("/")
    tab_to(page, "Staff ID")
    page.keyboard.type(staff_id)
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    activate(page)


def activate(page: Page, key: str = "Enter") -> None:
    """Press a key that follows a link or submits a form, and wait for the new page."""
    with page.expect_navigation():
        page.keyboard.press(key)


@pytest.fixture
def district(transactional_db: None) -> District:
    return build_district()


def test_a_supervisor_adds_a_student_by_keyboard_alone(page: Page, district: District) -> None:
    sign_in_by_keyboard(page, "200")
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


def test_a_provider_adds_a_student_from_the_homepage_by_keyboard_alone(page: Page, district: District) -> None:
    sign_in_by_keyboard(page, "600")
    tab_to(page, "Last name")  # in the My Student Caseload area's Student Quick Search
    page.keyboard.type("nguy")
    activate(page)
    tab_to(page, "Mark Chloe Nguyen")
    page.keyboard.press("Space")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED_NAME) == "Add Students marked Below to Caseload"
    activate(page)
    expect(page.get_by_text("Added to the caseload: Chloe Nguyen (333333333).")).to_be_visible()
    assert CaseloadEntry.objects.filter(student=district.para_student, provider=district.para).count() == 1


def test_a_paraprofessional_session_by_keyboard_alone(page: Page, district: District, today) -> None:
    """The second guide, step by step, without a mouse."""
    caseload_add(actor=district.para, provider=district.para, students=[district.para_student])
    sign_in_by_keyboard(page, "600")
    tab_to(page, "Service Capture")  # 1
    activate(page)
    tab_to(page, "Nguyen, Chloe")  # 2
    activate(page)
    tab_to(page, "Record Past Services")  # 3
    activate(page)
    tab_to(page, "Monday, November 16")  # 4: each pickable day is a checkbox (several may be picked)
    page.keyboard.press("Space")
    tab_to(page, "OK")
    activate(page)
    tab_to(page, "Start Time")  # 5
    page.keyboard.type("0900A")
    tab_to(page, "End Time")  # 6
    page.keyboard.type("0230P")
    tab_to(page, "Service Type")  # 7 (a drop-down takes the first letters of a choice)
    page.keyboard.type("Para")
    tab_to(page, "Language of Service")  # 8
    page.keyboard.type("English")
    tab_to(page, "Session Type")  # 9: defaults to Service Provided
    tab_to(page, "Group Size")  # 10
    page.keyboard.type("Individual")
    tab_to(page, "Service Location")  # 11
    page.keyboard.type("Classroom")
    tab_to(page, "Service Description")  # 12
    page.keyboard.type("Health")
    tab_to(page, "Progress Indicator")  # 13
    page.keyboard.type("Progressing")
    tab_to(page, "Session Notes")  # 14
    page.keyboard.type("Ambulatory paraprofessional")
    tab_to(page, CERTIFY_LABEL)  # 15
    page.keyboard.press("Space")
    tab_to(page, "Save")  # 16
    activate(page)
    expect(page.get_by_text("Saved and certified: Service Provided on November 16, 09:00 to 14:30.")).to_be_visible()
    record = ServiceRecord.objects.get()
    assert (record.service, record.language, record.grouping, record.location, record.description, record.progress) == (
        "PARA",
        "English",
        "individual",
        "classroom",
        "health",
        "progressing",
    )
    assert record.is_certified


def test_a_refusal_is_announced_and_reached_by_keyboard(page: Page, district: District, today) -> None:
    caseload_add(actor=district.para, provider=district.para, students=[district.para_student])
    sign_in_by_keyboard(page, "600")
    page.goto("/services/333333333/record/new/?date=2026-11-16")
    tab_to(page, "Start Time")
    page.keyboard.type("1000A")
    tab_to(page, "End Time")
    page.keyboard.type("0900A")
    tab_to(page, "Save")
    activate(page)
    # Each error is in a live region (role=alert) and tied to its field (aria-describedby).
    alert = page.get_by_role("alert").filter(has_text="End Time must be after Start Time.")
    expect(alert).to_be_visible()
    described = page.get_by_label("End Time").get_attribute("aria-describedby") or ""
    assert alert.get_attribute("id") in described.split()
    assert not ServiceRecord.objects.exists()
