"""The provider's day: a speech teacher's typical Wednesday (6 individual sessions and
2 groups of 4, one student absent) recorded and certified from the homepage in one
pass, at phone and desktop sizes, by touch and by keyboard alone; the same day the
old way, by the second guide's procedure once per student and session; and the
schedule that makes it possible. Interactions are counted and kept in
test-artifacts/figures.json; screenshots in test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sesis.caseloads.actions import caseload_add
from sesis.schedules.actions import SlotInput, schedule_slot_create
from sesis.schedules.models import ScheduleSlot
from sesis.services.models import ServiceRecord
from tests.browser.conftest import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    Interactions,
    assert_accessible,
    assert_fits_phone_width,
    record_figure,
    sign_in,
)
from tests.browser.test_keyboard import activate, sign_in_by_keyboard, tab_to
from tests.factories import PASSWORD, District, MandateFactory, StudentFactory, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INDIVIDUAL = ["Avery", "Blake", "Casey", "Devon", "Emery", "Finley"]
GROUPS = [["Gale", "Harper", "Indigo", "Jordan"], ["Kai", "Logan", "Morgan", "Noel"]]
ABSENT = "Indigo Day"
STARTS = ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30"]


@pytest.fixture
def day(transactional_db: None, today: dt.date) -> District:
    """Maria Santos's week: six students seen alone and two groups of four, Mondays and
    Wednesdays (their mandates: speech 2 x 30 min a week)."""
    d = build_district()
    students = {}
    for name in INDIVIDUAL + [n for g in GROUPS for n in g]:
        student = StudentFactory.create(school=d.school_a, first_name=name, last_name="Day")
        MandateFactory.create(student=student, service="SPEECH", group_size=1 if name in INDIVIDUAL else 4)
        students[name] = student
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=list(students.values()))

    def slot(names: list[str], start: str) -> None:
        schedule_slot_create(
            actor=d.doe_speech,
            provider=d.doe_speech,
            data=SlotInput(
                service="SPEECH",
                weekdays=[1, 3],
                start_time=dt.time.fromisoformat(start),
                end_time=dt.time.fromisoformat(end_of(start)),
                location="separate",
                students=[students[n] for n in names],
            ),
        )

    for name, start in zip(INDIVIDUAL, STARTS, strict=True):
        slot([name], start)
    slot(GROUPS[0], "12:00")
    slot(GROUPS[1], "13:00")
    return d


def end_of(start: str) -> str:
    """Half an hour after start (HH:MM)."""
    return (
        dt.datetime.combine(timezone.localdate(), dt.time.fromisoformat(start)) + dt.timedelta(minutes=30)
    ).strftime("%H:%M")


def check_the_day(d: District) -> None:
    records = ServiceRecord.objects.filter(provider=d.doe_speech, date=dt.date(2026, 11, 18))
    assert records.count() == 14
    assert all(r.is_certified and r.hash_is_valid() for r in records)
    assert sorted(records.values_list("session_type", flat=True)).count("student_absent") == 1
    assert records.get(session_type="student_absent").student.full_name == ABSENT
    assert sorted(r.group_count for r in records if r.grouping == "group") == [3] * 4 + [4] * 4


def session(page: Page, start: str):
    """The day form's fieldset of the session starting at start (its legend begins with
    the start time and an en dash)."""
    return page.get_by_role("group", name=f"{start}\N{EN DASH}")


def test_a_day_recorded_from_the_homepage_on_a_phone(page: Page, day: District) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, "300", PASSWORD)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "day-phone-before.png"), full_page=True)
    ui = Interactions()
    for name, start in zip(INDIVIDUAL, STARTS, strict=True):
        ui.fill(session(page, start).get_by_label("Session Notes"), f"{name}: articulation drills.")
    for start in ("12:00", "13:00"):
        ui.fill(session(page, start).get_by_label("Session Notes"), "Turn-taking in conversation.")
    ui.check(page.get_by_text(f"{ABSENT} was absent"))
    ui.check(page.get_by_text("I certify that the information of each session I record here is accurate"))
    ui.click(page.get_by_role("button", name="Save"))
    expect(
        page.get_by_text("14 service records saved and certified: 13 Service Provided, 1 absent or cancelled.")
    ).to_be_visible()
    check_the_day(day)
    page.screenshot(path=str(ARTIFACTS / "day-phone-after.png"), full_page=True)
    assert_accessible(page, "home-day-recorded")
    record_figure("a typical day (6 individual, 2 groups of 4, one absent), from the homepage", ui.count)


def test_the_days_form_at_desktop_size_and_its_refusals(page: Page, day: District) -> None:
    sign_in(page, "300", PASSWORD)
    page.screenshot(path=str(ARTIFACTS / "day-desktop.png"), full_page=True)
    form = page.locator(".sesis-day-form").bounding_box()
    assert form is not None
    record_figure("the day form's height at 1280 px, 8 sessions (px)", round(form["height"]))
    assert_accessible(page, "home-today")
    assert_fits_phone_width(page, "home-today")
    # Save without the notes speech needs: each session says why, and nothing is saved.
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("alert").filter(
            has_text="8 sessions need attention: they were not saved. Correct and Save again."
        )
    ).to_be_visible()
    expect(session(page, "08:00").get_by_role("alert")).to_have_text(
        "Session Notes are required for Speech-Language Therapy sessions."
    )
    assert_accessible(page, "home-today-refused")
    assert not ServiceRecord.objects.exists()


def test_a_day_recorded_by_keyboard_alone(page: Page, day: District) -> None:
    sign_in_by_keyboard(page, "300")
    for _ in range(8):
        tab_to(page, "Session Notes")
        page.keyboard.type("Worked on goals.")
    tab_to(page, f"{ABSENT} was absent", limit=240)  # back round the page: its group is the first
    page.keyboard.press("Space")
    tab_to(
        page,
        "I certify that the information of each session I record here is accurate and truthful. "
        "Certifying is equivalent to attaching my electronic signature to each Service Record.",
    )
    page.keyboard.press("Space")
    tab_to(page, "Save")
    activate(page)
    expect(page.get_by_text("14 service records saved and certified")).to_be_visible()
    check_the_day(day)


def test_the_same_day_the_old_way(page: Page, day: District) -> None:
    """The second guide's procedure, every step, once per student and session."""
    sign_in(page, "300", PASSWORD)
    ui = Interactions()
    sessions: list[tuple[str, str, list[str] | None]] = [
        (name, start, None) for name, start in zip(INDIVIDUAL, STARTS, strict=True)
    ]
    sessions += [
        (name, start, group) for group, start in ((GROUPS[0], "12:00"), (GROUPS[1], "13:00")) for name in group
    ]
    ui.click(page.get_by_role("link", name="Service Capture"))
    for n, (name, start, group) in enumerate(sessions):
        if n:
            ui.click(page.get_by_role("link", name="Caseload", exact=True))
        ui.click(page.get_by_role("link", name=f"Day, {name}"))
        ui.click(page.get_by_role("link", name="Record Past Services"))
        ui.check(page.get_by_label("November 18"))
        ui.click(page.get_by_role("button", name="OK"))
        ui.fill(page.get_by_label("Start Time"), start)
        ui.fill(page.get_by_label("End Time"), end_of(start))
        ui.choose(page.get_by_label("Service Type"), "Speech-Language Therapy")
        ui.choose(page.get_by_label("Language of Service"), "English")
        absent = f"{name} Day" == ABSENT
        if absent:
            ui.choose(page.get_by_label("Session Type"), "Student Absent")
        ui.choose(page.get_by_label("Group Size"), "Group" if group else "Individual")
        if group:
            ui.fill(page.get_by_label("Number of students present (Group only)"), "3" if group is GROUPS[0] else "4")
        if not absent:
            ui.choose(page.get_by_label("Service Location"), "Separate location in school")
            ui.fill(page.get_by_label("Session Notes"), "Worked on goals.")
        ui.check(page.get_by_label("I certify that this session information is accurate and truthful."))
        ui.click(page.get_by_role("button", name="Save"))
        expect(page.get_by_text("Saved and certified")).to_be_visible()
    check_the_day(day)
    record_figure("a typical day the old way (the guide's procedure per student and session)", ui.count)


