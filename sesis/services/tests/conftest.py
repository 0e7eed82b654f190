from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from sesis.caseloads.actions import caseload_add
from sesis.mandates.models import Mandate
from sesis.schoolcalendar.models import CalendarDay
from sesis.services.actions import draft
from sesis.services.models import ServiceRecord
from tests.factories import District


@dataclass
class Sessions:
    """The personas' district with caseloads in place, on a frozen today."""

    d: District
    today: dt.date

    def para_input(self, **overrides: object) -> ServiceRecord:
        d = self.d
        values: dict[str, object] = {
            "student": d.para_student,
            "mandate": Mandate.objects.get(student=d.para_student, service="PARA"),
            "date": dt.date(2026, 11, 16),
            "start_time": dt.time(9, 0),
            "end_time": dt.time(10, 0),
            "language": "English",
            "location": "classroom",
            "description": "health",
            "progress": "progressing",
        }
        values.update(overrides)
        return draft(**values)

    def speech_input(self, **overrides: object) -> ServiceRecord:
        d = self.d
        values: dict[str, object] = {
            "student": d.speech_student,
            "mandate": Mandate.objects.get(student=d.speech_student, service="SPEECH"),
            "date": dt.date(2026, 11, 16),
            "start_time": dt.time(10, 0),
            "end_time": dt.time(10, 30),
            "language": "English",
            "location": "separate",
            "grouping": "group",
            "group_count": 2,
            "notes": "Worked on /s/ blends.",
        }
        values.update(overrides)
        return draft(**values)


@pytest.fixture
def sessions(today: dt.date, district: District) -> Sessions:
    d = district
    caseload_add(actor=d.para, provider=d.para, students=[d.para_student])
    caseload_add(actor=d.doe_speech, provider=d.doe_speech, students=[d.speech_student])
    caseload_add(actor=d.agency_ot, provider=d.agency_ot, students=[d.ot_student])
    CalendarDay.objects.create(date=dt.date(2026, 11, 11), kind="holiday", description="Veterans Day")
    return Sessions(d=d, today=today)
