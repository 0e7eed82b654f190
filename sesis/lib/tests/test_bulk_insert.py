"""bulk_insert (COPY on PostgreSQL, bulk_create elsewhere) stores what bulk_create
would: every field, the ids set on the objects and taken from the table's sequence (so
a later ordinary insert does not collide), Python defaults, auto_now_add, a database
default left to the database; and a constraint still refuses a bad row."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction

from sesis.audit.models import AuditEvent
from sesis.caseloads.models import CaseloadEntry
from sesis.imports.models import ImportFile
from sesis.lib.db import bulk_insert, insert_rows, update_objects
from sesis.people.models import ReminderSent, SignInFailure
from sesis.students.models import Enrolment, Student
from tests.factories import District

AWKWARD = 'Tab\there, back\\slash, quote " ñ 中文 \\N'


def test_rows_are_stored_field_by_field_with_their_ids(district: District) -> None:
    d = district
    students = [
        Student(
            osis=f"77700000{n}",
            first_name=AWKWARD,
            last_name=f"Zed{n}",
            date_of_birth=dt.date(2015, 5, n + 1),
            school=d.school_a,
            grade="4",
        )
        for n in range(3)
    ]
    for student in students:
        student.fill_search_keys()
    bulk_insert(Student, students)
    assert all(s.pk is not None and not s._state.adding for s in students)
    stored = {s.pk: s for s in Student.objects.filter(osis__startswith="777")}
    assert set(stored) == {s.pk for s in students}
    for student in students:
        again = stored[student.pk]
        fields = (
            "osis",
            "first_name",
            "last_name",
            "date_of_birth",
            "school_id",
            "grade",
            "home_language",
            "first_name_key",
            "last_name_key",
        )
        assert [getattr(again, f) for f in fields] == [getattr(student, f) for f in fields]
    assert stored[students[0].pk].first_name == AWKWARD

    # The sequence moved past the copied ids: an ordinary insert gets a new one.
    later = Student.objects.create(
        osis="777000099",
        first_name="Later",
        last_name="One",
        date_of_birth=dt.date(2015, 1, 1),
        school=d.school_a,
        grade="4",
    )
    assert later.pk > max(s.pk for s in students)

    # Objects that refer to the new rows by their ids.
    enrolments = [Enrolment(student=s, school=d.school_a, grade="4", start_date=dt.date(2026, 9, 1)) for s in students]
    bulk_insert(Enrolment, enrolments)
    assert set(Enrolment.objects.filter(student__in=students).values_list("pk", flat=True)) == {
        e.pk for e in enrolments
    }


def test_defaults_of_python_and_of_the_database(district: District) -> None:
    sent = [ReminderSent(staff=district.doe_speech, sent_on=dt.date(2026, 11, 18), kind=ReminderSent.Kind.DIGEST)]
    bulk_insert(ReminderSent, sent)
    assert ReminderSent.objects.get(pk=sent[0].pk).sent_at is not None  # auto_now_add, set as bulk_create sets it

    failures = [SignInFailure(channel="web", account="someone", address=None) for _ in range(2)]
    bulk_insert(SignInFailure, failures)
    stored = SignInFailure.objects.filter(pk__in=[f.pk for f in failures])
    assert stored.count() == 2
    assert all(f.at is not None for f in stored)  # the database's clock

    # Some objects leaving a column to the database and some not: each kept as given.
    given = dt.datetime(2026, 11, 18, 9, 30, tzinfo=dt.UTC)
    mixed = [SignInFailure(channel="web", account="mixed"), SignInFailure(channel="web", account="mixed", at=given)]
    bulk_insert(SignInFailure, mixed)
    stored = {f.pk: f.at for f in SignInFailure.objects.filter(account="mixed")}
    assert set(stored) == {f.pk for f in mixed}
    assert stored[mixed[1].pk] == given and stored[mixed[0].pk] is not None and stored[mixed[0].pk] != given

    # A value Django prepares (JSON) is prepared, not written as held.
    details = {"text": AWKWARD, "list": [1, None, True], "date": "2026-11-18"}
    events = [
        AuditEvent(actor=district.supervisor, action="test.bulk", object_type="x", object_id="1", details=details)
    ]
    bulk_insert(AuditEvent, events)
    assert AuditEvent.objects.get(pk=events[0].pk).details == details


@pytest.mark.django_db(transaction=True)
def test_a_constraint_refuses_the_whole_batch(district: District) -> None:
    kept = ReminderSent.objects.create(staff=district.doe_speech, sent_on=dt.date(2026, 11, 18), kind="digest")
    twice = [
        ReminderSent(staff=district.agency_ot, sent_on=dt.date(2026, 11, 18), kind="digest"),
        ReminderSent(staff=district.doe_speech, sent_on=dt.date(2026, 11, 18), kind="digest"),
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(ReminderSent, twice)
    assert list(ReminderSent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_rows_as_tuples_get_ids_in_order_and_every_other_field_its_default(district: District) -> None:
    """insert_rows: the ids returned are the rows', in order; a field not given takes
    its default as a new object would (Python default, auto_now_add, the database's)."""
    d = district
    ids = insert_rows(
        CaseloadEntry,
        ("provider_id", "student_id", "source", "added_by_id", "added_at"),
        [
            (d.doe_speech.pk, d.speech_student.pk, "ivr", d.doe_speech.pk, dt.datetime(2026, 11, 18, 9, tzinfo=dt.UTC)),
            (d.agency_ot.pk, d.ot_student.pk, "ivr", d.agency_ot.pk, dt.datetime(2026, 11, 18, 10, tzinfo=dt.UTC)),
        ],
    )
    stored = [CaseloadEntry.objects.get(pk=pk) for pk in ids]
    assert [(e.provider, e.student, e.added_at.hour) for e in stored] == [
        (d.doe_speech, d.speech_student, 9),
        (d.agency_ot, d.ot_student, 10),
    ]
    assert all((e.end_reason, e.ended_at, e.ended_by) == ("", None, None) for e in stored)  # defaults, not NULL
    later = CaseloadEntry.objects.create(
        provider=d.para, student=d.para_student, source="ivr", added_by=d.para, added_at=dt.datetime.now(tz=dt.UTC)
    )
    assert later.pk not in ids

    [sent] = insert_rows(
        ReminderSent, ("staff_id", "sent_on", "kind"), [(d.doe_speech.pk, dt.date(2026, 11, 18), "digest")]
    )
    assert ReminderSent.objects.get(pk=sent).sent_at is not None  # auto_now_add
    [failure] = insert_rows(SignInFailure, ("channel", "account"), [("web", AWKWARD)])
    stored_failure = SignInFailure.objects.get(pk=failure)
    assert (stored_failure.account, stored_failure.address) == (AWKWARD, None)
    assert stored_failure.at is not None  # the database's default
    assert insert_rows(SignInFailure, ("channel", "account"), []) == []


@pytest.mark.django_db(transaction=True)
def test_a_constraint_refuses_the_whole_batch_of_rows(district: District) -> None:
    d = district
    row = (d.doe_speech.pk, d.speech_student.pk, "ivr", d.doe_speech.pk, dt.datetime(2026, 11, 18, 9, tzinfo=dt.UTC))
    fields = ("provider_id", "student_id", "source", "added_by_id", "added_at")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(CaseloadEntry, fields, [row, row])  # one active entry per provider and student
    assert not CaseloadEntry.objects.exists()


def test_update_objects_writes_the_fields_named_and_nothing_else(district: District) -> None:
    """update_objects is bulk_update: each object's value of each named field, prepared
    as for a save (text with awkward characters, a foreign key, a date, NULL, JSON);
    a field not named keeps what the database holds; other rows are untouched."""
    d = district
    student, other = d.speech_student, d.ot_student
    before_other = Student.objects.values().get(pk=other.pk)
    student.first_name = AWKWARD
    student.school = d.school_b
    student.date_of_birth = dt.date(2014, 2, 28)
    student.grade = "12"  # changed in memory, not named: not written
    update_objects([student], ["first_name", "school", "date_of_birth"])
    stored = Student.objects.get(pk=student.pk)
    assert (stored.first_name, stored.school, stored.date_of_birth) == (AWKWARD, d.school_b, dt.date(2014, 2, 28))
    assert stored.grade != "12"
    assert Student.objects.values().get(pk=other.pk) == before_other

    opened = Enrolment.objects.create(student=other, school=d.school_a, grade="4", start_date=dt.date(2026, 9, 1))
    closed = Enrolment.objects.create(
        student=student, school=d.school_a, grade="4", start_date=dt.date(2025, 9, 1), end_date=dt.date(2026, 6, 26)
    )
    opened.end_date, closed.end_date = dt.date(2026, 11, 18), None
    update_objects([opened, closed], ["end_date"])
    assert Enrolment.objects.get(pk=opened.pk).end_date == dt.date(2026, 11, 18)
    assert Enrolment.objects.get(pk=closed.pk).end_date is None

    # JSON, bytes, a UUID, an aware datetime, a foreign key set to NULL.
    upload = ImportFile.objects.create(kind="students", name="a.csv", content=b"osis\n", size=5, uploaded_by=d.admin)
    upload.changes = [{"change": "create", "values": {"text": AWKWARD, "list": [1, None, True]}}]
    upload.content = b"\x00\xffbytes"
    upload.progress_key = uuid.uuid4()
    upload.applied_at = dt.datetime(2026, 11, 18, 9, 30, tzinfo=dt.UTC)
    upload.uploaded_by = None
    fields = ["changes", "content", "progress_key", "applied_at", "uploaded_by"]
    update_objects([upload], fields)
    again = ImportFile.objects.get(pk=upload.pk)
    assert [getattr(again, f) for f in fields[:-1]] == [getattr(upload, f) for f in fields[:-1]]
    assert bytes(again.content) == b"\x00\xffbytes" and again.uploaded_by is None
    update_objects([], ["changes"])  # nothing to do


def test_update_objects_in_chunks_beyond_one_statement(district: District) -> None:
    failures = [SignInFailure(channel="web", account=f"a{n}") for n in range(2_345)]
    bulk_insert(SignInFailure, failures)
    for n, failure in enumerate(failures):
        failure.account = f"b{n}"
    update_objects(failures, ["account"])
    assert sorted(SignInFailure.objects.values_list("account", flat=True)) == sorted(f"b{n}" for n in range(2_345))


@pytest.mark.django_db(transaction=True)
def test_update_objects_refused_by_a_constraint_changes_nothing(district: District) -> None:
    d = district
    first, second = Student.objects.get(pk=d.speech_student.pk), Student.objects.get(pk=d.ot_student.pk)
    kept = (first.osis, second.osis)
    first.osis, second.osis = "123456789", "12345"  # five digits: refused by the check constraint
    with pytest.raises(IntegrityError), transaction.atomic():
        update_objects([first, second], ["osis"])
    stored = dict(Student.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "osis"))
    assert stored == {first.pk: kept[0], second.pk: kept[1]}  # the valid one was not written either
