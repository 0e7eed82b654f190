"""A schedule is its provider's own: another provider's slot is a 404."""

from __future__ import annotations

from django.http import Http404

from sesis.people.models import Staff
from sesis.schedules.models import ScheduleSlot
from sesis.schedules.occurrences import slots_of


def slot_for_user(user: Staff, pk: int) -> ScheduleSlot:
    slot = slots_of(user).select_related("provider").filter(pk=pk).first()
    if slot is None:
        raise Http404("No such session on your schedule.")
    return slot