def test_a_slot_is_scheduled_from_the_services_calendar_by_keyboard(page: Page, day: District) -> None:
    ScheduleSlot.objects.filter(members__student__first_name="Avery").delete()
    sign_in_by_keyboard(page, "300")
    tab_to(page, "My Schedule")
    activate(page)
    expect(page.get_by_role("row", name="Day, Avery").get_by_text("Not scheduled.")).to_be_visible()
    assert_accessible(page, "my-schedule")
    assert_fits_phone_width(page, "my-schedule")
    tab_to(page, "Home")
    activate(page)
    tab_to(page, "Service Capture")
    activate(page)
    tab_to(page, "Day, Avery")
    activate(page)
    tab_to(page, "Schedule Future Services")
    activate(page)
    assert_accessible(page, "slot-form")
    assert_fits_phone_width(page, "slot-form")
    tab_to(page, "Wednesday")
    page.keyboard.press("Space")
    tab_to(page, "Friday")
    page.keyboard.press("Space")
    tab_to(page, "Start Time")
    page.keyboard.type("0230P")
    tab_to(page, "End Time")
    page.keyboard.type("0300P")
    tab_to(page, "Save")
    activate(page)
    expect(page.get_by_text("The session was added to your schedule.")).to_be_visible()
    slot = ScheduleSlot.objects.get(members__student__first_name="Avery")
    assert (slot.weekdays, slot.start_time, slot.end_time, slot.location) == (
        "35",
        dt.time(14, 30),
        dt.time(15),
        "separate",
    )


