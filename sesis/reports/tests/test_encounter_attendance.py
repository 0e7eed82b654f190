from __future__ import annotations

import datetime as dt

import pytest

from sesis.reports import encounter_attendance as ea
from sesis.reports.filters import Filters
from sesis.services.actions import service_record_amend, service_record_create
from sesis.services.choices import SessionType
from sesis.services.models import ServiceRecord
from sesis.services.tests.conftest import Sessions

NOV = Filters(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def recorded(sessions: Sessions) -> dict[str, ServiceRecord]:
    """A speech session (certified), a speech absence, a para session (not certified)
    and an OT session by the agency provider."""
    s, d = sessions, sessions.d
    return {
        "speech": service_record_create(
            actor=d.doe_speech, provider=d.doe_speech, certify=True, data=s.speech_input(date=dt.date(2026, 11, 2))
        ),
        "absent": service_record_create(
            actor=d.doe_speech,
            provider=d.doe_speech,
            certify=True,
            data=s.speech_input(date=dt.date(2026, 11, 3), session_type=SessionType.STUDENT_ABSENT),
        ),
        "para": service_record_create(actor=d.para, provider=d.para, data=s.para_input(date=dt.date(2026, 11, 4))),
        "ot": service_record_create(
            actor=d.agency_ot,
            provider=d.agency_ot,
            certify=True,
            data=s.speech_input(
                student=d.ot_student,
                mandate=d.ot_student.mandates.get(),
                date=dt.date(2026, 11, 5),
                grouping="individual",
                group_count=None,
            ),
        ),
    }


def _ids(user: object, filters: Filters = NOV, sort: str = "date") -> list[int]:
    return list(ea.records(user, filters, sort).values_list("pk", flat=True))


def test_each_role_sees_its_own_scope(sessions: Sessions, recorded: dict[str, ServiceRecord]) -> None:
    d, r = sessions.d, recorded
    every = [r["speech"].pk, r["absent"].pk, r["para"].pk, r["ot"].pk]
    assert _ids(d.admin) == every
    assert _ids(d.supervisor) == every
    assert _ids(d.supervisor_out) == []
    assert _ids(d.doe_speech) == [r["speech"].pk, r["absent"].pk]
    assert _ids(d.para) == [r["para"].pk]
    assert _ids(d.independent_speech) == []


def test_filters_narrow_the_records(sessions: Sessions, recorded: dict[str, ServiceRecord]) -> None:
    d, r, admin = sessions.d, recorded, sessions.d.admin
    assert _ids(admin, Filters(dt.date(2026, 11, 3), dt.date(2026, 11, 4))) == [r["absent"].pk, r["para"].pk]
    assert _ids(admin, Filters(*_nov(), school=d.school_b)) == []
    assert _ids(admin, Filters(*_nov(), district=15)) == []
    assert len(_ids(admin, Filters(*_nov(), district=2))) == 4
    assert _ids(admin, Filters(*_nov(), provider=d.agency_ot)) == [r["ot"].pk]
    assert _ids(admin, Filters(*_nov(), student=d.para_student)) == [r["para"].pk]
    assert _ids(admin, Filters(*_nov(), service="SPEECH")) == [r["speech"].pk, r["absent"].pk]
    assert _ids(admin, Filters(*_nov(), session_type=SessionType.STUDENT_ABSENT)) == [r["absent"].pk]
    assert _ids(admin, Filters(*_nov(), certified="no")) == [r["para"].pk]
    assert _ids(admin, Filters(*_nov(), certified="yes")) == [r["speech"].pk, r["absent"].pk, r["ot"].pk]


def _nov() -> tuple[dt.date, dt.date]:
    return NOV.start, NOV.end


def test_sorting_by_each_column(sessions: Sessions, recorded: dict[str, ServiceRecord]) -> None:
    r, admin = recorded, sessions.d.admin
    assert _ids(admin, sort="-date") == [r["ot"].pk, r["para"].pk, r["absent"].pk, r["speech"].pk]
    # Students: Garcia (ot), Nguyen (para), O'Connor (speech, absent).
    assert _ids(admin, sort="student") == [r["ot"].pk, r["para"].pk, r["speech"].pk, r["absent"].pk]
    # Providers: Diaz (para), Ferrari (ot), Santos (speech).
    assert _ids(admin, sort="provider") == [r["para"].pk, r["ot"].pk, r["speech"].pk, r["absent"].pk]
    assert _ids(admin, sort="nonsense") == _ids(admin, sort="date")
    for key in ea.SORTS:
        assert sorted(_ids(admin, sort=key)) == sorted(_ids(admin, sort=f"-{key}"))


def test_totals_by_session_type_count_records_and_minutes(
    sessions: Sessions, recorded: dict[str, ServiceRecord]
) -> None:
    totals = ea.totals(ea.records(sessions.d.admin, NOV))
    by_type = {label: (n, minutes) for label, n, minutes in totals.by_type}
    # speech 10:00-10:30 (30), OT 10:00-10:30 (30), para 9:00-10:00 (60); the absence keeps its 30 planned minutes.
    assert by_type == {
        "Service Provided": (3, 120),
        "Student Absent": (1, 30),
        "Provider Absent": (0, 0),
        "Cancelled": (0, 0),
    }
    assert (totals.records, totals.minutes) == (4, 150)


def test_rows_show_every_column_as_amended(sessions: Sessions, recorded: dict[str, ServiceRecord]) -> None:
    d, r = sessions.d, recorded
    service_record_amend(
        certify=True,
        actor=d.doe_speech,
        record=r["speech"],
        reason="Ended early",
        changes={"end_time": dt.time(10, 20), "session_type": SessionType.PROVIDED},
    )
    rows = {row.record_id: row for row in ea.rows(ea.records(d.admin, NOV), chunk_size=2)}
    speech = rows[r["speech"].pk]
    assert speech.cells()[:14] == [
        "O'Connor, Ana",
        "111111111",
        "02M001",
        "Speech-Language Therapy",
        "Santos, Maria",
        "300",
        dt.date(2026, 11, 2),
        dt.time(10, 0),
        dt.time(10, 20),
        20,
        "Service Provided",
        "",
        "Group, 2",
        "English",
    ]
    assert speech.location == "Separate location in school" and speech.amended
    assert speech.certified_by == "Maria Santos" and speech.certified_at is not None
    para = rows[r["para"].pk]
    assert (para.description, para.progress, para.certified_by, para.certified_at, para.amended) == (
        "Health",
        "Progressing",
        "",
        None,
        False,
    )
    assert rows[r["absent"].pk].session_type == "Student Absent"
    totals = ea.totals(ea.records(d.admin, NOV))
    assert totals.minutes == 140


def test_the_session_type_filter_and_totals_follow_an_amendment(
    sessions: Sessions, recorded: dict[str, ServiceRecord]
) -> None:
    d, r = sessions.d, recorded
    service_record_amend(
        certify=True,
        actor=d.doe_speech,
        record=r["speech"],
        reason="Was absent",
        changes={"session_type": SessionType.STUDENT_ABSENT},
    )
    absent = Filters(*_nov(), session_type=SessionType.STUDENT_ABSENT)
    assert _ids(d.admin, absent) == [r["speech"].pk, r["absent"].pk]
    provided = Filters(*_nov(), session_type=SessionType.PROVIDED)
    assert _ids(d.admin, provided) == [r["para"].pk, r["ot"].pk]
    by_type = {label: n for label, n, _ in ea.totals(ea.records(d.admin, NOV)).by_type}
    assert (by_type["Service Provided"], by_type["Student Absent"]) == (2, 2)
