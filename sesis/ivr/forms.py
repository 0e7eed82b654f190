from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from sesis.caseloads.models import CaseloadEntry
from sesis.ivr.models import FirstAttend, Status
from sesis.lib.forms import UswdsForm, digits

AWAITING_ACTION = "awaiting"


def awaiting_action(first_attends: QuerySet[FirstAttend]) -> QuerySet[FirstAttend]:
    """Refused first attends still awaiting action: the student is not on that
    provider's caseload now (nobody has added them since, by hand or by a later call)."""
    on_caseload = CaseloadEntry.objects.active().filter(provider=OuterRef("provider"), student=OuterRef("student"))
    return first_attends.filter(status=Status.REFUSED).filter(~Exists(on_caseload))


class FirstAttendFilterForm(UswdsForm, forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any"), *Status.choices, (AWAITING_ACTION, "Not added, still awaiting action")],
    )
    staff_id = forms.CharField(label="Staff ID", required=False, max_length=20, widget=digits())
    osis = forms.CharField(label="OSIS ID", required=False, max_length=9, widget=digits())

    def filter(self, first_attends: QuerySet[FirstAttend]) -> QuerySet[FirstAttend]:
        data = self.cleaned_data
        if data.get("status") == AWAITING_ACTION:
            first_attends = awaiting_action(first_attends)
        elif data.get("status"):
            first_attends = first_attends.filter(status=data["status"])
        if data.get("staff_id"):
            first_attends = first_attends.filter(staff_id=data["staff_id"].strip())
        if data.get("osis"):
            first_attends = first_attends.filter(osis=data["osis"].strip())
        return first_attends
