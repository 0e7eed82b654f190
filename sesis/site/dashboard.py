"""The supervisor's homepage: what needs doing in their scope, each figure a link to
the list behind it. Every figure is computed by the same scoped query its list runs
(Provider Service Totals, Encounter Attendance, First Attends, and the lists of
sesis.reports.lists), with the filters the link carries: a figure and its list
cannot disagree. The lists filter and export (CSV, XLSX), and log each view and
export in the disclosure log.

- Providers behind: Provider Service Totals with "only providers behind", this week
  so far and the last full month.
- Uncertified records by age: Encounter Attendance, not certified, dated four days
  ago or earlier within the entry window (still certifiable), and dated before the
  entry window (no longer certifiable: an administrator must act).
- Sessions on days now marked non-school (a closure added after them), the last year.
- First attends awaiting action: refused, and the student is still not on that
  provider's caseload.
- Mandates awaiting a provider, and students added but never served (as of today).

Queries: a fixed number per figure (the benchmark's query-count test holds it),
whatever the size of the scope."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from sesis.ivr.access import visible_first_attends
from sesis.ivr.forms import AWAITING_ACTION, awaiting_action
from sesis.medicaid.claimability import JUDGED_FIELDS, Reason, judged_rows, rules
from sesis.people.models import Staff
from sesis.reports import encounter_attendance, lists, totals
from sesis.reports.compliance import week_start
from sesis.reports.filters import Filters
from sesis.services.models import ServiceRecord
from sesis.services.rules import entry_window_start

BEHIND_SHOWN = 5  # the providers furthest behind, named on the dashboard
UNCERTIFIED_AFTER_DAYS = 3
HORIZON_DAYS = 365  # how far back the dashboard looks for uncertified records


@dataclass
class Behind:
    label: str
    start: dt.date
    end: dt.date
    providers: list[totals.ProviderLine]
    url: str

    @property
    def count(self) -> int:
        return len(self.providers)

    @property
    def sessions(self) -> int:
        return sum(line.shortfall for line in self.providers)

    @property
    def minutes(self) -> int:
        return sum(line.minutes_shortfall for line in self.providers)

    @property
    def furthest(self) -> list[totals.ProviderLine]:
        return self.providers[:BEHIND_SHOWN]


@dataclass
class Figure:
    label: str
    count: int
    url: str
    hint: str = ""


@dataclass
class Unclaimable:
    """One reason Medicaid cannot pay, this month in the scope: how many sessions, and
    the first students and providers to chase (each session's record linked)."""

    heading: str
    count: int
    sessions: list[ServiceRecord]


@dataclass
class Dashboard:
    today: dt.date
    behind: list[Behind] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    unclaimable: list[Unclaimable] = field(default_factory=list)
    claimable: int = 0


def last_full_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def _link(name: str, **params: object) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _behind(user: Staff, periods: list[tuple[str, dt.date, dt.date]], today: dt.date) -> list[Behind]:
    filters = [Filters(start=start, end=end, behind=True) for _, start, end in periods]
    found = totals.provider_lines_for_periods(user, filters, today=today)
    return [
        Behind(
            label,
            start,
            end,
            lines,
            _link("provider_totals", date_from=start.isoformat(), date_to=end.isoformat(), behind="on"),
        )
        for (label, start, end), lines in zip(periods, found, strict=True)
    ]


def uncertified_periods(today: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """(label, hint, from, to) of the two ages of uncertified records."""
    window = entry_window_start(today)
    older = today - dt.timedelta(days=UNCERTIFIED_AFTER_DAYS + 1)
    return [
        (
            f"Uncertified records over {UNCERTIFIED_AFTER_DAYS} days old",
            f"dated {window:%b} {window.day} to {older:%b} {older.day}: still certifiable by their providers",
            window,
            older,
        ),
        (
            "Uncertified records before the entry window",
            f"dated before {window:%b} {window.day}: no longer certifiable",
            today - dt.timedelta(days=HORIZON_DAYS),
            window - dt.timedelta(days=1),
        ),
    ]


def supervisor_dashboard(user: Staff, today: dt.date) -> Dashboard:
    dashboard = Dashboard(today=today)
    month_start, month_end = last_full_month(today)
    periods = [("This week so far", week_start(today), today), (f"{month_start:%B %Y}", month_start, month_end)]
    dashboard.behind = _behind(user, periods, today)
    for label, hint, start, end in uncertified_periods(today):
        if end < start:
            continue
        filters = Filters(start=start, end=end, certified="no")
        count = encounter_attendance.records(user, filters).count()
        url = _link("encounter_attendance", date_from=start.isoformat(), date_to=end.isoformat(), certified="no")
        dashboard.figures.append(Figure(label, count, url, hint))
    start = today - dt.timedelta(days=HORIZON_DAYS - 1)
    closed = encounter_attendance.records(user, Filters(start=start, end=today, closed_day=True)).count()
    dashboard.figures.append(
        Figure(
            "Sessions on days now marked non-school",
            closed,
            _link("encounter_attendance", date_from=start.isoformat(), date_to=today.isoformat(), school_day="closed"),
            "recorded before a holiday, recess or closure was added for the day; kept as recorded",
        )
    )
    first_attends = awaiting_action(visible_first_attends(user)).count()
    dashboard.figures.append(
        Figure(
            "First attends not added, awaiting action",
            first_attends,
            _link("first_attends_admin", status=AWAITING_ACTION),
            "refused by the rules; the student is still not on that provider's caseload",
        )
    )
    today_filters = Filters(start=today, end=today)
    dashboard.figures.append(
        Figure(
            lists.AWAITING_TITLE,
            lists.awaiting_provider(user, today_filters).count(),
            reverse("awaiting_provider"),
            "active mandates no provider holds on a caseload",
        )
    )
    dashboard.figures.append(
        Figure(
            lists.NEVER_SERVED_TITLE,
            lists.never_served(user, today_filters).count(),
            reverse("never_served"),
            f"on a caseload over {lists.NEVER_SERVED_AFTER_DAYS} days with no session provided",
        )
    )
    _medicaid(dashboard, user, today)
    return dashboard


UNCLAIMABLE_SHOWN = 5
# What the dashboard shows of the first records to chase.
SHOWN_FIELDS = (
    "student__last_name",
    "student__first_name",
    "student__osis",
    "provider__first_name",
    "provider__last_name",
)


def _medicaid(dashboard: Dashboard, user: Staff, today: dt.date) -> None:
    """This month's provided sessions in scope that Medicaid cannot pay, by reason, and
    the first of each reason to chase (by date and time). The sessions are judged as
    light rows; only the few shown are then read with their names."""
    services = sorted({service for service, _group in rules()})
    filters = Filters(start=today.replace(day=1), end=today, session_type="provided")
    records = encounter_attendance.records(user, filters).filter(service__in=services)
    counts: Counter[str] = Counter()
    first: dict[str, list[tuple[dt.date, dt.time, int]]] = {}
    for row, verdict in judged_rows(records):
        if verdict is None:
            continue
        if verdict.claimable:
            dashboard.claimable += 1
        for code in dict.fromkeys(p.code for p in verdict.problems):
            counts[code] += 1
            chase = first.setdefault(code, [])
            key = (row.date, row.start_time, row.id)
            if len(chase) < UNCLAIMABLE_SHOWN or key < chase[-1]:
                bisect.insort(chase, key)
                del chase[UNCLAIMABLE_SHOWN:]
    shown_ids = {key[2] for chase in first.values() for key in chase}
    shown = ServiceRecord.objects.select_related("student", "provider").only(*JUDGED_FIELDS, *SHOWN_FIELDS)
    by_id = shown.in_bulk(shown_ids)
    dashboard.unclaimable = [
        Unclaimable(Reason.HEADINGS[code], count, [by_id[key[2]] for key in first[code] if key[2] in by_id])
        for code, count in counts.most_common()
    ]
