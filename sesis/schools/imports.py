from __future__ import annotations

from typing import Any

from sesis.imports.framework import Importer, ImportResult, Progress, Row, upsert
from sesis.schools.models import Borough, School


class SchoolImporter(Importer):
    kind = "schools"
    columns = ("dbn", "name", "district", "borough")
    description = "Schools by DBN."

    def natural_key(self, parsed: dict[str, Any]) -> Any:
        return parsed["dbn"]

    def parse(self, row: Row) -> dict[str, Any]:
        dbn = row.text("dbn").upper()
        if row.ok("dbn") and (len(dbn) != 6 or not (dbn[:2].isdigit() and dbn[2].isalpha() and dbn[3:].isdigit())):
            row.problem("dbn", f"must look like 02M123 (district, borough letter, number), not {dbn!r}")
        district = row.integer("district", minimum=1, maximum=99)
        borough = row.choice("borough", Borough.choices)
        if row.ok("dbn", "district") and int(dbn[:2]) != district:
            row.problem("district", f"is {district}, but the DBN {dbn} says district {int(dbn[:2])}")
        if row.ok("dbn", "borough") and dbn[2] != borough:
            row.problem("borough", f"is {borough}, but the DBN {dbn} says borough {dbn[2]}")
        return {"dbn": dbn, "name": row.text("name"), "district": district, "borough": borough}

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        result.add(upsert(School, ("dbn",), parsed, progress, run=self.current))
