from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sesis.ivr.actions import process_pending


class Command(BaseCommand):
    help = (
        "Process every pending first attend onto caseloads, oldest first, in batches. "
        "Idempotent and safe to kill at any moment: rerun it and nothing is lost or done twice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        verbose = options["verbosity"] >= 1

        def progress(done: int, total: int) -> None:
            if verbose:
                sys.stderr.write(f"first attends: {done:,} of {total:,} processed\n")
                sys.stderr.flush()

        counts = process_pending(batch_size=batch_size, progress=progress)
        added, already, refused = counts["added"], counts["already"], counts["refused"]
        self.stdout.write(f"{added} added to caseloads, {already} already on caseloads, {refused} not added")
