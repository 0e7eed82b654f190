"""Mandate compliance: for each mandate in a period, the sessions mandated against
the sessions provided, made up, missed (and why) and not yet certified, and the
shortfall.

How many sessions a period mandates. A mandate's sessions belong to its periods
(Sunday-to-Saturday weeks, or calendar months). A period can mandate no more
sessions than it has school days within the mandate's dates (the Services Calendar's
rule), and its sessions are spread evenly over those school days. The sessions a
report period mandates are the sum over its school days, up to today: a week or
month cut by the report's dates counts pro rata, so two consecutive monthly reports
never count the week they share twice. The total is rounded half up to whole
sessions. Weekends, holidays, recesses and closures never count.

Delivered means Service Provided (make-ups included), in each record's current
version (as amended), by any provider:
the mandate is the student's, whoever serves it. The shortfall is the mandated
sessions less the sessions provided, never below zero. Student Absent, Provider
Absent and Cancelled are shown beside it: they explain a shortfall, they do not
fill it."""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from sesis.access.scope import Scope
from sesis.caseloads.models import CaseloadEntry
from sesis.lib.lookups import any_id
from sesis.mandates.models import Mandate, Period
from sesis.people.models import Staff
from sesis.reports.filters import Filters
from sesis.schoolcalendar.days import non_school_days_by_school
from sesis.services.choices import SessionType
from sesis.services.models import ServiceRecord
from sesis.students.models import Student

TITLE = "Mandate Compliance"
MAX_MANDATES = 20_000  # a page computes every line to sort by shortfall; beyond this, narrow the filters


def whole(value: Fraction) -> int:
    """Whole sessions, rounded half up."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Counts:
    """Sessions and minutes. A mandate's minutes are its sessions' share times its
    minutes per session; a Service Provided session delivers the minutes it lasted (a
    short session delivers its minutes, not a whole session's)."""

    mandated: Fraction = Fraction(0)
    provided: int = 0
    makeups: int = 0
    student_absent: int = 0
    provider_absent: int = 0
    cancelled: int = 0
    not_certified: int = 0
    mandated_minutes: Fraction = Fraction(0)
    provided_minutes: int = 0

    @property
    def mandated_sessions(self) -> int:
        return whole(self.mandated)

    @property
    def shortfall(self) -> int:
        return max(0, self.mandated_sessions - self.provided)

    @property
    def mandated_minutes_whole(self) -> int:
        return whole(self.mandated_minutes)

    @property
    def minutes_shortfall(self) -> int:
        return max(0, self.mandated_minutes_whole - self.provided_minutes)

    def add(self, other: Counts) -> None:
        self.mandated += other.mandated
        self.mandated_minutes += other.mandated_minutes
        self.provided_minutes += other.provided_minutes
        self.provided += other.provided
        self.makeups += other.makeups
        self.student_absent += other.student_absent
        self.provider_absent += other.provider_absent
        self.cancelled += other.cancelled
        self.not_certified += other.not_certified

    def count(
        self, session_type: str, *, n: int = 1, makeups: int = 0, not_certified: int = 0, minutes: int = 0
    ) -> None:
        """Add n records of a session type lasting `minutes` in all, of which `makeups`
        are make-ups (only a Service Provided session makes one up: the database holds
        to it) and `not_certified` not yet certified. Only provided minutes count."""
        if session_type == SessionType.PROVIDED:
            self.provided += n
            self.provided_minutes += minutes
        elif session_type == SessionType.STUDENT_ABSENT:
            self.student_absent += n
        elif session_type == SessionType.PROVIDER_ABSENT:
            self.provider_absent += n
        else:
            self.cancelled += n
        self.makeups += makeups
        self.not_certified += not_certified


@dataclass
class Line:
    mandate: Mandate
    counts: Counts
    weeks: dict[dt.date, Counts] = field(default_factory=dict)  # by the week's Sunday, when asked for

    @property
    def student(self) -> Student:
        return self.mandate.student


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _period_of(mandate: Mandate, day: dt.date) -> tuple[dt.date, dt.date]:
    return _period_bounds(mandate.period, day)


@functools.lru_cache(maxsize=8192)
def _period_bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The week (Sunday to Saturday) or calendar month around a day: asked for again
    for every mandate of a report, so remembered."""
    if period == Period.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    start = week_start(day)
    return start, start + dt.timedelta(days=6)


def mandated_by_day(
    mandate: Mandate, closed: dict[dt.date, str], start: dt.date, end: dt.date
) -> dict[dt.date, Fraction]:
    """Each school day's share of the mandate's sessions, from start to end. `closed`
    must cover the whole weeks (or months) around start and end."""
    shares: dict[dt.date, Fraction] = {}
    first, last = max(start, mandate.start_date), min(end, mandate.end_date)
    day = first
    while day <= last:
        p_start, p_end = _period_of(mandate, day)
        p_first, p_last = max(p_start, mandate.start_date), min(p_end, mandate.end_date)
        school_days = [
            p_first + dt.timedelta(days=i)
            for i in range((p_last - p_first).days + 1)
            if p_first + dt.timedelta(days=i) not in closed
        ]
        if school_days:
            share = Fraction(min(mandate.sessions, len(school_days)), len(school_days))
            for school_day in school_days:
                if first <= school_day <= last:
                    shares[school_day] = share
        day = p_end + dt.timedelta(days=1)
    return shares


SchoolDays = dict[tuple[dt.date, dt.date], list[dt.date]]
PERIOD_DAYS_LCM = math.lcm(*range(1, 32))  # every count of school days a week or month can have


def mandated_through(
    mandate: Mandate, closed: dict[dt.date, str], start: dt.date, last: dt.date, cache: SchoolDays
) -> Fraction:
    """The sum of mandated_by_day's shares from start to last, a period at a time (a
    period's share times its school days counted), not a day at a time. `cache` keeps
    each period's school days for the mandates of one school: most share their
    periods."""
    # Summed in whole units of 1/PERIOD_DAYS_LCM (a period has at most 31 school days,
    # so every share is a whole number of them): one Fraction per mandate, not one per
    # period (a district's 21,000 mandates: about a second less).
    total = 0
    first, last = max(start, mandate.start_date), min(last, mandate.end_date)
    day = first
    while day <= last:
        p_start, p_end = _period_of(mandate, day)
        p_first, p_last = max(p_start, mandate.start_date), min(p_end, mandate.end_date)
        school_days = cache.get((p_first, p_last))
        if school_days is None:
            span = (p_last - p_first).days + 1
            every = (p_first + dt.timedelta(days=i) for i in range(span))
            school_days = cache[(p_first, p_last)] = [d for d in every if d not in closed]
        if school_days:
            counted = bisect.bisect_right(school_days, last) - bisect.bisect_left(school_days, first)
            if counted:
                n = len(school_days)
                total += min(mandate.sessions, n) * counted * (PERIOD_DAYS_LCM // n)
        day = p_end + dt.timedelta(days=1)
    return Fraction(total, PERIOD_DAYS_LCM)


def visible_mandates(user: Staff, filters: Filters) -> QuerySet[Mandate]:
    """The mandates a compliance report covers: in the user's scope, in the period.
    A provider's are the mandates they serve (on their caseload in the period)."""
    qs: QuerySet[Mandate] = Mandate.objects.filter(start_date__lte=filters.end, end_date__gte=filters.start)
    qs = Scope.of(user).restrict(
        qs, provider=None, school="student_school", own=Q(pk__in=_served_by(user, filters.start))
    )
    if filters.provider is not None:
        qs = qs.filter(pk__in=_served_by(filters.provider, filters.start))
    if filters.school:
        qs = qs.filter(student_school=filters.school)  # kept on the mandate, indexed
    if filters.district:
        qs = qs.filter(student_school__district=filters.district)
    if filters.student:
        qs = qs.filter(student=filters.student)
    if filters.service:
        qs = qs.filter(service=filters.service)
    return qs


def _served_by(provider: Staff, since: dt.date) -> QuerySet[CaseloadEntry, Any]:
    since_start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    entries = CaseloadEntry.objects.filter(provider=provider).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=since_start)
    )
    return entries.values("mandates")


