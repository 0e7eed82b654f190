from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from sesis.core.codes import ServiceType
from sesis.core.forms import UswdsForm, digits
from sesis.core.search import prefix_q
from sesis.people.models import ProviderType, Staff


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
        from sesis.mandates.models import Assignment

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
                Q(school__dbn=dbn) | Q(student__school__dbn=dbn)
            )
            staff = staff.filter(pk__in=assigned.values("staff"))
        if data.get("agency"):
            staff = staff.filter(agency__name__icontains=data["agency"].strip())
        return (
            staff.select_related("agency")
            .prefetch_related("disciplines")
            .order_by("last_name_key", "first_name", "staff_id")
        )


PASSWORD_HINT = (
    "At least 12 characters, up to 128."  # noqa: S105 (help text, not a password)
    " Any characters, spaces too: a few unrelated words make a strong "
    "password that is easy to remember. Not a password that has appeared in a data breach."
)


class PasswordForm(UswdsForm, forms.Form):
    """A new password, typed twice. The rules themselves are checked by the action
    (sesis.people.actions.staff_set_password)."""

    password = forms.CharField(
        label="New password", strip=False, max_length=200, help_text=PASSWORD_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password."},
    )  # fmt: skip
    password_again = forms.CharField(
        label="New password again", strip=False, max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the new password again."},
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", "The two passwords are not the same.")
        return data


class ChangePasswordForm(PasswordForm):
    """Changing one's own password asks for the current one first."""

    current_password = forms.CharField(
        label="Current password", strip=False, max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password."},
    )  # fmt: skip
    field_order = ["current_password", "password", "password_again"]

    def __init__(self, *args: Any, user: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self) -> str:
        """Wrong guesses count towards the same sign-in lock as the sign-in page's, so a
        session left open cannot be used to guess the password."""
        from sesis.people import throttle

        account = self.user.staff_id
        refused = throttle.refusal(channel=throttle.Channel.WEB, account=account, address=None)
        if refused:
            raise forms.ValidationError(refused)
        current: str = self.cleaned_data["current_password"]
        if not self.user.check_password(current):
            throttle.record_failure(channel=throttle.Channel.WEB, account=account, address=None)
            raise forms.ValidationError("That is not your current password.")
        return current
