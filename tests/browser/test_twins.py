"""Two students named "Fernandez, Madison" at different schools, on a phone and at
1280 px: the homepage's Still to deliver, the group form and My Schedule show each
one's OSIS ID and school, so the provider picks the right child. axe: no violations."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from sesis.caseloads.actions import caseload_add
from sesis.schedules.actions import SlotInput, schedule_slot_create
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, assert_accessible, sign_in
from tests.factories import PASSWORD, District, MandateFactory, StudentFactory, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(transactional_db: None, today: dt.date) -> District:
    d = build_district()
    first = StudentFactory.create(osis="900000001", first_name="Madison", last_name="Fernandez", school=d.school_a)
    second = StudentFactory.create(osis="900000002", first_name="Madison", last_name="Fernandez", school=d.school_c)
    for student in (first, second):
        MandateFactory.create(student=student, service="SPEECH")
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[first, second, d.speech_student])
    schedule_slot_create(
        actor=d.doe_speech,
        provider=d.doe_speech,
        data=SlotInput(
            service="SPEECH",
            weekdays=[1, 3],
            start_time=dt.time(9, 0),
            end_time=dt.time(9, 30),
            location="separate",
            students=[first, second],
        ),
    )
    return d


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_two_students_of_one_name_are_told_apart(page: Page, district: District, viewport) -> None:
    width = viewport["width"]
    page.set_viewport_size(viewport)
    sign_in(page, "300", PASSWORD)
    for path, name, shown in (
        ("/", "home", page.get_by_role("region", name="Table: still to deliver this week")),
        ("/services/group/", "group-form", page.locator("[data-group-members]")),
        ("/schedule/", "schedule", page.locator("main")),
    ):
        page.goto(path)
        for text in ("900000001 · 02M001", "900000002 · 15K003"):
            expect(shown.get_by_text(text).first).to_be_visible()
        expect(shown.get_by_text("111111111 · 02M001")).to_have_count(0)
        if name == "home":  # the day form's group: each absent box names its student's OSIS ID
            for osis in ("900000001", "900000002"):
                expect(page.get_by_text(f"Madison Fernandez was absent ({osis})")).to_have_count(1)
        assert_accessible(page, f"twins-{name}-{width}")
        page.screenshot(path=str(ARTIFACTS / f"twins-{name}-{width}.png"), full_page=True)
