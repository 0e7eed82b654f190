from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The Encounter Attendance and mandate compliance reports, their charts and exports."""

    name = "sesis.reports"
    label = "reports"

    def ready(self) -> None:
        from sesis.jobs.actions import RUNNERS
        from sesis.reports.jobs import KIND, run_report_export

        RUNNERS[KIND] = run_report_export
