from __future__ import annotations

from django import forms

from sesis.api.actions import PERSONAL_DAYS, SERVICE_DAYS
from sesis.api.models import SCOPES
from sesis.lib.forms import UswdsForm


class PersonalTokenForm(UswdsForm, forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, e.g. “my scheduling spreadsheet”.",
        error_messages={"required": "Give the token a name that says what uses it."},
    )
    days = forms.TypedChoiceField(
        label="Lasts", coerce=int, choices=[(d, f"{d} days") for d in PERSONAL_DAYS], initial=90
    )


class ServiceTokenForm(UswdsForm, forms.Form):
    name = forms.CharField(
        label="System",
        max_length=100,
        help_text="The district system that will use the token, e.g. “Medicaid claiming”.",
        error_messages={"required": "Give the token a name that says what uses it."},
    )
    days = forms.TypedChoiceField(
        label="Lasts", coerce=int, choices=[(d, f"{d} days") for d in SERVICE_DAYS], initial=365
    )
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Only what the system needs. The token acts with your access, narrowed to these.",
        error_messages={"required": "Choose at least one scope for the service token."},
    )
