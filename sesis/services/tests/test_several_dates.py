"""Record Past Services with several dates (issue 19, item 6): the picker offers the
past school days of the entry window only (the adjacent months' days in the grid too),
and the Service Record form records the same session on each date picked, each saved
or refused on its own, every refused date named with its reasons."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client

from sesis.mandates.models import Mandate
from sesis.services.calendar import build_month
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions
from tests.factories import PASSWORD

PICK = "/services/333333333/record/"
NEW = "/services/333333333/record/new/"


def _client(sessions: Sessions) -> Client:
    client = Client()
    assert client.login(username=sessions.d.para.staff_id, password=PASSWORD)
    return client


def _para_form(**extra: str) -> dict[str, str]:
    mandate = str(Mandate.objects.get(student__osis="333333333").pk)
    return {
        "start_time": "09:00",
        "end_time": "10:00",
        "mandate": mandate,
        "language": "English",
        "session_type": "provided",
        "grouping": "individual",
        "location": "classroom",
        "description": "health",
        "progress": "progressing",
        "certify": "on",
    } | extra


def test_the_picker_offers_past_school_days_of_the_window_only(sessions: Sessions) -> None:
    page = _client(sessions).get(PICK).content.decode()  # November; today is Wednesday the 18th
    assert 'type="checkbox" name="date" value="2026-11-16"' in page
    assert "Monday, November 16" in page  # weekday names, on every screen
    assert 'value="2026-11-19"' not in page  # the future
    assert 'value="2026-11-11"' not in page  # Veterans Day: no school
    assert 'value="2026-11-14"' not in page  # a Saturday
    october = _client(sessions).get(PICK + "?month=2026-10").content.decode()
    assert 'value="2026-10-01"' in october
    assert "Sep 30" in october and 'value="2026-09-30"' not in october  # shown, before the window


def test_the_days_of_the_month_before_shown_in_the_grid_are_pickable(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On December 2 the December grid begins with Sunday November 29: Monday the 30th,
    yesterday's school day, is in the window and can be picked from the December view."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: dt.date(2026, 12, 2))
    month = build_month(provider=sessions.d.para, student=sessions.d.para_student, first=dt.date(2026, 12, 1))
    days = {day.date: day for week in month.weeks for day in week.days}
    assert days[dt.date(2026, 11, 30)].selectable and not days[dt.date(2026, 11, 30)].in_month
    assert days[dt.date(2026, 12, 1)].selectable
    assert not days[dt.date(2026, 12, 3)].selectable  # tomorrow
    assert not days[dt.date(2026, 11, 29)].selectable  # a Sunday


def test_one_session_recorded_on_three_dates_at_once(sessions: Sessions) -> None:
    dates = "date=2026-11-12&date=2026-11-13&date=2026-11-16"
    answer = _client(sessions).post(f"{NEW}?{dates}", _para_form())
    assert answer.status_code == 302
    records = ServiceRecord.objects.order_by("date")
    assert [r.date.day for r in records] == [12, 13, 16]
    assert all(r.is_certified and (r.start_time, r.end_time) == (dt.time(9), dt.time(10)) for r in records)


def test_a_gray_and_a_future_date_are_named_and_nothing_else_is_lost(sessions: Sessions) -> None:
    dates = "date=2026-11-11&date=2026-11-13&date=2026-11-20&date=2026-11-16"
    client = _client(sessions)
    answer = client.post(f"{NEW}?{dates}", _para_form())
    assert answer.status_code == 200
    page = html.unescape(answer.content.decode())
    assert "Saved and certified on 2 dates: Fri Nov 13, Mon Nov 16." in page
    assert "Wednesday, November 11: not saved." in page and "Veterans Day" in page
    assert "Friday, November 20: not saved. The date of service cannot be in the future." in page
    assert sorted(r.date.day for r in ServiceRecord.objects.all()) == [13, 16]
    # The form stays for the refused dates only, with what was typed.
    assert 'action="?date=2026-11-11&amp;date=2026-11-20"' in answer.content.decode()
    assert 'value="09:00"' in page


def test_a_date_that_is_not_a_date_goes_back_to_the_picker(sessions: Sessions) -> None:
    answer = _client(sessions).get(f"{NEW}?date=2026-11-16&date=yesterday")
    assert answer.status_code == 302 and answer["Location"].endswith(PICK + "?error=1")
