from __future__ import annotations

from django import forms

from sesis.lib.forms import UswdsForm

REMOVAL_REASONS = [
    ("", "Choose a reason"),
    ("Services completed or mandate ended", "Services completed or mandate ended"),
    ("Student changed schools", "Student changed schools"),
    ("Student assigned to another provider", "Student assigned to another provider"),
    ("Added in error", "Added in error"),
    ("Other", "Other (explain below)"),
]


class RemoveFromCaseloadForm(UswdsForm, forms.Form):
    reason = forms.ChoiceField(
        label="Reason for removal",
        choices=REMOVAL_REASONS,
        error_messages={"required": "Choose a reason for removing the student."},
    )
    details = forms.CharField(label="Details", required=False, max_length=250, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, str]:
        cleaned = super().clean() or {}
        if cleaned.get("reason") == "Other" and not (cleaned.get("details") or "").strip():
            self.add_error("details", "Explain the reason when you choose Other.")
        return cleaned

    def reason_text(self) -> str:
        reason: str = self.cleaned_data["reason"]
        details: str = (self.cleaned_data.get("details") or "").strip()
        return f"{reason}: {details}" if details else reason
