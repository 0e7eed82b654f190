from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sesis.jobs.actions import expire_jobs


class Command(BaseCommand):
    help = "Delete the files of background jobs past their expiry (run hourly; docs/operations.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = expire_jobs()
        self.stdout.write(f"{deleted} expired file part(s) deleted.")
