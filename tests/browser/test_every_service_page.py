"""Every Service Capture page, in each state a user meets it, passes axe-core and
fits a 360 px phone screen."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page

from sesis.caseloads.actions import caseload_add
from sesis.schoolcalendar.models import CalendarDay
from sesis.services.actions import draft, service_record_amend, service_record_create
from sesis.services.models import ServiceRecord
from tests.browser.conftest import assert_accessible, assert_fits_phone_width, sign_in
from tests.factories import PASSWORD, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def records(transactional_db: None, today) -> dict[str, ServiceRecord]:
    d = build_district()
    caseload_add(actor=d.para, provider=d.para, students=[d.para_student])
    CalendarDay.objects.create(date=dt.date(2026, 11, 11), kind="holiday", description="Veterans Day")
    mandate = d.para_student.mandates.get()

    def data(day: int, **extra: object) -> ServiceRecord:
        values: dict[str, object] = {
            "student": d.para_student,
            "mandate": mandate,
            "date": dt.date(2026, 11, day),
            "start_time": dt.time(9),
            "end_time": dt.time(14),
            "language": "English",
            "location": "classroom",
            "description": "health",
            "progress": "progressing",
        }
        return draft(**{**values, **extra})

    certified = service_record_create(actor=d.para, provider=d.para, data=data(16), certify=True)
    service_record_amend(
        actor=d.para, record=certified, reason="Left early", changes={"end_time": dt.time(13)}, certify=True
    )
    uncertified = service_record_create(actor=d.para, provider=d.para, data=data(17))
    absent = service_record_create(
        actor=d.para, provider=d.para, data=data(18, session_type="student_absent"), certify=True
    )
    return {"certified": certified, "draft": uncertified, "absent": absent, "district": d}


def check(page: Page, name: str, path: str) -> None:
    page.goto(path)
    assert_accessible(page, name)
    assert_fits_phone_width(page, name)


def test_provider_service_pages(page: Page, records: dict[str, ServiceRecord]) -> None:
    sign_in(page, "600", PASSWORD)
    pages = [
        ("services-home", "/services/"),
        ("services-calendar-records", "/services/333333333/?month=2026-11"),
        ("services-calendar-october", "/services/333333333/?month=2026-10"),
        ("record-past-services-pick", "/services/333333333/record/?month=2026-11"),
        ("record-form", "/services/333333333/record/new/?date=2026-11-13"),
        ("record-certified-amended", f"/services/records/{records['certified'].pk}/"),
        ("record-draft", f"/services/records/{records['draft'].pk}/"),
        ("record-absent", f"/services/records/{records['absent'].pk}/"),
        ("record-edit", f"/services/records/{records['draft'].pk}/edit/"),
        ("record-delete", f"/services/records/{records['draft'].pk}/delete/"),
        ("record-amend", f"/services/records/{records['certified'].pk}/amend/"),
        ("group-session", "/services/group/"),
    ]
    for name, path in pages:
        check(page, name, path)


def test_the_group_form_with_problems(page: Page, records: dict[str, ServiceRecord]) -> None:
    sign_in(page, "600", PASSWORD)
    page.goto("/services/group/")
    page.get_by_label("Start Time").fill("09:00")
    page.get_by_label("End Time").fill("09:30")
    page.get_by_label("Service Location").select_option(label="Classroom")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Nothing was saved").wait_for()
    assert_accessible(page, "group-session-problems")


def test_supervisor_on_behalf_and_administrator_pages(page: Page, records: dict[str, ServiceRecord]) -> None:
    sign_in(page, "200", PASSWORD)
    check(page, "on-behalf-services-home", "/administration/staff/600/services/")
    check(page, "on-behalf-calendar", "/administration/staff/600/services/333333333/?month=2026-11")
    check(page, "on-behalf-record-form", "/administration/staff/600/services/333333333/record/new/?date=2026-11-13")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "100", PASSWORD)
    check(page, "calendar-admin", "/administration/calendar/?year=2026")
