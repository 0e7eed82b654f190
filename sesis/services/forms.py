"""The Service Record form of the second guide, field by field, with the guide's
explanations at the fields they explain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from sesis.core.codes import ServiceType
from sesis.core.forms import UswdsForm
from sesis.mandates.models import Mandate
from sesis.services.actions import RecordRefused
from sesis.services.choices import (
    LANGUAGES,
    CancelReason,
    Grouping,
    ProgressIndicator,
    ServiceDescription,
    ServiceLocation,
    SessionType,
)
from sesis.services.models import ServiceRecord
from sesis.services.rules import RecordInput
from sesis.students.models import Student

SESSION_TYPE_HELP = (
    "Student Absent: the student was absent from school, or was in school but refused the service. "
    "Provider Absent: you were absent (e.g. sick leave, personal leave). "
    "Cancelled: any other reason, such as an unscheduled school closing, a school activity, or another DOE task. "
    "Days shown in gray on the Services Calendar need no record."
)
GROUP_HELP = (
    "For a group, enter the number of students present. If only one student of a group came, choose Group and 1."
)
DESCRIPTION_HELP = "A specialty not listed (e.g. ambulatory): choose Health and name your service in Session Notes."
CERTIFY_LABEL = (
    "I certify that this session information is accurate and truthful. "
    "Certifying a Service Record is equivalent to attaching my electronic signature."
)
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _blank(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *choices]


def location_for(mandate: Mandate) -> str:
    """The mandate's location as a Service Location choice, when it names one."""
    wanted = mandate.location.strip().lower()
    for value, label in ServiceLocation.choices:
        if label.lower() == wanted:
            return value
    return ""


