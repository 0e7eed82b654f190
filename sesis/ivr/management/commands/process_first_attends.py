from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sesis.ivr.actions import process_pending
from sesis.lib.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Process every pending first attend onto caseloads, oldest first, in batches. "
        "Idempotent and safe to kill at any moment: rerun it and nothing is lost or done twice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        with progress_bar("first attends", verbosity=options["verbosity"], unit="processed") as progress:
            counts = process_pending(batch_size=batch_size, progress=progress)
        added, already, refused = counts["added"], counts["already"], counts["refused"]
        self.stdout.write(f"{added} added to caseloads, {already} already on caseloads, {refused} not added")
