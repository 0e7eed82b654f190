"""Who may see which first attends: a provider their own, a supervisor those of the
providers in scope, an administrator all (the scope policy, sesis.access.scope)."""

from __future__ import annotations

from django.db.models import QuerySet

from sesis.access.scope import Scope
from sesis.ivr.models import FirstAttend
from sesis.people.models import Staff


def visible_first_attends(user: Staff) -> QuerySet[FirstAttend]:
    first_attends = FirstAttend.objects.select_related("provider", "student").order_by("-received_at", "-id")
    return Scope.of(user).restrict(first_attends, student=None)
