from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from sesis.imports.framework import Importer, ImportResult, Progress, Row, RowRef, chunked, upsert
from sesis.lib.codes import LANGUAGE_CHOICES
from sesis.lib.db import insert_rows, update_rows
from sesis.schools.models import School
from sesis.students.models import Enrolment, Student

GRADES = ("PK", "3K", "K", *(str(n) for n in range(1, 13)), "SE")


class StudentImporter(Importer):
    kind = "students"
    columns = ("osis", "first_name", "last_name", "date_of_birth", "school_dbn", "grade", "home_language")
    description = "Students and their current school enrolment."

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        return parsed["osis"]

    def prepare(self, rows: list[Row]) -> None:
        self.schools = {school.dbn: school for school in School.objects.all()}

    def parse(self, row: Row) -> dict[str, Any]:
        dbn = row.text("school_dbn").upper()
        school = self.schools.get(dbn)
        if school is None and row.ok("school_dbn"):
            row.problem("school_dbn", f"no school has DBN {dbn}")
        born = row.date("date_of_birth")
        if born is not None and (born > timezone.localdate() or born < dt.date(1900, 1, 1)):
            row.problem("date_of_birth", f"{born} is not a plausible date of birth")
        grade = row.text("grade").upper()
        if row.ok("grade") and grade not in GRADES:
            row.problem("grade", f"must be one of {', '.join(GRADES)}, not {grade!r}")
        return {
            "osis": row.digits("osis", length=9),
            "first_name": row.text("first_name", max_length=100),
            "last_name": row.text("last_name", max_length=100),
            "date_of_birth": born,
            "school": school,
            "grade": grade,
            "home_language": row.choice("home_language", LANGUAGE_CHOICES, required=False, store_label=True),
        }

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        counts = upsert(
            Student,
            ("osis",),
            parsed,
            progress,
            run=self.current,
            prepare=Student.fill_search_keys,
            student_of=lambda s: s.pk,
        )
        result.add(counts)
        self._sync_enrolments(list(counts.objects.values()))

    def _sync_enrolments(self, students: list[Student]) -> None:
        """Open an enrolment for a new student; when a student's school or grade
        changed, close the current one today and open the new one. Read and written as
        rows, without an Enrolment object per student (a file holds 100,000)."""
        today = timezone.localdate()
        for chunk in chunked(students):
            current = {
                row[0]: row
                for row in Enrolment.objects.filter(student__in=chunk, end_date__isnull=True).values_list(
                    "student_id", "pk", "school_id", "grade", "start_date"
                )
            }
            to_close, to_open = [], []
            for student in chunk:
                enrolment = current.get(student.pk)
                if enrolment and enrolment[2:4] == (student.school_id, student.grade):
                    continue
                if enrolment:
                    to_close.append((*enrolment, max(today, enrolment[4])))
                to_open.append((student.pk, student.school_id, student.grade, today))
            update_rows(Enrolment, ["end_date"], [(pk, end_date) for _, pk, _, _, _, end_date in to_close])
            opened = insert_rows(Enrolment, ("student_id", "school_id", "grade", "start_date"), to_open)
            for student_id, pk, school_id, _, start_date, end_date in to_close:
                self.current.changed(
                    RowRef(Enrolment, pk, Enrolment.describe(student_id, school_id, start_date)),
                    change="update",
                    values={"end_date": [None, end_date]},
                    student_id=student_id,
                )
            for pk, (student_id, school_id, grade, start_date) in zip(opened, to_open, strict=True):
                self.current.changed(
                    RowRef(Enrolment, pk, Enrolment.describe(student_id, school_id, start_date)),
                    change="create",
                    values={"school": school_id, "grade": grade, "start_date": start_date},
                    student_id=student_id,
                )
