"""Service records: the sessions providers deliver, their certification, amendments and group sessions."""

from __future__ import annotations

from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "sesis.services"
    verbose_name = "Service records"

    def ready(self) -> None:
        from sesis.caseloads.queries import REMOVAL_NOTES
        from sesis.services.access import uncertified_on_removal

        if uncertified_on_removal not in REMOVAL_NOTES:
            REMOVAL_NOTES.append(uncertified_on_removal)

        from sesis.schoolcalendar.actions import RECORDS_ON_DAYS
        from sesis.services.closed_days import records_on_days

        if records_on_days not in RECORDS_ON_DAYS:
            RECORDS_ON_DAYS.append(records_on_days)
