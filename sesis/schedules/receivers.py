"""What the schedule tells the lower apps: the Services Calendar's sessions ahead."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver

from sesis.people.models import Staff
from sesis.schedules.occurrences import Occurrence, occurrences_between
from sesis.services.calendar import scheduled_ahead
from sesis.students.models import Student


@receiver(scheduled_ahead)
def sessions_ahead(
    *, provider: Staff, student: Student, start: dt.date, end: dt.date, **kwargs: Any
) -> dict[dt.date, list[Occurrence]]:
    """The provider's scheduled sessions with the student from start to end that are
    not recorded yet."""
    ahead: dict[dt.date, list[Occurrence]] = {}
    for occurrence in occurrences_between(provider, start, end, student=student):
        if any(m.student.pk == student.pk and m.record is None for m in occurrence.members):
            ahead.setdefault(occurrence.date, []).append(occurrence)
    return ahead
