"""The forms administrators keep the Medicaid facts and claim rules with. Each runs the
same checks as the imports and the action (`problems`), so every problem is named on
its field at once; the action then saves and audits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance

from sesis.lib.codes import ServiceType
from sesis.lib.forms import UswdsForm, digits
from sesis.medicaid.actions import problems
from sesis.medicaid.models import ClaimRule, Consent, Credential, Eligibility, Order
from sesis.people.models import Staff


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class FactForm(UswdsForm, forms.ModelForm):
    """Builds the fact from the form and names every problem `problems` finds on its
    field (or on the form). The database's constraints hold the same rules; they are
    not re-run here, where their messages would name a constraint, not the problem."""

    field_of: dict[str, str] = {}  # the form's field for a model field the form names differently

    def _post_clean(self) -> None:
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
            exclude = self._get_validation_exclusions()  # type: ignore[attr-defined]
            self.instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as invalid:
            self._update_errors(invalid)  # type: ignore[attr-defined]
        for field, message in problems(self.instance):
            field = self.field_of.get(field, field)
            if field in self.errors:
                continue  # a value that did not even parse: that is said already
            self.add_error(field if field in self.fields else None, message)


class ConsentForm(FactForm):
    class Meta:
        model = Consent
        fields = ["given_on", "withdrawn_on"]
        widgets = {"given_on": DateInput(), "withdrawn_on": DateInput()}
        help_texts = {"withdrawn_on": "Blank while the consent stands."}


class EligibilityForm(FactForm):
    class Meta:
        model = Eligibility
        fields = ["medicaid_id", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {"start_date": "Valid from", "end_date": "Valid to"}
        help_texts = {
            "medicaid_id": "New York's Client ID (CIN): two letters, five digits, a letter (AB12345C).",
            "end_date": "Blank while it stays valid.",
        }


class OrderForm(FactForm):
    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = services  # type: ignore[attr-defined]

    class Meta:
        model = Order
        fields = ["service", "ordered_by", "ordered_by_npi", "diagnosis", "order_date", "start_date", "end_date"]
        widgets = {
            "order_date": DateInput(),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "ordered_by_npi": digits(),
        }
        labels = {"ordered_by": "Ordered or referred by", "start_date": "Valid from", "end_date": "Valid to"}
        help_texts = {
            "ordered_by": "OT and PT: a physician or nurse practitioner; speech: a physician or licensed "
            "speech-language pathologist.",
            "ordered_by_npi": "Ten digits.",
            "diagnosis": "The ICD-10 code the claim carries, e.g. F80.9.",
        }


class CredentialForm(FactForm):
    directed_by = forms.CharField(
        label="Directed by (staff ID)",
        required=False,
        max_length=20,
        widget=digits(),
        help_text="Only for a credential under direction: the licensed provider who directs.",
    )
    field_of = {"supervisor": "directed_by"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        supervisor = self.instance.supervisor if self.instance.supervisor_id else None
        if supervisor is not None and not self.is_bound:
            self.initial["directed_by"] = supervisor.staff_id

    class Meta:
        model = Credential
        fields = ["npi", "kind", "license_number", "expires_on"]
        widgets = {"expires_on": DateInput(), "npi": digits()}
        help_texts = {"npi": "The provider's own ten-digit National Provider Identifier."}

    def clean_directed_by(self) -> Staff | None:
        staff_id = (self.cleaned_data.get("directed_by") or "").strip()
        if not staff_id:
            return None
        staff = Staff.objects.filter(staff_id=staff_id).first()
        if staff is None:
            raise forms.ValidationError(f"No staff member has staff ID {staff_id}.")
        return staff

    def _post_clean(self) -> None:
        if "directed_by" in self.cleaned_data:
            self.instance.supervisor = self.cleaned_data["directed_by"]
        super()._post_clean()


class ClaimRuleForm(FactForm):
    """A rule's code, units, rate, minimum and source; when `adding`, also which
    service and group size it is for (a rule never changes its service)."""

    def __init__(self, *args: Any, adding: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if adding:
            self.fields["service"] = forms.ChoiceField(
                label="Service", choices=ServiceType.choices, widget=forms.Select(attrs={"class": "usa-select"})
            )
            self.fields["group"] = forms.BooleanField(
                label="A group session (blank: individual)",
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "sesis-check"}),
            )
            self.order_fields(["service", "group"])

    def _post_clean(self) -> None:
        if "service" in self.fields and "service" in self.cleaned_data:
            self.instance.service = self.cleaned_data["service"]
            self.instance.group = self.cleaned_data.get("group", False)
            if ClaimRule.objects.filter(service=self.instance.service, group=self.instance.group).exists():
                self.add_error("service", f"There is a rule for {self.instance} already; change that one.")
        super()._post_clean()

    class Meta:
        model = ClaimRule
        fields = ["procedure_code", "unit", "rate", "minimum_minutes", "source"]
        widgets = {"source": forms.TextInput()}
        help_texts = {
            "rate": "The charge per unit on each claim line, and the dashboard's estimate.",
            "source": "Where the code and rate come from (a fee schedule, a handbook page).",
        }
