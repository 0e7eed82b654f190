"""The Administration pages' own forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from sesis.lib.codes import ServiceType
from sesis.lib.forms import UswdsForm, digits
from sesis.lib.search import prefix_q
from sesis.mandates.models import Assignment
from sesis.people.models import ProviderType, Staff
from sesis.students.models import Student


class AccessLookupForm(UswdsForm, forms.Form):
    osis = forms.CharField(
        label="OSIS ID",
        max_length=9,
        min_length=9,
        widget=digits(),
        error_messages={"required": "Enter the student's 9-digit OSIS ID.", "min_length": "An OSIS ID has 9 digits."},
    )

    def clean_osis(self) -> str:
        osis: str = self.cleaned_data["osis"].strip()
        if not osis.isdigit():
            raise forms.ValidationError("An OSIS ID has 9 digits.")
        if not Student.objects.filter(osis=osis).exists():
            raise forms.ValidationError(f"No student has the OSIS ID {osis}.")
        return osis


class StaffQuickSearchForm(UswdsForm, forms.Form):
    """Staff Quick Search. A blank form lists everyone the user may see."""

    name = forms.CharField(label="Name (last or first, from the start)", required=False, max_length=100)
    staff_id = forms.CharField(label="Staff ID", required=False, max_length=20, widget=digits())
    provider_type = forms.ChoiceField(
        label="Provider type", required=False, choices=[("", "Any"), *ProviderType.choices]
    )
    discipline = forms.ChoiceField(label="Discipline", required=False, choices=[("", "Any"), *ServiceType.choices])
    school = forms.CharField(label="School (DBN)", required=False, max_length=6)
    agency = forms.CharField(label="Agency", required=False, max_length=200)

    def filter(self, staff: QuerySet[Staff]) -> QuerySet[Staff]:
        data: dict[str, Any] = self.cleaned_data
        if data.get("name"):
            name = data["name"].strip()
            staff = staff.filter(prefix_q("last_name_key", name) | Q(first_name__istartswith=name))
        if data.get("staff_id"):
            staff = staff.filter(staff_id=data["staff_id"].strip())
        if data.get("provider_type"):
            staff = staff.filter(provider_type=data["provider_type"])
        if data.get("discipline"):
            staff = staff.filter(disciplines__service=data["discipline"])
        if data.get("school"):
            dbn = data["school"].strip().upper()
            assigned = Assignment.objects.active_on(timezone.localdate()).filter(
                Q(school__dbn=dbn) | Q(student_school__dbn=dbn)  # a named student's school, kept on the row
            )
            staff = staff.filter(pk__in=assigned.values("staff"))
        if data.get("agency"):
            staff = staff.filter(agency__name__icontains=data["agency"].strip())
        return (
            staff.select_related("agency")
            .prefetch_related("disciplines")
            .order_by("last_name_key", "first_name", "staff_id")
        )


IMPORT_MAX_BYTES = 200 * 1024 * 1024


class ImportUploadForm(UswdsForm, forms.Form):
    """A CSV file of one documented kind (docs/imports.md)."""

    kind = forms.ChoiceField(label="Kind of file", error_messages={"required": "Choose the kind of file."})
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with a header row naming the kind's columns (docs/imports.md). Nothing is applied "
        "until you have seen the preview and chosen Apply.",
        error_messages={"required": "Choose a CSV file to upload.", "empty": "The file is empty."},
    )

    def __init__(self, *args: Any, kinds: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "- Select -"), *sorted(kinds.items())]  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.0f} MB; at most {IMPORT_MAX_BYTES // 1024 // 1024} MB "
                "can be uploaded. Split it, or load it with manage.py import."
            )
        return upload
