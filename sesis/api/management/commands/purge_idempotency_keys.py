from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sesis.api.models import IdempotencyKey


class Command(BaseCommand):
    help = "Delete API idempotency keys older than --hours (24 by default). Run it daily; running it twice is harmless."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="Keep keys younger than this (at least 1).")

    def handle(self, *args: Any, hours: int, **options: Any) -> None:
        if hours < 1:
            self.stderr.write("--hours must be at least 1: a retry must still find its key.")
            raise SystemExit(2)
        cutoff = timezone.now() - dt.timedelta(hours=hours)
        deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} idempotency keys older than {hours} hours.")
