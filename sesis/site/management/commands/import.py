from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sesis.imports.framework import ImportRefused, ImportResult, importers
from sesis.lib.db import reconnecting
from sesis.people.models import Staff


class Command(BaseCommand):
    help = (
        "Load one CSV file of KIND (see docs/imports.md). Every row is checked first: a file "
        "with bad rows is listed row by row and nothing is applied. Re-loading a file changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=sorted(importers()))
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="actor", help="staff id recorded in the audit log as the importer")
        parser.add_argument(
            "--no-process",
            action="store_true",
            help="first_attends only: store the file, leave processing to process_first_attends",
        )

    def handle(self, *args: Any, kind: str, file: Path, actor: str | None, no_process: bool, **options: Any) -> None:
        who = None
        if actor:
            who = Staff.objects.filter(staff_id=actor).first()
            if who is None:
                raise CommandError(f"No staff member has staff id {actor}.")
        if no_process and kind != "first_attends":
            raise CommandError("--no-process is for first_attends only.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        verbose = options["verbosity"] >= 1

        def progress(done: int, total: int) -> None:
            if verbose and total >= 5000:
                sys.stderr.write(f"\r{kind}: {done:,} of {total:,} rows")
                if done == total:
                    sys.stderr.write("\n")

        importer = importers()[kind](process=not no_process)

        def load() -> ImportResult:
            with file.open("rb") as handle:
                return importer.run(actor=who, file=handle, name=file.name, progress=progress)

        try:
            # The file is applied in one transaction and applying it again changes
            # nothing, so after a database restart the whole load is simply retried.
            result = reconnecting(load)
        except ImportRefused as refused:
            for error in refused.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(f"{file}: {len(refused.errors)} problem(s); nothing was imported.") from None
        self.stdout.write(str(result))
