"""Named reads of caseloads, used by the pages and the API alike."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from sesis.caseloads.models import CaseloadEntry
from sesis.mandates.models import Mandate
from sesis.people.models import Staff


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
