"""What a provider is told at entry about Medicaid: after a save, each saved session
that Medicaid cannot claim, and why, in plain words. It never refuses a record: the
session happened and is kept; the words say what to fix (docs/medicaid.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.contrib import messages
from django.http import HttpRequest

from sesis.medicaid.claimability import attach, rules
from sesis.people.models import Staff
from sesis.services.choices import SessionType
from sesis.services.models import ServiceRecord

# What the claims (a layer above) say of a record's claim, if anything: filled in
# ClaimsConfig.ready. The record page shows it under Medicaid.
CLAIM_STATUS: list[Callable[[ServiceRecord], str]] = []


def claim_status(record: ServiceRecord) -> str:
    return " ".join(text for text in (status(record) for status in CLAIM_STATUS) if text)


def medicaid_notice(request: HttpRequest, records: Sequence[ServiceRecord], provider: Staff) -> None:
    """Add a warning for each of `records` that is a claim Medicaid cannot pay."""
    attach(records, you=request.user.pk == provider.pk)
    unclaimable = [r for r in records if r.medicaid is not None and not r.medicaid.claimable]  # type: ignore[attr-defined]
    # In the order a provider reads a list of students: by time, then by name.
    unclaimable.sort(key=lambda r: (r.start_time, r.student.last_name, r.student.first_name, r.student.osis))
    for record in unclaimable:
        message = record.medicaid.message  # type: ignore[attr-defined]
        if len(records) > 1:
            message = f"{record.student.full_name} ({record.student.osis}), {record.start_time:%H:%M}: {message}"
        messages.warning(request, message)


def unclaimable_this_month(provider: Staff, today: dt.date) -> list[ServiceRecord]:
    """The provider's sessions this month, so far, that Medicaid cannot claim, each with
    its verdict attached (the homepage lists them with what to fix)."""
    services = {service for service, _group in rules()}
    records = list(
        ServiceRecord.objects.filter(
            provider=provider,
            date__gte=today.replace(day=1),
            date__lte=today,
            session_type=SessionType.PROVIDED,
            service__in=sorted(services),
        )
        .select_related("student")
        .order_by("date", "start_time")
    )
    attach(records, you=True)
    return [r for r in records if r.medicaid is not None and not r.medicaid.claimable]  # type: ignore[attr-defined]
