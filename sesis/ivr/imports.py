from __future__ import annotations

from typing import Any

from sesis.audit.actions import audit_row
from sesis.imports.framework import Importer, ImportResult, Progress, Row, chunked
from sesis.ivr.actions import process_pending, received_details
from sesis.ivr.models import FirstAttend, Source
from sesis.lib.codes import SERVICE_CHOICES
from sesis.lib.db import insert_rows
from sesis.people.models import Staff
from sesis.students.models import Student


class FirstAttendImporter(Importer):
    """First attends captured by another IVR. Every well-formed row is kept, even one
    naming an unknown provider or student: processing then refuses it with the reason.
    A call_id already received is left as it is. After the file is stored, pending
    first attends are processed at once (unless process=False)."""

    kind = "first_attends"
    columns = ("staff_id", "osis", "service", "first_attend_date", "call_id")
    description = "First attends captured by another IVR."

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        return parsed["call_id"]

    def parse(self, row: Row) -> dict[str, Any]:
        return {
            "staff_id": row.digits("staff_id"),
            "osis": row.digits("osis", length=9),
            "service": row.choice("service", SERVICE_CHOICES),
            "first_attend_date": row.date("first_attend_date"),
            "call_id": row.text("call_id", max_length=80),
        }

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        total = len(parsed)
        done = 0
        for chunk in chunked(parsed):
            known = set(
                FirstAttend.objects.filter(call_id__in=[p["call_id"] for p in chunk]).values_list("call_id", flat=True)
            )
            new = [p for p in chunk if p["call_id"] not in known]
            staff = dict(Staff.objects.filter(staff_id__in={p["staff_id"] for p in new}).values_list("staff_id", "pk"))
            students = dict(Student.objects.filter(osis__in={p["osis"] for p in new}).values_list("osis", "pk"))
            fields = ("source", "provider_id", "student_id", *self.columns)
            received = [
                (Source.FEED.value, staff.get(p["staff_id"]), students.get(p["osis"]), *(p[c] for c in self.columns))
                for p in new
            ]
            ids = insert_rows(FirstAttend, fields, received)
            for first_attend_id, row, p in zip(ids, received, new, strict=True):
                # The event a telephone call writes, for each first attend of the feed.
                self.current.add(
                    audit_row(
                        actor_id=row[1],
                        action="first_attend.receive",
                        model=FirstAttend,
                        pk=first_attend_id,
                        student_id=row[2],
                        details={
                            **received_details(
                                call_id=p["call_id"],
                                source=Source.FEED,
                                service=p["service"],
                                first_attend_date=p["first_attend_date"],
                            ),
                            "file": self.current.file,
                        },
                    )
                )
            result.created += len(new)
            result.unchanged += len(chunk) - len(new)
            done += len(chunk)
            progress(done, total)

    def after_commit(self, result: ImportResult, progress: Progress) -> None:
        if self.process:
            counts = process_pending(progress=progress)
            result.notes.append(
                f"processed: {counts['added']} added to caseloads, {counts['already']} already on caseloads, "
                f"{counts['refused']} not added (see the First Attends page for the reasons)"
            )
