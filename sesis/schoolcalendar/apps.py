"""School days, holidays, recesses and closures, citywide or for a school."""

from __future__ import annotations

from django.apps import AppConfig


class SchoolCalendarConfig(AppConfig):
    name = "sesis.schoolcalendar"
    verbose_name = "School calendar"
