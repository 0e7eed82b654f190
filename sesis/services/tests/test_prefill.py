"""Pre-fill from context (issue 19, item 4): Group Size comes from the schedule's
session that day or the provider's last session, never from the mandate's largest
group; a make-up option carries the Group Size of the session it makes up. Fields that
do not apply to the provider's service are not shown, and the rules refuse them from
any entry point (the form, the amendment form and the API agree)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from sesis.api.tests.conftest import Api, token_for
from sesis.caseloads.actions import caseload_add
from sesis.people.models import Staff
from sesis.schedules.actions import SlotInput, schedule_slot_create
from sesis.services.actions import RecordRefused, service_record_create
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions
from tests.factories import PASSWORD

NEW = "/services/111111111/record/new/?date=2026-11-16"  # a Monday


def _page(user: Staff, path: str) -> str:
    client = Client()
    assert client.login(username=user.staff_id, password=PASSWORD)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _selected(page: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select is not None, f"no {name} list"
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    assert chosen is not None
    return chosen.group(1)


def _value(page: str, name: str) -> str:
    field = re.search(rf'<input type="number" name="{name}"[^>]*>', page)
    assert field is not None, f"no {name} field"
    value = re.search(r'value="([^"]*)"', field.group(0))
    return value.group(1) if value else ""


def test_without_context_a_session_is_individual_not_the_mandates_largest_group(sessions: Sessions) -> None:
    page = _page(sessions.d.doe_speech, NEW)  # the mandate allows a group of up to 3
    assert _selected(page, "grouping") == "individual"
    assert _value(page, "group_count") == ""


def test_the_last_session_gives_its_group_size(sessions: Sessions) -> None:
    d = sessions.d
    service_record_create(
        actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input(date=dt.date(2026, 11, 13))
    )  # Group, 2
    page = _page(d.doe_speech, NEW)
    assert (_selected(page, "grouping"), _value(page, "group_count")) == ("group", "2")


def test_the_schedules_session_that_day_gives_times_location_and_group_size(sessions: Sessions) -> None:
    d = sessions.d
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.far_student])
    schedule_slot_create(
        actor=d.doe_speech,
        provider=d.doe_speech,
        data=SlotInput(
            service="SPEECH",
            weekdays=[1],
            start_time=dt.time(11, 15),
            end_time=dt.time(11, 45),
            location="classroom",
            students=[d.speech_student, d.far_student],
        ),
    )
    page = _page(d.doe_speech, NEW)
    assert (_selected(page, "grouping"), _value(page, "group_count")) == ("group", "2")
    assert 'name="start_time" value="11:15"' in page and 'name="end_time" value="11:45"' in page
    assert _selected(page, "location") == "classroom"
    tuesday = _page(d.doe_speech, NEW.replace("2026-11-16", "2026-11-17"))  # no session scheduled
    assert _selected(tuesday, "grouping") == "individual"


def test_a_make_up_option_carries_the_group_size_of_the_session_it_makes_up(sessions: Sessions) -> None:
    d = sessions.d
    missed = service_record_create(
        actor=d.doe_speech,
        provider=d.doe_speech,
        data=sessions.speech_input(
            date=dt.date(2026, 11, 12), session_type="student_absent", grouping="individual", group_count=None
        ),
    )
    page = _page(d.doe_speech, NEW)
    makeup = re.search(r'<select name="makeup_of".*?</select>', page, re.S)
    assert makeup is not None
    option = re.search(rf'<option value="{missed.pk}"[^>]*>', makeup.group(0))
    assert option is not None
    assert 'data-grouping="individual"' in option.group(0) and 'data-group-count=""' in option.group(0)
    assert "sesis/makeup.js" in page


# Fields that do not apply are not shown, and refused wherever they come from.


def test_progress_indicator_is_shown_to_paraprofessionals_only(sessions: Sessions) -> None:
    d = sessions.d
    assert 'name="progress"' not in _page(d.doe_speech, NEW)
    assert 'name="description"' not in _page(d.doe_speech, NEW)
    para_form = _page(d.para, "/services/333333333/record/new/?date=2026-11-16")
    assert 'name="progress"' in para_form and 'name="description"' in para_form
    speech = service_record_create(
        actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input(), certify=True
    )
    amend_form = _page(d.doe_speech, f"/services/records/{speech.pk}/amend/")
    assert 'name="progress"' not in amend_form and 'name="description"' not in amend_form
    assert "Progress Indicator" not in _page(d.doe_speech, f"/services/records/{speech.pk}/")


def test_the_rules_refuse_a_progress_indicator_on_other_sessions(sessions: Sessions) -> None:
    d = sessions.d
    with pytest.raises(RecordRefused) as refused:
        service_record_create(
            actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input(progress="progressing")
        )
    assert refused.value.problems == [("progress", "Progress Indicator is for paraprofessional sessions only.")]
    api = Api(token_for(d.doe_speech))
    response = api.post(
        "/service-records",
        {
            "student": d.speech_student.osis,
            "service": "SPEECH",
            "date": "2026-11-16",
            "start_time": "10:00",
            "end_time": "10:30",
            "language": "English",
            "location": "separate",
            "notes": "Worked on /s/ blends.",
            "progress": "progressing",
        },
    )
    assert response.status_code == 422
    assert "Progress Indicator is for paraprofessional sessions only." in response.content.decode()
    assert not ServiceRecord.objects.exists()
