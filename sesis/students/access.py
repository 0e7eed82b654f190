"""Who may see which students. Every query that shows a student goes through these
helpers; a student outside the user's scope is a 404, exactly like one that does not
exist, so a page never confirms that a student exists."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sesis.people.access import scope_ids
from sesis.people.models import Role, Staff
from sesis.students.models import Student


def visible_students(user: Staff) -> QuerySet[Student]:
    """Administrators: every student. Supervisors: students enrolled in a school in
    scope, and those an agency in scope is assigned to. Providers: their caseload and
    the students their assignments and RSAs cover."""
    from sesis.caseloads.models import CaseloadEntry
    from sesis.mandates.models import Assignment

    if user.role == Role.ADMINISTRATOR:
        return Student.objects.all()
    today = timezone.localdate()
    if user.role == Role.SUPERVISOR:
        schools, agencies = scope_ids(user)
        if not agencies:
            return Student.objects.filter(school__in=schools)
        agency_assignments = Assignment.objects.active_on(today).filter(staff__agency__in=agencies)
        return Student.objects.filter(
            Q(school__in=schools)
            | Q(school__in=agency_assignments.filter(student__isnull=True).values("school"))
            | Q(pk__in=agency_assignments.filter(student__isnull=False).values("student"))
        )
    assignments = Assignment.objects.active_on(today).filter(staff=user)
    return Student.objects.filter(
        Q(pk__in=CaseloadEntry.objects.active().filter(provider=user).values("student"))
        | Q(school__in=assignments.filter(student__isnull=True).values("school"))
        | Q(pk__in=assignments.filter(student__isnull=False).values("student"))
    )


def student_for_user(user: Staff, osis: str) -> Student:
    """The student with this OSIS id, if the user may see them; otherwise 404."""
    student = visible_students(user).filter(osis=osis).first()
    if student is None:
        raise Http404("No such student.")
    return student


def can_see_student(user: Staff, student: Student) -> bool:
    return visible_students(user).filter(pk=student.pk).exists()
