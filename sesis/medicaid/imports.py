"""Import kinds for the facts a Medicaid claim needs (docs/imports.md)."""

from __future__ import annotations

from typing import Any

from sesis.imports.framework import Importer, ImportResult, Progress, Row, upsert
from sesis.lib.codes import SERVICE_CHOICES
from sesis.medicaid.checks import dates_problem, diagnosis_problem, medicaid_id_problem, npi_problem
from sesis.medicaid.models import Consent, ConsentKind, Credential, CredentialKind, Eligibility, Order
from sesis.people.models import Staff
from sesis.students.models import Student


def _students(rows: list[Row]) -> dict[str, Student]:
    osis = sorted({row.data.get("osis", "").strip() for row in rows} - {""})
    found: dict[str, Student] = {}
    for start in range(0, len(osis), 2000):
        found |= {s.osis: s for s in Student.objects.filter(osis__in=osis[start : start + 2000])}
    return found


def _student(importer: Any, row: Row) -> Student | None:
    osis = row.digits("osis", length=9)
    student: Student | None = importer.students.get(osis)
    if student is None and row.ok("osis"):
        row.problem("osis", f"no student has OSIS id {osis}")
    return student


def _check(row: Row, column: str, problem: str) -> None:
    """Name a problem of a value read without one."""
    if problem and row.ok(column):
        row.problem(column, problem)


class ConsentImporter(Importer):
    kind = "consents"
    columns = ("osis", "kind", "given_on", "withdrawn_on")
    description = "Parents' written consent to bill Medicaid, with the date given and, once withdrawn, withdrawn."

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        return (parsed["student"].pk, parsed["kind"], parsed["given_on"])

    def prepare(self, rows: list[Row]) -> None:
        self.students = _students(rows)

    def parse(self, row: Row) -> dict[str, Any]:
        student = _student(self, row)
        given, withdrawn = row.date("given_on"), row.date("withdrawn_on", required=False)
        _check(row, "withdrawn_on", dates_problem(given, withdrawn, start_name="date given"))
        return {
            "student": student,
            "kind": row.choice("kind", ConsentKind.choices),
            "given_on": given,
            "withdrawn_on": withdrawn,
        }

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        keys = ("student", "kind", "given_on")
        result.add(upsert(Consent, keys, parsed, progress, run=self.current, student_of=lambda c: c.student_id))


class EligibilityImporter(Importer):
    kind = "medicaid_eligibility"
    columns = ("osis", "medicaid_id", "start_date", "end_date")
    description = "Students' Medicaid IDs (New York CINs) and the dates each is valid (end_date may be blank)."

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        return (parsed["student"].pk, parsed["start_date"])

    def prepare(self, rows: list[Row]) -> None:
        self.students = _students(rows)

    def parse(self, row: Row) -> dict[str, Any]:
        student = _student(self, row)
        medicaid_id = row.text("medicaid_id", max_length=20).upper()
        _check(row, "medicaid_id", medicaid_id_problem(medicaid_id))
        start, end = row.date("start_date"), row.date("end_date", required=False)
        _check(row, "end_date", dates_problem(start, end))
        return {"student": student, "medicaid_id": medicaid_id, "start_date": start, "end_date": end}

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        keys = ("student", "start_date")
        result.add(upsert(Eligibility, keys, parsed, progress, run=self.current, student_of=lambda e: e.student_id))


class OrderImporter(Importer):
    kind = "orders"
    columns = (
        "osis",
        "service",
        "ordered_by",
        "ordered_by_npi",
        "diagnosis",
        "order_date",
        "start_date",
        "end_date",
    )
    description = "Written orders and referrals for services (who ordered, their NPI, the diagnosis, the dates)."

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        return (parsed["student"].pk, parsed["service"], parsed["start_date"])

    def prepare(self, rows: list[Row]) -> None:
        self.students = _students(rows)

    def parse(self, row: Row) -> dict[str, Any]:
        student = _student(self, row)
        npi = row.text("ordered_by_npi", max_length=10)
        _check(row, "ordered_by_npi", npi_problem(npi))
        diagnosis = row.text("diagnosis", max_length=8).upper()
        _check(row, "diagnosis", diagnosis_problem(diagnosis))
        ordered, start, end = row.date("order_date"), row.date("start_date"), row.date("end_date")
        _check(row, "end_date", dates_problem(start, end))
        _check(row, "start_date", dates_problem(ordered, start, start_name="order date"))
        return {
            "student": student,
            "service": row.choice("service", SERVICE_CHOICES),
            "ordered_by": row.text("ordered_by", max_length=100),
            "ordered_by_npi": npi,
            "diagnosis": diagnosis,
            "order_date": ordered,
            "start_date": start,
            "end_date": end,
        }

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        keys = ("student", "service", "start_date")
        result.add(upsert(Order, keys, parsed, progress, run=self.current, student_of=lambda o: o.student_id))


class CredentialImporter(Importer):
    kind = "credentials"
    columns = ("staff_id", "npi", "kind", "license_number", "expires_on")
    optional_columns = ("directed_by",)
    description = (
        "Providers' NPIs and credentials; directed_by names the licensed provider (staff_id) who directs "
        "a provider certified under direction."
    )

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        return parsed["staff"].pk

    def prepare(self, rows: list[Row]) -> None:
        ids = set()
        for row in rows:
            ids |= {row.data.get("staff_id", "").strip(), row.data.get("directed_by", "").strip()}
        self.staff = {s.staff_id: s for s in Staff.objects.filter(staff_id__in=sorted(ids - {""}))}

    def parse(self, row: Row) -> dict[str, Any]:
        staff_id = row.digits("staff_id")
        staff = self.staff.get(staff_id)
        if row.ok("staff_id"):
            if staff is None:
                row.problem("staff_id", f"no staff member has staff id {staff_id}")
            elif not staff.is_provider:
                row.problem("staff_id", f"{staff_id} is not a service provider")
        npi = row.text("npi", max_length=10)
        _check(row, "npi", npi_problem(npi))
        kind = row.choice("kind", CredentialKind.choices)
        supervisor = None
        directed_by = row.text("directed_by", required=False, max_length=20)
        if row.ok("kind", "directed_by"):
            if kind == CredentialKind.UNDER_DIRECTION and not directed_by:
                row.problem("directed_by", "a credential under direction names the licensed provider who directs")
            if directed_by and kind != CredentialKind.UNDER_DIRECTION:
                row.problem("directed_by", "only a credential under direction names a directing provider")
            if directed_by:
                supervisor = self.staff.get(directed_by)
                if supervisor is None:
                    row.problem("directed_by", f"no staff member has staff id {directed_by}")
                elif supervisor == staff:
                    row.problem("directed_by", "a provider cannot direct themselves")
        expires = row.date("expires_on")
        return {
            "staff": staff,
            "npi": npi,
            "kind": kind,
            "license_number": row.text("license_number", max_length=30),
            "expires_on": expires,
            "supervisor": supervisor,
        }

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        result.add(upsert(Credential, ("staff",), parsed, progress, run=self.current))
