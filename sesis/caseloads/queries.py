"""Named reads of caseloads, used by the pages and the API alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from sesis.access.scope import Scope
from sesis.caseloads.models import CaseloadEntry
from sesis.mandates.models import Assignment, Mandate
from sesis.mandates.permissions import AUTHORISING_KIND
from sesis.people.models import ProviderType, Staff
from sesis.students.models import Student

# What a layer above caseloads has to say before a student comes off a caseload: each
# function is given the entry and returns what the remove page lists (e.g. the
# services layer's uncertified records of that provider for that student). Filled in
# by the apps' ready(), so the caseloads layer never imports the layers above it.
RemovalNote = Callable[[CaseloadEntry], dict[str, Any] | None]
REMOVAL_NOTES: list[RemovalNote] = []


def removal_notes(entry: CaseloadEntry) -> list[dict[str, Any]]:
    return [note for note in (check(entry) for check in REMOVAL_NOTES) if note]


def active_caseload(provider: Staff) -> QuerySet[CaseloadEntry]:
    return (
        CaseloadEntry.objects.active()
        .filter(provider=provider)
        .select_related("student__school", "added_by")
        .prefetch_related(Prefetch("mandates", queryset=Mandate.objects.order_by("service")))
        .order_by("student__last_name_key", "student__first_name_key", "student__osis")
    )


def caseload_history(provider: Staff) -> QuerySet[CaseloadEntry]:
    return (
        CaseloadEntry.objects.filter(provider=provider, ended_at__isnull=False)
        .select_related("student", "ended_by")
        .order_by("-ended_at")
    )


def may_serve_not_on_caseload(provider: Staff, day: dt.date, limit: int = 25) -> tuple[list[Student], int]:
    """Students the provider holds permission to serve on `day` (permission_to_serve:
    a mandate in one of their disciplines, covered by an assignment of their kind)
    who are not on their caseload yet: the first `limit` by name, and how many in all.
    An independent provider's RSAs name students no one may otherwise find for them."""
    if not provider.is_provider:
        return [], 0
    kind = AUTHORISING_KIND.get(ProviderType(provider.provider_type))
    assignments = list(Assignment.objects.active_on(day).filter(staff=provider, kind=kind))
    disciplines = provider.discipline_codes()
    if not assignments or not disciplines:
        return [], 0
    covered = Q()
    for assignment in assignments:
        # As Assignment.covers: the student by name, else the school; its service, else any.
        if assignment.student_id is not None:
            where = Q(student_id=assignment.student_id)
        else:
            where = Q(student_school=assignment.school_id)  # kept on the mandate, indexed with the service
        services = {assignment.service} & disciplines if assignment.service else disciplines
        covered |= where & Q(service__in=services)
    mandated = Mandate.objects.active_on(day).filter(covered).values("student")
    on_caseload = provider.caseload_entries.filter(ended_at__isnull=True).values("student")
    order = ("last_name_key", "first_name_key", "osis")
    # Their ids in order, found once (the search is the cost: a second query to count
    # them would repeat it); then the first few in full.
    ids = list(
        Scope.of(provider)
        .students()
        .filter(pk__in=mandated)
        .exclude(pk__in=on_caseload)
        .order_by(*order)
        .values_list("pk", flat=True)
    )
    first = Student.objects.filter(pk__in=ids[:limit]).select_related("school").order_by(*order)
    return list(first), len(ids)
