from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE while SESIS runs (docs/operations.md#backups). "
        "PostgreSQL: pg_dump's custom format (restore with pg_restore). SQLite: its online "
        "backup, a consistent copy of the database file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if file.exists():
            raise CommandError(f"{file} exists; a backup never overwrites a file.")
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            source = sqlite3.connect(settings["NAME"])
            target = sqlite3.connect(file)
            with target:
                source.backup(target)
            target.close()
            source.close()
        elif connection.vendor == "postgresql":
            pg_dump = shutil.which("pg_dump")
            if pg_dump is None:
                raise CommandError("pg_dump is not installed (apt-get install postgresql-client).")
            env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
            command = [pg_dump, "--format=custom", "--no-owner", f"--file={file}", "--dbname", settings["NAME"]]
            for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
                if settings.get(key):
                    command += [flag, str(settings[key])]
            result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
            if result.returncode != 0:
                file.unlink(missing_ok=True)
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"No backup for a {connection.vendor} database.")
        self.stdout.write(f"Backed up to {file} ({file.stat().st_size:,} bytes).")