def calendar_span(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The days whose calendar a count from start to end reads: the whole weeks and
    months around them."""
    span_start = min(week_start(start), start.replace(day=1))
    span_end = max(week_start(end) + dt.timedelta(days=6), end.replace(day=calendar.monthrange(end.year, end.month)[1]))
    return span_start, span_end


def compliance(
    mandates: Iterable[Mandate],
    start: dt.date,
    end: dt.date,
    *,
    by_week: bool = False,
    today: dt.date | None = None,
    closed: dict[int, dict[dt.date, str]] | None = None,
) -> list[Line]:
    """A Line per mandate from start to end. Sessions are mandated only up to today; the
    records are counted over the whole period. Queries: the school calendar (one,
    unless given: non-school days by school over at least calendar_span), the records
    (one, grouped unless by_week)."""
    today = today or timezone.localdate()
    mandates = list(mandates)
    if not mandates:
        return []
    until = min(end, today)
    if closed is None:
        schools = {m.student.school_id: m.student.school for m in mandates}
        closed = non_school_days_by_school(schools.values(), *calendar_span(start, end))
    lines = {m.pk: Line(mandate=m, counts=Counts()) for m in mandates}
    if not by_week:
        caches: dict[int, SchoolDays] = {}
        # What is mandated depends only on the school's calendar and the mandate's
        # frequency and dates, which most mandates of a school share: each is counted
        # once (a district's 21,000 mandates have a few hundred).
        counted: dict[tuple[int, str, int, dt.date, dt.date], Fraction] = {}
        for m in mandates:
            school = _school_id(m)
            key = (school, m.period, m.sessions, m.start_date, m.end_date)
            total = counted.get(key)
            if total is None:
                total = mandated_through(m, closed[school], start, until, caches.setdefault(school, {}))
                counted[key] = total
            lines[m.pk].counts.mandated = total
            lines[m.pk].counts.mandated_minutes = total * m.minutes
        _count_records(lines, start, end, by_week)
        return list(lines.values())
    for m in mandates:
        shares = mandated_by_day(m, closed[_school_id(m)], start, end)
        line = lines[m.pk]
        for day, share in shares.items():
            if day <= until:
                line.counts.mandated += share
                line.counts.mandated_minutes += share * m.minutes
            if by_week:
                week = line.weeks.setdefault(week_start(day), Counts())
                week.mandated += share
                week.mandated_minutes += share * m.minutes
    _count_records(lines, start, end, by_week)
    return list(lines.values())


def _school_id(mandate: Mandate) -> int:
    """The school of the mandate's student: as annotated (school_pk) by a caller that
    loads many mandates without their students (Provider Service Totals), else read."""
    annotated: int | None = getattr(mandate, "school_pk", None)
    return annotated if annotated is not None else mandate.student.school_id


def _count_records(lines: dict[int, Line], start: dt.date, end: dt.date, by_week: bool) -> None:
    records = ServiceRecord.objects.filter(any_id("mandate", lines), date__range=(start, end)).order_by()
    if by_week:
        for mandate_id, day, session_type, makeup_of, certified_at, began, ended in records.values_list(
            "mandate_id", "date", "session_type", "makeup_of_id", "certified_at", "start_time", "end_time"
        ):
            line = lines[mandate_id]
            kwargs = {
                "makeups": int(makeup_of is not None),
                "not_certified": int(certified_at is None),
                "minutes": _span(began, ended),
            }
            line.counts.count(session_type, **kwargs)
            line.weeks.setdefault(week_start(day), Counts()).count(session_type, **kwargs)
    else:
        grouped = records.values("mandate_id", "session_type").annotate(
            n=Count("id"),
            makeups=Count("id", filter=Q(makeup_of__isnull=False)),
            not_certified=Count("id", filter=Q(certified_at__isnull=True)),
            duration=Sum(F("end_time") - F("start_time")),
        )
        for row in grouped:
            lines[row["mandate_id"]].counts.count(
                row["session_type"],
                n=row["n"],
                makeups=row["makeups"],
                not_certified=row["not_certified"],
                minutes=_whole_minutes(row["duration"]),
            )


def _span(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _whole_minutes(duration: dt.timedelta | None) -> int:
    return int(duration.total_seconds() // 60) if duration else 0


def providers_of(mandate_ids: list[int]) -> dict[int, list[Staff]]:
    """Who serves each mandate now: the providers with it on an active caseload entry
    (one query for a page of lines). An empty list: a mandate awaiting a provider."""
    found: dict[int, list[Staff]] = {}
    entries = (
        CaseloadEntry.mandates.through.objects.filter(mandate_id__in=mandate_ids, caseloadentry__ended_at__isnull=True)
        .select_related("caseloadentry__provider")
        .order_by("caseloadentry__provider__last_name_key", "caseloadentry__provider__staff_id")
    )
    for link in entries:
        found.setdefault(link.mandate_id, []).append(link.caseloadentry.provider)
    return found


def report_lines(user: Staff, filters: Filters, *, today: dt.date | None = None) -> list[Line]:
    """The compliance report: every mandate in scope, shortfalls first."""
    mandates = visible_mandates(user, filters).select_related("student__school")
    lines = compliance(mandates, filters.start, filters.end, today=today)
    lines.sort(
        key=lambda line: (
            -line.counts.shortfall,
            line.student.last_name_key,
            line.student.first_name_key,
            line.student.osis,
            line.mandate.service,
            line.mandate.start_date,
        )
    )
    return lines


def total(lines: Iterable[Line]) -> Counts:
    counts = Counts()
    for line in lines:
        counts.add(line.counts)
    return counts


@dataclass
class Owed:
    line: Line
    period: str  # "this week" or "this month"


def still_to_deliver(provider: Staff, today: dt.date) -> list[Owed]:
    """The provider's own shortfalls now: for each mandate they serve, the sessions and
    minutes this week (this month, for a monthly mandate) calls for that are not yet
    provided."""
    week = (week_start(today), week_start(today) + dt.timedelta(days=6))
    month = (today.replace(day=1), today.replace(day=calendar.monthrange(today.year, today.month)[1]))
    owed: list[Owed] = []
    for period, (start, end), label in ((Period.WEEK, week, "this week"), (Period.MONTH, month, "this month")):
        mandates = visible_mandates(provider, Filters(start=start, end=end)).filter(period=period)
        # Counted to the period's end: what the whole week (month) calls for.
        lines = compliance(mandates.select_related("student__school"), start, end, today=end)
        # Short in sessions, or in minutes (short sessions): either is still owed.
        owed += [Owed(line, label) for line in lines if line.counts.shortfall or line.counts.minutes_shortfall]
    owed.sort(key=lambda o: (o.line.student.last_name_key, o.line.student.first_name_key, o.line.mandate.service))
    return owed
