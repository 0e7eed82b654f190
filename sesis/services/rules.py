"""The rules of a service record (DESIGN.md, "The form in the second guide"). Each
returns problems as (field, message) pairs naming the field by its label, so the
form, the API and the group form can all show them where they belong."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sesis.caseloads.models import CaseloadEntry
from sesis.lib.codes import ServiceType
from sesis.mandates.models import Mandate
from sesis.mandates.permissions import permission_to_serve
from sesis.people.models import Staff
from sesis.schoolcalendar.days import non_school_reason
from sesis.services.choices import CONFIDENTIAL_SERVICES, MISSED, NOTES_REQUIRED, Grouping, SessionType
from sesis.services.models import ENTERED_FIELDS, ServiceRecord, record_field
from sesis.students.models import Student

Problem = tuple[str, str]


def normalise(draft: ServiceRecord) -> None:
    """Absences and cancellations keep their planned times but need no location,
    description or progress; an individual session has no count; the service is the
    mandate's."""
    if isinstance(draft.notes, str):
        draft.notes = draft.notes.strip()
    draft.service = draft.mandate.service
    if draft.session_type in MISSED:
        draft.location = draft.description = draft.progress = ""
        draft.makeup_of = None
    if draft.session_type != SessionType.CANCELLED:
        draft.cancel_reason = ""
    if draft.grouping == Grouping.INDIVIDUAL:
        draft.group_count = None


def check_fields(draft: ServiceRecord, names: tuple[str, ...] = ENTERED_FIELDS) -> list[Problem]:
    """Each entered field against its declaration (type, list of values, length): the
    same check whatever the entry point, so that a null, a wrong type or an unknown
    value is named, never stored or crashed on. (Ranges are the rules' to check, with
    their own messages.)"""
    problems: list[Problem] = []
    for name in names:
        field = record_field(name)
        label = field.verbose_name
        value = getattr(draft, name)
        if value is None:
            if not field.null:
                problems.append((name, f"{label} cannot be empty (null)."))
            continue
        if isinstance(field, (models.CharField, models.TextField)):
            if not isinstance(value, str):
                problems.append((name, f"{label}: {_expected(field)}"))
                continue
        elif isinstance(field, models.BooleanField):
            if not isinstance(value, bool):
                problems.append((name, f"{label}: {_expected(field)}"))
                continue
        else:
            try:
                if isinstance(value, bool):
                    raise TypeError
                value = field.to_python(value)
            except (ValidationError, TypeError, ValueError):
                problems.append((name, f"{label}: {_expected(field)}"))
                continue
        allowed = dict(field.flatchoices)
        if field.choices and value not in allowed and not (value == "" and field.blank):
            problems.append((name, f"Choose a {label} from the list."))
            continue
        if field.max_length is not None and isinstance(value, str) and len(value) > field.max_length:
            problems.append((name, f"{label} can be at most {field.max_length:,} characters."))
            continue
        setattr(draft, name, value)
    return problems


def _expected(field: models.Field[Any, Any]) -> str:
    if isinstance(field, models.TimeField):
        return "enter a time as HH:MM."
    if isinstance(field, models.DateField):
        return "enter a date as YYYY-MM-DD."
    if isinstance(field, models.IntegerField):
        return "enter a whole number."
    if isinstance(field, models.BooleanField):
        return "true or false."
    return "enter text."


