"""Exports leave the system, so each is an action: it checks the file can be made,
writes the disclosure log (who exported which students' records, when, with which
filters) and the audit log, and only then hands the rows over. The pages, the API
and the `report` command all export through report_export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from sesis.audit.actions import disclosure_record
from sesis.audit.models import DisclosureKind
from sesis.lib.errors import ActionRefused
from sesis.lib.exports import FORMATS, TooManyRows, check_size, csv_lines, display
from sesis.lib.progress import Progress, counted
from sesis.people.models import Staff
from sesis.reports import compliance, encounter_attendance, lists, totals
from sesis.reports.filters import Filters

REPORTS = {
    "encounter-attendance": encounter_attendance.TITLE,
    "compliance": compliance.TITLE,
    "provider-totals": totals.TITLE,
    "awaiting-provider": lists.AWAITING_TITLE,
    "never-served": lists.NEVER_SERVED_TITLE,
}

COMPLIANCE_COLUMNS = [
    "Student",
    "OSIS ID",
    "School",
    "Service Type",
    "Mandate",
    "Mandate start",
    "Mandate end",
    "Mandated",
    "Provided",
    "Make-ups",
    "Student Absent",
    "Provider Absent",
    "Cancelled",
    "Not yet certified",
    "Shortfall",
    "Minutes mandated",
    "Minutes provided",
    "Minutes short",
]


@dataclass
class Export:
    report: str
    title: str
    filters: Filters
    header: list[str]
    count: int
    rows: Iterator[list[Any]]
    pdf_template: str
    pdf_context: dict[str, Any] = field(default_factory=dict)
    # The whole CSV file as the database writes it (PostgreSQL's COPY), when it can:
    # the same cells as the rows through csv_lines, many times faster.
    database_csv: Iterator[bytes] | None = None

    def csv(self, progress: Progress | None = None) -> Iterator[bytes]:
        """The CSV file in chunks, reporting progress (rows done of count) if asked."""
        if self.database_csv is not None:
            return _counted_lines(self.database_csv, self.count, progress) if progress else self.database_csv
        rows = counted(self.rows, self.count, progress, every=5000) if progress else self.rows
        return (line.encode() for line in csv_lines(self.header, rows))

    def file_name(self, file_format: str) -> str:
        return f"{self.report}_{self.filters.start:%Y%m%d}-{self.filters.end:%Y%m%d}.{file_format}"


def compliance_cells(line: compliance.Line) -> list[Any]:
    m, c = line.mandate, line.counts
    return [
        f"{m.student.last_name}, {m.student.first_name}",
        m.student.osis,
        m.student.school.dbn,
        m.get_service_display(),
        m.frequency,
        m.start_date,
        m.end_date,
        c.mandated_sessions,
        c.provided,
        c.makeups,
        c.student_absent,
        c.provider_absent,
        c.cancelled,
        c.not_certified,
        c.shortfall,
        c.mandated_minutes_whole,
        c.provided_minutes,
        c.minutes_shortfall,
    ]


def report_export(*, actor: Staff, report: str, filters: Filters, file_format: str, sort: str = "") -> Export:
    """An export of a report, logged before any row leaves."""
    if report not in REPORTS:
        raise ActionRefused(f"No report is called {report}; choose {' or '.join(REPORTS)}.", field="report")
    if file_format not in FORMATS:
        raise ActionRefused(f"Choose a file format: {', '.join(FORMATS)}.", field="format")
    students: QuerySet[Any] | None = None
    database_csv: Iterator[bytes] | None = None
    student_ids: list[int] = []
    extra: dict[str, Any] = {}
    if report == "encounter-attendance":
        records = encounter_attendance.records(actor, filters, sort or encounter_attendance.DEFAULT_SORT)
        count = records.count()
        students = records
        rows: Iterator[list[Any]] = (row.cells() for row in encounter_attendance.rows(records))
        if file_format == "csv" and connections[records.db].vendor == "postgresql":
            database_csv = encounter_attendance.database_csv(records)
        header, template = encounter_attendance.COLUMNS, "reports/encounter_attendance_pdf.html"
        if file_format == "pdf":  # the printed report carries the totals
            extra["totals"] = encounter_attendance.totals(records)
    elif report == "provider-totals":
        provider_lines = totals.provider_lines(actor, filters, sort=sort or totals.DEFAULT_SORT)
        count = len(provider_lines)
        student_ids = sorted({pk for line in provider_lines for pk in line.students})
        rows = (totals.cells(line) for line in provider_lines)
        header, template = totals.COLUMNS, "reports/table_pdf.html"
    elif report == "awaiting-provider":
        mandates = lists.awaiting_provider(actor, filters)
        count = mandates.count()
        students = mandates
        rows = (lists.awaiting_cells(mandate, filters.end) for mandate in mandates.iterator(chunk_size=2000))
        header, template = lists.AWAITING_COLUMNS, "reports/table_pdf.html"
    elif report == "never-served":
        entries = lists.never_served(actor, filters)
        count = entries.count()
        students = entries
        rows = (lists.never_served_cells(entry, filters.end) for entry in entries.iterator(chunk_size=2000))
        header, template = lists.NEVER_SERVED_COLUMNS, "reports/table_pdf.html"
    else:
        lines = compliance.report_lines(actor, filters)
        count = len(lines)
        students = compliance.visible_mandates(actor, filters)
        rows = (compliance_cells(line) for line in lines)
        header, template = COMPLIANCE_COLUMNS, "reports/compliance_pdf.html"
        extra["total"] = compliance.total(lines)
    try:
        check_size(file_format, count)
    except TooManyRows as refused:
        raise ActionRefused(str(refused), field="format") from refused
    disclosure_record(
        actor=actor,
        kind=DisclosureKind.EXPORT,
        what=REPORTS[report],
        students=students,
        student_ids=student_ids,
        record_count=count,
        file_format=file_format,
        filters=filters.describe(),
    )
    context = {"title": REPORTS[report], "filters": filters, "header": header, "actor": actor}
    if file_format == "pdf":
        rows_list = [[display(cell) for cell in row] for row in rows]
        context.update(extra, rows=rows_list)
        rows = iter(rows_list)
    return Export(
        report=report,
        title=REPORTS[report],
        filters=filters,
        header=header,
        count=count,
        rows=rows,
        pdf_template=template,
        pdf_context=context,
        database_csv=database_csv,
    )


def _counted_lines(chunks: Iterator[bytes], total: int, progress: Progress, every: int = 1 << 22) -> Iterator[bytes]:
    """chunks of a CSV file, reporting its rows done (its lines, the header's first) about
    every 4 MB and at the end."""
    lines = since = 0
    for chunk in chunks:
        lines += chunk.count(b"\n")
        since += len(chunk)
        if since >= every:
            since = 0
            progress(min(max(lines - 1, 0), total), total)
        yield chunk
    progress(min(max(lines - 1, 0), total), total)
