"""The group form student by student, on a phone and at 1280 px: a student whose
mandate is individual only is marked at her name before Save, and warned as soon as
she is checked with others; Save refuses her by name and saves nobody; unchecked, the
group saves with each student's own notes (the shared note copied into the notes left
empty by its button) and each one's language. axe: no violations."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from sesis.caseloads.actions import caseload_add
from sesis.services.models import ServiceRecord
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, assert_accessible, sign_in
from tests.factories import PASSWORD, District, MandateFactory, StudentFactory, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(transactional_db: None, today: dt.date) -> District:
    d = build_district()
    kids = []
    for name, language, size in (("Anya", "Russian", 3), ("Boris", "English", 3), ("Cleo", "English", 1)):
        student = StudentFactory.create(school=d.school_a, first_name=name, last_name="Petrov")
        MandateFactory.create(student=student, service="SPEECH", group_size=size, language=language)
        kids.append(student)
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=kids)
    return d


def member(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("[data-group-members] > li", has_text=f"Petrov, {name}")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_group_student_by_student(page: Page, district: District, viewport) -> None:
    width = viewport["width"]
    page.set_viewport_size(viewport)
    sign_in(page, "300", PASSWORD)
    page.goto("/services/group/")
    expect(member(page, "Cleo")).to_contain_text("Individual sessions only: cannot be recorded in a group.")
    expect(page.get_by_label("Anya Petrov: Language of Service")).to_have_value("Russian")

    page.get_by_label("Date of the session").fill("2026-11-16")
    page.get_by_label("Start Time").fill("11:00")
    page.get_by_label("End Time").fill("11:30")
    page.get_by_label("Service Location").select_option(label="Separate location in school")
    for name in ("Anya", "Boris", "Cleo"):
        page.locator(f'label[for="member-{member_osis(page, name)}"]').click()
    # Before Save: Cleo is warned at her name.
    expect(member(page, "Cleo").locator("[data-group-warning]")).to_have_text(
        "A group of 3 present is above this mandate's group of up to 1 (individual sessions only)."
    )
    expect(member(page, "Anya").locator("[data-group-warning]")).to_be_hidden()
    assert_accessible(page, f"group-form-warned-{width}")
    page.screenshot(path=str(ARTIFACTS / f"group-form-warned-{width}.png"), full_page=True)

    page.get_by_label("Shared note (optional)").fill("Turn-taking game.")
    page.get_by_role("button", name="Copy the shared note into each student's empty notes").click()
    expect(page.get_by_label("Boris Petrov: Session Notes")).to_have_value("Turn-taking game.")
    page.get_by_label("Anya Petrov: Session Notes").fill("Anya: /r/ in words.")
    page.get_by_label("I certify that this session information is accurate and truthful.").check()
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Cleo Petrov: Group Size cannot be above the mandate's group size (individual sessions only).")
    ).to_be_visible()
    assert not ServiceRecord.objects.exists()

    # Cleo out of the group: the others save, each with their own notes and language.
    page.locator(f'label[for="member-{member_osis(page, "Cleo")}"]').click()
    expect(page.get_by_label("Anya Petrov: Session Notes")).to_have_value("Anya: /r/ in words.")  # kept
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Group session saved and certified: 2 records (2 present, 0 absent).")).to_be_visible()
    saved = {r.student.first_name: (r.notes, r.language, r.group_count) for r in ServiceRecord.objects.all()}
    assert saved == {
        "Anya": ("Anya: /r/ in words.", "Russian", 2),
        "Boris": ("Turn-taking game.", "English", 2),
    }


def member_osis(page: Page, name: str) -> str:
    value = member(page, name).locator("input[name='member']").get_attribute("value")
    assert value is not None
    return value
