from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from sesis.ivr.models import FirstAttend, Status
from sesis.lib.forms import UswdsForm, digits


class FirstAttendFilterForm(UswdsForm, forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *Status.choices])
    staff_id = forms.CharField(label="Staff ID", required=False, max_length=20, widget=digits())
    osis = forms.CharField(label="OSIS ID", required=False, max_length=9, widget=digits())

    def filter(self, first_attends: QuerySet[FirstAttend]) -> QuerySet[FirstAttend]:
        data = self.cleaned_data
        if data.get("status"):
            first_attends = first_attends.filter(status=data["status"])
        if data.get("staff_id"):
            first_attends = first_attends.filter(staff_id=data["staff_id"].strip())
        if data.get("osis"):
            first_attends = first_attends.filter(osis=data["osis"].strip())
        return first_attends
