"""Provider Service Totals: one line per provider in the user's scope over a period.

A provider's line is the sum of Mandate Compliance filtered to that provider: the
mandates on their caseload in the period (in the user's scope), each counted as
Mandate Compliance counts it (mandated on school days, delivered as amended, make-ups,
missed by reason, not yet certified). The shortfall is the sum of each mandate's own
shortfall, so a student served beyond their mandate never hides another left short.
A mandate two providers shared in the period (a transfer) counts on both lines.
Mandates nobody serves are not on any line: they are the dashboard's "mandates
awaiting a provider".

Queries: who serves which mandates, the mandates, their schools, the school calendar,
the records (grouped), and the providers: six, however large the scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from sesis.access.scope import Scope
from sesis.caseloads.models import CaseloadEntry
from sesis.lib.lookups import any_id
from sesis.mandates.models import Mandate
from sesis.people.models import Staff
from sesis.reports.compliance import Counts, calendar_span, compliance, visible_mandates
from sesis.reports.filters import Filters
from sesis.schoolcalendar.days import non_school_days_by_school
from sesis.schools.models import School

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


def _since(start: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def _links(user: Staff, mandates: QuerySet[Mandate], start: dt.date) -> QuerySet[Any]:
    """The caseload links of the mandates on a caseload in the period: entries still
    active or ended on or after its first day (Mandate Compliance's provider filter),
    of providers in the user's scope."""
    links = CaseloadEntry.mandates.through.objects.filter(mandate__in=mandates.values("pk")).filter(
        Q(caseloadentry__ended_at__isnull=True) | Q(caseloadentry__ended_at__gte=_since(start))
    )
    scope = Scope.of(user)
    if user.is_provider:
        return links.filter(caseloadentry__provider=user)
    if not scope.sees_everything:
        return links.filter(any_id("caseloadentry__provider", scope.staff_ids() or []))
    return links


def served_in_period(user: Staff, mandates: QuerySet[Mandate], start: dt.date) -> list[tuple[int, int]]:
    """(provider id, mandate id) for each mandate on a caseload in the period."""
    return list(_links(user, mandates, start).values_list("caseloadentry__provider_id", "mandate_id").distinct())


def provider_lines(
    user: Staff, filters: Filters, *, sort: str = DEFAULT_SORT, today: dt.date | None = None
) -> list[ProviderLine]:
    """Every provider in scope who served a mandate in the period, one line each."""
    [lines] = provider_lines_for_periods(user, [filters], sort=sort, today=today)
    return lines


def provider_lines_for_periods(
    user: Staff, periods: list[Filters], *, sort: str = DEFAULT_SORT, today: dt.date | None = None
) -> list[list[ProviderLine]]:
    """provider_lines for several periods with the same other filters (the dashboard's
    week and month), reading the caseload links, the mandates, the providers and the
    school calendar once for all of them; the records once per period."""
    union = replace(periods[0], start=min(p.start for p in periods), end=max(p.end for p in periods))
    links = list(
        _links(user, visible_mandates(user, union), union.start)
        .values_list("caseloadentry__provider_id", "mandate_id", "caseloadentry__ended_at")
        .distinct()
    )
    if not links:
        return [[] for _ in periods]
    # Only what the count reads, and the student's school as a number (school_pk, read
    # by compliance; kept on the mandate row), not the student and school objects: a district's 21,000 mandates
    # load in a fraction of the time full rows take.
    fields = ["student_id", "sessions", "period", "minutes", "start_date", "end_date"]
    served = Mandate.objects.filter(any_id("pk", {mandate_id for _, mandate_id, _ in links}))
    mandates = {m.pk: m for m in served.annotate(school_pk=F("student_school_id")).only(*fields)}
    schools = School.objects.filter(any_id("pk", {m.school_pk for m in mandates.values()}))  # type: ignore[attr-defined]
    closed = non_school_days_by_school(schools, *calendar_span(union.start, union.end))
    providers = Staff.objects.in_bulk({provider_id for provider_id, _, _ in links})
    return [_period_lines(period, links, mandates, providers, closed, sort=sort, today=today) for period in periods]


def _period_lines(
    period: Filters,
    links: list[tuple[int, int, dt.datetime | None]],
    mandates: dict[int, Mandate],
    providers: dict[int, Staff],
    closed: dict[int, dict[dt.date, str]],
    *,
    sort: str,
    today: dt.date | None,
) -> list[ProviderLine]:
    since = _since(period.start)
    pairs = {
        (provider_id, mandate_id)
        for provider_id, mandate_id, ended_at in links
        if (ended_at is None or ended_at >= since)
        and mandates[mandate_id].start_date <= period.end
        and mandates[mandate_id].end_date >= period.start
    }
    counted = compliance(
        [mandates[pk] for pk in sorted({mandate_id for _, mandate_id in pairs})],
        period.start,
        period.end,
        today=today,
        closed=closed,
    )
    by_mandate = {line.mandate.pk: line for line in counted}
    lines: dict[int, ProviderLine] = {}
    for provider_id, mandate_id in sorted(pairs):
        line = lines.setdefault(provider_id, ProviderLine(providers[provider_id]))
        mandate_line = by_mandate[mandate_id]
        line.counts.add(mandate_line.counts)
        line.students.add(mandate_line.mandate.student_id)
        line.mandates += 1
        line.shortfall += mandate_line.counts.shortfall
        line.minutes_shortfall += mandate_line.counts.minutes_shortfall
    result = list(lines.values())
    if period.behind:
        result = [line for line in result if line.behind]
    return sort_lines(result, sort)


def sort_lines(lines: list[ProviderLine], sort: str) -> list[ProviderLine]:
    key = sort.removeprefix("-")
    if key not in SORTS:
        key, sort = DEFAULT_SORT.removeprefix("-"), DEFAULT_SORT
    lines = sorted(lines, key=_name)
    return sorted(lines, key=SORTS[key], reverse=sort.startswith("-"))
