"""Who may see which staff. Every view that shows staff goes through these helpers;
a staff member outside the user's scope is a 404, exactly like one that does not exist."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sesis.people.models import AccessScope, Agency, Role, ScopeKind, Staff
from sesis.schools.models import School


def scope_schools(user: Staff) -> QuerySet[School]:
    """The schools a supervisor's access scopes reach: named schools and whole districts."""
    grants = list(AccessScope.objects.filter(staff=user).values_list("scope", "value"))
    dbns = [value for scope, value in grants if scope == ScopeKind.SCHOOL]
    districts = [int(value) for scope, value in grants if scope == ScopeKind.DISTRICT and value.isdigit()]
    return School.objects.filter(Q(dbn__in=dbns) | Q(district__in=districts))


def scope_agencies(user: Staff) -> QuerySet[Agency]:
    names = AccessScope.objects.filter(staff=user, scope=ScopeKind.AGENCY).values("value")
    return Agency.objects.filter(name__in=names)


def scope_ids(user: Staff) -> tuple[list[int], list[int]]:
    """The ids of the schools and agencies in a supervisor's scope, read once per user
    object (a request's user): the scoped queries then test short lists of ids instead
    of repeating the scope's subqueries, which a district of 1.1 million students
    cannot afford on every page."""
    cached = getattr(user, "_scope_ids", None)
    if cached is None:
        cached = (list(scope_schools(user).values_list("pk", flat=True)),
                  list(scope_agencies(user).values_list("pk", flat=True)))  # fmt: skip
        user._scope_ids = cached  # type: ignore[attr-defined]
    return cached


def visible_staff(user: Staff) -> QuerySet[Staff]:
    """Administrators see everyone; a supervisor sees the providers assigned within
    their scope (and those of agencies in scope); anyone else sees only themself."""
    from sesis.mandates.models import Assignment

    if user.role == Role.ADMINISTRATOR:
        return Staff.objects.all()
    if user.role == Role.SUPERVISOR:
        schools, agencies = scope_ids(user)
        active = Assignment.objects.active_on(timezone.localdate())
        # Two subqueries, each served by an index, rather than one OR across a join.
        in_scope = Q(pk__in=active.filter(school__in=schools).values("staff")) | Q(
            pk__in=active.filter(student__school__in=schools).values("staff")
        )
        if agencies:
            in_scope |= Q(agency__in=agencies)
        return Staff.objects.filter((Q(role=Role.PROVIDER) & in_scope) | Q(pk=user.pk))
    return Staff.objects.filter(pk=user.pk)


def scoped_staff_ids(user: Staff) -> list[int] | None:
    """A supervisor's visible staff as a list of ids, read once per user object (a
    request's user); None for an administrator (everyone). For queries that apply the
    scope to many rows, several times per request (the reports): at district scale the
    scope's join of assignments and students is the costly part of each. A look-up of
    one staff member keeps visible_staff, which the database checks for that one."""
    if user.role == Role.ADMINISTRATOR:
        return None
    cached = getattr(user, "_scoped_staff_ids", None)
    if cached is None:
        cached = list(visible_staff(user).values_list("pk", flat=True))
        user._scoped_staff_ids = cached  # type: ignore[attr-defined]
    return cached


def staff_for_user(user: Staff, staff_id: str) -> Staff:
    """The staff member with this staff id, if the user may see them; otherwise 404."""
    staff = visible_staff(user).filter(staff_id=staff_id).first()
    if staff is None:
        raise Http404("No such staff member.")
    return staff


def can_see_staff(user: Staff, staff: Staff) -> bool:
    return visible_staff(user).filter(pk=staff.pk).exists()


def provider_for(user: Staff, staff_id: str | None) -> Staff:
    """The provider a page works for: the user themself (staff_id None), or, for a
    supervisor or administrator, a provider in their scope. Anything else is a 404."""
    if staff_id is None:
        provider = user
    elif user.can_administer:
        provider = staff_for_user(user, staff_id)
    else:
        raise Http404("No such page.")
    if not provider.is_provider:
        raise Http404("Only service providers have caseloads.")
    return provider
