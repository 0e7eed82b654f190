"""python manage.py report encounter-attendance --from 2026-11-01 --to 2026-11-30 --as 100001 \
--format csv --output nov.csv"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sesis.access.scope import Scope, active
from sesis.audit.reads import replica_reads_for
from sesis.lib.errors import ActionRefused
from sesis.lib.exports import FORMATS, pdf_bytes, write_xlsx
from sesis.lib.progress import counted, progress_bar
from sesis.people.models import Staff
from sesis.reports.actions import REPORTS, report_export
from sesis.reports.filters import CERTIFIED_CHOICES, report_form


class Command(BaseCommand):
    help = (
        "Export a report (encounter-attendance, compliance, provider-totals, or the lists awaiting-provider and "
        "never-served, which stand as of today) to a CSV, XLSX or PDF file, as a staff member "
        "(--as: their scope applies and the export is written to the disclosure log)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=list(REPORTS))
        parser.add_argument("--from", dest="date_from", required=True, help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="Last day, YYYY-MM-DD")
        parser.add_argument("--as", dest="staff_id", required=True, help="Staff ID of who exports it")
        parser.add_argument("--format", dest="file_format", choices=list(FORMATS), required=True)
        parser.add_argument("--output", required=True, help="The file to write")
        parser.add_argument("--school", default="", help="A school's DBN")
        parser.add_argument("--district", default="", help="A district number")
        parser.add_argument("--provider", default="", help="A provider's staff ID")
        parser.add_argument("--student", default="", help="A student's OSIS ID")
        parser.add_argument("--service", default="", help="A service code, e.g. SPEECH")
        parser.add_argument("--session-type", default="", help="provided, student_absent, provider_absent, cancelled")
        parser.add_argument("--certified", default="", choices=[value for value, _ in CERTIFIED_CHOICES])
        parser.add_argument(
            "--sort",
            default="",
            help="Encounter Attendance: date, student, ...; Provider Service Totals: -shortfall, ...",
        )
        parser.add_argument("--behind", action="store_true", help="Provider Service Totals: only providers behind")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Staff.objects.filter(staff_id=options["staff_id"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active staff member has the staff ID {options['staff_id']}.")
        # Their scope, built once for the run; the reads on the replica, when there is one.
        with active(Scope(actor)), replica_reads_for(actor.pk):
            self._export(actor, options)

    def _export(self, actor: Staff, options: dict[str, Any]) -> None:
        names = [
            "date_from",
            "date_to",
            "school",
            "district",
            "provider",
            "student",
            "service",
            "session_type",
            "certified",
        ]
        data = {name: options[name] for name in names} | {"behind": "on" if options["behind"] else ""}
        form = report_form(options["report"], data, actor)
        if not form.is_valid():
            problems = "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items())
            raise CommandError(f"The filters are not valid: {problems}")
        try:
            export = report_export(
                actor=actor,
                report=options["report"],
                filters=form.filters(),
                file_format=options["file_format"],
                sort=options["sort"],
            )
        except ActionRefused as refused:
            raise CommandError(refused.message) from refused
        self.stderr.write(f"{export.title}: {export.count:,} rows to {options['output']}")
        output = Path(options["output"])
        with progress_bar(export.title, verbosity=options["verbosity"]) as progress:
            if options["file_format"] == "csv":
                with output.open("wb") as out:
                    out.writelines(export.csv(progress))
            elif options["file_format"] == "xlsx":
                with output.open("wb") as out:
                    write_xlsx(out, export.title, export.header, counted(export.rows, export.count, progress))
            else:
                output.write_bytes(pdf_bytes(export.pdf_template, export.pdf_context))
        self.stderr.write(f"Done: {export.count:,} rows written to {output}")
