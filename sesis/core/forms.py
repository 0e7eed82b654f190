"""USWDS classes on Django's widgets, so templates stay free of styling logic."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

CLASSES = {
    forms.Select: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.CheckboxInput: "sesis-check",
}


def digits() -> forms.TextInput:
    """An id keyed in digits (OSIS ID, staff ID): a phone shows its number pad."""
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})


class UswdsForm:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            css = next((c for widget, c in CLASSES.items() if isinstance(field.widget, widget)), "usa-input")
            field.widget.attrs.setdefault("class", css)


class SignInForm(UswdsForm, AuthenticationForm):
    """Sign-in by staff ID and password, throttled per account and per address
    (sesis.people.throttle)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Staff IDs are digits (they are keyed on a telephone keypad too).
        self.fields["username"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "username"})

    def clean(self) -> dict[str, Any]:
        from sesis.people import throttle

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
