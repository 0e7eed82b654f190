from __future__ import annotations

from typing import Any

from django import forms

from sesis.lib.forms import UswdsForm
from sesis.schoolcalendar.models import DayKind
from sesis.schools.models import School


class CalendarRangeForm(UswdsForm, forms.Form):
    """A day or a range of days (a recess) for a school, a district or citywide."""

    start_date = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}), error_messages={"required": "Enter the date."}
    )
    end_date = forms.DateField(
        label="To (blank for one day)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Over several days, the weekdays are marked (for a school day, the weekend days).",
    )
    kind = forms.ChoiceField(label="Kind of day", choices=DayKind.choices)
    school = forms.CharField(label="School (DBN), blank for citywide", required=False, max_length=6)
    district = forms.IntegerField(label="District, blank for citywide", required=False, min_value=1, max_value=99)
    description = forms.CharField(label="Description", required=False, max_length=200)
    confirm = forms.BooleanField(
        label="Mark the days anyway: the records on them stay as recorded, shown as on a day now marked non-school",
        required=False,
    )

    def __init__(self, *args: Any, confirming: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not confirming:  # asked only once the days are known to hold records
            self.fields["confirm"].widget = forms.HiddenInput()

    def clean_school(self) -> School | None:
        dbn = (self.cleaned_data.get("school") or "").strip().upper()
        if not dbn:
            return None
        school = School.objects.filter(dbn=dbn).first()
        if school is None:
            raise forms.ValidationError(f"No school has DBN {dbn}.")
        return school

    def action_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {
            "start": data["start_date"],
            "end": data.get("end_date") or data["start_date"],
            "kind": data["kind"],
            "school": data.get("school"),
            "district": data.get("district"),
            "description": data.get("description") or "",
            "confirmed": bool(data.get("confirm")),
        }
