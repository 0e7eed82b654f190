"""On PostgreSQL the Encounter Attendance CSV is written by the database (COPY): it holds
the same cells as the rows written by Python, in the same order, for every sort, with
every row's signature checked (an intact record, an amended one, one altered outside
SESIS, one not yet certified), names that need quoting or neutralising, and notes in
any script."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.db.models import QuerySet

from sesis.lib.exports import csv_lines
from sesis.people.models import Staff
from sesis.reports import encounter_attendance as ea
from sesis.reports.filters import Filters
from sesis.services.actions import service_record_amend, service_record_create
from sesis.services.models import ServiceRecord, Signature
from sesis.services.tests.conftest import Sessions
from sesis.services.tests.test_tamper import tamper
from sesis.students.models import Student

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]

NOV = Filters(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def varied(sessions: Sessions) -> dict[str, ServiceRecord]:
    s, d = sessions, sessions.d
    Student.objects.filter(pk=d.speech_student.pk).update(last_name='=Muñoz "O\'Neil", jr', first_name="Zoë")
    Staff.objects.filter(pk=d.para.pk).update(last_name="\tDiaz")  # a tab: a formula's first character too
    made = {}
    for day in (2, 3, 4, 5):
        made[f"speech{day}"] = service_record_create(
            actor=d.doe_speech,
            provider=d.doe_speech,
            certify=True,
            data=s.speech_input(date=dt.date(2026, 11, day), notes='Trabajó "bien" — ✓ 𝄞\nlínea dos\x7f'),
        )
    made["amended"] = service_record_amend(
        actor=d.doe_speech,
        record=made["speech2"],
        reason="Notes were short — más",
        certify=True,
        changes={"notes": "Worked on /s/ blends in words."},
    )
    tamper(made["speech3"], "UPDATE services_servicerecord SET end_time = '11:30' WHERE id = %s")
    made["para"] = service_record_create(actor=d.para, provider=d.para, data=s.para_input(date=dt.date(2026, 11, 4)))
    made["absent"] = service_record_create(
        actor=d.para,
        provider=d.para,
        certify=True,
        data=s.para_input(date=dt.date(2026, 11, 6), session_type="cancelled", cancel_reason="school_closing"),
    )
    return made


def _python(qs: QuerySet[ServiceRecord]) -> list[list[str]]:
    text = "".join(csv_lines(ea.COLUMNS, (row.cells() for row in ea.rows(qs))))
    return list(csv.reader(io.StringIO(text)))


def _database(qs: QuerySet[ServiceRecord]) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(ea.database_csv(qs)).decode("utf-8"))))


@pytest.mark.parametrize("sort", [*ea.SORTS, *(f"-{key}" for key in ea.SORTS)])
def test_the_database_writes_the_rows_python_writes(
    sessions: Sessions, varied: dict[str, ServiceRecord], sort: str
) -> None:
    qs = ea.records(sessions.d.admin, NOV, sort)
    python = _python(qs)
    assert len(python) == 1 + 6
    assert _database(qs) == python


def test_each_signature_is_checked_in_the_database(sessions: Sessions, varied: dict[str, ServiceRecord]) -> None:
    rows = _database(ea.records(sessions.d.admin, NOV, "date"))
    by_date = {(r[6], r[5]): r for r in rows[1:]}
    speech, para = sessions.d.doe_speech.staff_id, sessions.d.para.staff_id
    signature, amended = ea.COLUMNS.index("Signature"), ea.COLUMNS.index("Amended")
    assert [by_date[(f"2026-11-0{day}", speech)][signature] for day in (2, 3, 4, 5)] == [
        Signature.VERIFIED,  # amended, its chain intact
        Signature.MISMATCH,  # altered outside SESIS
        Signature.VERIFIED,
        Signature.VERIFIED,
    ]
    assert by_date[("2026-11-02", speech)][amended] == "Yes"
    assert by_date[("2026-11-04", para)][signature] == ""  # not certified
    assert rows[1][0].startswith("'=Muñoz")  # neutralised: a spreadsheet will not run it


def test_a_broken_chain_of_versions_does_not_match(sessions: Sessions, varied: dict[str, ServiceRecord]) -> None:
    from sesis.services.models import VERSIONS_APPEND_ONLY

    tamper(
        varied["speech2"],
        "UPDATE services_servicerecordversion SET end_time = '11:30' WHERE record_id = %s",
        VERSIONS_APPEND_ONLY,
    )
    qs = ea.records(sessions.d.admin, NOV, "date")
    rows = _database(qs)
    assert rows == _python(qs)
    (row,) = [r for r in rows[1:] if r[6] == "2026-11-02"]
    assert row[ea.COLUMNS.index("Signature")] == Signature.MISMATCH


def test_filters_and_scope_hold(sessions: Sessions, varied: dict[str, ServiceRecord]) -> None:
    d = sessions.d
    for user, filters in [
        (d.supervisor, NOV),
        (d.supervisor_out, NOV),
        (d.admin, Filters(NOV.start, NOV.end, provider=d.para)),
        (d.admin, Filters(NOV.start, NOV.end, certified="no")),
    ]:
        qs = ea.records(user, filters)
        assert _database(qs) == _python(qs)
    assert len(_database(ea.records(d.supervisor_out, NOV))) == 1  # the header: nothing of theirs
