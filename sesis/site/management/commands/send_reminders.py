"""manage.py send_reminders: the daily reminder emails (sesis/site/reminders.py). Run
once a day by cron (docs/operations.md); running it again the same day mails no one twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sesis.site.reminders import send_reminders


class Command(BaseCommand):
    help = "Email providers their records awaiting a signature, and supervisors their digest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, help="as if today were this day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders(options["date"] or timezone.localdate())
        self.stdout.write(
            f"Reminders: {sent.providers} to providers, {sent.supervisors} digests to supervisors, "
            f"{sent.skipped} already sent today, {sent.failed} failed (tried again next run)."
        )
        if sent.failed:
            raise CommandError(f"{sent.failed} reminder email(s) could not be sent; see the log.")
