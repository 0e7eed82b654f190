"""A report export too large to make within the request (a district's or the city's
Encounter Attendance), made by the worker as a job (sesis.jobs): the same filters, the
same disclosure log entry (written as the worker starts the file), the same file."""

from __future__ import annotations

from django.http import QueryDict

from sesis.audit.reads import replica_reads_for
from sesis.jobs.actions import FileWriter, Progress
from sesis.jobs.models import Job
from sesis.lib.errors import ActionRefused
from sesis.lib.exports import pdf_bytes, xlsx_file
from sesis.lib.progress import counted
from sesis.reports.actions import report_export
from sesis.reports.filters import report_form

KIND = "report-export"


def run_report_export(job: Job, writer: FileWriter, progress: Progress) -> None:
    params = job.params
    actor = job.requested_by
    form = report_form(params["report"], QueryDict(params["query"]), actor)
    if not form.is_valid():
        raise ActionRefused("The report's filters are no longer valid (a school or provider changed); ask again.")
    with replica_reads_for(actor.pk):  # the file's rows; its parts are written to the primary
        export = report_export(
            actor=actor,
            report=params["report"],
            filters=form.filters(),
            file_format=params["file_format"],
            sort=params.get("sort", ""),
        )
        if params["file_format"] == "csv":
            for chunk in export.csv(progress):
                writer.write(chunk)
        elif params["file_format"] == "pdf":
            writer.write(pdf_bytes(export.pdf_template, export.pdf_context))
            progress(export.count, export.count)
        else:
            rows = counted(export.rows, export.count, progress, every=5000)
            with xlsx_file(export.title, export.header, rows) as workbook:
                while chunk := workbook.read(1024 * 1024):
                    writer.write(chunk)
    job.message = f"{export.title}: {export.count:,} rows."
