"""python manage.py medicaid_claims --month 2026-11 --output nov.x12 --as 100001"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sesis.claims.actions import claim_run_create, claim_run_file, month_start
from sesis.lib.errors import ActionRefused
from sesis.lib.progress import progress_bar
from sesis.people.models import Role, Staff


class Command(BaseCommand):
    help = (
        "Produce a month's Medicaid claim file (ASC X12 837P 005010X222A1) of the claimable, certified sessions not "
        "claimed before, with FILE-lines.csv (the same lines) and FILE-unclaimable.csv (the month's unclaimable "
        "sessions and why). The run is recorded as the administrator --as (default: the first active one) and the "
        "files are written to the disclosure log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="The month, YYYY-MM")
        parser.add_argument("--output", required=True, help="The claim file to write")
        parser.add_argument("--as", dest="staff_id", default="", help="Staff ID of the administrator")

    def handle(self, *args: Any, **options: Any) -> None:
        admins = Staff.objects.filter(role=Role.ADMINISTRATOR, is_active=True).order_by("staff_id")
        actor = admins.filter(staff_id=options["staff_id"]).first() if options["staff_id"] else admins.first()
        if actor is None:
            raise CommandError(f"No active administrator has the staff ID {options['staff_id'] or '(any)'}.")
        try:
            with progress_bar("students claimed", verbosity=options["verbosity"], unit="students") as progress:
                run = claim_run_create(actor=actor, month=month_start(options["month"]), progress=progress)
        except ActionRefused as refusal:
            raise CommandError(refusal.message) from None
        output = Path(options["output"])
        stem = output.with_suffix("") if output.suffix else output
        written = []
        for which, path in (
            ("x12", output),
            ("lines", Path(f"{stem}-lines.csv")),
            ("unclaimable", Path(f"{stem}-unclaimable.csv")),
        ):
            _name, _type, parts = claim_run_file(actor=actor, run=run, which=which)
            with path.open("w", encoding="utf-8", newline="") as out:
                out.writelines(parts)
            written.append(str(path))
        self.stdout.write(
            f"Claim run {run.pk} for {run.month:%Y-%m}: {run.lines} new claims, {run.replacements} replacements, "
            f"{run.voids} voids, ${run.amount:,.2f}; {run.unclaimable} sessions not claimable. "
            f"Wrote {', '.join(written)}."
            + ("" if run.claimed_anything else " Nothing new to claim: the claim file is empty.")
        )
