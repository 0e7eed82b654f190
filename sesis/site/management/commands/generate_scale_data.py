"""python manage.py generate_scale_data [--scale 1.0] [--seed 2026]: fill an empty
database with a district of full size (or a fraction of it), for benchmarks."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from sesis.lib.progress import progress_bar
from sesis.site.scale import SCALE_PASSWORD, Plan, generate
from sesis.students.models import Student


class Command(BaseCommand):
    help = "Fill an empty database with a district at scale (1.0: 1,600 schools, 1.1 million students)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="Fraction of a full-size district (e.g. 0.01).")
        parser.add_argument("--seed", type=int, default=2026, help="The same seed gives the same district.")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="The last day with records.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["scale"] <= 2:
            raise CommandError("--scale must be more than 0 and at most 2.")
        if Student.objects.exists():
            raise CommandError("The database already has students; generate into an empty database.")
        plan = Plan(scale=options["scale"], seed=options["seed"], today=options["today"] or timezone.localdate())
        began = time.monotonic()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - began:7.1f} s] {message}")

        with progress_bar("service records", verbosity=options["verbosity"], unit="records") as records_done:
            counts = generate(plan, progress, records_done)
        total = sum(counts.values())
        progress(f"done on {connection.vendor}: {total:,} rows ({total / (time.monotonic() - began):,.0f} rows/s)")
        self.stdout.write(
            f"Logins: staff IDs from 5000001 (providers), 8000000 (supervisors), 9000000 "
            f"(administrators); password {SCALE_PASSWORD}"
        )
