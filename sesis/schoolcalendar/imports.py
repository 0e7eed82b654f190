from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from sesis.imports.framework import Importer, ImportResult, Progress, Row, upsert
from sesis.schoolcalendar.actions import MAX_RANGE_DAYS, RECORDS_ON_DAYS, range_dates
from sesis.schoolcalendar.models import CalendarDay, DayKind
from sesis.schools.models import School

RANGES = uuid.UUID("5e515ca1-0000-4000-8000-000000000000")  # namespace of the file's range ids


class CalendarImporter(Importer):
    """One date (`date`), or a range (`start_date`, `end_date`: its weekdays, or its
    weekend days for a school day, as on the calendar page). A range keeps one id made
    from its dates and place, so loading the file again changes nothing."""

    kind = "calendar"
    columns = ("kind", "school_dbn", "description")
    optional_columns = ("date", "start_date", "end_date", "district")
    description = (
        "Holidays, recesses and closures (citywide, a school or a district), and weekend school days; "
        "one date or a range from a date to a date."
    )

    def prepare(self, rows: list[Row]) -> None:
        self.schools = {school.dbn: school for school in School.objects.all()}
        self.districts = set(School.objects.values_list("district", flat=True))
        self.seen: dict[tuple[dt.date, int | None, int | None], int] = {}

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
        kind = row.choice("kind", DayKind.choices)
        dates = self._dates(row, kind)
        for date in dates if row.ok("school_dbn", "district") else []:
            key = (date, getattr(school, "pk", None), district)
            if key in self.seen:
                row.problem("date" if "date" in row.data else "start_date", f"{date} is also on line {self.seen[key]}")
                break
            self.seen[key] = row.line
        range_id = None
        if len(dates) > 1:
            range_id = uuid.uuid5(RANGES, f"{dates[0]}/{dates[-1]}/{dbn}/{district}/{kind}")
        return {
            "dates": dates,
            "kind": kind,
            "school": school,
            "district": district,
            "description": row.text("description", required=False),
            "range_id": range_id,
        }

    def _dates(self, row: Row, kind: str) -> list[dt.date]:
        single = row.date("date", required=False) if row.data.get("date", "").strip() else None
        start = row.date("start_date", required=False) if row.data.get("start_date", "").strip() else None
        end = row.date("end_date", required=False) if row.data.get("end_date", "").strip() else None
        if not row.ok("date", "start_date", "end_date"):
            return []
        if single and (start or end):
            row.problem("date", "give a date, or a start_date and end_date, not both")
            return []
        if single:
            return [single]
        if start is None:
            row.problem("start_date" if "start_date" in row.data else "date", "a date (or a start_date) is required")
            return []
        end = end or start
        if end < start:
            row.problem("end_date", f"must be on or after the start_date {start}, not {end}")
            return []
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            row.problem("end_date", f"a range is at most {MAX_RANGE_DAYS} days")
            return []
        dates = range_dates(start, end, kind) if kind else []
        if kind and not dates:
            row.problem("end_date", f"{start} to {end} holds no day to mark (weekends are non-school days already)")
        return dates

    def apply(self, parsed: list[dict[str, Any]], result: ImportResult, progress: Progress) -> None:
        days = [
            {key: value for key, value in item.items() if key != "dates"} | {"date": date}
            for item in parsed
            for date in item["dates"]
        ]
        counts = upsert(CalendarDay, ("date", "school", "district"), days, progress, run=self.current)
        result.add(counts)
        self._records_on_days([day for day in counts.objects.values() if day.kind != DayKind.SCHOOL_DAY], result)

    def _records_on_days(self, days: list[CalendarDay], result: ImportResult) -> None:
        by_place: dict[tuple[int | None, int | None], list[CalendarDay]] = defaultdict(list)
        for day in days:
            by_place[(day.school_id, day.district)].append(day)
        held = sum(records_on(group)[0] for group in by_place.values() for records_on in RECORDS_ON_DAYS)
        if held:
            result.notes.append(
                f"{held} service record{'s are' if held != 1 else ' is'} on days this file marks non-school: "
                "they stay as recorded, shown as on a day now marked non-school (Encounter Attendance, School day)"
            )
