from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sesis.schools.models import School
from sesis.site.demo import DEMO_PASSWORD, DEMO_PIN, LOGINS, load_demo_data


class Command(BaseCommand):
    help = "Load the demo district (schools, staff, ~200 students, mandates, calendar) into an empty database."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the database already has schools")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, if_empty: bool, seed: int, **options: Any) -> None:
        if School.objects.exists():
            if not if_empty:
                self.stderr.write("The database already has data; the demo district is loaded only into an empty one.")
            self.print_logins()
            return
        self.stdout.write("Loading the demo district…")
        load_demo_data(seed=seed)
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in LOGINS:
            self.stdout.write(f"  {login.staff_id}  {login.who}")
        self.stdout.write(f"Providers' telephone PIN (IVR, /ivr/voice/): {DEMO_PIN}")
        self.stdout.write("")
