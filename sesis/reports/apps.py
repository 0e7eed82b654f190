from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The Encounter Attendance and mandate compliance reports, their charts and exports."""

    name = "sesis.reports"
    label = "reports"
