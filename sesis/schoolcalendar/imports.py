from __future__ import annotations

from typing import Any

from sesis.imports.framework import Importer, ImportResult, Progress, Row, upsert
from sesis.schoolcalendar.models import CalendarDay, DayKind
from sesis.schools.models import School


class CalendarImporter(Importer):
    kind = "calendar"
    columns = ("date", "kind", "school_dbn", "description")
    optional_columns = ("district",)
    description = "Holidays, recesses and closures (citywide, a school or a district), and weekend school days."

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        return (parsed["date"], getattr(parsed["school"], "pk", None), parsed["district"])

    def prepare(self, rows: list[Row]) -> None:
        self.schools = {school.dbn: school for school in School.objects.all()}
        self.districts = set(School.objects.values_list("district", flat=True))

    def parse(self, row: Row) -> dict[str, Any]:
        dbn = row.text("school_dbn", required=False).upper()
        school = self.schools.get(dbn) if dbn else None
        if dbn and school is None and row.ok("school_dbn"):
            row.problem("school_dbn", f"no school has DBN {dbn}")
        district = None
        if row.text("district", required=False):
            district = row.integer("district", minimum=1, maximum=99)
            if row.ok("district") and district not in self.districts:
                row.problem("district", f"no school is in district {district}")
            if school is not None:
                row.problem("district", "give a school or a district, not both")
        return {
            "date": row.date("date"),
            "kind": row.choice("kind", DayKind.choices),
            "school": school,
            "district": district,
            "description": row.text("description", required=False),
        }

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        result.add(upsert(CalendarDay, ("date", "school", "district"), parsed, progress, run=self.current))
