from __future__ import annotations

from typing import Any

from django import forms

from sesis.lib.forms import UswdsForm, digits
from sesis.lib.search import prefix_q, search_key


class StudentQuickSearchForm(UswdsForm, forms.Form):
    """Student Quick Search: any one field is enough; names match from the start."""

    osis = forms.CharField(label="OSIS ID", required=False, max_length=9, widget=digits())
    last_name = forms.CharField(label="Last name", required=False, max_length=100)
    first_name = forms.CharField(label="First name", required=False, max_length=100)
    date_of_birth = forms.DateField(
        label="Date of birth", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    school = forms.CharField(label="School (DBN)", required=False, max_length=6)

    def clean_osis(self) -> str:
        osis: str = self.cleaned_data["osis"].strip()
        if osis and (not osis.isdigit() or len(osis) != 9):
            raise forms.ValidationError("An OSIS ID is 9 digits.")
        return osis

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(name) for name in self.fields):
            raise forms.ValidationError(
                "Enter at least one of OSIS ID, last name, first name, date of birth or school."
            )
        if cleaned.get("last_name") is not None and cleaned.get("last_name") and not search_key(cleaned["last_name"]):
            self.add_error("last_name", "Enter at least one letter.")
        return cleaned

    def filter(self, students: Any) -> Any:
        data = self.cleaned_data
        if data.get("osis"):
            students = students.filter(osis=data["osis"])
        if data.get("last_name"):
            students = students.filter(prefix_q("last_name_key", data["last_name"]))
        if data.get("first_name"):
            students = students.filter(prefix_q("first_name_key", data["first_name"]))
        if data.get("date_of_birth"):
            students = students.filter(date_of_birth=data["date_of_birth"])
        if data.get("school"):
            students = students.filter(school__dbn=data["school"].strip().upper())
        return students.select_related("school").order_by("last_name_key", "first_name_key", "osis")
