"""Schedule slots: what is accepted, every refusal (which changes nothing), the
database's own checks, and the pages' scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from sesis.audit.models import AuditEvent
from sesis.lib.errors import ActionRefused
from sesis.schedules.actions import SlotRefused, schedule_slot_create, schedule_slot_delete, schedule_slot_update
from sesis.schedules.models import ScheduleSlot, SlotStudent
from sesis.schedules.tests.conftest import slot_input
from tests.factories import District

pytestmark = pytest.mark.django_db


def create(d: District, **fields: object) -> ScheduleSlot:
    students = fields.pop("students", [d.speech_student])
    return schedule_slot_create(actor=d.doe_speech, provider=d.doe_speech, data=slot_input(students, **fields))


def refused(d: District, **fields: object) -> str:
    with pytest.raises(SlotRefused) as caught:
        create(d, **fields)
    assert not ScheduleSlot.objects.exists()
    return caught.value.message


def test_an_individual_slot_is_kept_and_audited(speech: District) -> None:
    slot = create(speech, weekdays=[3, 1])
    assert (slot.weekdays, slot.days_display, slot.minutes) == ("13", "Mon, Wed", 30)
    assert [m.student for m in slot.members.all()] == [speech.speech_student]
    event = AuditEvent.objects.get(action="schedule_slot.create")
    assert event.actor == speech.doe_speech
    assert event.details["students"] == ["111111111"] and event.details["weekdays"] == "13"


def test_a_group_slot_within_every_mandates_group_size(speech: District) -> None:
    slot = create(speech, students=speech.group)
    assert slot.members.count() == 4


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"weekdays": []}, "Choose at least one school day (Monday to Friday)."),
        ({"weekdays": [6]}, "Choose at least one school day (Monday to Friday)."),
        ({"end_time": dt.time(8, 30)}, "End Time must be after Start Time."),
        ({"location": "moon"}, "Choose the Service Location."),
        ({"service": "OT"}, "Choose a Service Type among your disciplines."),
        ({"students": []}, "Choose the student, or the students of the group."),
        ({"description": "health"}, "Service Description is for paraprofessional sessions only."),
    ],
)
def test_refusals_name_the_problem(speech: District, fields: dict[str, object], message: str) -> None:
    assert message in refused(speech, **fields)


def test_a_student_off_the_caseload_or_without_a_mandate_is_refused(speech: District) -> None:
    assert refused(speech, students=[speech.far_student]) == "Finn Olsen is not on your caseload."
    # Ana's mandate ends: she stays on the caseload, but there is nothing to schedule.
    speech.speech_student.mandates.update(end_date=dt.date(2026, 11, 17))
    assert refused(speech) == "Ana O'Connor has no Speech-Language Therapy mandate."


def test_a_group_larger_than_a_mandate_allows_is_refused(speech: District) -> None:
    # Ana's mandate is for a group of up to 3; the others' up to 4.
    message = refused(speech, students=[speech.speech_student, *speech.group[:3]])
    assert message == "Ana O'Connor's mandate calls for a group of up to 3; this slot has 4 students."


def test_two_slots_at_once_on_a_shared_day_are_refused(speech: District) -> None:
    create(speech, weekdays=[1, 3])
    with pytest.raises(SlotRefused) as caught:
        create(speech, students=[speech.group[0]], weekdays=[3, 5], start_time=dt.time(9, 15), end_time=dt.time(9, 45))
    assert caught.value.message == (
        "You already have a session on Wed from 09:00 to 09:30 (Ana O'Connor); a provider cannot be in two places "
        "at once."
    )
    # The same time on other days is fine, and so is the next half hour.
    create(speech, students=[speech.group[0]], weekdays=[2, 4])
    create(speech, students=[speech.group[1]], weekdays=[1], start_time=dt.time(9, 30), end_time=dt.time(10))
    assert ScheduleSlot.objects.count() == 3


def test_only_the_provider_or_their_supervisor_may_change_a_schedule(speech: District) -> None:
    with pytest.raises(ActionRefused, match=r"Outside your access\."):
        schedule_slot_create(actor=speech.para, provider=speech.doe_speech, data=slot_input([speech.speech_student]))
    assert not ScheduleSlot.objects.exists()


def test_update_changes_members_and_times_and_records_what_changed(speech: District) -> None:
    slot = create(speech, students=speech.group[:2])
    schedule_slot_update(
        actor=speech.doe_speech,
        slot=slot,
        data=slot_input(speech.group[1:4], start_time=dt.time(10), end_time=dt.time(10, 30)),
    )
    slot.refresh_from_db()
    assert slot.start_time == dt.time(10)
    assert sorted(m.student.first_name for m in slot.members.all()) == ["Blake", "Casey", "Devon"]
    changes = AuditEvent.objects.get(action="schedule_slot.update").details["changes"]
    assert changes["start_time"] == ["09:00", "10:00"]
    assert changes["students"] == [["700000000", "700000001"], ["700000001", "700000002", "700000003"]]


def test_update_does_not_clash_with_itself_but_refusal_keeps_it(speech: District) -> None:
    slot = create(speech)
    with pytest.raises(SlotRefused):
        schedule_slot_update(
            actor=speech.doe_speech, slot=slot, data=slot_input([speech.speech_student], end_time=dt.time(8))
        )
    slot.refresh_from_db()
    assert slot.end_time == dt.time(9, 30)
    schedule_slot_update(
        actor=speech.doe_speech, slot=slot, data=slot_input([speech.speech_student], end_time=dt.time(9, 45))
    )
    slot.refresh_from_db()
    assert slot.end_time == dt.time(9, 45)


def test_delete_is_audited(speech: District) -> None:
    slot = create(speech)
    schedule_slot_delete(actor=speech.doe_speech, slot=slot)
    assert not ScheduleSlot.objects.exists() and not SlotStudent.objects.exists()
    assert AuditEvent.objects.get(action="schedule_slot.delete").details["slot"]["students"] == ["111111111"]


@pytest.mark.parametrize(
    "fields",
    [{"weekdays": "16"}, {"weekdays": ""}, {"weekdays": "31"}, {"end_time": dt.time(8)}, {"description": "health"}],
)
def test_the_database_refuses_a_malformed_slot(speech: District, fields: dict[str, object]) -> None:
    values = {
        "provider": speech.doe_speech,
        "service": "SPEECH",
        "weekdays": "13",
        "start_time": dt.time(9),
        "end_time": dt.time(9, 30),
        "location": "separate",
    } | fields
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleSlot.objects.create(**values)


def test_a_student_is_in_a_slot_once(speech: District) -> None:
    slot = create(speech)
    with pytest.raises(IntegrityError), transaction.atomic():
        SlotStudent.objects.create(slot=slot, student=speech.speech_student)


class TestPages:
    def test_the_schedule_pages_add_change_and_remove(self, client, speech: District) -> None:
        client.force_login(speech.doe_speech)
        page = client.get("/schedule/add/?student=111111111")
        assert page.context["form"].initial["students"] == ["111111111"]
        answer = client.post(
            "/schedule/add/",
            {
                "service": "SPEECH",
                "students": ["111111111"],
                "weekdays": ["1", "3"],
                "start_time": "09:00",
                "end_time": "09:30",
                "location": "separate",
            },
        )
        assert answer.status_code == 302
        slot = ScheduleSlot.objects.get()
        answer = client.post(
            f"/schedule/{slot.pk}/edit/",
            {
                "service": "SPEECH",
                "students": ["111111111"],
                "weekdays": ["2"],
                "start_time": "09:00",
                "end_time": "09:30",
                "location": "separate",
            },
        )
        assert answer.status_code == 302
        slot.refresh_from_db()
        assert slot.weekdays == "2"
        assert client.post(f"/schedule/{slot.pk}/remove/").status_code == 302
        assert not ScheduleSlot.objects.exists()

    def test_a_refused_slot_shows_the_reason_at_the_field_and_saves_nothing(self, client, speech: District) -> None:
        client.force_login(speech.doe_speech)
        answer = client.post(
            "/schedule/add/",
            {
                "service": "SPEECH",
                "students": ["111111111"],
                "weekdays": [],
                "start_time": "09:30",
                "end_time": "09:00",
                "location": "separate",
            },
        )
        assert answer.status_code == 200
        errors = answer.context["form"].errors
        assert errors["weekdays"] == ["Choose at least one school day (Monday to Friday)."]
        answer = client.post(
            "/schedule/add/",
            {
                "service": "SPEECH",
                "students": ["111111111"],
                "weekdays": ["1"],
                "start_time": "09:30",
                "end_time": "09:00",
                "location": "separate",
            },
        )
        assert answer.context["form"].errors["end_time"] == ["End Time must be after Start Time."]
        answer = client.post(
            "/schedule/add/",
            {
                "service": "SPEECH",
                "students": ["666666666"],
                "weekdays": ["1"],
                "start_time": "09:00",
                "end_time": "09:30",
                "location": "separate",
            },
        )
        assert "666666666" in answer.context["form"].errors["students"][0]  # not a choice: not on the caseload
        assert not ScheduleSlot.objects.exists()

    def test_another_providers_slot_is_not_found(self, client, speech: District) -> None:
        slot = create(speech)
        client.force_login(speech.independent_speech)
        for url in (f"/schedule/{slot.pk}/edit/", f"/schedule/{slot.pk}/remove/"):
            assert client.get(url).status_code == 404
            assert client.post(url).status_code == 404
        assert ScheduleSlot.objects.filter(pk=slot.pk).exists()
        assert slot.pk not in [s.pk for s in client.get("/schedule/").context["slots"]]

    def test_a_supervisor_has_no_schedule_of_their_own(self, client, speech: District) -> None:
        client.force_login(speech.supervisor)
        for url in ("/schedule/", "/schedule/add/", "/day/"):
            assert client.get(url).status_code == 404
