"""The schedule slot form, and one small form per session of the day's recording."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.forms.utils import ErrorDict

from sesis.caseloads.models import CaseloadEntry
from sesis.lib.codes import ServiceType
from sesis.lib.forms import UswdsForm
from sesis.schedules.actions import Outcome, SlotInput
from sesis.schedules.models import Weekday
from sesis.schedules.occurrences import Occurrence
from sesis.services.choices import (
    CONFIDENTIAL_HELP,
    CONFIDENTIAL_SERVICES,
    NOTES_REQUIRED,
    CancelReason,
    ProgressIndicator,
    ServiceDescription,
    ServiceLocation,
    SessionType,
)
from sesis.services.forms import DESCRIPTION_HELP, TIME

CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"})


def _blank(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *choices]


class ScheduleSlotForm(UswdsForm, forms.Form):
    service = forms.ChoiceField(label="Service Type")
    students = forms.MultipleChoiceField(
        label="Students",
        widget=CHECKBOXES,
        help_text="One student for an individual session; several for a group (each student's mandate must allow "
        "a group that size).",
        error_messages={"required": "Choose the student, or the students of the group."},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Days",
        choices=Weekday.choices,
        coerce=int,
        widget=CHECKBOXES,
        error_messages={"required": "Choose at least one school day (Monday to Friday)."},
    )
    start_time = forms.TimeField(label="Start Time", widget=TIME, required=False)  # empty: as scheduled
    end_time = forms.TimeField(label="End Time", widget=TIME, required=False)
    field_order = ["record", "session_type", "cancel_reason", "start_time", "end_time"]
    location = forms.ChoiceField(label="Service Location", choices=_blank("Choose a location", ServiceLocation.choices))
    description = forms.ChoiceField(
        label="Service Description",
        required=False,
        help_text=DESCRIPTION_HELP,
        choices=_blank("Choose when recording", ServiceDescription.choices),
    )

    def __init__(self, *args: Any, entries: list[CaseloadEntry], services: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.students_by_osis = {e.student.osis: e.student for e in entries}
        self.fields["service"].choices = [(c, ServiceType(c).label) for c in services]  # type: ignore[attr-defined]
        self.fields["students"].choices = [  # type: ignore[attr-defined]
            (e.student.osis, f"{e.student.last_name}, {e.student.first_name} ({e.student.osis})") for e in entries
        ]
        if ServiceType.PARA not in services:
            del self.fields["description"]

    def to_input(self) -> SlotInput:
        data = self.cleaned_data
        return SlotInput(
            service=data["service"],
            weekdays=data["weekdays"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            location=data["location"],
            description=data.get("description") or "",
            students=[self.students_by_osis[osis] for osis in data["students"]],
        )


# Said once above the day's sessions, not on every card.
DAY_SESSION_TYPE_HELP = (
    "Session Type — Student Absent: absent from school, or refused the service. Provider Absent: you were absent. "
    "Cancelled: anything else (choose the reason). For a group, mark each absent student instead of Student Absent. "
    "Days shown in gray need no record."
)
GROUP_SESSION_TYPES = [c for c in SessionType.choices if c[0] != SessionType.STUDENT_ABSENT]


class SessionOutcomeForm(UswdsForm, forms.Form):
    """One scheduled session of the day: record it or not, and what happened. The
    fields a session needs and the schedule cannot know are asked here."""

    record = forms.BooleanField(label="Record this session", required=False, initial=True)
    start_time = forms.TimeField(label="Start Time", widget=TIME, required=False)  # empty: as scheduled
    end_time = forms.TimeField(label="End Time", widget=TIME, required=False)
    field_order = ["record", "session_type", "cancel_reason", "start_time", "end_time"]
    session_type = forms.ChoiceField(label="Session Type", choices=SessionType.choices, initial=SessionType.PROVIDED)
    cancel_reason = forms.ChoiceField(
        label="Reason for cancellation",
        required=False,
        choices=_blank("Choose a reason (Cancelled only)", CancelReason.choices),
    )
    absent = forms.MultipleChoiceField(label="Absent students", required=False, widget=CHECKBOXES)
    description = forms.ChoiceField(
        label="Service Description",
        required=False,
        help_text=DESCRIPTION_HELP,
        choices=_blank("Choose a description", ServiceDescription.choices),
    )
    progress = forms.ChoiceField(
        label="Progress Indicator",
        required=False,
        choices=_blank("Choose progress", ProgressIndicator.choices),
        help_text="Progress towards the IEP annual goals. Required of paraprofessionals for Service Provided.",
    )
    notes = forms.CharField(
        label="Session Notes", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes_confidential = forms.BooleanField(label="Confidential notes", required=False, help_text=CONFIDENTIAL_HELP)

    def __init__(self, *args: Any, occurrence: Occurrence, **kwargs: Any) -> None:
        super().__init__(*args, prefix=occurrence.key, **kwargs)
        self.occurrence = occurrence
        # As scheduled; adjusted for a session that started late or ended early.
        self.fields["start_time"].initial = occurrence.slot.start_time
        self.fields["end_time"].initial = occurrence.slot.end_time
        service = occurrence.slot.service
        if occurrence.is_group:
            self.fields["session_type"].choices = GROUP_SESSION_TYPES  # type: ignore[attr-defined]
            self.fields["absent"].help_text = (
                "Check each student who did not come. The records say Group with the number present "
                "(Group, 1 when only one came)."
            )
            # Two students of one name in the group are told apart by their OSIS ID.
            names = Counter(m.student.full_name for m in occurrence.to_record)
            self.fields["absent"].choices = [  # type: ignore[attr-defined]
                (
                    m.student.osis,
                    f"{m.student.full_name} was absent"
                    + (f" ({m.student.osis})" if names[m.student.full_name] > 1 else ""),
                )
                for m in occurrence.to_record
            ]
        else:
            del self.fields["absent"]
        if service != ServiceType.PARA:
            del self.fields["progress"]
        if service != ServiceType.PARA or occurrence.slot.description:
            del self.fields["description"]
        if service not in CONFIDENTIAL_SERVICES:
            del self.fields["notes_confidential"]
        if service in NOTES_REQUIRED:
            self.fields["notes"].help_text = f"Required for {ServiceType(service).label} sessions."
        else:
            self.fields["notes"].help_text = "Optional."

    @property
    def chosen(self) -> bool:
        """Bound, and Record this session checked."""
        return self.is_bound and bool(self.data.get(self.add_prefix("record")))

    def full_clean(self) -> None:
        """A session left unchecked is not being recorded: nothing of it is checked."""
        if self.is_bound and not self.chosen:
            self._errors = ErrorDict()
            self.cleaned_data = {"record": False}
            return
        super().full_clean()

    def outcome(self) -> Outcome:
        data = self.cleaned_data
        return Outcome(
            session_type=data["session_type"],
            cancel_reason=data.get("cancel_reason") or "",
            absent=set(data.get("absent") or []),
            notes=data.get("notes") or "",
            notes_confidential=bool(data.get("notes_confidential")),
            start_time=data.get("start_time"),
            end_time=data.get("end_time"),
            progress=data.get("progress") or "",
            description=data.get("description") or "",
        )
