"""The supervisor's lists of what nobody is doing yet, as of a day (today on the
pages): mandates awaiting a provider, and students added to a caseload but never
served. Each is a scoped queryset, so the dashboard's number is its count and the
list's page and exports are its rows: the number and the list cannot disagree.

- **Mandates awaiting a provider**: a mandate active on the day with no provider
  holding it on an active caseload entry. It has waited since it started, or since
  its last provider took it off their caseload, whichever is later.
- **Students added but never served**: a student on a provider's active caseload,
  added more than NEVER_SERVED_AFTER_DAYS days before the day, for whom that provider
  has recorded no Service Provided session since adding them (a week gives a new
  caseload its first session)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from sesis.access.scope import Scope
from sesis.caseloads.models import CaseloadEntry
from sesis.lib.codes import ServiceType
from sesis.mandates.models import Mandate
from sesis.people.models import Staff
from sesis.reports.filters import Filters
from sesis.services.choices import SessionType
from sesis.services.models import ServiceRecord

AWAITING_TITLE = "Mandates awaiting a provider"
NEVER_SERVED_TITLE = "Students added but never served"
NEVER_SERVED_AFTER_DAYS = 7

AWAITING_COLUMNS = [
    "Student",
    "OSIS ID",
    "School",
    "Service Type",
    "Mandate",
    "Mandate start",
    "Mandate end",
    "Waiting since",
    "Days waiting",
]
NEVER_SERVED_COLUMNS = [
    "Student",
    "OSIS ID",
    "School",
    "Provider",
    "Staff ID",
    "Added on",
    "Days on caseload",
    "How added",
]


def awaiting_provider(user: Staff, filters: Filters) -> QuerySet[Mandate]:
    """Mandates in the user's scope, active on filters.end, that no provider holds;
    longest waiting first. Each carries `waiting_since`."""
    day = filters.end
    held = CaseloadEntry.objects.filter(mandates=OuterRef("pk"), ended_at__isnull=True)
    last_ended = (
        CaseloadEntry.objects.filter(mandates=OuterRef("pk"), ended_at__isnull=False)
        .order_by("-ended_at")
        .values("ended_at")[:1]
    )
    mandates: QuerySet[Mandate] = Mandate.objects.active_on(day).filter(~Exists(held))
    # A provider has no such list: what they do not hold is not theirs to see.
    mandates = Scope.of(user).restrict(mandates, provider=None, school="student_school", own=Q(pk__in=[]))
    if filters.school:
        mandates = mandates.filter(student_school=filters.school)  # kept on the mandate, indexed
    if filters.district:
        mandates = mandates.filter(student_school__district=filters.district)
    if filters.service:
        mandates = mandates.filter(service=filters.service)
    return (
        mandates.annotate(last_ended=Subquery(last_ended))
        .annotate(waiting_since=Greatest(F("start_date"), Coalesce(TruncDate("last_ended"), F("start_date"))))
        .select_related("student__school")
        .order_by("waiting_since", "student__school__dbn", "service", "student__last_name_key", "student__osis", "pk")
    )


def awaiting_by_school_and_service(mandates: QuerySet[Mandate]) -> list[dict[str, Any]]:
    """The list grouped: per school and service, how many wait and since when."""
    groups = list(
        mandates.order_by()
        .values("student__school__dbn", "student__school__name", "service")
        .annotate(mandates=Count("pk"), since=Min("waiting_since"))
        .order_by("since", "student__school__dbn", "service")
    )
    for group in groups:
        group["service_label"] = ServiceType(group["service"]).label
    return groups


def days_between(since: dt.date, day: dt.date) -> int:
    return (day - since).days


def awaiting_cells(mandate: Any, day: dt.date) -> list[Any]:
    student = mandate.student
    return [
        f"{student.last_name}, {student.first_name}",
        student.osis,
        student.school.dbn,
        mandate.get_service_display(),
        mandate.frequency,
        mandate.start_date,
        mandate.end_date,
        mandate.waiting_since,
        days_between(mandate.waiting_since, day),
    ]


def never_served(user: Staff, filters: Filters) -> QuerySet[CaseloadEntry]:
    """Active caseload entries in the user's scope, added more than
    NEVER_SERVED_AFTER_DAYS days before filters.end, with no Service Provided session
    by that provider for that student since; the longest waiting first."""
    day = filters.end
    added_before = timezone.make_aware(
        dt.datetime.combine(day - dt.timedelta(days=NEVER_SERVED_AFTER_DAYS - 1), dt.time.min)
    )
    served = ServiceRecord.objects.filter(
        provider=OuterRef("provider"),
        student=OuterRef("student"),
        session_type=SessionType.PROVIDED,
        date__gte=OuterRef("added_on"),
    )
    entries: QuerySet[CaseloadEntry] = CaseloadEntry.objects.active().filter(added_at__lt=added_before)
    entries = entries.annotate(added_on=TruncDate("added_at")).filter(~Exists(served))
    entries = Scope.of(user).restrict(entries)
    if filters.school:
        entries = entries.filter(student__school=filters.school)
    if filters.district:
        entries = entries.filter(student__school__district=filters.district)
    if filters.provider:
        entries = entries.filter(provider=filters.provider)
    if filters.service:
        entries = entries.filter(
            Exists(Mandate.objects.filter(caseload_entries=OuterRef("pk"), service=filters.service))
        )
    return entries.select_related("student__school", "provider").order_by(
        "added_at", "provider__last_name_key", "student__last_name_key", "student__osis", "pk"
    )


def added_on(entry: CaseloadEntry) -> dt.date:
    return timezone.localtime(entry.added_at).date()


def days_on_caseload(entry: CaseloadEntry, day: dt.date) -> int:
    return days_between(added_on(entry), day)


def never_served_cells(entry: CaseloadEntry, day: dt.date) -> list[Any]:
    student, provider = entry.student, entry.provider
    return [
        f"{student.last_name}, {student.first_name}",
        student.osis,
        student.school.dbn,
        f"{provider.last_name}, {provider.first_name}",
        provider.staff_id,
        added_on(entry),
        days_on_caseload(entry, day),
        entry.get_source_display(),
    ]
