from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from sesis.lib.forms import UswdsForm
from sesis.people import throttle
from sesis.people.models import Staff

PASSWORD_HINT = (
    "At least 12 characters, up to 128."  # noqa: S105 (help text, not a password)
    " Any characters, spaces too: a few unrelated words make a strong "
    "password that is easy to remember. Not a password that has appeared in a data breach."
)


class PasswordForm(UswdsForm, forms.Form):
    """A new password, typed twice. The rules themselves are checked by the action
    (sesis.people.actions.staff_set_password)."""

    password = forms.CharField(
        label="New password",
        strip=False,
        max_length=200,
        help_text=PASSWORD_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password."},
    )
    password_again = forms.CharField(
        label="New password again",
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the new password again."},
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", "The two passwords are not the same.")
        return data


class ChangePasswordForm(PasswordForm):
    """Changing one's own password asks for the current one first."""

    current_password = forms.CharField(
        label="Current password",
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password."},
    )
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


class SignInForm(UswdsForm, AuthenticationForm):
    """Sign-in by staff ID and password, throttled per account and per address
    (sesis.people.throttle)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Staff IDs are digits (they are keyed on a telephone keypad too).
        self.fields["username"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "username"})

    def clean(self) -> dict[str, Any]:
        account = (self.cleaned_data.get("username") or "").strip()
        address = throttle.client_address(self.request) if self.request is not None else None
        if account and self.cleaned_data.get("password"):
            refused = throttle.refusal(channel=throttle.Channel.WEB, account=account, address=address)
            if refused:
                raise forms.ValidationError(refused, code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                throttle.record_failure(channel=throttle.Channel.WEB, account=account, address=address)
            raise
        if account:
            throttle.clear(channel=throttle.Channel.WEB, account=account)
        return cleaned


class PinForm(UswdsForm, forms.Form):
    pin = forms.CharField(
        label="New telephone PIN",
        max_length=8,
        help_text="4 to 8 digits. You key it in after your staff ID when you report a first attend by telephone.",
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
        error_messages={"required": "Enter a PIN of 4 to 8 digits."},
    )
