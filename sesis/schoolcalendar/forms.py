from __future__ import annotations

from typing import Any

from django import forms

from sesis.lib.forms import UswdsForm
from sesis.schoolcalendar.models import DayKind
from sesis.schools.models import School


class CalendarDayForm(UswdsForm, forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="Kind of day", choices=DayKind.choices)
    school = forms.CharField(label="School (DBN), blank for citywide", required=False, max_length=6)
    district = forms.IntegerField(label="District, blank for citywide", required=False, min_value=1, max_value=99)
    description = forms.CharField(label="Description", required=False, max_length=200)

    def clean_school(self) -> School | None:
        dbn = (self.cleaned_data.get("school") or "").strip().upper()
        if not dbn:
            return None
        school = School.objects.filter(dbn=dbn).first()
        if school is None:
            raise forms.ValidationError(f"No school has DBN {dbn}.")
        return school

    def action_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