def test_scheduled_sessions_ahead_on_the_services_calendar(page: Page, day: District) -> None:
    sign_in(page, "300", PASSWORD)
    page.goto("/services/")
    page.get_by_role("link", name="Day, Avery").click()
    expect(page.get_by_text("Scheduled 08:00–08:30: record today's sessions")).to_be_visible()  # today, Wednesday
    # Mondays and Wednesdays ahead: November 23, 25 and 30, and December 2 in the last week's row.
    expect(page.get_by_text("Scheduled 08:00–08:30", exact=True)).to_have_count(4)
    assert_accessible(page, "services-calendar-scheduled")
    assert_fits_phone_width(page, "services-calendar-scheduled")


def test_a_draft_survives_a_dropped_connection(page: Page, day: District) -> None:
    sign_in(page, "300", PASSWORD)
    session(page, "08:00").get_by_label("Session Notes").fill("Typed before the network dropped.")
    certify = page.get_by_label(re.compile("I certify that the information of each session"))
    certify.check()
    page.context.set_offline(True)
    page.get_by_role("button", name="Save").click()
    page.wait_for_timeout(300)
    page.context.set_offline(False)
    page.goto("/")
    expect(session(page, "08:00").get_by_label("Session Notes")).to_have_value("Typed before the network dropped.")
    expect(page.get_by_text("What you typed here before was not saved, and has been put back.")).to_be_visible()
    # Everything typed comes back but the signature: the user ticks it again.
    expect(certify).not_to_be_checked()
    assert "certify" not in page.evaluate("JSON.stringify(Object.values(sessionStorage))")
    assert_accessible(page, "home-draft-restored")
    assert not ServiceRecord.objects.exists()
    page.get_by_role("button", name="Discard what was put back").click()
    expect(session(page, "08:00").get_by_label("Session Notes")).to_have_value("")


