"""Who may see which first attends: a provider their own, a supervisor those of the
providers in scope, an administrator all."""

from __future__ import annotations

from django.db.models import QuerySet

from sesis.ivr.models import FirstAttend
from sesis.people.access import visible_staff
from sesis.people.models import Role, Staff


def visible_first_attends(user: Staff) -> QuerySet[FirstAttend]:
    first_attends = FirstAttend.objects.select_related("provider", "student").order_by("-received_at", "-id")
    if user.role == Role.ADMINISTRATOR:
        return first_attends
    if user.role == Role.SUPERVISOR:
        return first_attends.filter(provider__in=visible_staff(user))
    return first_attends.filter(provider=user)
