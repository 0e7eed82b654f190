from __future__ import annotations

from typing import Any

from sesis.imports.framework import Importer, ImportResult, Progress, Row, upsert
from sesis.lib.codes import LANGUAGE_CHOICES, SERVICE_CHOICES, ServiceLocation
from sesis.mandates.models import Assignment, AssignmentKind, Mandate, Period
from sesis.people.models import ProviderType, Staff
from sesis.schools.models import School
from sesis.students.models import Student


def _students_named(rows: list[Row]) -> dict[str, Student]:
    osis = {row.data.get("osis", "").strip() for row in rows} - {""}
    found: dict[str, Student] = {}
    ids = sorted(osis)
    for start in range(0, len(ids), 2000):
        found |= {s.osis: s for s in Student.objects.filter(osis__in=ids[start : start + 2000])}
    return found


class MandateImporter(Importer):
    kind = "mandates"
    columns = (
        "mandate_id",
        "osis",
        "service",
        "sessions",
        "period",
        "minutes",
        "group_size",
        "language",
        "location",
        "start_date",
        "end_date",
    )
    description = "IEP mandates: one recommended service of a student."

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        return parsed["mandate_id"]

    def prepare(self, rows: list[Row]) -> None:
        self.students = _students_named(rows)

    def parse(self, row: Row) -> dict[str, Any]:
        osis = row.digits("osis", length=9)
        student = self.students.get(osis)
        if student is None and row.ok("osis"):
            row.problem("osis", f"no student has OSIS id {osis}")
        start, end = row.date("start_date"), row.date("end_date")
        if start is not None and end is not None and end < start:
            row.problem("end_date", f"{end} is before the start date {start}")
        return {
            "mandate_id": row.text("mandate_id", max_length=40),
            "student": student,
            "service": row.choice("service", SERVICE_CHOICES),
            "sessions": row.integer("sessions", minimum=1, maximum=31),
            "period": row.choice("period", Period.choices),
            "minutes": row.integer("minutes", minimum=1, maximum=600),
            "group_size": row.integer("group_size", minimum=1, maximum=12),
            "language": row.choice("language", LANGUAGE_CHOICES, store_label=True),
            # Kept as the Service Location's label, which the Service Record form pre-fills.
            "location": row.choice("location", ServiceLocation.choices, required=False, store_label=True),
            "start_date": start,
            "end_date": end,
        }

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        result.add(
            upsert(Mandate, ("mandate_id",), parsed, progress, run=self.current, student_of=lambda m: m.student_id)
        )


KIND_FOR_PROVIDER = {
    AssignmentKind.SCHOOL: ProviderType.DOE,
    AssignmentKind.AGENCY: ProviderType.AGENCY,
    AssignmentKind.RSA: ProviderType.INDEPENDENT,
}


def _what_the_kind_names(row: Row, kind: str, school: School | None, student: Student | None, service: str) -> None:
    if kind == AssignmentKind.SCHOOL and school is None:
        row.problem("school_dbn", "a school assignment needs a school")
    if kind == AssignmentKind.RSA and (student is None or not service):
        row.problem("osis" if student is None else "service", "an RSA names one student and one service")
    if kind == AssignmentKind.AGENCY and school is None and (student is None or not service):
        row.problem("school_dbn", "an agency assignment needs a school, or a student and a service")


class AssignmentImporter(Importer):
    kind = "assignments"
    columns = ("staff_id", "kind", "school_dbn", "osis", "service", "start_date", "end_date")
    description = "School and agency assignments and RSAs: a provider's permission to serve."
    key_fields = ("staff", "kind", "school", "student", "service", "start_date")

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        return tuple(getattr(parsed[name], "pk", parsed[name]) for name in self.key_fields)

    def prepare(self, rows: list[Row]) -> None:
        self.students = _students_named(rows)
        self.schools = {school.dbn: school for school in School.objects.all()}
        ids = {row.data.get("staff_id", "").strip() for row in rows}
        self.staff = {s.staff_id: s for s in Staff.objects.filter(staff_id__in=ids)}

    def parse(self, row: Row) -> dict[str, Any]:
        staff_id = row.digits("staff_id")
        staff = self.staff.get(staff_id)
        if staff is None and row.ok("staff_id"):
            row.problem("staff_id", f"no staff member has staff id {staff_id}")
        kind = row.choice("kind", AssignmentKind.choices)
        if staff is not None and kind:
            needed = KIND_FOR_PROVIDER[AssignmentKind(kind)]
            if staff.provider_type != needed:
                row.problem("kind", f"a {kind} assignment is for {needed} providers; {staff_id} is not one")
        dbn = row.text("school_dbn", required=False).upper()
        school = self.schools.get(dbn) if dbn else None
        if dbn and school is None and row.ok("school_dbn"):
            row.problem("school_dbn", f"no school has DBN {dbn}")
        osis = row.text("osis", required=False)
        student = None
        if osis:
            student = self.students.get(row.digits("osis", length=9))
            if student is None and row.ok("osis"):
                row.problem("osis", f"no student has OSIS id {osis}")
        service = row.choice("service", SERVICE_CHOICES, required=False)
        if row.ok("kind", "school_dbn", "osis", "service"):
            _what_the_kind_names(row, kind, school, student, service)
        if staff is not None and service and service not in staff.discipline_codes():
            row.problem("service", f"{service} is not a discipline of staff id {staff_id}")
        start, end = row.date("start_date"), row.date("end_date", required=False)
        if start is not None and end is not None and end < start:
            row.problem("end_date", f"{end} is before the start date {start}")
        return {
            "staff": staff,
            "kind": kind,
            "school": school,
            "student": student,
            "service": service,
            "start_date": start,
            "end_date": end,
        }

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        result.add(
            upsert(Assignment, self.key_fields, parsed, progress, run=self.current, student_of=lambda a: a.student_id)
        )
