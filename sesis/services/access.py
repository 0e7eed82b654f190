"""Who may see which service records: the scope policy's rule for what belongs to a
provider and a student (sesis.access.scope). Anything else is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sesis.access.scope import Scope
from sesis.caseloads.models import CaseloadEntry
from sesis.people.models import Staff
from sesis.services.models import ServiceRecord
from sesis.services.rules import entry_window_start


def visible_records(user: Staff, *, bulk: bool = False) -> QuerySet[ServiceRecord]:
    """The records the user may see: their own; a supervisor's, when both the provider
    and the student are in scope; an administrator's, all. bulk: for a report over
    many records (the same rule, the visible staff read once as ids)."""
    return Scope.of(user).restrict(ServiceRecord.objects.all(), bulk=bulk)


def record_for_user(user: Staff, pk: int) -> ServiceRecord:
    record = (
        visible_records(user)
        .select_related("student__school", "provider", "mandate", "recorded_by", "certified_by", "makeup_of")
        .prefetch_related("versions__certified_by")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404("No such service record.")
    return record


def needs_signature(user: Staff) -> QuerySet[ServiceRecord]:
    """The uncertified records the user may sign, oldest first: a provider's own
    sessions (whoever recorded them), and the sessions a supervisor or administrator
    recorded on a provider's behalf. Never a record someone else must sign."""
    return (
        visible_records(user)
        .filter(certified_at__isnull=True)
        .filter(Q(provider=user) | Q(recorded_by=user))
        .select_related("student", "provider", "mandate")
        .order_by("date", "start_time", "id")
    )


REMOVAL_LIST_LIMIT = 50


def uncertified_on_removal(entry: CaseloadEntry) -> dict[str, Any] | None:
    """The remove page's warning: the provider's uncertified records of this student.
    They stay on the records and certifiable by their author for the entry window
    (rules.served_on: the student was on the caseload on the session's day)."""
    records = ServiceRecord.objects.filter(
        provider=entry.provider, student=entry.student, certified_at__isnull=True
    ).order_by("date", "start_time", "id")
    count = records.count()
    if not count:
        return None
    window = entry_window_start(timezone.localdate())
    return {
        "template": "services/_uncertified_on_removal.html",
        "records": list(records.select_related("mandate")[:REMOVAL_LIST_LIMIT]),
        "count": count,
        "window_start": window,
        "stuck": records.filter(date__lt=window).count(),
    }
