"""USWDS classes on Django's widgets, so templates stay free of styling logic."""

from __future__ import annotations

from typing import Any

from django import forms

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
