"""Who may see which service records: the provider's own; a supervisor's, when both
the provider and the student are in scope; an administrator's, all. Anything else is
a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from sesis.people.access import scoped_staff_ids, visible_staff
from sesis.people.models import Role, Staff
from sesis.services.models import ServiceRecord
from sesis.students.access import visible_students


def visible_records(user: Staff) -> QuerySet[ServiceRecord]:
    if user.role == Role.ADMINISTRATOR:
        return ServiceRecord.objects.all()
    if user.role == Role.SUPERVISOR:
        return ServiceRecord.objects.filter(provider__in=visible_staff(user), student__in=visible_students(user))
    return ServiceRecord.objects.filter(provider=user)


def visible_records_in_bulk(user: Staff) -> QuerySet[ServiceRecord]:
    """visible_records for a report over many records: the same scope, with the
    supervisor's staff read once as ids (see scoped_staff_ids)."""
    if user.role != Role.SUPERVISOR:
        return visible_records(user)
    return ServiceRecord.objects.filter(provider__in=scoped_staff_ids(user), student__in=visible_students(user))


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
