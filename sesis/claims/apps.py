"""Medicaid claim files (ASC X12 837P), their runs, and the lists of unclaimable sessions."""

from __future__ import annotations

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "sesis.claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from sesis.claims.status import claim_status
        from sesis.services.medicaid import CLAIM_STATUS

        if claim_status not in CLAIM_STATUS:
            CLAIM_STATUS.append(claim_status)

        from sesis.claims.jobs import KIND, run_claim_job
        from sesis.jobs.actions import RUNNERS

        RUNNERS[KIND] = run_claim_job