def test_every_schedule_page_is_accessible_and_fits_a_phone(page: Page, day: District) -> None:
    slot = ScheduleSlot.objects.filter(members__student__first_name="Gale").get()
    sign_in(page, "300", PASSWORD)
    avery = ScheduleSlot.objects.filter(members__student__first_name="Avery").get().members.get().student
    for name, path in [
        ("schedule-week", "/schedule/"),
        ("slot-add-prefilled", f"/schedule/add/?student={avery.osis}"),
        ("slot-edit-group", f"/schedule/{slot.pk}/edit/"),
        ("slot-remove", f"/schedule/{slot.pk}/remove/"),
        ("day-monday", "/day/?date=2026-11-16"),
    ]:
        page.goto(path)
        assert_accessible(page, name)
        assert_fits_phone_width(page, name)
    page.goto("/schedule/add/")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Choose at least one school day (Monday to Friday).", exact=True)).to_be_visible()
    assert_accessible(page, "slot-add-refused")
    assert_fits_phone_width(page, "slot-add-refused")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_one_session_left_incomplete_holds_back_no_other(page: Page, day: District, viewport) -> None:
    """Each session saves on its own: the one without its notes stays, with what was
    typed and its problem; the thirteen others are saved and certified."""
    page.set_viewport_size(viewport)
    sign_in(page, "300", PASSWORD)
    for name, start in zip(INDIVIDUAL, STARTS, strict=True):
        if start != "09:00":
            session(page, start).get_by_label("Session Notes").fill(f"{name}: articulation drills.")
    session(page, "09:00").get_by_label("Session Type").select_option(label="Service Provided")
    late = session(page, "08:30")  # started ten minutes late
    expect(late.get_by_label("Start Time")).to_have_value("08:30")
    late.get_by_label("Start Time").fill("08:40")
    for start in ("12:00", "13:00"):
        session(page, start).get_by_label("Session Notes").fill("Turn-taking in conversation.")
    page.get_by_text(f"{ABSENT} was absent").click()
    page.get_by_text("I certify that the information of each session I record here is accurate").click()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("1 session needs attention: it was not saved. Correct and Save again.")).to_be_visible()
    expect(page.get_by_text("13 service records saved and certified")).to_be_visible()
    refused = session(page, "09:00")
    expect(refused.get_by_role("alert")).to_have_text(
        "Session Notes are required for Speech-Language Therapy sessions."
    )
    expect(page.locator(".sesis-session--done", has_text="08:00\N{EN DASH}08:30")).to_contain_text(
        "Recorded and certified."
    )
    assert ServiceRecord.objects.certified().count() == 13
    blake = ServiceRecord.objects.get(student__first_name="Blake")
    assert (blake.start_time, blake.end_time) == (dt.time(8, 40), dt.time(9, 0))
    assert_accessible(page, f"day-one-refused-{viewport['width']}")
    page.screenshot(path=str(ARTIFACTS / f"day-one-refused-{viewport['width']}.png"), full_page=True)

    refused.get_by_label("Session Notes").fill("Casey: articulation drills.")
    expect(
        page.get_by_label("I certify that the information of each session I record here is accurate")
    ).to_be_checked()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("1 service record saved and certified")).to_be_visible()
    check_the_day(day)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_i_was_absent_today_in_one_step(page: Page, day: District, viewport) -> None:
    page.set_viewport_size(viewport)
    sign_in(page, "300", PASSWORD)
    ui = Interactions()
    ui.check(page.get_by_text("I certify that the information of each session I record here is accurate"))
    ui.click(page.get_by_role("button", name="I was absent today"))
    expect(page.get_by_text("14 service records saved and certified: 0 Service Provided")).to_be_visible()
    records = ServiceRecord.objects.filter(date=dt.date(2026, 11, 18))
    assert records.count() == 14 and all(r.is_certified for r in records)
    assert set(records.values_list("session_type", flat=True)) == {"provider_absent"}
    assert_accessible(page, f"day-absent-{viewport['width']}")
    record_figure("a sick day (every session Provider Absent), from the homepage", ui.count)
