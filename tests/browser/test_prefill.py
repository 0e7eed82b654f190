"""Pre-fill from context in the browser, on a phone and at 1280 px: the Service Record
form opens with the Group Size of the provider's last session; choosing the session a
make-up makes up sets Group Size to that session's (an individual make-up of a group
student is saved as Individual, not as the mandate's group). axe: no violations."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from sesis.caseloads.actions import caseload_add
from sesis.mandates.models import Mandate
from sesis.services.actions import draft, service_record_create
from sesis.services.models import ServiceRecord
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, assert_accessible, sign_in
from tests.factories import PASSWORD, District, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _speech(d: District, day: int, **fields: object) -> ServiceRecord:
    values: dict[str, object] = {
        "start_time": dt.time(10, 0),
        "end_time": dt.time(10, 30),
        "language": "English",
        "location": "separate",
        "grouping": "group",
        "group_count": 2,
        "notes": "Worked on /s/ blends.",
        **fields,
    }
    data = draft(
        student=d.speech_student,
        mandate=Mandate.objects.get(student=d.speech_student),
        date=dt.date(2026, 11, day),
        **values,
    )
    return service_record_create(actor=d.doe_speech, provider=d.doe_speech, data=data, certify=True)


@pytest.fixture
def district(transactional_db: None, today: dt.date) -> District:
    d = build_district()
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.speech_student])
    _speech(d, 13)  # the last session: Group, 2
    _speech(d, 12, session_type="student_absent", grouping="individual", group_count=None, notes="")
    return d


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_make_up_takes_the_group_size_of_the_session_it_makes_up(page: Page, district: District, viewport) -> None:
    page.set_viewport_size(viewport)
    sign_in(page, "300", PASSWORD)
    page.goto("/services/111111111/record/new/?date=2026-11-16")
    expect(page.get_by_label("Group Size")).to_have_value("group")
    expect(page.get_by_label("Number of students present (Group only)")).to_have_value("2")

    page.get_by_label("Make-up session").select_option(label="Makes up Student Absent on November 12")
    expect(page.get_by_label("Group Size")).to_have_value("individual")
    expect(page.get_by_label("Number of students present (Group only)")).to_have_value("")
    expect(page.get_by_label("Progress Indicator")).to_have_count(0)  # paraprofessionals only
    assert_accessible(page, f"prefill-makeup-{viewport['width']}")
    page.screenshot(path=str(ARTIFACTS / f"prefill-makeup-{viewport['width']}.png"), full_page=True)

    page.get_by_label("Start Time").fill("14:00")
    page.get_by_label("End Time").fill("14:30")
    page.get_by_label("Session Notes").fill("Make-up: /s/ blends in sentences.")
    page.get_by_label("I certify that this session information is accurate").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".usa-alert--success")).to_be_visible()
    made_up = ServiceRecord.objects.get(date=dt.date(2026, 11, 16))
    assert (made_up.grouping, made_up.group_count, made_up.makeup_of.date) == (  # type: ignore[union-attr]
        "individual",
        None,
        dt.date(2026, 11, 12),
    )
