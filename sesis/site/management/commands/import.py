from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sesis.imports.actions import import_later, import_now
from sesis.imports.framework import importers
from sesis.imports.models import ImportStatus
from sesis.lib.progress import progress_bar
from sesis.people.models import Staff


class Command(BaseCommand):
    help = (
        "Load one CSV file of KIND (see docs/imports.md). Every row is checked first: a file "
        "with bad rows is listed, every problem of every row, and nothing is applied. Re-loading "
        "a file changes nothing. The file is kept in the imports' history (Administration → Imports)."
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
        parser.add_argument(
            "--background",
            action="store_true",
            help="leave the file to the worker (manage.py worker) and return at once",
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
        content = file.read_bytes()
        if options["background"]:
            if no_process:
                raise CommandError("--no-process cannot be left to the worker; import without --background.")
            upload = import_later(actor=who, kind=kind, name=file.name, content=content)
            self.stdout.write(f"{file}: import {upload.pk} is queued; the worker applies it.")
            return

        with progress_bar(kind, verbosity=options["verbosity"]) as progress:
            upload = import_now(
                actor=who, kind=kind, name=file.name, content=content, progress=progress, process=not no_process
            )
        if upload.status == ImportStatus.REFUSED:
            for line, column, message in upload.problems:
                where = f"line {line}" + (f", column {column}" if column else "")
                self.stderr.write(f"{file}: {where}: {message}")
            raise CommandError(f"{file}: {len(upload.problems)} problem(s); nothing was imported.")
        summary = (
            f"{kind}: {upload.rows} rows read, {upload.created} created, "
            f"{upload.updated} updated, {upload.unchanged} unchanged"
        )
        self.stdout.write("; ".join([summary, *upload.notes]))
