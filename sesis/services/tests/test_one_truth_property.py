"""Property: whatever sequence of record, edit, certify, amend and delete a provider
makes, every reader agrees with a plain in-memory model of the records: the rules
(which sessions are accepted), the Services Calendar and its weekly tallies, Encounter
Attendance (rows, totals, the session type filter), its CSV export, Mandate
Compliance, the API's list and filter, and the signatures across versions. Run on
SQLite and on PostgreSQL (where the exclusion constraint holds the overlap rule too)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from sesis.api.tests.conftest import Api, token_for
from sesis.caseloads.actions import caseload_add
from sesis.lib.errors import ActionRefused
from sesis.lib.exports import csv_lines
from sesis.mandates.models import Mandate
from sesis.reports import compliance, encounter_attendance
from sesis.reports.actions import report_export
from sesis.reports.filters import Filters
from sesis.services import actions
from sesis.services.calendar import build_month
from sesis.services.choices import SessionType
from sesis.services.history import signature
from sesis.services.models import ServiceRecord, ServiceRecordVersion, Signature
from sesis.services.tests.conftest import Sessions
from tests.factories import MandateFactory, StudentFactory

DAYS = [dt.date(2026, 11, 16), dt.date(2026, 11, 17), dt.date(2026, 11, 18)]  # Mon-Wed, school days
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
TYPES = [SessionType.PROVIDED, SessionType.STUDENT_ABSENT, SessionType.PROVIDER_ABSENT, SessionType.CANCELLED]
LABEL = dict(SessionType.choices)
STARTS = st.integers(min_value=0, max_value=7)  # quarter hours from 09:00
LENGTHS = st.sampled_from([15, 30, 45])
RUNS = {"steps": 0, "examples": 0, "accepted": 0, "refused": 0}


def at(quarter: int, plus: int = 0) -> dt.time:
    minutes = 9 * 60 + quarter * 15 + plus
    return dt.time(minutes // 60, minutes % 60)


@dataclass(frozen=True)
class Rec:
    """A record as the model has it: its current values."""

    student: int  # index into the machine's students
    day: dt.date
    start: dt.time
    end: dt.time
    session_type: str
    group_count: int | None  # None: individual
    certified: bool = False
    version: int = 1
    amendments: int = 0
    session: int | None = None  # the group session it belongs to (a group recorded at the same times joins it)

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def content(self) -> tuple[Any, ...]:
        return (self.start, self.end, self.session_type, self.group_count)


def overlaps(a: Rec, b: Rec) -> bool:
    return a.day == b.day and a.start < b.end and b.start < a.end


class Model:
    def __init__(self) -> None:
        self.records: dict[int, Rec] = {}
        self.sessions = 0

    def group_session_for(self, candidate: Rec) -> int | None:
        """A new group record at exactly the times of an earlier group record joins that
        record's group session (the guide's way of recording a group); another group
        record starts its own; an individual one has none."""
        if candidate.group_count is None:
            return None
        for other in self.records.values():
            same_times = (other.day, other.start, other.end) == (candidate.day, candidate.start, candidate.end)
            if same_times and other.group_count is not None and other.session is not None:
                return other.session
        self.sessions += 1
        return -self.sessions  # a new one (its number is the model's own)

    def accepts(self, candidate: Rec, group_size: int, replacing: int | None = None) -> bool:
        """The rules, plainly: the group size within the mandate's; a Service Provided
        session never overlaps another of the provider's, unless both belong to the same
        group session; a student's session is recorded once per Start Time."""
        if candidate.group_count is not None and candidate.group_count > group_size:
            return False
        for pk, other in self.records.items():
            if pk == replacing:
                continue
            if other.student == candidate.student and other.day == candidate.day and other.start == candidate.start:
                return False
            both_provided = SessionType.PROVIDED == candidate.session_type == other.session_type
            same_group = candidate.session is not None and candidate.session == other.session
            if both_provided and not same_group and overlaps(candidate, other):
                return False
        return True


def _any(certified: bool) -> Any:
    """A rule that needs a record that is (or is not) certified."""
    return precondition(lambda self: any(r.certified == certified for r in self.model.records.values()))


def _entered(rec: Rec) -> dict[str, Any]:
    missed = rec.session_type != SessionType.PROVIDED
    return {
        "start_time": rec.start,
        "end_time": rec.end,
        "language": "English",
        "session_type": rec.session_type,
        "cancel_reason": "other" if rec.session_type == SessionType.CANCELLED else "",
        "grouping": "individual" if rec.group_count is None else "group",
        "group_count": rec.group_count,
        "location": "" if missed else "separate",
        "notes": "Worked on goals.",
    }


