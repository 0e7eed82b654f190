"""What one user may see: the one scope policy of SESIS.

- An administrator sees everything.
- A supervisor sees what their access scopes reach: the students enrolled in their
  schools and districts (and those an agency in scope is assigned to), the providers
  assigned within them (and those of agencies in scope), and what belongs to both (a
  service record, a caseload entry: its provider and its student in scope).
- A provider sees themself, their caseload and the students their assignments and
  RSAs cover, and what is their own.

A Scope is built once per request (the middleware, or the API's token check) or once
per command run (`report --as`), and reads the supervisor's grants once, as short id
lists: the scoped queries then test those lists instead of repeating the scope's
subqueries, which a district of 1.1 million students cannot afford on every page.
Every list, look-up, action, report, export, API endpoint and the IVR ask it; the
reports' bulk form (`restrict(..., bulk=True)`) is the same rule, with the visible
staff read once as ids. Anything outside a scope is a 404, exactly like something
that does not exist."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sesis.lib.lookups import AnyId, any_id
from sesis.mandates.models import Assignment
from sesis.people.models import AccessScope, Agency, Role, ScopeKind, Staff
from sesis.schools.models import School
from sesis.students.models import Student

M = TypeVar("M", bound=Model)

_current: ContextVar[Scope | None] = ContextVar("sesis_scope", default=None)


class Scope:
    def __init__(self, user: Staff) -> None:
        self.user = user

    @classmethod
    def of(cls, user: Staff) -> Scope:
        """The user's scope: the one this request (or command run) built, when it is
        theirs; otherwise a new one."""
        current = _current.get()
        if current is not None and current.user.pk == user.pk:
            return current
        return cls(user)

    def __repr__(self) -> str:
        return f"Scope({self.user.staff_id}, {self.user.role})"

    # Who ------------------------------------------------------------------------

    @property
    def sees_everything(self) -> bool:
        return self.user.role == Role.ADMINISTRATOR

    @property
    def supervises(self) -> bool:
        return self.user.role == Role.SUPERVISOR

    @property
    def administers(self) -> bool:
        """Administration pages: supervisors and administrators."""
        return self.sees_everything or self.supervises

    # The grants, read once ----------------------------------------------------------

    @cached_property
    def _grants(self) -> list[tuple[str, str]]:
        if not self.supervises:
            return []
        return list(AccessScope.objects.filter(staff=self.user).values_list("scope", "value"))

    @cached_property
    def school_ids(self) -> list[int]:
        """A supervisor's schools: named schools and whole districts."""
        dbns = [value for scope, value in self._grants if scope == ScopeKind.SCHOOL]
        districts = [int(value) for scope, value in self._grants if scope == ScopeKind.DISTRICT and value.isdigit()]
        if not dbns and not districts:
            return []
        return list(School.objects.filter(Q(dbn__in=dbns) | Q(district__in=districts)).values_list("pk", flat=True))

    @cached_property
    def agency_ids(self) -> list[int]:
        names = [value for scope, value in self._grants if scope == ScopeKind.AGENCY]
        return list(Agency.objects.filter(name__in=names).values_list("pk", flat=True)) if names else []

    # What -------------------------------------------------------------------------

    def schools(self) -> QuerySet[School]:
        if self.sees_everything:
            return School.objects.all()
        return School.objects.filter(pk__in=self.school_ids)

    def students(self) -> QuerySet[Student]:
        today = timezone.localdate()
        if self.sees_everything:
            return Student.objects.all()
        if self.supervises:
            if not self.agency_ids:
                return Student.objects.filter(school__in=self.school_ids)
            agency_assignments = Assignment.objects.active_on(today).filter(staff__agency__in=self.agency_ids)
            return Student.objects.filter(
                Q(school__in=self.school_ids)
                | Q(school__in=agency_assignments.filter(student__isnull=True).values("school"))
                | Q(pk__in=agency_assignments.filter(student__isnull=False).values("student"))
            )
        # As id lists (a provider has a few dozen), so that the database can combine the
        # indexes of the three (student ids, school ids) instead of testing every row of
        # a name's range against three subqueries. The caseload is read at each call: it
        # changes within a request when a student is added.
        schools, named = self._assigned
        caseload = list(self.user.caseload_entries.filter(ended_at__isnull=True).values_list("student_id", flat=True))
        return Student.objects.filter(Q(pk__in=[*caseload, *named]) | Q(school__in=schools))

    @cached_property
    def _assigned(self) -> tuple[list[int], list[int]]:
        """A provider's active assignments, read once: their schools, and the students
        named by an RSA (or a student-named agency assignment)."""
        rows = Assignment.objects.active_on(timezone.localdate()).filter(staff=self.user)
        schools: list[int] = []
        named: list[int] = []
        for school, student in rows.values_list("school_id", "student_id"):
            if student is not None:
                named.append(student)
            elif school is not None:
                schools.append(school)
        return schools, named

    def staff(self) -> QuerySet[Staff]:
        if self.sees_everything:
            return Staff.objects.all()
        if self.supervises:
            active = Assignment.objects.active_on(timezone.localdate())
            # Two subqueries, each served by an index: assignments to their schools, and
            # student-named ones by the student's school the row keeps (no join).
            in_scope = Q(pk__in=active.filter(school__in=self.school_ids).values("staff")) | Q(
                pk__in=active.filter(student_school__in=self.school_ids).values("staff")
            )
            if self.agency_ids:
                in_scope |= Q(agency__in=self.agency_ids)
            return Staff.objects.filter((Q(role=Role.PROVIDER) & in_scope) | Q(pk=self.user.pk))
        return Staff.objects.filter(pk=self.user.pk)

    def staff_listed(self) -> QuerySet[Staff]:
        """staff(), for a page that counts them and lists a page of them: the scope's
        subqueries run once (as ids), not once for the count and again for the page."""
        ids = self.staff_ids()
        # As one array parameter: a district's 1,300 ids as a list of parameters cost
        # more to build and send than the count and the page take to run.
        return Staff.objects.all() if ids is None else Staff.objects.filter(any_id("pk", ids))

    @cached_property
    def _staff_ids(self) -> list[int]:
        """staff() as ids. A supervisor's are read from their assignments (both the
        assignment's school and a named student's school are indexed on the row), not
        by testing every staff row against the scope: the same staff, in two index-
        served queries (a district's: 10 ms where staff() takes 25)."""
        if not self.supervises:
            return list(self.staff().order_by().values_list("pk", flat=True))
        active = Assignment.objects.active_on(timezone.localdate()).filter(
            Q(school__in=self.school_ids) | Q(student_school__in=self.school_ids)
        )
        # Then the providers among them by primary key: joined in one query, PostgreSQL
        # hashes every provider of the city (20 ms) to keep a district's 1,300.
        assigned = set(active.order_by().values_list("staff_id", flat=True))
        providers = Staff.objects.filter(any_id("pk", assigned), role=Role.PROVIDER).order_by()  # a set: no sort
        ids = set(providers.values_list("pk", flat=True))
        if self.agency_ids:
            agency = Staff.objects.filter(role=Role.PROVIDER, agency__in=self.agency_ids).order_by()
            ids.update(agency.values_list("pk", flat=True))
        ids.add(self.user.pk)
        return sorted(ids)

    def staff_ids(self) -> list[int] | None:
        """staff() read once as ids, for queries that apply the scope to many rows
        (the reports); None for an administrator (everyone)."""
        return None if self.sees_everything else self._staff_ids

    def restrict(
        self,
        queryset: QuerySet[M],
        *,
        provider: str | None = "provider",
        student: str | None = "student",
        own: Q | None = None,
        bulk: bool = False,
        school: str | None = None,
    ) -> QuerySet[M]:
        """The rule for what belongs to a provider and a student (a service record, a
        caseload entry, a first attend), named by its fields: everything for an
        administrator; for a supervisor, what has both its provider and its student in
        scope; for a provider, their own (`own`, when owning means more than being its
        provider). With bulk, the visible staff are read once as ids. `school` names a
        field that keeps the student's school on the row (Mandate.student_school), read
        instead of joining the student."""
        if self.sees_everything:
            return queryset
        if self.supervises:
            conditions: dict[str, Any] = {}
            in_scope: list[AnyId] = []
            if provider is not None and bulk:
                in_scope.append(any_id(provider, self._staff_ids))
            elif provider is not None:
                conditions[f"{provider}__in"] = self.staff()
            if student is not None and not self.agency_ids:
                # The students of their schools, as a condition on the row's own student
                # (joined, its school index-served) rather than "student in (every
                # student of those schools)", which reads the whole students table.
                conditions[f"{school or student + '__school'}__in"] = self.school_ids
            elif student is not None:
                conditions[f"{student}__in"] = self.students()
            return queryset.filter(*in_scope, **conditions)
        if own is not None:
            return queryset.filter(own)
        assert provider is not None, "a provider's own things are named by their provider"
        return queryset.filter(**{provider: self.user})

    # Look-ups: outside the scope is a 404 --------------------------------------------

    def student(self, osis: str) -> Student:
        found = self.students().filter(osis=osis).first()
        if found is None:
            raise Http404("No such student.")
        return found

    def staff_member(self, staff_id: str) -> Staff:
        found = self.staff().filter(staff_id=staff_id).first()
        if found is None:
            raise Http404("No such staff member.")
        return found

    def sees_student(self, student: Student) -> bool:
        return self.sees_everything or self.students().filter(pk=student.pk).exists()

    def sees_staff(self, staff: Staff) -> bool:
        return self.sees_everything or staff.pk == self.user.pk or self.staff().filter(pk=staff.pk).exists()

    def provider(self, staff_id: str | None) -> Staff:
        """The provider a page works for: the user themself (staff_id None), or, for a
        supervisor or administrator, a provider in their scope. Anything else is a 404."""
        if staff_id is None:
            found = self.user
        elif self.administers:
            found = self.staff_member(staff_id)
        else:
            raise Http404("No such page.")
        if not found.is_provider:
            raise Http404("Only service providers have caseloads.")
        return found

    def may_act_for(self, provider: Staff, student: Student | None = None) -> bool:
        """Record, certify or change a provider's work (with a student): the provider
        themself; on their behalf, an administrator, or a supervisor with access to the
        provider (and the student)."""
        if provider.pk == self.user.pk or self.sees_everything:
            return True
        if self.supervises and self.sees_staff(provider):
            return student is None or self.sees_student(student)
        return False


@contextmanager
def active(scope: Scope | None) -> Iterator[Scope | None]:
    """Make scope the one Scope.of returns for its user until the block ends (a request,
    or a command run)."""
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def activate(scope: Scope) -> Scope:
    """Make scope current for the rest of this request (the API's token check); the
    request's middleware puts back what was current before."""
    _current.set(scope)
    return scope
