"""The Service Record form of the second guide, field by field, with the guide's
explanations at the fields they explain. The record's fields come from its one
declaration (sesis.services.models.SessionContent): their labels, lists, help and
whether they are required; each form adds only what is its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.db import models

from sesis.lib.codes import ServiceType
from sesis.lib.forms import UswdsForm
from sesis.mandates.models import Mandate
from sesis.services.actions import RecordRefused, draft
from sesis.services.choices import CONFIDENTIAL_SERVICES, DESCRIPTION_HELP, NOTES_REQUIRED, ServiceLocation
from sesis.services.models import (
    AMENDABLE,
    ENTERED_FIELDS,
    PER_STUDENT,
    ServiceRecord,
    SessionContent,
    field_bounds,
    record_field,
)
from sesis.students.models import Student

__all__ = ["DESCRIPTION_HELP", "TIME"]  # used by the schedule's forms too

CERTIFY_LABEL = (
    "I certify that this session information is accurate and truthful. "
    "Certifying a Service Record is equivalent to attaching my electronic signature."
)
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# The first line of a list that may be left empty, by field.
BLANK = {
    "cancel_reason": "Choose a reason (Cancelled only)",
    "location": "Choose a location",
    "description": "Choose a description",
    "progress": "Choose progress",
}


def record_form_field(name: str) -> forms.Field:
    """A form field for one of the record's declared fields."""
    field = record_field(name)
    common: dict[str, Any] = {"label": field.verbose_name, "required": not field.blank, "help_text": field.help_text}
    if field.choices:
        choices = [("", BLANK.get(name, "None")), *field.choices] if field.blank else list(field.choices)
        initial = field.default if field.has_default() else None
        return forms.ChoiceField(choices=choices, initial=initial, **common)
    if isinstance(field, models.BooleanField):
        return forms.BooleanField(label=field.verbose_name, required=False, help_text=field.help_text)
    if isinstance(field, models.TimeField):
        return forms.TimeField(widget=TIME, **common)
    if isinstance(field, models.IntegerField):
        low, high = field_bounds(field)
        return forms.IntegerField(min_value=low, max_value=high, **common)
    if isinstance(field, models.TextField):
        return forms.CharField(max_length=field.max_length, widget=forms.Textarea(attrs={"rows": 4}), **common)
    return forms.CharField(max_length=field.max_length, **common)


F = TypeVar("F", bound=type[forms.Form])


def with_record_fields(names: Iterable[str]) -> Callable[[F], F]:
    """A form class decorator: the record's fields `names` (in declaration order), then
    the form's own; the class's field_order places its own among them."""

    def decorate(cls: F) -> F:
        cls.base_fields = {**{name: record_form_field(name) for name in names}, **cls.base_fields}
        return cls

    return decorate


def location_for(mandate: Mandate) -> str:
    """The mandate's location as a Service Location choice, when it names one."""
    wanted = mandate.location.strip().lower()
    for value, label in ServiceLocation.choices:
        if label.lower() == wanted:
            return value
    return ""


def _entered_values(data: dict[str, Any], names: Iterable[str] = ENTERED_FIELDS) -> dict[str, Any]:
    """Cleaned form data for the record's fields, an empty list choice as "", a tick
    the form does not show as unticked."""
    values: dict[str, Any] = {}
    for name in names:
        value = data.get(name)
        field = record_field(name)
        if isinstance(field, models.BooleanField):
            values[name] = bool(value)
        else:
            values[name] = "" if value in (None, "") and not field.null else value
    return values