class ServiceRecordForm(UswdsForm, forms.Form):
    start_time = forms.TimeField(label="Start Time", widget=TIME, help_text="When the student arrived for the session.")
    end_time = forms.TimeField(label="End Time", widget=TIME)
    mandate = forms.ChoiceField(label="Service Type")
    language = forms.ChoiceField(label="Language of Service", choices=[(x, x) for x in LANGUAGES])
    session_type = forms.ChoiceField(
        label="Session Type", choices=SessionType.choices, initial=SessionType.PROVIDED, help_text=SESSION_TYPE_HELP
    )
    cancel_reason = forms.ChoiceField(
        label="Reason for cancellation",
        required=False,
        choices=_blank("Choose a reason (Cancelled only)", CancelReason.choices),
    )
    grouping = forms.ChoiceField(label="Group Size", choices=Grouping.choices, help_text=GROUP_HELP)
    group_count = forms.IntegerField(
        label="Number of students present (Group only)", required=False, min_value=1, max_value=12
    )
    location = forms.ChoiceField(
        label="Service Location", required=False, choices=_blank("Choose a location", ServiceLocation.choices)
    )
    description = forms.ChoiceField(
        label="Service Description", required=False, choices=_blank("Choose a description", ServiceDescription.choices),
        help_text=DESCRIPTION_HELP,
    )  # fmt: skip
    progress = forms.ChoiceField(
        label="Progress Indicator", required=False, choices=_blank("Choose progress", ProgressIndicator.choices),
        help_text="Progress towards the IEP annual goals. Required of paraprofessionals for Service Provided.",
    )  # fmt: skip
    notes = forms.CharField(
        label="Session Notes", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    makeup_of = forms.ChoiceField(label="Make-up session", required=False)
    certify = forms.BooleanField(label=CERTIFY_LABEL, required=False)

    def __init__(self, *args: Any, mandates: list[Mandate], missed: list[ServiceRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mandates = {str(m.pk): m for m in mandates}
        self.missed = {str(r.pk): r for r in missed}
        service_choices = [(str(m.pk), m.get_service_display()) for m in mandates]
        self.fields["mandate"].choices = service_choices  # type: ignore[attr-defined]
        self.fields["makeup_of"].choices = _blank(  # type: ignore[attr-defined]
            "Not a make-up session",
            [(str(r.pk), f"Makes up {r.get_session_type_display()} on {r.date:%B} {r.date.day}") for r in missed],
        )
        if not any(m.service == ServiceType.PARA for m in mandates):
            del self.fields["description"]  # Paraprofessionals only
        if any(m.service in {"OT", "PT", "SPEECH"} for m in mandates):
            self.fields["notes"].help_text = "Required for OT, PT and speech sessions."
        else:
            self.fields[
                "notes"
            ].help_text = "Optional. Name your specialty here if you chose Health as the Service Description."
        if not missed:
            del self.fields["makeup_of"]

    def to_input(self, *, student: Student, date: dt.date) -> RecordInput:
        data = self.cleaned_data
        return RecordInput(
            student=student, mandate=self.mandates[data["mandate"]], date=date,
            start_time=data["start_time"], end_time=data["end_time"], language=data["language"],
            session_type=data["session_type"], cancel_reason=data.get("cancel_reason") or "",
            grouping=data["grouping"], group_count=data.get("group_count"), location=data.get("location") or "",
            description=data.get("description") or "", progress=data.get("progress") or "",
            notes=data.get("notes") or "", makeup_of=self.missed.get(data.get("makeup_of") or ""),
        )  # fmt: skip

    def show_refusal(self, refused: RecordRefused) -> None:
        aliases = {"service": "mandate", "date": None, "student": None}
        for name, message in refused.problems:
            target = aliases.get(name, name)
            self.add_error(target if target in self.fields else None, message)


class DatePickForm(forms.Form):
    date = forms.DateField(label="Date of the session")


class AmendForm(UswdsForm, forms.Form):
    """The fields an amendment may correct, pre-filled with the record as it stands."""

    start_time = forms.TimeField(label="Start Time", widget=TIME)
    end_time = forms.TimeField(label="End Time", widget=TIME)
    language = forms.ChoiceField(label="Language of Service", choices=[(x, x) for x in LANGUAGES])
    session_type = forms.ChoiceField(label="Session Type", choices=SessionType.choices, help_text=SESSION_TYPE_HELP)
    cancel_reason = forms.ChoiceField(
        label="Reason for cancellation",
        required=False,
        choices=_blank("Choose a reason (Cancelled only)", CancelReason.choices),
    )
    grouping = forms.ChoiceField(label="Group Size", choices=Grouping.choices, help_text=GROUP_HELP)
    group_count = forms.IntegerField(
        label="Number of students present (Group only)", required=False, min_value=1, max_value=12
    )
    location = forms.ChoiceField(
        label="Service Location", required=False, choices=_blank("Choose a location", ServiceLocation.choices)
    )
    description = forms.ChoiceField(
        label="Service Description", required=False, choices=_blank("None", ServiceDescription.choices)
    )
    progress = forms.ChoiceField(
        label="Progress Indicator", required=False, choices=_blank("None", ProgressIndicator.choices)
    )
    notes = forms.CharField(
        label="Session Notes", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(
        label="Reason for the amendment", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give the reason for the amendment."},
    )  # fmt: skip

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason")
        for name in ("cancel_reason", "location", "description", "progress", "notes"):
            data[name] = data.get(name) or ""
        return data

    def show_refusal(self, refused: RecordRefused) -> None:
        for name, message in refused.problems:
            self.add_error(name if name in self.fields else None, message)


class GroupSessionForm(UswdsForm, forms.Form):
    date = forms.DateField(label="Date of the session", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="Start Time", widget=TIME)
    end_time = forms.TimeField(label="End Time", widget=TIME)
    service = forms.ChoiceField(label="Service Type")
    language = forms.ChoiceField(label="Language of Service", choices=[(x, x) for x in LANGUAGES])
    location = forms.ChoiceField(label="Service Location", choices=_blank("Choose a location", ServiceLocation.choices))
    description = forms.ChoiceField(
        label="Service Description", required=False, choices=_blank("Choose a description", ServiceDescription.choices),
        help_text=DESCRIPTION_HELP,
    )  # fmt: skip
    progress = forms.ChoiceField(
        label="Progress Indicator", required=False, choices=_blank("Choose progress", ProgressIndicator.choices)
    )
    notes = forms.CharField(
        label="Session Notes", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    certify = forms.BooleanField(label=CERTIFY_LABEL, required=False)

    def __init__(self, *args: Any, services: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(code, ServiceType(code).label) for code in services]
        self.fields["service"].choices = choices  # type: ignore[attr-defined]
        if ServiceType.PARA not in services:
            del self.fields["description"]
