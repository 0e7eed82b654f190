"""Helpers the endpoints share: running a Django form for the same messages as the
web pages, and naming a provider."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404
from ninja import Path

from sesis.access.scope import Scope
from sesis.api.errors import ApiError, Problem
from sesis.people.models import Staff


def form_values(schema: Any) -> dict[str, str]:
    """Query parameters as a form's data: set values only, as text."""
    values = {}
    for name, value in schema.dict().items():
        if value is None or name in ("limit", "offset", "ordering"):
            continue
        values[name] = value.isoformat() if hasattr(value, "isoformat") else str(getattr(value, "value", value))
    return values


def checked(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or a 422 with the form's own messages."""
    if form.is_valid():
        return form.cleaned_data
    problems = []
    for name, messages in form.errors.items():
        for message in messages:
            problems.append(Problem(field=None if name == "__all__" else name, message=str(message)))
    first = problems[0]
    raise ApiError(422, "invalid", first.message, field=first.field, problems=problems)


def provider_named(actor: Staff, staff_id: str) -> Staff:
    """A provider the actor works for: themself, or one in a supervisor's or an
    administrator's scope. Anyone else is a 404."""
    try:
        return Scope.of(actor).provider(None if staff_id == actor.staff_id else staff_id)
    except Http404:
        raise Http404("No provider with this staff ID is in your scope.") from None


# Path parameters, with examples for the reference page. They are the test personas'
# identifiers, so schemathesis (which tries examples first) also reaches real rows.
OSIS: Any = Path(..., max_length=9, description="OSIS ID", example="111111111")
STAFF_ID: Any = Path(..., max_length=20, description="Staff ID", example="300")
RECORD_ID: Any = Path(..., description="Service record id", example=1)
ENTRY_ID: Any = Path(..., description="Caseload entry id", example=1)
DBN: Any = Path(..., max_length=6, description="School DBN", example="02M001")
