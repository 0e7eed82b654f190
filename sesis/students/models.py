from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from sesis.lib.search import search_key


class Student(models.Model):
    """A student, known by the 9-digit OSIS id. school and grade are the current
    enrolment; Enrolment keeps the history."""

    osis = models.CharField("OSIS ID", max_length=9, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    first_name_key = models.CharField(max_length=100, editable=False)
    last_name_key = models.CharField(max_length=100, editable=False)
    date_of_birth = models.DateField(db_index=True)
    # Indexed with the id (student_school_idx, below), not alone.
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="students", db_index=False)
    grade = models.CharField(max_length=4)
    home_language = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["last_name_key", "first_name_key", "osis"]
        indexes = [
            # Serves both the last-name prefix range and the result ordering.
            models.Index(fields=["last_name_key", "first_name_key", "osis"], name="student_name_idx"),
            models.Index(fields=["first_name_key", "last_name_key"], name="student_first_name_idx"),
            # A school's (or a district's) students as ids from the index alone, without
            # visiting their rows: the supervisor's scope reads 34,000 of them per district.
            models.Index(fields=["school", "id"], name="student_school_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Exact(Length("osis"), 9), name="student_osis_nine_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.osis})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_search_keys()
        super().save(*args, **kwargs)

    def fill_search_keys(self) -> None:
        """Bulk writes call this directly, since bulk_create bypasses save()."""
        self.first_name_key = search_key(self.first_name)
        self.last_name_key = search_key(self.last_name)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Enrolment(models.Model):
    """A period of a student's enrolment in a school. The open one (no end date) is current."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=4)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["student", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=models.Q(end_date__isnull=True), name="one_current_enrolment"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="enrolment_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.describe(self.student_id, self.school_id, self.start_date)

    @staticmethod
    def describe(student_id: int, school_id: int, start_date: dt.date) -> str:
        """How an enrolment reads, from its values (for one written without an object)."""
        return f"{student_id} at {school_id} from {start_date}"
