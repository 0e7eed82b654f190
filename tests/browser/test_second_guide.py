"""The second user guide, "Recording a Paraprofessional Session", step by step by its
labels; then the same session as mandated with the form's pre-fill, and a group
session of five students from one form. Interactions are counted."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from sesis.caseloads.actions import caseload_add
from sesis.schoolcalendar.models import CalendarDay
from sesis.services.models import ServiceRecord
from tests.browser.conftest import Interactions, assert_accessible, record_figure, sign_in
from tests.factories import PASSWORD, District, MandateFactory, StudentFactory, build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(transactional_db: None, today) -> District:
    d = build_district()
    caseload_add(actor=d.para, provider=d.para, students=[d.para_student])
    CalendarDay.objects.create(date=dt.date(2026, 11, 11), kind="holiday", description="Veterans Day")
    return d


def test_a_paraprofessional_records_a_session_following_the_guide(page: Page, district: District) -> None:
    sign_in(page, "600", PASSWORD)
    ui = Interactions()
    # 1. Click the Service Capture link from your SESIS homepage to open your Services Calendar.
    ui.click(page.get_by_role("link", name="Service Capture"))
    expect(page.get_by_role("heading", name="Services Calendar")).to_be_visible()
    # 2. Click the name of the student in your Caseload for whom you wish to record services.
    ui.click(page.get_by_role("link", name="Nguyen, Chloe"))
    expect(page.get_by_text("No school: Veterans Day")).to_be_visible()  # gray days
    assert_accessible(page, "services-calendar")
    # 3. Click the Record Past Services link at the top of the Services Calendar.
    ui.click(page.get_by_role("link", name="Record Past Services"))
    assert_accessible(page, "record-past-services")
    # 4. Click on the date of the session and click OK.
    ui.check(page.get_by_label("November 16"))
    ui.click(page.get_by_role("button", name="OK"))
    expect(page.get_by_text("Monday, November 16, 2026")).to_be_visible()
    assert_accessible(page, "service-record-form")
    # 5. Enter the time that the student arrived for the session in the Start Time field.
    ui.fill(page.get_by_label("Start Time"), "09:00")
    # 6. Enter the session end time in the End Time field.
    ui.fill(page.get_by_label("End Time"), "14:30")
    # 7. Click the Service Type dropdown to specify Paraprofessional.
    ui.choose(page.get_by_label("Service Type"), "Paraprofessional")
    # 8. Select the Language of Service from the dropdown.
    ui.choose(page.get_by_label("Language of Service"), "English")
    # 9. Note the Session Type dropdown automatically defaults to Service Provided.
    expect(page.get_by_label("Session Type")).to_have_value("provided")
    expect(page.get_by_text("Student Absent: the student was absent from school")).to_be_visible()
    # 10. Click either Individual or Group from the Group Size dropdown.
    ui.choose(page.get_by_label("Group Size"), "Individual")
    # 11. Click the Service Location dropdown to select the location the service was provided.
    ui.choose(page.get_by_label("Service Location"), "Classroom")
    # 12. Click to select a Service Description (Health for an ambulatory or other specialty not listed).
    options = page.get_by_label("Service Description").locator("option").all_inner_texts()
    assert options[1:] == [
        "Alternate Placement",
        "Crisis",
        "Health",
        "Mobility",
        "Sign Interpreter",
        "Travel Trainer",
        "Special Transportation",
        "Toileting",
    ]
    ui.choose(page.get_by_label("Service Description"), "Health")
    # 13. SESIS requires a selection from the Progress Indicator by Paraprofessionals.
    ui.choose(page.get_by_label("Progress Indicator"), "Progressing")
    # 14. Session Notes are optional; an ambulatory specialty records its service type there.
    ui.fill(page.get_by_label("Session Notes"), "Ambulatory paraprofessional")
    # 15. Click the checkbox to certify this service.
    ui.check(page.get_by_label("I certify that this session information is accurate and truthful."))
    # 16. Click Save.
    ui.click(page.get_by_role("button", name="Save"))
    # 17. The service just recorded will now be seen on the Services Calendar.
    expect(page.get_by_text("Saved and certified: Service Provided on November 16, 09:00 to 14:30.")).to_be_visible()
    expect(page.get_by_role("link", name="09:00–14:30 Service Provided Certified")).to_be_visible()
    assert_accessible(page, "services-calendar-with-record")
    record = ServiceRecord.objects.get()
    assert (record.description, record.progress, record.is_certified) == ("health", "progressing", True)
    record_figure("paraprofessional session, every step of the guide", ui.count)


def test_a_session_as_mandated_takes_a_few_interactions(page: Page, district: District) -> None:
    """With the form pre-filled from the mandate, only what the mandate cannot know is entered."""
    sign_in(page, "600", PASSWORD)
    ui = Interactions()
    ui.click(page.get_by_role("link", name="Service Capture"))
    ui.click(page.get_by_role("link", name="Nguyen, Chloe"))
    ui.click(page.get_by_role("link", name="Record Past Services"))
    ui.check(page.get_by_label("November 16"))
    ui.click(page.get_by_role("button", name="OK"))
    ui.fill(page.get_by_label("Start Time"), "09:00")
    ui.fill(page.get_by_label("End Time"), "14:30")
    ui.choose(page.get_by_label("Service Description"), "Health")
    ui.choose(page.get_by_label("Progress Indicator"), "Progressing")
    ui.check(page.get_by_label("I certify that this session information is accurate and truthful."))
    ui.click(page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Saved and certified")).to_be_visible()
    first = ui.count
    # The next day: times and description now come from the last session.
    ui = Interactions()
    ui.click(page.get_by_role("link", name="Record Past Services"))
    ui.check(page.get_by_label("November 17"))
    ui.click(page.get_by_role("button", name="OK"))
    expect(page.get_by_label("Start Time")).to_have_value("09:00")
    ui.choose(page.get_by_label("Progress Indicator"), "Progressing")
    ui.check(page.get_by_label("I certify that this session information is accurate and truthful."))
    ui.click(page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Saved and certified: Service Provided on November 17")).to_be_visible()
    assert ServiceRecord.objects.filter(certified_at__isnull=False).count() == 2
    record_figure("paraprofessional session as mandated, first of the week (from the homepage)", first)
    record_figure("paraprofessional session as mandated, the next day (from the calendar)", ui.count)


def test_a_refused_session_shows_the_reason_at_the_field(page: Page, district: District) -> None:
    sign_in(page, "600", PASSWORD)
    page.goto("/services/333333333/record/new/?date=2026-11-16")
    page.get_by_label("Start Time").fill("10:00")
    page.get_by_label("End Time").fill("09:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("End Time must be after Start Time.", exact=True)).to_be_visible()
    expect(
        page.get_by_text(
            "Choose a Progress Indicator: paraprofessionals document progress towards the IEP annual goals.", exact=True
        )
    ).to_be_visible()
    assert_accessible(page, "service-record-form-errors")
    assert not ServiceRecord.objects.exists()


def test_a_group_session_of_five_from_one_form(page: Page, district: District) -> None:
    students = []
    for n, name in enumerate(["Avery", "Blake", "Casey", "Devon", "Emery"]):
        student = StudentFactory.create(school=district.school_a, first_name=name, last_name=f"Lopez{n}")
        MandateFactory.create(student=student, service="SPEECH", group_size=5)
        students.append(student)
    caseload_add(actor=district.doe_speech, provider=district.doe_speech, students=students)
    sign_in(page, "300", PASSWORD)
    ui = Interactions()
    ui.click(page.get_by_role("link", name="Service Capture"))
    ui.click(page.get_by_role("link", name="Record a Group Session"))
    assert_accessible(page, "group-session-form")
    ui.fill(page.get_by_label("Date of the session"), "2026-11-16")
    ui.fill(page.get_by_label("Start Time"), "11:00")
    ui.fill(page.get_by_label("End Time"), "11:30")
    ui.choose(page.get_by_label("Service Location"), "Separate location in school")
    for student in students:  # a USWDS checkbox: its label ("In this group") takes the tap
        expect(page.get_by_label(f"{student.first_name} {student.last_name} is in this group")).not_to_be_checked()
        ui.check(page.locator(f'label[for="member-{student.osis}"]'))
    ui.check(page.locator(f'label[for="absent-{students[2].osis}"]'))
    expect(page.get_by_label("Casey Lopez2 was absent")).to_be_checked()
    for student in students:  # each present student's own notes (a claim needs one per student)
        if student.first_name != "Casey":
            name = f"{student.first_name} {student.last_name}"
            ui.fill(page.get_by_label(f"{name}: Session Notes"), f"{student.first_name}: turn-taking.")
    ui.check(page.get_by_label("I certify that this session information is accurate and truthful."))
    ui.click(page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Group session saved and certified: 5 records (4 present, 1 absent).")).to_be_visible()
    records = ServiceRecord.objects.filter(provider=district.doe_speech)
    assert sorted(records.values_list("session_type", "group_count")) == [("provided", 4)] * 4 + [("student_absent", 4)]
    assert all(r.is_certified for r in records)
    assert records.get(student__first_name="Avery").notes == "Avery: turn-taking."
    assert records.get(student__first_name="Casey").notes == ""
    record_figure("group session of 5 students (one absent), individual notes, from the homepage", ui.count)
