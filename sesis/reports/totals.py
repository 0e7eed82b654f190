"""Provider Service Totals: one line per provider in the user's scope over a period.

A provider's line is the sum of Mandate Compliance filtered to that provider: the
mandates on their caseload in the period (in the user's scope), each counted as
Mandate Compliance counts it (mandated on school days, delivered as amended, make-ups,
missed by reason, not yet certified). The shortfall is the sum of each mandate's own
shortfall, so a student served beyond their mandate never hides another left short.
A mandate two providers shared in the period (a transfer) counts on both lines.
Mandates nobody serves are not on any line: they are the dashboard's "mandates
awaiting a provider".

Queries: the mandates, who serves them, the school calendar, the records (grouped),
and the providers: five, however large the scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from sesis.access.scope import Scope
from sesis.caseloads.models import CaseloadEntry
from sesis.mandates.models import Mandate
from sesis.people.models import Staff
from sesis.reports.compliance import Counts, compliance, visible_mandates
from sesis.reports.filters import Filters

TITLE = "Provider Service Totals"


@dataclass
class ProviderLine:
    provider: Staff
    counts: Counts = field(default_factory=Counts)
    students: set[int] = field(default_factory=set)
    mandates: int = 0
    shortfall: int = 0  # sessions: the sum of each mandate's shortfall
    minutes_shortfall: int = 0

    @property
    def student_count(self) -> int:
        return len(self.students)

    @property
    def missed(self) -> int:
        return self.counts.student_absent + self.counts.provider_absent + self.counts.cancelled

    @property
    def behind(self) -> bool:
        return bool(self.shortfall or self.minutes_shortfall)


def _name(line: ProviderLine) -> tuple[str, str, str]:
    return (line.provider.last_name_key, line.provider.first_name, line.provider.staff_id)


# Each sortable column: its key, from the line. Ties keep the name order.
SORTS: dict[str, Callable[[ProviderLine], Any]] = {
    "provider": _name,
    "students": lambda line: line.student_count,
    "mandated": lambda line: line.counts.mandated_sessions,
    "provided": lambda line: line.counts.provided,
    "shortfall": lambda line: line.shortfall,
    "minutes_short": lambda line: line.minutes_shortfall,
    "makeups": lambda line: line.counts.makeups,
    "missed": lambda line: line.missed,
    "not_certified": lambda line: line.counts.not_certified,
}
DEFAULT_SORT = "-shortfall"

COLUMNS = [
    "Provider",
    "Staff ID",
    "Students",
    "Mandates",
    "Sessions mandated",
    "Sessions provided",
    "Sessions short",
    "Minutes mandated",
    "Minutes provided",
    "Minutes short",
    "Make-ups",
    "Student Absent",
    "Provider Absent",
    "Cancelled",
    "Not yet certified",
]


def cells(line: ProviderLine) -> list[Any]:
    c = line.counts
    return [
        f"{line.provider.last_name}, {line.provider.first_name}",
        line.provider.staff_id,
        line.student_count,
        line.mandates,
        c.mandated_sessions,
        c.provided,
        line.shortfall,
        c.mandated_minutes_whole,
        c.provided_minutes,
        line.minutes_shortfall,
        c.makeups,
        c.student_absent,
        c.provider_absent,
        c.cancelled,
        c.not_certified,
    ]


def served_in_period(user: Staff, mandates: QuerySet[Mandate], start: dt.date) -> list[tuple[int, int]]:
    """(provider id, mandate id) for each mandate on a caseload in the period: entries
    still active or ended on or after its first day (Mandate Compliance's provider
    filter), of providers in the user's scope."""
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    links = CaseloadEntry.mandates.through.objects.filter(mandate__in=mandates.values("pk")).filter(
        Q(caseloadentry__ended_at__isnull=True) | Q(caseloadentry__ended_at__gte=since)
    )
    scope = Scope.of(user)
    if user.is_provider:
        links = links.filter(caseloadentry__provider=user)
    elif not scope.sees_everything:
        links = links.filter(caseloadentry__provider__in=scope.staff_ids())
    return list(links.values_list("caseloadentry__provider_id", "mandate_id").distinct())


def provider_lines(
    user: Staff, filters: Filters, *, sort: str = DEFAULT_SORT, today: dt.date | None = None
) -> list[ProviderLine]:
    """Every provider in scope who served a mandate in the period, one line each."""
    mandates = visible_mandates(user, filters)
    links = served_in_period(user, mandates, filters.start)
    if not links:
        return []
    served = {mandate_id for _, mandate_id in links}
    # Only what the count reads: a district's thousands of mandates load in a fraction
    # of the time full rows take.
    fields = ["sessions", "period", "minutes", "start_date", "end_date", "student__school__district"]
    mandates_served = Mandate.objects.filter(pk__in=served).select_related("student__school").only(*fields)
    counted = compliance(mandates_served, filters.start, filters.end, today=today)
    by_mandate = {line.mandate.pk: line for line in counted}
    providers = Staff.objects.in_bulk({provider_id for provider_id, _ in links})
    lines: dict[int, ProviderLine] = {}
    for provider_id, mandate_id in links:
        line = lines.setdefault(provider_id, ProviderLine(providers[provider_id]))
        mandate_line = by_mandate[mandate_id]
        line.counts.add(mandate_line.counts)
        line.students.add(mandate_line.mandate.student_id)
        line.mandates += 1
        line.shortfall += mandate_line.counts.shortfall
        line.minutes_shortfall += mandate_line.counts.minutes_shortfall
    result = list(lines.values())
    if filters.behind:
        result = [line for line in result if line.behind]
    return sort_lines(result, sort)


def sort_lines(lines: list[ProviderLine], sort: str) -> list[ProviderLine]:
    key = sort.removeprefix("-")
    if key not in SORTS:
        key, sort = DEFAULT_SORT.removeprefix("-"), DEFAULT_SORT
    lines = sorted(lines, key=_name)
    return sorted(lines, key=SORTS[key], reverse=sort.startswith("-"))
