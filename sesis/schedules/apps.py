"""Schedules: a provider's week of recurring sessions, and recording a day's sessions from it."""

from __future__ import annotations

from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "sesis.schedules"
    verbose_name = "Schedules"

    def ready(self) -> None:
        from sesis.schedules import receivers  # noqa: F401 (connects the Services Calendar's sessions ahead)