class MakeupSelect(forms.Select):
    """The Make-up session list: each missed session's option carries its Group Size
    (data-grouping, data-group-count), which makeup.js copies into the form when the
    option is chosen: a make-up is pre-filled as the session it makes up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups: dict[str, tuple[str, int | None]] = {}  # option value: (grouping, count)

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        group = self.groups.get(str(option["value"]))
        if group is not None:
            option["attrs"] |= {"data-grouping": group[0], "data-group-count": "" if group[1] is None else group[1]}
        return option


@with_record_fields(ENTERED_FIELDS)
class ServiceRecordForm(UswdsForm, forms.Form):
    mandate = forms.ChoiceField(label="Service Type")
    makeup_of = forms.ChoiceField(label="Make-up session", required=False, widget=MakeupSelect)
    certify = forms.BooleanField(label=CERTIFY_LABEL, required=False)
    field_order = ["start_time", "end_time", "mandate"]

    def __init__(self, *args: Any, mandates: list[Mandate], missed: list[ServiceRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mandates = {str(m.pk): m for m in mandates}
        self.missed = {str(r.pk): r for r in missed}
        service_choices = [(str(m.pk), m.get_service_display()) for m in mandates]
        self.fields["mandate"].choices = service_choices  # type: ignore[attr-defined]
        self.fields["makeup_of"].choices = [  # type: ignore[attr-defined]
            ("", "Not a make-up session"),
            *[(str(r.pk), f"Makes up {r.get_session_type_display()} on {r.date:%B} {r.date.day}") for r in missed],
        ]
        self.fields["makeup_of"].widget.groups = {str(r.pk): (r.grouping, r.group_count) for r in missed}
        if not any(m.service == ServiceType.PARA for m in mandates):
            del self.fields["description"]  # Paraprofessionals only
            if not self.initial.get("progress"):  # shown only to clear a value an older release let in
                del self.fields["progress"]
        if not any(m.service in CONFIDENTIAL_SERVICES for m in mandates):
            del self.fields["notes_confidential"]  # Counseling only
        if any(m.service in NOTES_REQUIRED for m in mandates):
            self.fields["notes"].help_text = "Required for OT, PT and speech sessions."
        else:
            self.fields[
                "notes"
            ].help_text = "Optional. Name your specialty here if you chose Health as the Service Description."
        if not missed:
            del self.fields["makeup_of"]

    def to_input(self, *, student: Student, date: dt.date) -> ServiceRecord:
        data = self.cleaned_data
        return draft(
            student=student,
            mandate=self.mandates[data["mandate"]],
            date=date,
            makeup_of=self.missed.get(data.get("makeup_of") or ""),
            **_entered_values(data),
        )

    def show_refusal(self, refused: RecordRefused) -> None:
        aliases = {"service": "mandate", "date": None, "student": None}
        for name, message in refused.problems:
            target = aliases.get(name, name)
            self.add_error(target if target in self.fields else None, message)


class DatePickForm(forms.Form):
    date = forms.DateField(label="Date of the session")


@with_record_fields(AMENDABLE)
class AmendForm(UswdsForm, forms.Form):
    """The fields an amendment may correct, pre-filled with the record as it stands,
    the reason, and the amender's signature."""

    reason = forms.CharField(
        label="Reason for the amendment",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give the reason for the amendment."},
    )
    certify = forms.BooleanField(label=CERTIFY_LABEL, required=False)

    def __init__(self, *args: Any, record: SessionContent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if record.service != ServiceType.PARA:
            del self.fields["description"]  # Paraprofessionals only
            if not record.progress:  # shown only to clear a value an older release let in
                del self.fields["progress"]
        if record.service not in CONFIDENTIAL_SERVICES:
            del self.fields["notes_confidential"]  # Counseling only

    def changes(self) -> dict[str, Any]:
        return _entered_values(self.cleaned_data, [name for name in AMENDABLE if name in self.fields])

    def show_refusal(self, refused: RecordRefused) -> None:
        for name, message in refused.problems:
            self.add_error(name if name in self.fields else None, message)


@with_record_fields(name for name in ENTERED_FIELDS if name not in PER_STUDENT)
class GroupSessionForm(UswdsForm, forms.Form):
    date = forms.DateField(label="Date of the session", widget=forms.DateInput(attrs={"type": "date"}))
    service = forms.ChoiceField(label="Service Type")
    certify = forms.BooleanField(label=CERTIFY_LABEL, required=False)
    field_order = ["date", "start_time", "end_time", "service"]

    def __init__(self, *args: Any, services: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(code, ServiceType(code).label) for code in services]
        self.fields["service"].choices = choices  # type: ignore[attr-defined]
        # Each student has their own Session Notes, language and progress (the form's
        # rows); this note, if written, fills the notes left empty.
        self.fields["notes"].label = "Shared note (optional)"
        self.fields["notes"].help_text = (
            "Used for each student whose own Session Notes are left empty. "
            "Copy it into every student's notes to start from it."
        )
        self.fields["notes"].widget.attrs["rows"] = 2
        del self.fields["language"]
        del self.fields["progress"]
        if ServiceType.PARA not in services:
            del self.fields["description"]
        if not CONFIDENTIAL_SERVICES.intersection(services):
            del self.fields["notes_confidential"]

    def shared(self) -> dict[str, Any]:
        """What every student's record of the group shares (the notes: the shared note,
        for the students who wrote none of their own)."""
        names = [name for name in ENTERED_FIELDS if name not in PER_STUDENT and name in self.fields]
        return _entered_values(self.cleaned_data, names)
