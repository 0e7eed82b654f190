from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models

from sesis.lib.codes import ServiceType

if TYPE_CHECKING:
    from sesis.schools.models import School


class Period(models.TextChoices):
    WEEK = "week", "per week"
    MONTH = "month", "per month"


def kept_student_school() -> models.ForeignKey[School | None, School | None]:
    """The school of the row's student, kept by the database's triggers (never written
    by the application: read it from the database). Not a constraint: the triggers
    keep it, and the rows' own indexes name it."""
    return models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )


class MandateQuerySet(models.QuerySet["Mandate"]):
    def active_on(self, day: dt.date) -> MandateQuerySet:
        return self.filter(start_date__lte=day, end_date__gte=day)


class Mandate(models.Model):
    """One recommended service on a student's IEP."""

    mandate_id = models.CharField("mandate ID", max_length=40, unique=True)
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="mandates")
    service = models.CharField(max_length=20, choices=ServiceType.choices)
    sessions = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=5, choices=Period.choices)
    minutes = models.PositiveSmallIntegerField()
    group_size = models.PositiveSmallIntegerField(help_text="1 = individual, N = group of up to N")
    language = models.CharField(max_length=50)
    location = models.CharField(max_length=100, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    # The school of `student` (None without one), kept by the database as on
    # Assignment: triggers on this table and on students_student (migration 0003) set
    # it on every write and follow a student who changes school. The provider's "may
    # serve" finds a school's mandates for a service by it, an index lookup, instead of
    # scanning every mandate against the school's students. Never written by the
    # application; read it from the database.
    student_school = kept_student_school()

    objects = MandateQuerySet.as_manager()

    class Meta:
        ordering = ["student", "service", "start_date"]
        indexes = [
            models.Index(fields=["student", "start_date", "end_date"], name="mandate_student_dates_idx"),
            models.Index(fields=["student_school", "service", "end_date"], name="mandate_student_school_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="mandate_dates_ordered"
            ),
            models.CheckConstraint(condition=models.Q(sessions__gte=1), name="mandate_sessions_positive"),
            models.CheckConstraint(condition=models.Q(minutes__gte=1), name="mandate_minutes_positive"),
            models.CheckConstraint(condition=models.Q(group_size__gte=1), name="mandate_group_size_positive"),
            models.CheckConstraint(condition=models.Q(service__in=ServiceType.values), name="mandate_service_valid"),
            models.CheckConstraint(condition=models.Q(period__in=Period.values), name="mandate_period_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.frequency}"

    @property
    def frequency(self) -> str:
        group = "individual" if self.group_size == 1 else f"group of up to {self.group_size}"
        return f"{self.sessions} x {self.minutes} min {self.get_period_display()}, {group}"


class AssignmentKind(models.TextChoices):
    SCHOOL = "school", "School assignment"
    AGENCY = "agency", "Agency assignment"
    RSA = "rsa", "Related Services Authorization (RSA)"


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def active_on(self, day: dt.date) -> AssignmentQuerySet:
        return self.filter(start_date__lte=day).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=day))


class Assignment(models.Model):
    """What authorises a provider for a student: a DOE provider's school assignment, an
    agency provider's assignment (a school, or one student's service) or an independent
    provider's RSA (one student's service). A blank service covers every discipline of
    the provider."""

    staff = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="assignments")
    kind = models.CharField(max_length=10, choices=AssignmentKind.choices)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    student = models.ForeignKey(
        "students.Student", null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    service = models.CharField(max_length=20, choices=ServiceType.choices, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # The school of `student` (None without one), kept by the database: triggers on this
    # table and on students_student (migration 0002) set it on every write and follow
    # a student who changes school. A supervisor's scope reads student-named
    # assignments by it, an index lookup, instead of joining every student of their
    # schools. Never written by the application; read it from the database.
    student_school = kept_student_school()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["staff", "start_date"], name="assignment_staff_idx"),
            models.Index(fields=["school", "start_date"], name="assignment_school_idx"),
            models.Index(fields=["student", "start_date"], name="assignment_student_idx"),
            models.Index(fields=["student_school", "start_date"], name="assignment_student_school_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AssignmentKind.values), name="assignment_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="assignment_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=AssignmentKind.SCHOOL) | models.Q(school__isnull=False),
                name="assignment_school_kind_has_school",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=AssignmentKind.RSA)
                | (models.Q(student__isnull=False) & ~models.Q(service="")),
                name="assignment_rsa_names_student_and_service",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=AssignmentKind.AGENCY)
                | models.Q(school__isnull=False)
                | (models.Q(student__isnull=False) & ~models.Q(service="")),
                name="assignment_agency_has_school_or_student_service",
            ),
        ]

    def __str__(self) -> str:
        target = self.student or self.school
        return f"{self.get_kind_display()}: {self.staff} for {target}"

    def covers(self, *, student_id: int, school_id: int, service: str) -> bool:
        if self.service and self.service != service:
            return False
        if self.student_id is not None:
            return self.student_id == student_id
        return self.school_id == school_id