def entry_window_start(today: dt.date) -> dt.date:
    """The first day that may still be recorded: the first of the month
    SESIS_ENTRY_WINDOW_MONTHS before this one (current and previous month by default)."""
    months = settings.SESIS_ENTRY_WINDOW_MONTHS
    year, month = today.year, today.month - months
    while month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def _day(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _hm(value: dt.time) -> str:
    return f"{value:%H:%M}"


def check_date(*, provider: Staff, student: Student, mandate: Mandate, day: dt.date) -> list[Problem]:
    today = timezone.localdate()
    if day > today:
        return [("date", "The date of service cannot be in the future.")]
    reason = non_school_reason(student.school, day)
    if reason:
        return [("date", f"{_day(day)} is not a school day ({reason}). Days shown in gray need no record.")]
    start = entry_window_start(today)
    if day < start:
        return [("date", f"The date must be within the entry window: {_day(start)} to today.")]
    if not mandate.start_date <= day <= mandate.end_date:
        return [
            (
                "date",
                f"{_day(day)} is outside the mandate's dates ({_day(mandate.start_date)} to {_day(mandate.end_date)}).",
            )
        ]
    permission = permission_to_serve(provider=provider, student=student, day=day, service=mandate.service)
    if not permission.allowed:
        return [("service", f"{permission.refusal} on {_day(day)}.")]
    return []


def served_on(provider: Staff, student: Student, day: dt.date) -> bool:
    """The student was on the provider's caseload on `day` or after it: on it now, or
    taken off it no earlier than that day. A session saved while the student was on
    the caseload stays certifiable by its author after the student leaves it (for as
    long as the entry window allows)."""
    entries = CaseloadEntry.objects.filter(provider=provider, student=student)
    return entries.filter(Q(ended_at__isnull=True) | Q(ended_at__date__gte=day)).exists()


def check_record(
    *,
    provider: Staff,
    data: ServiceRecord,
    exclude: ServiceRecord | None = None,
    group_session_id: int | None = None,
    signing: bool = False,
) -> tuple[list[Problem], str]:
    """Every rule for one record, given as a draft (an unsaved record, or an amendment's
    proposed version). Returns the problems (refusals) and an overlap flag (a
    paraprofessional's overlap with another provider's session is flagged, not refused).
    signing: the rules checked again when a saved record is certified, where the
    student need only have been on the caseload on the session's day (served_on)."""
    problems = check_fields(data)
    if problems:
        return problems, ""
    normalise(data)
    student, mandate = data.student, data.mandate
    if mandate.student_id != student.pk:
        return [("service", "That mandate is not one of this student's.")], ""
    on_caseload = (
        served_on(provider, student, data.date)
        if signing
        else CaseloadEntry.objects.active().filter(provider=provider, student=student).exists()
    )
    if not on_caseload:
        return [("student", f"{student.full_name} is not on {provider.full_name}'s caseload.")], ""
    problems = check_date(provider=provider, student=student, mandate=mandate, day=data.date)
    if data.start_time >= data.end_time:
        problems.append(("end_time", "End Time must be after Start Time."))
    problems += _check_session_type(data)
    problems += _check_group(data)
    problems += _check_service_fields(data)
    problems += _check_makeup(provider, data, exclude)
    if problems or data.session_type != SessionType.PROVIDED:
        return problems, ""
    return _check_overlaps(provider, data, exclude, group_session_id)


def _check_session_type(data: ServiceRecord) -> list[Problem]:
    if data.session_type == SessionType.CANCELLED and not data.cancel_reason:
        return [("cancel_reason", "Choose the reason the session was cancelled.")]
    return []


def _check_group(data: ServiceRecord) -> list[Problem]:
    if data.grouping == Grouping.INDIVIDUAL:
        return []
    if data.group_count is None or data.group_count < 1:
        return [
            ("group_count", "Enter the number of students present for a group session (Group, 1 when only one came).")
        ]
    if data.group_count > data.mandate.group_size:
        limit = (
            "individual sessions only"
            if data.mandate.group_size == 1
            else f"a group of up to {data.mandate.group_size}"
        )
        return [("group_count", f"Group Size cannot be above the mandate's group size ({limit}).")]
    return []


def _check_service_fields(data: ServiceRecord) -> list[Problem]:
    problems: list[Problem] = []
    service = data.mandate.service
    is_para = service == ServiceType.PARA
    if data.description and not is_para:
        problems.append(("description", "Service Description is for paraprofessional sessions only."))
    if data.progress and not is_para:
        problems.append(("progress", "Progress Indicator is for paraprofessional sessions only."))
    if data.notes_confidential and service not in CONFIDENTIAL_SERVICES:
        problems.append(("notes_confidential", "Only counseling Session Notes can be marked confidential."))
    if data.session_type != SessionType.PROVIDED:
        return problems
    if not data.location:
        problems.append(("location", "Choose the Service Location."))
    if is_para and not data.description:
        problems.append(("description", "Choose a Service Description (Health for a specialty not listed)."))
    if is_para and not data.progress:
        problems.append(
            (
                "progress",
                "Choose a Progress Indicator: paraprofessionals document progress towards the IEP annual goals.",
            )
        )
    if service in NOTES_REQUIRED and not data.notes:
        problems.append(("notes", f"Session Notes are required for {ServiceType(service).label} sessions."))
    return problems


def _check_makeup(provider: Staff, data: ServiceRecord, exclude: ServiceRecord | None) -> list[Problem]:
    missed = data.makeup_of
    if missed is None:
        return []
    if (
        missed.student_id != data.student.pk
        or missed.provider_id != provider.pk
        or missed.mandate_id != data.mandate.pk
        or not missed.is_missed
    ):
        return [("makeup_of", "A make-up session must make up a missed session of the same student and service.")]
    taken = ServiceRecord.objects.filter(makeup_of=missed)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        return [("makeup_of", f"The session missed on {_day(missed.date)} has already been made up.")]
    return []


def _check_overlaps(
    provider: Staff, data: ServiceRecord, exclude: ServiceRecord | None, group_session_id: int | None
) -> tuple[list[Problem], str]:
    overlapping = ServiceRecord.objects.provided().filter(
        date=data.date, start_time__lt=data.end_time, end_time__gt=data.start_time
    )
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    own = overlapping.filter(provider=provider)
    if group_session_id is not None:
        own = own.exclude(group_session_id=group_session_id)
    clash = own.select_related("student").first()
    if clash is not None:
        return [
            (
                "start_time",
                f"You already have a session from {_hm(clash.start_time)} to {_hm(clash.end_time)} on this date "
                f"({clash.student.full_name}); a provider cannot be in two places at once.",
            )
        ], ""
    others = overlapping.filter(student=data.student).exclude(provider=provider).select_related("provider")
    for other in others:
        described = (
            f"{data.student.full_name} has a {other.get_service_display()} session from {_hm(other.start_time)} "
            f"to {_hm(other.end_time)} with {other.provider.full_name}"
        )
        if data.mandate.service == ServiceType.PARA or other.service == ServiceType.PARA:
            return [], f"Overlaps: {described}."
        return [("start_time", f"{described}; a student cannot receive two related services at once.")], ""
    return [], ""
