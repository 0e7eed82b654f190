"""The Administration pages' own forms."""

from __future__ import annotations

from django import forms

from sesis.lib.forms import UswdsForm, digits
from sesis.students.models import Student


class AccessLookupForm(UswdsForm, forms.Form):
    osis = forms.CharField(label="OSIS ID", max_length=9, min_length=9, widget=digits(),
                           error_messages={"required": "Enter the student's 9-digit OSIS ID.",
                                           "min_length": "An OSIS ID has 9 digits."})  # fmt: skip

    def clean_osis(self) -> str:
        osis: str = self.cleaned_data["osis"].strip()
        if not osis.isdigit():
            raise forms.ValidationError("An OSIS ID has 9 digits.")
        if not Student.objects.filter(osis=osis).exists():
            raise forms.ValidationError(f"No student has the OSIS ID {osis}.")
        return osis
