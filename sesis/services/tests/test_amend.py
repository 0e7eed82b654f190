"""Amendments: a new signed version of a certified record; the version it replaces
stays as it was signed, kept by the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from sesis.audit.models import AuditEvent
from sesis.lib.errors import ActionRefused
from sesis.services.actions import CERTIFY_AMENDMENT, RecordRefused, service_record_amend, service_record_create
from sesis.services.history import history, signature
from sesis.services.models import VERSIONED_COLUMNS, ServiceRecord, ServiceRecordVersion, Signature
from sesis.services.tests.conftest import Sessions


@pytest.fixture
def certified(sessions: Sessions) -> ServiceRecord:
    return service_record_create(
        actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input(), certify=True
    )


def amend(
    sessions: Sessions, record: ServiceRecord, reason: str = "Student left early", **changes: object
) -> ServiceRecord:
    return service_record_amend(actor=sessions.d.para, record=record, reason=reason, changes=changes, certify=True)


def test_an_amendment_is_a_new_signed_version_and_keeps_the_one_it_replaces(
    sessions: Sessions, certified: ServiceRecord
) -> None:
    original_hash = certified.certification_hash
    amended = amend(sessions, certified, end_time=dt.time(9, 45))
    amended.refresh_from_db()
    assert amended.end_time == dt.time(9, 45)  # the current version is in the columns
    assert (amended.version, amended.amends_hash, amended.amendment_reason) == (2, original_hash, "Student left early")
    assert amended.certified_by == sessions.d.para and amended.hash_is_valid()
    (kept,) = ServiceRecordVersion.objects.filter(record=amended)
    assert (kept.version, kept.end_time, kept.certification_hash) == (1, dt.time(10, 0), original_hash)
    assert kept.hash_is_valid() and kept.superseded_at == amended.certified_at
    assert signature(amended) == Signature.VERIFIED
    event = AuditEvent.objects.get(action="service_record.amend")
    assert event.details["changes"] == {"End Time": ["10:00", "09:45"]}


def test_the_history_reads_as_labels_and_human_values(sessions: Sessions) -> None:
    d = sessions.d
    record = service_record_create(
        actor=d.doe_speech, provider=d.doe_speech, data=sessions.speech_input(), certify=True
    )
    record = service_record_amend(
        actor=d.doe_speech,
        record=record,
        reason="Only she came",
        certify=True,
        changes={"grouping": "individual", "group_count": None},
    )
    original, amendment = history(record)
    assert original.changes == {} and not original.current
    assert amendment.changes == {"Group Size": ["Group, 2", "Individual"]} and amendment.current


def test_amendments_chain_in_order(sessions: Sessions, certified: ServiceRecord) -> None:
    first = amend(sessions, certified, "a", notes="first")
    second = amend(sessions, first, "b", notes="second")
    assert second.notes == "second" and second.version == 3
    versions = list(ServiceRecordVersion.objects.filter(record=second))
    assert [v.notes for v in versions] == ["", "first"]
    assert second.amends_hash == versions[1].certification_hash
    assert versions[1].amends_hash == versions[0].certification_hash
    assert [entry.changes for entry in history(second)][1:] == [
        {"Session Notes": ["", "first"]},
        {"Session Notes": ["first", "second"]},
    ]


def test_an_amendment_is_refused_without_the_amenders_certification(
    sessions: Sessions, certified: ServiceRecord
) -> None:
    with pytest.raises(RecordRefused) as caught:
        service_record_amend(actor=sessions.d.para, record=certified, reason="x", changes={"notes": "y"}, certify=False)
    assert caught.value.problems == [("certify", CERTIFY_AMENDMENT)]
    assert not ServiceRecordVersion.objects.exists()


def test_an_amendment_must_satisfy_the_rules(sessions: Sessions, certified: ServiceRecord) -> None:
    with pytest.raises(RecordRefused) as caught:
        amend(sessions, certified, "typo", end_time=dt.time(8, 0))
    assert caught.value.problems == [("end_time", "End Time must be after Start Time.")]
    assert not ServiceRecordVersion.objects.exists()


def test_an_amendment_needs_a_reason_and_a_change(sessions: Sessions, certified: ServiceRecord) -> None:
    with pytest.raises(RecordRefused, match="Give the reason"):
        amend(sessions, certified, " ", notes="x")
    with pytest.raises(RecordRefused, match="Nothing was changed"):
        amend(sessions, certified, "no-op", notes="")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"notes": None}, "notes", "Session Notes cannot be empty (null)."),
        ({"start_time": None}, "start_time", "Start Time cannot be empty (null)."),
        ({"start_time": "late"}, "start_time", "Start Time: enter a time as HH:MM."),
        ({"start_time": 9}, "start_time", "Start Time: enter a time as HH:MM."),
        ({"group_count": "three"}, "group_count", "Number of students present (Group only): enter a whole number."),
        ({"location": "moon"}, "location", "Choose a Service Location from the list."),
        ({"language": ""}, "language", "Choose a Language of Service from the list."),
        ({"notes": ["a"]}, "notes", "Session Notes: enter text."),
        ({"notes": "x" * 4001}, "notes", "Session Notes can be at most 4,000 characters."),
        ({"certified_by": 1}, "certified_by", "certified_by: this field cannot be amended."),
        ({"date": "2026-11-17"}, "date", "date: this field cannot be amended."),
    ],
)
def test_bad_amendment_input_is_named_and_changes_nothing(
    sessions: Sessions, certified: ServiceRecord, changes: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(RecordRefused) as caught:
        service_record_amend(actor=sessions.d.para, record=certified, reason="x", changes=changes, certify=True)
    assert caught.value.problems == [(field, message)]
    certified.refresh_from_db()
    assert certified.version == 1 and not ServiceRecordVersion.objects.exists()


def test_an_uncertified_record_is_edited_not_amended(sessions: Sessions) -> None:
    draft = service_record_create(actor=sessions.d.para, provider=sessions.d.para, data=sessions.para_input())
    with pytest.raises(ActionRefused, match="edited, not amended"):
        amend(sessions, draft, "x", notes="y")


def test_a_stale_amendment_is_refused(sessions: Sessions, certified: ServiceRecord) -> None:
    amend(sessions, certified, "first", notes="one")
    with pytest.raises(ActionRefused, match="changed by someone else"):
        service_record_amend(
            actor=sessions.d.para, record=certified, reason="second", changes={"notes": "two"}, certify=True, version=1
        )


def test_the_database_keeps_versions_append_only(sessions: Sessions, certified: ServiceRecord) -> None:
    amend(sessions, certified, "why", notes="n")
    kept = ServiceRecordVersion.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ServiceRecordVersion.objects.filter(pk=kept.pk).update(notes="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        kept.delete()
    assert ServiceRecordVersion.objects.get().notes == ""


def _sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.parametrize(
    "statement",
    [
        # not the next version
        "UPDATE services_servicerecord SET notes = 'x', amends_hash = certification_hash, amendment_reason = 'r' "
        "WHERE id = %s",
        # the next version, but not naming the one it replaces
        "UPDATE services_servicerecord SET notes = 'x', version = version + 1, amends_hash = 'forged', "
        "amendment_reason = 'r' WHERE id = %s",
        # uncertified
        "UPDATE services_servicerecord SET certified_at = NULL, certified_by_id = NULL, certification_hash = '' "
        "WHERE id = %s",
        # another student's
        "UPDATE services_servicerecord SET student_id = student_id + 1, version = version + 1, "
        "amends_hash = certification_hash, amendment_reason = 'r' WHERE id = %s",
        "DELETE FROM services_servicerecord WHERE id = %s",
    ],
)
def test_the_database_refuses_any_other_change_to_a_certified_record(
    sessions: Sessions, certified: ServiceRecord, statement: str
) -> None:
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"), transaction.atomic():
        _sql(statement, [certified.pk])
    assert ServiceRecord.objects.get(pk=certified.pk).hash_is_valid()


def test_the_database_itself_keeps_the_replaced_version_on_any_path(
    sessions: Sessions, certified: ServiceRecord
) -> None:
    # Raw SQL that follows the versioning rule still cannot lose what was signed.
    _sql(
        "UPDATE services_servicerecord SET notes = 'raw', version = version + 1, amends_hash = certification_hash, "
        "amendment_reason = 'raw SQL' WHERE id = %s",
        [certified.pk],
    )
    kept = ServiceRecordVersion.objects.get(record=certified)
    assert kept.hash_is_valid() and kept.notes == ""
    # The current version was not signed by anyone: its hash no longer matches.
    assert signature(ServiceRecord.objects.get(pk=certified.pk)) == Signature.MISMATCH


def test_the_history_trigger_copies_every_column_of_a_version(sessions: Sessions, certified: ServiceRecord) -> None:
    """If a field is added to the declaration, its migration must re-create the trigger
    with the new column list; this test fails until it does."""
    amend(sessions, certified, "why", notes="n", progress="limited")
    kept = ServiceRecordVersion.objects.get()
    before = {column: getattr(certified, column) for column in VERSIONED_COLUMNS}
    assert {column: getattr(kept, column) for column in VERSIONED_COLUMNS} == before
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'services_servicerecord_versioned_update'")
        else:
            cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'services_servicerecord_versioned'")
        (source,) = cursor.fetchone()
    for column in VERSIONED_COLUMNS:
        assert f"OLD.{column}" in source, f"the history trigger does not copy {column}"


@pytest.fixture
def two_speech_students(sessions: Sessions):
    from sesis.caseloads.actions import caseload_add
    from tests.factories import MandateFactory, StudentFactory

    d = sessions.d
    second = StudentFactory.create(school=d.school_a, first_name="Ola", last_name="Berg")
    MandateFactory.create(student=second, service="SPEECH", group_size=1)
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[second])
    return d.speech_student, second


def _speech(sessions: Sessions, student, start: dt.time, end: dt.time) -> ServiceRecord:
    from sesis.mandates.models import Mandate

    mandate = Mandate.objects.get(student=student, service="SPEECH")
    return sessions.speech_input(
        student=student, mandate=mandate, start_time=start, end_time=end, grouping="individual", group_count=None
    )


def test_an_amended_time_holds_the_provider_to_the_new_time_and_frees_the_old_one(
    sessions: Sessions, two_speech_students
) -> None:
    """The issue's steps: certify 06:00-06:30, amend it to 07:00-07:30 ("wrong time");
    another student at 07:00-07:30 is then refused (two places at once) and at
    06:00-06:30 accepted. On PostgreSQL the exclusion constraint reads the same columns."""
    d = sessions.d
    first, second = two_speech_students
    record = service_record_create(
        actor=d.doe_speech,
        provider=d.doe_speech,
        certify=True,
        data=_speech(sessions, first, dt.time(6), dt.time(6, 30)),
    )
    service_record_amend(
        actor=d.doe_speech,
        record=record,
        reason="wrong time",
        certify=True,
        changes={"start_time": dt.time(7), "end_time": dt.time(7, 30)},
    )
    with pytest.raises(RecordRefused) as caught:
        service_record_create(
            actor=d.doe_speech, provider=d.doe_speech, data=_speech(sessions, second, dt.time(7), dt.time(7, 30))
        )
    assert "You already have a session from 07:00 to 07:30" in caught.value.problems[0][1]
    assert "a provider cannot be in two places at once" in caught.value.problems[0][1]
    accepted = service_record_create(
        actor=d.doe_speech, provider=d.doe_speech, data=_speech(sessions, second, dt.time(6), dt.time(6, 30))
    )
    assert accepted.pk is not None


def test_an_amendment_cannot_move_a_session_onto_another(sessions: Sessions, two_speech_students) -> None:
    d = sessions.d
    first, second = two_speech_students
    record = service_record_create(
        actor=d.doe_speech,
        provider=d.doe_speech,
        certify=True,
        data=_speech(sessions, first, dt.time(6), dt.time(6, 30)),
    )
    service_record_create(
        actor=d.doe_speech,
        provider=d.doe_speech,
        certify=True,
        data=_speech(sessions, second, dt.time(7), dt.time(7, 30)),
    )
    with pytest.raises(RecordRefused, match="two places at once"):
        service_record_amend(
            actor=d.doe_speech,
            record=record,
            reason="wrong time",
            certify=True,
            changes={"start_time": dt.time(7, 15), "end_time": dt.time(7, 45)},
        )
    record.refresh_from_db()
    assert (record.start_time, record.version) == (dt.time(6), 1)


def test_an_amendment_keeps_every_rule_of_a_new_record(sessions: Sessions, certified: ServiceRecord) -> None:
    # Service Provided needs a location, a paraprofessional's description and progress.
    with pytest.raises(RecordRefused) as caught:
        amend(sessions, certified, "clear them", location="", description="", progress="")
    assert {name for name, _ in caught.value.problems} == {"location", "description", "progress"}


def test_an_amendment_to_an_absence_clears_what_an_absence_does_not_have(
    sessions: Sessions, certified: ServiceRecord
) -> None:
    amended = amend(sessions, certified, "She was absent", session_type="student_absent")
    assert (amended.session_type, amended.location, amended.description, amended.progress) == (
        "student_absent",
        "",
        "",
        "",
    )
    assert ServiceRecordVersion.objects.get().location == "classroom"


def test_each_kind_of_field_names_the_form_it_expects() -> None:
    """The words check_fields uses for a value of the wrong type, by the field's kind
    (the date is a record's identity, so only a field added later would meet it)."""
    from sesis.services.models import record_field
    from sesis.services.rules import _expected

    assert _expected(record_field("start_time")) == "enter a time as HH:MM."
    assert _expected(record_field("date")) == "enter a date as YYYY-MM-DD."
    assert _expected(record_field("group_count")) == "enter a whole number."
    assert _expected(record_field("notes")) == "enter text."