def test_every_reader_agrees_with_a_plain_model_of_the_records(sessions: Sessions) -> None:
    d = sessions.d
    provider = d.doe_speech
    second = StudentFactory.create(school=d.school_a, first_name="Ola", last_name="Berg")
    MandateFactory.create(student=second, service="SPEECH", group_size=1)
    caseload_add(actor=provider, provider=provider, students=[second])
    students = [d.speech_student, second]
    mandates = [Mandate.objects.get(student=s, service="SPEECH") for s in students]
    api = Api(token_for(d.admin))

    class Machine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.model = Model()
            RUNS["examples"] += 1

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def _outcome(self, predicted: bool, attempt: Any) -> Any:
            RUNS["steps"] += 1
            try:
                result = attempt()
            except ActionRefused:
                RUNS["refused"] += 1
                assert not predicted, "the rules refused what the model accepts"
                return None
            RUNS["accepted"] += 1
            assert predicted, "the rules accepted what the model refuses"
            return result

        @rule(
            who=st.integers(0, 1),
            day=st.sampled_from(DAYS),
            start=STARTS,
            length=LENGTHS,
            kind=st.sampled_from(TYPES),
            group=st.sampled_from([None, 1, 2]),
            certify=st.booleans(),
        )
        def create(
            self, who: int, day: dt.date, start: int, length: int, kind: str, group: int | None, certify: bool
        ) -> None:
            rec = Rec(who, day, at(start), at(start, length), kind, group, certified=certify)
            rec = replace(rec, session=self.model.group_session_for(rec))
            data = actions.draft(student=students[who], mandate=mandates[who], date=day, **_entered(rec))
            created = self._outcome(
                self.model.accepts(rec, mandates[who].group_size),
                lambda: actions.service_record_create(actor=provider, provider=provider, data=data, certify=certify),
            )
            if created is not None:
                self.model.records[created.pk] = rec

        def _pick(self, data: st.DataObject, certified: bool) -> int | None:
            choices = sorted(pk for pk, rec in self.model.records.items() if rec.certified == certified)
            return data.draw(st.sampled_from(choices)) if choices else None

        @_any(certified=False)
        @rule(data=st.data(), start=STARTS, length=LENGTHS, kind=st.sampled_from(TYPES))
        def edit(self, data: st.DataObject, start: int, length: int, kind: str) -> None:
            pk = self._pick(data, certified=False)
            if pk is None:
                return
            rec = self.model.records[pk]
            new = replace(rec, start=at(start), end=at(start, length), session_type=kind, version=rec.version + 1)
            record = ServiceRecord.objects.get(pk=pk)
            draft = actions.draft(
                student=students[rec.student], mandate=mandates[rec.student], date=rec.day, **_entered(new)
            )
            if self._outcome(
                self.model.accepts(new, mandates[rec.student].group_size, replacing=pk),
                lambda: actions.service_record_update(actor=provider, record=record, data=draft, version=rec.version),
            ):
                self.model.records[pk] = new

        @_any(certified=False)
        @rule(data=st.data())
        def certify(self, data: st.DataObject) -> None:
            pk = self._pick(data, certified=False)
            if pk is None:
                return
            record = ServiceRecord.objects.get(pk=pk)
            self._outcome(True, lambda: actions.service_record_certify(actor=provider, record=record))
            self.model.records[pk] = replace(self.model.records[pk], certified=True)

        @_any(certified=True)
        @rule(
            data=st.data(),
            start=STARTS,
            length=LENGTHS,
            kind=st.sampled_from(TYPES),
            group=st.sampled_from([None, 1, 2]),
        )
        def amend(self, data: st.DataObject, start: int, length: int, kind: str, group: int | None) -> None:
            pk = self._pick(data, certified=True)
            if pk is None:
                return
            rec = self.model.records[pk]
            new = replace(
                rec,
                start=at(start),
                end=at(start, length),
                session_type=kind,
                group_count=group,
                version=rec.version + 1,
                amendments=rec.amendments + 1,
            )
            predicted = new.content() != rec.content() and self.model.accepts(
                new, mandates[rec.student].group_size, replacing=pk
            )
            record = ServiceRecord.objects.get(pk=pk)
            changes = _entered(new)
            if self._outcome(
                predicted,
                lambda: actions.service_record_amend(
                    actor=provider,
                    record=record,
                    reason="Corrected",
                    certify=True,
                    changes=changes,
                    version=rec.version,
                ),
            ):
                self.model.records[pk] = new

        @_any(certified=False)
        @rule(data=st.data())
        def delete(self, data: st.DataObject) -> None:
            pk = self._pick(data, certified=False)
            if pk is None:
                return
            record = ServiceRecord.objects.get(pk=pk)
            self._outcome(True, lambda: actions.service_record_delete(actor=provider, record=record))
            del self.model.records[pk]

        @_any(certified=True)
        @rule(data=st.data())
        def certified_records_refuse_edits_and_deletes(self, data: st.DataObject) -> None:
            pk = self._pick(data, certified=True)
            record = ServiceRecord.objects.get(pk=pk)
            self._outcome(False, lambda: actions.service_record_delete(actor=provider, record=record))

        # The readers --------------------------------------------------------------

        def _expected(self, **where: Any) -> dict[int, Rec]:
            return {pk: r for pk, r in self.model.records.items() if all(getattr(r, k) == v for k, v in where.items())}

        @invariant()
        def the_calendar_agrees(self) -> None:
            for who, student in enumerate(students):
                month = build_month(provider=provider, student=student, first=dt.date(2026, 11, 1))
                shown = {
                    (r.pk, day.date, r.start_time, r.end_time, r.session_type, r.is_amendment)
                    for week in month.weeks
                    for day in week.days
                    for r in day.records
                }
                expected = {
                    (pk, r.day, r.start, r.end, r.session_type, r.amendments > 0)
                    for pk, r in self._expected(student=who).items()
                }
                assert shown == expected
                (week,) = [w for w in month.weeks if w.days[0].date == dt.date(2026, 11, 15)]
                (tally,) = week.tallies
                provided = len(self._expected(student=who, session_type=SessionType.PROVIDED))
                assert tally.delivered == provided

        @invariant()
        def encounter_attendance_and_its_totals_agree(self) -> None:
            filters = Filters(*NOV)
            rows = {
                row.record_id: row for row in encounter_attendance.rows(encounter_attendance.records(d.admin, filters))
            }
            assert {
                pk: (row.start_time, row.end_time, row.minutes, row.session_type, row.amended)
                for pk, row in rows.items()
            } == {
                pk: (r.start, r.end, r.minutes, LABEL[r.session_type], r.amendments > 0)
                for pk, r in self.model.records.items()
            }
            assert all(row.signature == (Signature.VERIFIED if row.certified_at else "") for row in rows.values())
            totals = encounter_attendance.totals(encounter_attendance.records(d.admin, filters))
            for label, n, minutes in totals.by_type:
                expected = [r for r in self.model.records.values() if LABEL[r.session_type] == label]
                assert (n, minutes) == (len(expected), sum(r.minutes for r in expected))
            for kind in TYPES:
                ids = set(
                    encounter_attendance.records(d.admin, Filters(*NOV, session_type=kind)).values_list("pk", flat=True)
                )
                assert ids == set(self._expected(session_type=kind))

        @invariant()
        def the_csv_export_agrees(self) -> None:
            export = report_export(
                actor=d.admin, report="encounter-attendance", filters=Filters(*NOV), file_format="csv"
            )
            lines = list(csv.DictReader(io.StringIO("".join(csv_lines(export.header, export.rows)).lstrip("\ufeff"))))
            got = sorted((r["Date"], r["Start Time"], r["End Time"], r["Session Type"], r["Amended"]) for r in lines)
            want = sorted(
                (
                    r.day.isoformat(),
                    f"{r.start:%H:%M}",
                    f"{r.end:%H:%M}",
                    LABEL[r.session_type],
                    "Yes" if r.amendments else "No",
                )
                for r in self.model.records.values()
            )
            assert got == want

        @invariant()
        def mandate_compliance_agrees(self) -> None:
            lines = compliance.compliance(mandates, *NOV, today=sessions.today)
            for who, line in enumerate(lines):
                assert line.mandate == mandates[who]
                counts = line.counts
                assert counts.provided == len(self._expected(student=who, session_type=SessionType.PROVIDED))
                assert counts.student_absent == len(
                    self._expected(student=who, session_type=SessionType.STUDENT_ABSENT)
                )
                assert counts.cancelled == len(self._expected(student=who, session_type=SessionType.CANCELLED))
                assert counts.not_certified == len(self._expected(student=who, certified=False))

        @invariant()
        def the_api_agrees(self) -> None:
            listed = api.get("/service-records", date_from="2026-11-01", date_to="2026-11-30", limit=200).json()
            assert {
                item["id"]: (
                    item["start_time"],
                    item["end_time"],
                    item["session_type"],
                    item["version"],
                    len(item["versions"]),
                )
                for item in listed["items"]
            } == {
                pk: (
                    r.start.isoformat(),
                    r.end.isoformat(),
                    r.session_type,
                    r.version,
                    (r.amendments + 1) if r.certified else 0,
                )
                for pk, r in self.model.records.items()
            }
            absent = api.get("/service-records", session_type="student_absent", limit=200).json()
            assert {item["id"] for item in absent["items"]} == set(self._expected(session_type="student_absent"))

        @invariant()
        def every_version_is_kept_and_signed(self) -> None:
            for pk, rec in self.model.records.items():
                assert ServiceRecordVersion.objects.filter(record_id=pk).count() == rec.amendments
                if rec.certified:
                    assert signature(ServiceRecord.objects.get(pk=pk)) == Signature.VERIFIED

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
    assert RUNS["accepted"] > 0 and RUNS["refused"] > 0, RUNS  # both outcomes were exercised
    print(f"one-truth property: {RUNS}")
