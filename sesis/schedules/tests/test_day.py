"""Recording a day's sessions from the schedule: what the schedule puts on a day, the
one-pass recording with every Service Record rule, all or nothing, and retries that
never duplicate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sesis.caseloads.actions import caseload_remove
from sesis.caseloads.models import CaseloadEntry
from sesis.lib.errors import ActionRefused
from sesis.schedules.actions import DayResult, Outcome, day_provider_absent, day_record, schedule_slot_create
from sesis.schedules.models import ScheduleSlot
from sesis.schedules.occurrences import occurrences_between, occurrences_on
from sesis.schedules.tests.conftest import slot_input
from sesis.schoolcalendar.models import CalendarDay
from sesis.services.models import ServiceRecord
from tests.factories import District, MandateFactory, StudentFactory

pytestmark = pytest.mark.django_db
WEDNESDAY = dt.date(2026, 11, 18)


@pytest.fixture
def slots(speech: District) -> dict[str, ScheduleSlot]:
    def add(students: list, **fields: object) -> ScheduleSlot:
        return schedule_slot_create(
            actor=speech.doe_speech, provider=speech.doe_speech, data=slot_input(students, **fields)
        )

    return {
        "ana": add([speech.speech_student], weekdays=[1, 3]),
        "group": add(speech.group, weekdays=[3, 5], start_time=dt.time(10), end_time=dt.time(10, 30)),
    }


def key(slot: ScheduleSlot) -> str:
    """The day form's name for a slot's session."""
    return f"s{slot.pk}"


def record_all(d: District, outcomes: dict[str, Outcome], certify: bool = True, day: dt.date = WEDNESDAY) -> DayResult:
    return day_record(actor=d.doe_speech, provider=d.doe_speech, day=day, outcomes=outcomes, certify=certify)


def record(d: District, outcomes: dict[str, Outcome], certify: bool = True, day: dt.date = WEDNESDAY) -> list:
    """The records saved, every session having been accepted."""
    result = record_all(d, outcomes, certify, day)
    assert not result.problems, result.problems
    return result.saved


def test_the_schedule_puts_sessions_on_their_days_only(speech: District, slots: dict[str, ScheduleSlot]) -> None:
    week = occurrences_between(speech.doe_speech, dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert [(o.date.day, o.slot.start_time.hour, len(o.members)) for o in week] == [
        (16, 9, 1),
        (18, 9, 1),
        (18, 10, 4),
        (20, 10, 4),
    ]
    assert not occurrences_on(speech.doe_speech, dt.date(2026, 11, 17))


def test_a_closed_school_or_a_student_off_the_caseload_is_left_out_with_a_note(
    speech: District, slots: dict[str, ScheduleSlot]
) -> None:
    CalendarDay.objects.create(date=WEDNESDAY, kind="closure", school=speech.school_a, description="Water main break")
    assert occurrences_on(speech.doe_speech, WEDNESDAY) == []
    CalendarDay.objects.all().delete()
    entry = CaseloadEntry.objects.active().get(provider=speech.doe_speech, student=speech.group[0])
    caseload_remove(actor=speech.doe_speech, entry=entry, reason="Moved away")
    group = occurrences_on(speech.doe_speech, WEDNESDAY)[1]
    assert [m.student.first_name for m in group.members] == ["Blake", "Casey", "Devon"]
    assert group.notes == ["Avery Lopez0 is no longer on your caseload."]


def test_a_day_recorded_in_one_pass(speech: District, slots: dict[str, ScheduleSlot]) -> None:
    saved = record(
        speech,
        {
            key(slots["ana"]): Outcome(notes="Articulation /r/ drills."),
            key(slots["group"]): Outcome(notes="Turn-taking.", absent={"700000002"}),
        },
    )
    assert len(saved) == 5
    ana = ServiceRecord.objects.get(student=speech.speech_student)
    assert (ana.date, ana.start_time, ana.end_time, ana.location, ana.language, ana.grouping) == (
        WEDNESDAY,
        dt.time(9),
        dt.time(9, 30),
        "separate",
        "English",
        "individual",
    )
    assert ana.is_certified and ana.hash_is_valid() and ana.notes == "Articulation /r/ drills."
    group = ServiceRecord.objects.filter(student__in=speech.group).order_by("student__osis")
    assert [(r.session_type, r.group_count) for r in group] == [
        ("provided", 3),
        ("provided", 3),
        ("student_absent", 3),
        ("provided", 3),
    ]
    assert len({r.group_session_id for r in group}) == 1
    assert all(o.recorded and o.certified for o in occurrences_on(speech.doe_speech, WEDNESDAY))


def test_a_retried_day_records_nothing_twice(speech: District, slots: dict[str, ScheduleSlot]) -> None:
    outcomes = {key(slots["ana"]): Outcome(notes="Drills.")}
    record(speech, outcomes)
    assert record(speech, outcomes) == []
    assert ServiceRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (Outcome(session_type="student_absent"), ("student_absent", "", "")),
        (Outcome(session_type="provider_absent"), ("provider_absent", "", "")),
        (Outcome(session_type="cancelled", cancel_reason="school_activity"), ("cancelled", "school_activity", "")),
    ],
)
def test_a_session_that_did_not_happen_is_one_choice(
    speech: District, slots: dict[str, ScheduleSlot], outcome: Outcome, expected: tuple[str, str, str]
) -> None:
    record(speech, {key(slots["ana"]): outcome})
    ana = ServiceRecord.objects.get()
    assert (ana.session_type, ana.cancel_reason, ana.location) == expected
    assert (ana.start_time, ana.end_time) == (dt.time(9), dt.time(9, 30))  # the planned times are kept


def test_a_cancelled_group_is_cancelled_for_each_student(speech: District, slots: dict[str, ScheduleSlot]) -> None:
    record(speech, {key(slots["group"]): Outcome(session_type="cancelled", cancel_reason="school_closing")})
    assert sorted(ServiceRecord.objects.values_list("session_type", "group_count")) == [("cancelled", 4)] * 4


def test_nobody_present_records_each_student_absent(speech: District, slots: dict[str, ScheduleSlot]) -> None:
    everyone = {s.osis for s in speech.group}
    record(speech, {key(slots["group"]): Outcome(absent=everyone)}, certify=False)
    assert sorted(ServiceRecord.objects.values_list("session_type", "group_count")) == [("student_absent", 4)] * 4


def test_one_refused_session_holds_back_no_other(speech: District, slots: dict[str, ScheduleSlot]) -> None:
    result = record_all(
        speech,
        {
            key(slots["ana"]): Outcome(notes="Fine."),
            key(slots["group"]): Outcome(notes=""),  # speech needs Session Notes
            "s999": Outcome(),
        },
    )
    assert result.message == "2 sessions need attention: they were not saved. Correct and Save again."
    assert (
        result.problems[key(slots["group"])][0]
        == "Avery Lopez0: Session Notes are required for Speech-Language Therapy sessions."
    )
    assert result.problems["s999"] == ["This session is not on your schedule for this day."]
    # Ana's session is saved; nothing of the refused group is.
    assert [r.student for r in result.saved] == [speech.speech_student]
    assert list(ServiceRecord.objects.values_list("student__osis", flat=True)) == [speech.speech_student.osis]


def test_cancelled_needs_its_reason_and_a_group_has_no_student_absent(
    speech: District, slots: dict[str, ScheduleSlot]
) -> None:
    result = record_all(
        speech,
        {
            key(slots["ana"]): Outcome(session_type="cancelled"),
            key(slots["group"]): Outcome(session_type="student_absent"),
        },
    )
    assert result.problems[key(slots["ana"])] == ["Choose the reason the session was cancelled."]
    assert result.problems[key(slots["group"])] == [
        "For a group, mark each absent student; Student Absent is chosen per student."
    ]
    assert result.message == "2 sessions need attention: they were not saved. Correct and Save again."
    assert not ServiceRecord.objects.exists()


def test_a_future_day_is_refused_by_the_record_rules(speech: District, slots: dict[str, ScheduleSlot]) -> None:
    friday = dt.date(2026, 11, 20)
    result = record_all(speech, {key(slots["group"]): Outcome(notes="x")}, day=friday)
    assert "The date of service cannot be in the future." in result.problems[key(slots["group"])][0]
    assert result.message == "1 session needs attention: it was not saved. Correct and Save again."
    assert not ServiceRecord.objects.exists()


def test_a_session_that_started_late_keeps_its_own_times_and_is_still_that_session(
    speech: District, slots: dict[str, ScheduleSlot]
) -> None:
    late = Outcome(notes="Drills.", start_time=dt.time(9, 10), end_time=dt.time(9, 30))
    saved = record(speech, {key(slots["ana"]): late})
    assert [(r.start_time, r.end_time, r.minutes) for r in saved] == [(dt.time(9, 10), dt.time(9, 30), 20)]
    ana = next(o for o in occurrences_on(speech.doe_speech, WEDNESDAY) if o.key == key(slots["ana"]))
    assert ana.recorded  # the 9:00 session is the one recorded at 9:10
    assert record(speech, {key(slots["ana"]): late}) == []  # a retry records nothing twice
    assert ServiceRecord.objects.count() == 1


def test_times_that_break_a_rule_are_refused_for_that_session(speech: District, slots: dict[str, ScheduleSlot]) -> None:
    backwards = Outcome(notes="Drills.", start_time=dt.time(9, 30), end_time=dt.time(9, 0))
    result = record_all(speech, {key(slots["ana"]): backwards})
    assert result.problems[key(slots["ana"])] == ["End Time must be after Start Time."]
    assert not ServiceRecord.objects.exists()


def test_i_was_absent_today_records_every_remaining_session_as_provider_absent(
    speech: District, slots: dict[str, ScheduleSlot]
) -> None:
    record(speech, {key(slots["ana"]): Outcome(notes="Drills.")})  # already recorded: left as it is
    result = day_provider_absent(actor=speech.doe_speech, provider=speech.doe_speech, day=WEDNESDAY, certify=True)
    assert not result.problems and len(result.saved) == 4
    assert (
        sorted(ServiceRecord.objects.values_list("session_type", flat=True)) == ["provided"] + ["provider_absent"] * 4
    )
    assert all(r.is_certified for r in result.saved)
    with pytest.raises(ActionRefused, match=r"Every session of this day is already recorded\."):
        day_provider_absent(actor=speech.doe_speech, provider=speech.doe_speech, day=WEDNESDAY, certify=True)


def test_i_was_absent_today_is_not_signed_without_the_tick(speech: District, slots: dict[str, ScheduleSlot]) -> None:
    result = day_provider_absent(actor=speech.doe_speech, provider=speech.doe_speech, day=WEDNESDAY, certify=False)
    assert len(result.saved) == 5 and not any(r.is_certified for r in result.saved)


def test_someone_else_cannot_record_a_providers_day(speech: District, slots: dict[str, ScheduleSlot]) -> None:
    with pytest.raises(ActionRefused, match=r"Outside your access\."):
        day_record(
            actor=speech.para,
            provider=speech.doe_speech,
            day=WEDNESDAY,
            certify=True,
            outcomes={key(slots["ana"]): Outcome(notes="x")},
        )
    assert not ServiceRecord.objects.exists()


class TestThePages:
    def post_day(self, client, slots: dict[str, ScheduleSlot], **extra: object):
        ana, group = key(slots["ana"]), key(slots["group"])
        data = {
            f"{ana}-record": "on",
            f"{ana}-session_type": "provided",
            f"{ana}-notes": "Drills.",
            f"{group}-record": "on",
            f"{group}-session_type": "provided",
            f"{group}-notes": "Turn-taking.",
            f"{group}-absent": ["700000001"],
            "certify": "on",
        } | extra
        return client.post("/day/?date=2026-11-18", data)

    def test_the_homepage_records_the_day_and_a_retry_changes_nothing(
        self, client, speech: District, slots: dict[str, ScheduleSlot]
    ) -> None:
        client.force_login(speech.doe_speech)
        home = client.get("/")
        assert [f.occurrence.key for f in home.context["forms"]] == [f"s{slots['ana'].pk}", f"s{slots['group'].pk}"]
        answer = self.post_day(client, slots)
        assert answer.status_code == 302 and answer["Location"] == "/"
        assert ServiceRecord.objects.certified().count() == 5
        again = self.post_day(client, slots)
        assert again.status_code == 302
        assert ServiceRecord.objects.count() == 5
        page = client.get("/").content.decode()
        assert "Recorded and certified." in page and "Record this session" not in page

    def test_an_unchecked_session_is_left_for_later(
        self, client, speech: District, slots: dict[str, ScheduleSlot]
    ) -> None:
        client.force_login(speech.doe_speech)
        self.post_day(client, slots, **{key(slots["group"]) + "-record": ""})
        assert ServiceRecord.objects.count() == 1

    def test_a_refused_session_stays_with_its_problem_and_the_others_are_saved(
        self, client, speech: District, slots: dict[str, ScheduleSlot]
    ) -> None:
        client.force_login(speech.doe_speech)
        answer = self.post_day(client, slots, **{key(slots["ana"]) + "-notes": ""})
        assert answer.status_code == 200
        (ana_form, group_form) = answer.context["forms"]
        assert ana_form.non_field_errors() == ["Session Notes are required for Speech-Language Therapy sessions."]
        assert ana_form["session_type"].value() == "provided"  # what was typed is kept
        assert group_form.occurrence.recorded  # the group was saved
        assert answer.context["certify_error"] == "1 session needs attention: it was not saved. Correct and Save again."
        page = answer.content.decode()
        assert "4 service records saved and certified" in page
        assert ServiceRecord.objects.certified().count() == 4
        assert not ServiceRecord.objects.filter(student=speech.speech_student).exists()
        # Corrected and saved again: the day is complete, nothing recorded twice.
        again = self.post_day(client, slots, **{key(slots["ana"]) + "-notes": "Drills."})
        assert again.status_code == 302 and ServiceRecord.objects.certified().count() == 5

    def test_an_incomplete_session_is_kept_and_the_others_saved(
        self, client, speech: District, slots: dict[str, ScheduleSlot]
    ) -> None:
        client.force_login(speech.doe_speech)
        answer = self.post_day(client, slots, **{key(slots["ana"]) + "-session_type": "no-such-type"})
        assert answer.status_code == 200
        assert answer.context["forms"][0].errors["session_type"]
        assert ServiceRecord.objects.count() == 4

    def test_i_was_absent_today_in_one_step(self, client, speech: District, slots: dict[str, ScheduleSlot]) -> None:
        client.force_login(speech.doe_speech)
        answer = client.post("/day/?date=2026-11-18", {"absent_today": "1", "certify": "on"})
        assert answer.status_code == 302
        assert (
            sorted(ServiceRecord.objects.certified().values_list("session_type", flat=True)) == ["provider_absent"] * 5
        )

    def test_nothing_chosen_is_said_plainly(self, client, speech: District, slots: dict[str, ScheduleSlot]) -> None:
        client.force_login(speech.doe_speech)
        answer = client.post("/day/?date=2026-11-18", {"certify": "on"})
        assert answer.context["certify_error"] == "Check Record this session for each session you are recording."
        assert not ServiceRecord.objects.exists()

    @pytest.mark.parametrize("date", ["2026-11-19", "2026-09-30", "not-a-date"])
    def test_a_day_outside_the_window_is_not_found(self, client, speech: District, date: str) -> None:
        client.force_login(speech.doe_speech)
        assert client.get(f"/day/?date={date}").status_code == 404

    def test_the_homepage_makes_the_same_queries_for_2_or_10_sessions(self, client, speech: District) -> None:
        client.force_login(speech.doe_speech)

        def home_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/").status_code == 200
            return len(queries)

        def add_slots(first: int, count: int) -> None:
            for n in range(first, first + count):
                student = StudentFactory.create(school=speech.school_a, osis=f"8{n:08d}")
                MandateFactory.create(student=student, service="SPEECH", group_size=1)
                CaseloadEntry.objects.create(
                    provider=speech.doe_speech,
                    student=student,
                    source="provider",
                    added_by=speech.doe_speech,
                    added_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
                )
                schedule_slot_create(
                    actor=speech.doe_speech,
                    provider=speech.doe_speech,
                    data=slot_input(
                        [student],
                        weekdays=[3],
                        start_time=dt.time(7 + n // 2, 30 * (n % 2)),
                        end_time=dt.time(7 + n // 2, 30 * (n % 2) + 20),
                    ),
                )

        add_slots(0, 2)
        few = home_queries()
        add_slots(2, 8)
        assert len(client.get("/").context["forms"]) == 10
        assert home_queries() == few
