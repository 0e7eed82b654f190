"""The school calendar by ranges, and records on days marked non-school after they were
recorded: listed and confirmed first, kept as signed, flagged on their page and in the
supervisor's list, through the page, the action and the import alike."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from sesis.audit.models import AuditEvent
from sesis.imports.framework import ImportRefused, importers
from sesis.lib.errors import ActionRefused
from sesis.reports import encounter_attendance
from sesis.reports.filters import Filters
from sesis.schoolcalendar.actions import (
    NeedsConfirmation,
    calendar_day_remove,
    calendar_range_add,
    calendar_range_change,
)
from sesis.schoolcalendar.models import CalendarDay
from sesis.services.actions import service_record_create
from sesis.services.closed_days import now_marked, on_non_school_days
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions
from sesis.site.dashboard import supervisor_dashboard

MON, FRI = dt.date(2026, 11, 16), dt.date(2026, 11, 20)


@pytest.fixture
def recorded(sessions: Sessions) -> ServiceRecord:
    """A certified session on Monday 2026-11-16 at P.S. 1 (02M001), district 2."""
    d = sessions.d
    return service_record_create(actor=d.para, provider=d.para, data=sessions.para_input(date=MON), certify=True)


def test_a_range_marks_its_weekdays_as_one_entry(sessions: Sessions) -> None:
    admin = sessions.d.admin
    days = calendar_range_add(
        actor=admin, start=dt.date(2026, 12, 24), end=dt.date(2027, 1, 1), kind="recess", description="Winter recess"
    )
    assert [day.date.isoformat() for day in days] == [
        "2026-12-24",
        "2026-12-25",
        "2026-12-28",
        "2026-12-29",
        "2026-12-30",
        "2026-12-31",
        "2027-01-01",
    ]  # the weekend between is a non-school day already
    assert len({day.range_id for day in days}) == 1 and days[0].range_id is not None
    event = AuditEvent.objects.get(action="calendar.add")
    assert (event.details["date"], event.details["to"], event.details["days"]) == ("2026-12-24", "2027-01-01", 7)

    weekend = calendar_range_add(actor=admin, start=dt.date(2027, 1, 4), end=dt.date(2027, 1, 10), kind="school_day")
    assert [day.date for day in weekend] == [dt.date(2027, 1, 9), dt.date(2027, 1, 10)]

    removed = calendar_day_remove(actor=admin, day=days[3])  # any day of the range removes it whole
    assert len(removed) == 7 and not CalendarDay.objects.filter(kind="recess").exists()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (dt.date(2026, 12, 10), dt.date(2026, 12, 9), "The To date must be on or after the From date."),
        (dt.date(2026, 12, 12), dt.date(2026, 12, 13), "holds no weekday"),
        (dt.date(2026, 1, 1), dt.date(2027, 1, 2), "at most 366 days"),
    ],
)
def test_a_bad_range_is_refused_naming_why_and_changes_nothing(
    sessions: Sessions, start: dt.date, end: dt.date, message: str
) -> None:
    with pytest.raises(ActionRefused, match=message):
        calendar_range_add(actor=sessions.d.admin, start=start, end=end, kind="closure")
    assert CalendarDay.objects.count() == 1  # Veterans Day, from the fixture
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


def test_an_overlap_with_an_entry_is_refused_naming_the_day(sessions: Sessions) -> None:
    with pytest.raises(ActionRefused, match=r"Already on the calendar for citywide: 2026-11-11 \(Holiday\)"):
        calendar_range_add(actor=sessions.d.admin, start=dt.date(2026, 11, 9), end=FRI, kind="closure")
    assert CalendarDay.objects.count() == 1


def test_days_holding_records_are_marked_only_once_confirmed_and_the_records_stay_flagged(
    sessions: Sessions, recorded: ServiceRecord
) -> None:
    d = sessions.d
    hash_before = recorded.certification_hash
    with pytest.raises(NeedsConfirmation) as needs:
        calendar_range_add(actor=d.admin, start=MON, end=FRI, kind="closure", district=2, description="Storm")
    assert needs.value.count == 1 and needs.value.records == [recorded]
    assert not CalendarDay.objects.filter(kind="closure").exists()  # nothing until confirmed

    calendar_range_add(
        actor=d.admin, start=MON, end=FRI, kind="closure", district=2, description="Storm", confirmed=True
    )
    recorded.refresh_from_db()
    assert recorded.certification_hash == hash_before  # kept as signed
    assert now_marked(recorded) == "Recorded on a day now marked non-school (Storm); kept as recorded."
    assert AuditEvent.objects.get(action="calendar.add").details["records_on_days"] == 1

    # The supervisor's list and dashboard figure, in scope; not for the supervisor of 15K003.
    filters = Filters(start=MON, end=FRI, closed_day=True)
    assert list(encounter_attendance.records(d.supervisor, filters)) == [recorded]
    assert list(encounter_attendance.records(d.supervisor_out, filters)) == []
    figure = next(f for f in supervisor_dashboard(d.supervisor, sessions.today).figures if "now marked" in f.label)
    assert figure.count == 1 and "school_day=closed" in figure.url


def test_the_most_specific_entry_decides_whether_a_record_is_flagged(
    sessions: Sessions, recorded: ServiceRecord
) -> None:
    d = sessions.d

    def flagged() -> list[ServiceRecord]:
        return list(on_non_school_days(ServiceRecord.objects.all()))

    CalendarDay.objects.create(date=MON, kind="closure", description="Citywide closure")
    assert flagged() == [recorded]
    CalendarDay.objects.create(date=MON, kind="school_day", district=2, description="District 2 open")
    assert flagged() == []  # the district's entry wins over citywide
    CalendarDay.objects.create(date=MON, kind="closure", school=d.school_a, description="Boiler")
    assert flagged() == [recorded]  # the school's over its district's
    assert "Boiler" in now_marked(recorded)


def test_a_change_replaces_the_range_and_is_audited_with_both(sessions: Sessions, recorded: ServiceRecord) -> None:
    d = sessions.d
    days = calendar_range_add(actor=d.admin, start=dt.date(2026, 12, 21), end=dt.date(2026, 12, 23), kind="recess")
    with pytest.raises(NeedsConfirmation):  # moved onto Monday the 16th, which holds a record
        calendar_range_change(actor=d.admin, day=days[1], start=MON, end=dt.date(2026, 11, 17), kind="recess")
    assert CalendarDay.objects.filter(kind="recess").count() == 3  # unchanged
    changed = calendar_range_change(
        actor=d.admin, day=days[1], start=MON, end=dt.date(2026, 11, 17), kind="recess", confirmed=True
    )
    assert [day.date for day in changed] == [MON, dt.date(2026, 11, 17)]
    event = AuditEvent.objects.get(action="calendar.change")
    assert event.details["before"]["date"] == "2026-12-21" and event.details["after"]["to"] == "2026-11-17"


def test_the_page_lists_the_records_and_asks_before_marking(
    client: Client, sessions: Sessions, recorded: ServiceRecord
) -> None:
    client.force_login(sessions.d.admin)
    url = reverse("calendar_admin") + "?year=2026"
    data = {"start_date": "2026-11-16", "end_date": "2026-11-20", "kind": "closure", "school": "02M001"}
    asked = client.post(url, data)
    assert asked.status_code == 400
    text = asked.content.decode()
    assert "1 service record is on these days" in text and "O&#x27;Connor" not in text  # the para student
    assert recorded.student.osis in text and "Mark the days anyway" in text
    assert not CalendarDay.objects.filter(kind="closure").exists()
    listed = re.search(r'name="confirming" value="([^"]*)"', text).group(1)
    unticked = client.post(url, data | {"confirming": listed})
    assert unticked.status_code == 400 and not CalendarDay.objects.filter(kind="closure").exists()
    # Ticked, but for other days than those listed: asked again, nothing marked.
    moved = client.post(url, data | {"end_date": "2026-11-27", "confirming": listed, "confirm": "on"})
    assert moved.status_code == 400 and "1 service record is on these days" in moved.content.decode()
    assert not CalendarDay.objects.filter(kind="closure").exists()
    done = client.post(url, data | {"confirming": listed, "confirm": "on"}, follow=True)
    assert "Added: Closure (02M001), 2026-11-16 to 2026-11-20: 5 days." in done.content.decode()
    page = client.get(reverse("record_detail", args=[recorded.pk])).content.decode()
    assert "Recorded on a day now marked non-school" in page
    edit = client.get(reverse("calendar_range_edit", args=[CalendarDay.objects.filter(kind="closure").first().pk]))
    assert edit.status_code == 200 and 'value="2026-11-20"' in edit.content.decode()


def load_calendar(text: str):
    return importers()["calendar"]().run(actor=None, file=io.BytesIO(text.encode()), name="calendar.csv")


def test_the_calendar_import_takes_ranges_and_single_dates_and_reloads_unchanged(
    sessions: Sessions, recorded: ServiceRecord
) -> None:
    text = (
        "start_date,end_date,date,kind,school_dbn,district,description\n"
        "2026-12-24,2027-01-01,,recess,,,Winter recess\n"
        ",,2026-11-16,closure,02M001,,Boiler\n"
    )
    result = load_calendar(text)
    assert (result.rows, result.created) == (2, 8)
    assert "1 service record is on days this file marks non-school" in result.notes[0]
    again = load_calendar(text)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert CalendarDay.objects.filter(kind="recess").values("range_id").distinct().count() == 1


def test_the_calendar_import_names_every_problem_of_a_range(sessions: Sessions) -> None:
    text = (
        "start_date,end_date,date,kind,school_dbn,district,description\n"
        "2026-12-10,2026-12-09,,recess,,,Backwards\n"
        "2026-12-01,2026-12-02,2026-12-01,closure,,,Both\n"
        "2026-12-12,2026-12-13,,holiday,,,A weekend\n"
        ",,,holiday,,,No date\n"
        "2026-12-14,2026-12-18,,closure,,,Week\n"
        ",,2026-12-16,closure,,,Inside the week\n"
    )
    with pytest.raises(ImportRefused) as refused:
        load_calendar(text)
    found = [(e.line, e.column, e.message) for e in refused.value.errors]
    assert found == [
        (2, "end_date", "must be on or after the start_date 2026-12-10, not 2026-12-09"),
        (3, "date", "give a date, or a start_date and end_date, not both"),
        (4, "end_date", "2026-12-12 to 2026-12-13 holds no day to mark (weekends are non-school days already)"),
        (5, "start_date", "a date (or a start_date) is required"),
        (7, "date", "2026-12-16 is also on line 6"),
    ]
    assert CalendarDay.objects.count() == 1
