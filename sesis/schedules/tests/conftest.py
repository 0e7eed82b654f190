from __future__ import annotations

import datetime as dt

import pytest

from sesis.caseloads.actions import caseload_add
from sesis.schedules.actions import SlotInput
from sesis.students.models import Student
from tests.factories import District, MandateFactory, StudentFactory


def slot_input(students: list[Student], **fields: object) -> SlotInput:
    values: dict[str, object] = {
        "service": "SPEECH",
        "weekdays": [1, 3],
        "start_time": dt.time(9),
        "end_time": dt.time(9, 30),
        "location": "separate",
        "students": students,
    }
    values |= fields
    return SlotInput(**values)


@pytest.fixture
def speech(district: District, today: dt.date) -> District:
    """Maria Santos (speech, school_a) with Ana O'Connor and four more speech students
    (groups of up to 4) on her caseload."""
    students = [district.speech_student]
    for n, name in enumerate(["Avery", "Blake", "Casey", "Devon"]):
        student = StudentFactory.create(
            school=district.school_a, first_name=name, last_name=f"Lopez{n}", osis=f"70000000{n}"
        )
        MandateFactory.create(student=student, service="SPEECH", group_size=4)
        students.append(student)
    caseload_add(actor=district.doe_speech, provider=district.doe_speech, students=students)
    district.group = students[1:]
    return district
